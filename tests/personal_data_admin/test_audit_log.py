"""Personal data in the admin for staff («Ansatt»): every list, export and action works, and
each export and staff action is in the audit log with the rows it covered, which volunteers do
not see."""

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from campaigns.models import Signature
from donations.models import DonationIntent
from events.models import Registration
from tests.admin_helpers import log_in
from tests.personal_data_admin.staff_calls import (
    Call,
    calls,
    file_rows,
    last_log_pk,
    log_entries_after,
)

pytestmark = pytest.mark.django_db


def test_an_ansatt_reaches_every_personal_data_url_and_each_action_works(client, ansatt, data):
    log_in(client, ansatt)
    for call in calls(data):
        response = call.send(client)
        assert response.status_code == call.ok, call
        if call.ok == 302:
            assert response["Location"] != reverse("wagtailadmin_home"), call
        if call.export:
            assert file_rows(call, response) >= 0, call
    signatures = data["signatures"]
    for signature in signatures.values():
        signature.refresh_from_db()
    assert signatures["fraud"].status == Signature.Status.INVALIDATED
    assert signatures["comment"].comment_approved is True
    assert signatures["rude"].comment == ""
    data["single"].refresh_from_db()
    data["group"].refresh_from_db()
    assert data["single"].status == Registration.Status.CONFIRMED
    assert (data["group"].status, data["group"].priority) == (Registration.Status.CANCELLED, 3)
    data["to_mark_paid"].refresh_from_db()
    data["by_bank"].refresh_from_db()
    assert data["to_mark_paid"].status == DonationIntent.Status.PAID
    assert data["by_bank"].status == DonationIntent.Status.PAID


def test_every_export_and_staff_action_is_in_the_audit_log_with_its_rows(client, ansatt, data):
    log_in(client, ansatt)
    for call in calls(data):
        before = last_log_pk()
        started = timezone.now()
        response = call.send(client)
        assert response.status_code == call.ok, call
        entries = list(log_entries_after(before))
        if call.audit is None:
            continue
        action, rows_key = call.audit
        assert entries, f"no audit log entry for {call}"
        assert {entry.action for entry in entries} == {action}, call
        assert {entry.user_id for entry in entries} == {ansatt.pk}, call
        assert all(started <= entry.timestamp <= timezone.now() for entry in entries), call
        if len(entries) > 1:
            assert len({entry.uuid for entry in entries}) == 1, call  # one action, one uuid
        if call.export:
            assert sum(entry.data[rows_key] for entry in entries) == file_rows(call, response)
            assert {entry.data["format"] for entry in entries} == {call.export}, call
        elif rows_key == "invalidated":
            invalidated = Signature.objects.filter(status=Signature.Status.INVALIDATED).count()
            assert sum(entry.data["invalidated"] for entry in entries) == invalidated == 1
        elif rows_key == "rows":  # the printed participant list
            confirmed = data["event"].registrations.filter(status=Registration.Status.CONFIRMED)
            assert entries[0].data["rows"] == confirmed.count() > 0
        elif rows_key == "lines":  # the bank statement
            assert entries[0].data["lines"] == 1 and entries[0].data["paid"] == 1
        else:  # one entry per row acted on
            assert len(entries) == 1, call
            acted_on = [*data["signatures"].values(), data["single"], data["group"]]
            acted_on += [data["to_mark_paid"], data["contact_message"], data["member"]]
            assert entries[0].object_id in {str(row.pk) for row in acted_on}, call


def test_an_export_of_no_rows_is_logged_too(client, ansatt, data):
    log_in(client, ansatt)
    before = last_log_pk()
    response = client.get(
        reverse("signatures:index"), {"q": "nobody-by-this-name", "export": "csv"}
    )
    assert file_rows(Call("signatures:index", params={"export": "csv"}), response) == 0
    [entry] = log_entries_after(before)
    assert (entry.action, entry.user_id, entry.data["rows"]) == ("campaigns.export", ansatt.pk, 0)


def test_a_redaktor_sees_none_of_the_personal_data_audit_log(client, ansatt, redaktor, data):
    log_in(client, ansatt)
    for call in calls(data):
        call.send(client)
    personal = ("campaigns.", "events.", "donations.")
    assert any(e.action.startswith(personal) for e in ModelLogEntry.objects.all())
    visible = ModelLogEntry.objects.viewable_by_user(redaktor)
    assert [e.action for e in visible if e.action.startswith(personal)] == []
