"""What the admin tests of registrations share: reading an export back, acting on one
registration, and the audit log entries all that leaves (the filled event, `queue`, is in
conftest.py)."""

import csv
import io

import openpyxl
from django.urls import reverse
from wagtail.models import ModelLogEntry

INDEX = "registrations:index"


def export(client, list_name, fmt, **params):
    response = client.get(reverse(INDEX), {**params, "list": list_name, "export": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(content):
    """The rows as dicts by heading (the heading row itself is checked on its own)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def xlsx_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def export_entries():
    return ModelLogEntry.objects.filter(action="events.export")


def registration_entries(registration):
    return ModelLogEntry.objects.filter(
        action__startswith="events.", object_id=str(registration.pk)
    ).exclude(action__in=["events.export", "events.print"])


def manage_url(registration):
    return reverse("registrations:edit", args=[registration.pk])


def act(client, registration, action, **data):
    response = client.post(manage_url(registration), {"action": action, **data}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(manage_url(registration), 302)]
    return response.content.decode()
