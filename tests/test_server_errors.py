"""The site's own error pages (spero_site/views.server_error): a database that cannot be reached
is a pause — 503 in Norwegian with Retry-After — and anything else the Norwegian 500 page."""

import pytest
from django.db import OperationalError

from pages.models import HomePage


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


def break_the_home_page(monkeypatch, error):
    def fail(self, request, *args, **kwargs):
        raise error

    monkeypatch.setattr(HomePage, "get_context", fail)


def test_a_lost_database_gives_503_in_norwegian_with_retry_after(client, home_page, monkeypatch):
    break_the_home_page(monkeypatch, OperationalError("server closed the connection"))

    response = client.get(home_page.url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert 'lang="nb"' in html
    assert "Nettstedet er straks tilbake" in html
    assert "Du blir ikke telt to ganger" in html


def test_any_other_fault_gives_the_norwegian_500_page(client, home_page, monkeypatch):
    break_the_home_page(monkeypatch, ValueError("a bug"))

    response = client.get(home_page.url)

    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.content.decode()
    assert "Retry-After" not in response
