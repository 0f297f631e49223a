"""In production the confirmation e-mail leaves the request: it is queued in the database and
sent by the worker (`manage.py db_worker`)."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from campaigns import services

pytestmark = pytest.mark.django_db


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_confirmation_email_is_queued_and_sent_by_the_worker(
    petition, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker drops stale connections between tasks; here that would be the test's own
    # transaction, so it keeps it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    data = services.SignatureData("Kari Nordmann", "kari@example.no", "5003", False, "")
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(petition, data, ip_hash="x")
    assert not mail.outbox
    assert DBTaskResult.objects.filter(task_path="campaigns.tasks.send_confirmation_email").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    assert "Bekreft signaturen din" in mail.outbox[0].subject
