"""The benchmark's own pieces that touch the site (bench/): its baseline views, the signatures it
writes with COPY for the export, and the pages it counts queries on. The benchmark itself runs
with `make bench` (docs/performance.md); these keep it from breaking silently when the models
or pages change."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import download, querycount
from bench import run as bench_run
from bench.views import BASELINE_GET_BODY
from campaigns.models import Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_the_get_baseline_answers_without_a_query_or_a_cookie(client, bench_urls):
    client.get(bench_run.BASELINE_GET_PATH)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(bench_run.BASELINE_GET_PATH)
    assert response.status_code == 200
    assert response.content.decode() == BASELINE_GET_BODY
    assert len(captured) == 0
    assert not response.cookies
    assert client.post(bench_run.BASELINE_GET_PATH).status_code == 405


def test_the_signatures_written_with_copy_are_all_in_the_export(admin_client, bench_urls):
    petition, _seconds = bench_run.create_export_petition(25)
    stored = Signature.objects.filter(petition=petition)
    assert stored.count() == 25
    assert stored.filter(status=Signature.Status.CONFIRMED).count() == 25
    petition.refresh_from_db()
    assert petition.signature_count == 25
    response = admin_client.get(bench_run.export_path(petition))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    lines = text.strip("\ufeff").splitlines()
    assert len(lines) == 1 + 25  # the heading and every row
    assert "Åse Øyvind Ærlig 1" in text
    assert "'=Navn 0" in text  # a would-be formula is neutralised


def test_querycount_finds_a_page_of_every_public_type(demo_site):
    names = dict(querycount.public_pages())
    for name in ("home", "statistics", "campaign", "conference", "donation", "news", "contact"):
        assert name in names, name
    assert names["home"] == "/"
    assert names["statistics"] == bench_run.STATISTICS_PATH
    assert names["campaign"] == bench_run.CAMPAIGN_PATH


def test_shape_leaves_out_values_and_columns():
    first = querycount.shape(
        'SELECT "p"."id", "p"."title" FROM "p" WHERE "p"."id" IN (1, 2) AND "p"."slug" = \'a\''
    )
    second = querycount.shape(
        'SELECT "p"."id", "p"."title" FROM "p" WHERE "p"."id" IN (7) AND "p"."slug" = \'b\''
    )
    assert first == second == 'SELECT … FROM "p" WHERE "p"."id" IN (...) AND "p"."slug" = ?'


class FakeSocket:
    """Hands out a recorded answer in pieces of the given sizes, as a socket might."""

    def __init__(self, data, sizes):
        self.data, self.sizes = data, itertools.cycle(sizes)

    def recv(self, _size):
        size = next(self.sizes)
        piece, self.data = self.data[:size], self.data[size:]
        return piece

    def sendall(self, _data):
        pass


@pytest.mark.parametrize("sizes", [(1,), (7, 3), (4096,)])
def test_the_download_client_reads_chunked_answers_split_anywhere(sizes, monkeypatch):
    monkeypatch.setattr(download, "COALESCE_WAIT", 0)
    rows = [f"Åse {n},5003\r\n".encode() for n in range(50)]
    chunked = b"".join(b"%X\r\n%s\r\n" % (len(row), row) for row in rows) + b"0\r\n\r\n"
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked
    following = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    connection = download.Connection.__new__(download.Connection)  # no real socket
    connection.sock = FakeSocket(answer + following, sizes)
    connection.host, connection.buffer = "127.0.0.1:8000", b""
    status, headers, pieces = connection.request("GET", "/", {})
    assert (status, dict(headers)["transfer-encoding"]) == (200, "chunked")
    assert b"".join(pieces) == b"".join(rows)
    # The connection stays usable: the next answer on it is read whole.
    status, _, pieces = connection.request("GET", "/", {})
    assert (status, b"".join(pieces)) == (200, b"ok")
