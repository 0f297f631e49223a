"""Personal data in the admin refused to volunteers («Redaktør»): every personal-data URL is in
the list of requests (checked against the admin's URL patterns, so that a personal-data view
added later without a test here, or without the 403, fails), and each answers them 403 with the
admin's refusal page and nothing of anyone's. They see neither its menu nor its dashboard
panels, which staff («Ansatt») see."""

import pytest
from django.urls import reverse
from wagtail.admin.viewsets import viewsets

from donations import admin_tax
from events import admin_views as events_admin
from spero_site.personal_data import PersonalDataViewSet
from tests.admin_helpers import log_in
from tests.personal_data_admin.staff_calls import (
    PERSONAL_MARKERS,
    XHR,
    calls,
    personal_data_patterns,
    state,
)

pytestmark = pytest.mark.django_db


def test_every_personal_data_url_is_in_the_list_and_answers_a_refusal_with_403(data):
    found = personal_data_patterns()
    listed = {call.name for call in calls(data)}
    assert sorted(set(found) - listed) == [], "personal-data URLs without a test in calls()"
    assert sorted(listed - set(found)) == []
    assert (
        sorted(name for name, view in found.items() if not getattr(view, "refuses_with_403", False))
        == []
    )


def test_the_list_has_each_export_and_each_action(data):
    everything = calls(data)
    for viewset in viewsets.viewsets:
        if isinstance(viewset, PersonalDataViewSet) and viewset.list_export:
            index = viewset.get_url_name("index")
            formats = {call.export for call in everything if call.name == index and call.export}
            assert formats == {"csv", "xlsx"}, index
    exported_lists = {
        (call.params["list"], call.export)
        for call in everything
        if call.name == "registrations:index" and call.export
    }
    assert exported_lists == {
        (name, f) for name in events_admin.EXPORT_LISTS for f in ("csv", "xlsx")
    }
    actions = {c.params.get("action") for c in everything if c.name == "registrations:edit"}
    assert actions == {None, *events_admin.STAFF_ACTIONS, "priority"}
    comment_actions = {c.params.get("action") for c in everything if c.name.endswith(":comments")}
    assert comment_actions == {None, "approve", "reject"}
    tax_formats = {c.export for c in everything if c.name == "donations_admin:tax_report"}
    assert tax_formats == {None, *admin_tax.FORMATS}


def test_a_redaktor_gets_403_on_every_personal_data_list_export_and_action(client, redaktor, data):
    log_in(client, redaktor)
    before = state()
    for call in calls(data):
        response = call.send(client)
        assert response.status_code == 403, call
        html = response.content.decode()
        assert "data-refused" in html, call  # the admin's refusal page, not a bare 403
        assert [marker for marker in PERSONAL_MARKERS if marker in html] == [], call
        assert not hasattr(response, "streaming_content"), call
        scripted = call.send(client, headers=XHR)
        assert scripted.status_code == 403, call
        assert [marker for marker in PERSONAL_MARKERS if marker in scripted.content.decode()] == []
    assert state() == before


def test_the_refusal_page_is_in_the_admins_look(client, redaktor):
    log_in(client, redaktor)
    response = client.get(reverse("signatures:index"))
    assert response.status_code == 403
    assert "wagtailadmin/base.html" in [t.name for t in response.templates]
    assert '<html lang="nb"' in response.content.decode()
    assert reverse("wagtailadmin_home") in response.content.decode()


PANELS = ["open-petitions", "upcoming-events", "donations-this-month"]


def test_a_redaktor_sees_no_personal_data_menu_and_no_panel(client, redaktor, data):
    log_in(client, redaktor)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "personal-data" not in html
    assert [panel for panel in PANELS if panel in html] == []
    for name in ("signatures:index", "registrations:index", "donation_intents:index"):
        assert reverse(name) not in html


def test_an_ansatt_sees_the_personal_data_menu_and_every_panel(client, ansatt, data):
    log_in(client, ansatt)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "personal-data" in html
    assert [panel for panel in PANELS if panel not in html] == []
    for name in ("campaigns_admin:invalidate", "campaigns_admin:comments"):
        assert reverse(name) in html
