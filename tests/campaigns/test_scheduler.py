"""The scheduler loop (manage.py run_scheduler), with the opprop's outbox as its job: a tick sends
what is due, and a job that fails is logged and does not stop the others or the loop."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from campaigns import services
from campaigns.models import Signature
from spero_site import backups
from spero_site.management.commands import run_scheduler

NO_RUNS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    SCHEDULER_INTERVAL_SECONDS=0,
)


@pytest.fixture(autouse=True)
def scheduler_keeps_the_test_transaction(monkeypatch):
    # The loop drops stale connections around each job; in a test that is the test's own.
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)


@pytest.fixture
def due_signature(petition):
    with NO_RUNS:  # the run its signing queued is lost: only the scheduler sends it
        services.sign(
            petition.slug,
            services.SignatureData("Kari Nordmann", "kari@example.no", "5003", False, ""),
            ip_hash="x",
        )
    return Signature.objects.get()


@NO_RUNS
@pytest.mark.django_db
def test_a_tick_sends_what_is_due(due_signature):
    call_command("run_scheduler", "--ticks", "1")
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    due_signature.refresh_from_db()
    assert due_signature.email_due == Signature.Email.NONE


@NO_RUNS
@pytest.mark.django_db
def test_a_failing_job_is_logged_and_the_next_one_still_runs(due_signature, monkeypatch, caplog):
    monkeypatch.setattr(
        run_scheduler, "JOBS", ((("no_such_command",), 1), (("send_due_emails",), 1))
    )
    call_command("run_scheduler", "--ticks", "2")
    assert "Scheduled job no_such_command failed" in caplog.text
    assert caplog.text.count("Scheduled job no_such_command failed") == 2
    assert len(mail.outbox) == 1


def record_jobs(monkeypatch, backup_dir):
    """Records the scheduler's jobs; a «backup» job writes an (empty) backup folder for now."""
    ran = []

    def run_job(self, command):
        ran.append(command[0])
        if command[0] == "backup":
            stamp = timezone.now().astimezone(datetime.UTC).strftime(backups.FOLDER_FORMAT)
            (backup_dir / (backups.FOLDER_PREFIX + stamp)).mkdir()

    monkeypatch.setattr(run_scheduler.Command, "run_job", run_job)
    return ran


def at(monkeypatch, hour):
    moment = datetime.datetime(2026, 12, 6, hour, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
    monkeypatch.setattr(timezone, "now", lambda: moment)


@NO_RUNS
@override_settings(BACKUP_HOUR=3)
def test_the_backup_runs_once_a_day_from_backup_hour(tmp_path, monkeypatch):
    ran = record_jobs(monkeypatch, tmp_path)
    with override_settings(BACKUP_DIR=str(tmp_path)):
        at(monkeypatch, 2)
        call_command("run_scheduler", "--ticks", "2")
        assert "backup" not in ran
        at(monkeypatch, 4)
        call_command("run_scheduler", "--ticks", "3")  # a restart too: still once that day
        call_command("run_scheduler", "--ticks", "3")
    assert ran.count("backup") == 1


@NO_RUNS
@override_settings(BACKUP_DIR="", BACKUP_HOUR=0)
def test_no_backup_job_without_backup_dir(tmp_path, monkeypatch):
    ran = record_jobs(monkeypatch, tmp_path)
    call_command("run_scheduler", "--ticks", "2")
    assert "backup" not in ran
    assert "send_due_emails" in ran
