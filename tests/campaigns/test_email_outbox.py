"""The signers' e-mails leave the request: the signature table is their outbox
(Signature.email_due), and one queued run of tasks.send_due_emails sends all that are due, in
production from the database queue by the worker (`manage.py db_worker`)."""

import datetime
import io
import threading

import psycopg
import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from campaigns import services, tasks
from campaigns.models import Signature
from tests.campaigns.test_concurrency import errors_of, run_concurrently

DATABASE_QUEUE = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
)
SEND_DUE_EMAILS = "campaigns.tasks.send_due_emails"


def signer(index, name="Kari Nordmann"):
    return services.SignatureData(name, f"signer.{index}@example.no", "5003", False, "")


def queued_runs():
    return DBTaskResult.objects.filter(task_path=SEND_DUE_EMAILS)


def due():
    return Signature.objects.exclude(email_due=Signature.Email.NONE)


@pytest.fixture
def worker_keeps_the_test_transaction(monkeypatch):
    # The worker drops stale connections between tasks; in an ordinary test that would be the
    # test's own transaction, so it keeps it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@DATABASE_QUEUE
@pytest.mark.django_db
def test_a_surge_queues_one_run_and_the_worker_sends_every_email(
    petition, django_capture_on_commit_callbacks, worker_keeps_the_test_transaction
):
    for index in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.sign(petition.slug, signer(index), ip_hash="x")
    assert not mail.outbox
    assert queued_runs().count() == 1
    assert due().count() == 3

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert sorted(m.to[0] for m in mail.outbox) == [f"signer.{i}@example.no" for i in range(3)]
    assert all(m.subject == "Bekreft signaturen din: Opprop: Stopp stigma" for m in mail.outbox)
    assert not due().exists()
    assert queued_runs().get().status == "SUCCESSFUL"
    assert queued_runs().get().return_value == 3

    # The run has started and finished: the next signer queues a new one.
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(petition.slug, signer(3), ip_hash="x")
    assert queued_runs().count() == 2
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mail.outbox[-1].to == ["signer.3@example.no"]
    assert len(mail.outbox) == 4


@DATABASE_QUEUE
@pytest.mark.django_db
def test_a_repeat_signer_is_emailed_through_the_outbox(
    petition, django_capture_on_commit_callbacks, worker_keeps_the_test_transaction
):
    data = signer(0)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(petition.slug, data, ip_hash="x")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    signature = Signature.objects.get()
    services.confirm(services.confirm_token(signature))
    Signature.objects.update(
        last_email_sent_at=signature.last_email_sent_at - services.EMAIL_RESEND_INTERVAL
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.sign(petition.slug, data, ip_hash="x")
    assert due().get().email_due == Signature.Email.ALREADY_SIGNED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.subject for m in mail.outbox] == [
        "Bekreft signaturen din: Opprop: Stopp stigma",
        "Du har allerede skrevet under: Opprop: Stopp stigma",
    ]
    assert not due().exists()


@pytest.mark.django_db
def test_an_email_that_fails_stays_due_and_the_others_are_sent(
    petition, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def refuse_one(self, messages):
        if any(m.to == ["signer.1@example.no"] for m in messages):
            raise OSError("mailbox unavailable")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_one)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(3):
            services.sign(petition.slug, signer(index), ip_hash="x")

    assert sorted(m.to[0] for m in mail.outbox) == ["signer.0@example.no", "signer.2@example.no"]
    assert [s.email for s in due()] == ["signer.1@example.no"]

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert tasks.send_due_emails.call() == 1
    assert mail.outbox[-1].to == ["signer.1@example.no"]
    assert not due().exists()


@pytest.mark.django_db
def test_nothing_is_lost_while_the_mail_server_is_down(
    petition, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(petition.slug, signer(0), ip_hash="x")
    with pytest.raises(OSError):
        tasks.send_due_emails.call()
    assert due().count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(petition.slug, signer(1), ip_hash="x")
    assert sorted(m.to[0] for m in mail.outbox) == ["signer.0@example.no", "signer.1@example.no"]
    assert not due().exists()


@DATABASE_QUEUE
@pytest.mark.django_db
def test_the_run_is_queued_only_once_the_signature_is_committed(
    petition, django_capture_on_commit_callbacks
):
    # A run queued (or marked as queued) before the commit could start and read the outbox
    # before the signature is in it, and leave its e-mail behind.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.sign(petition.slug, signer(0), ip_hash="x")
        assert not queued_runs().exists()
        assert cache.get(f"task-queued:{tasks.DUE_EMAILS}") is None
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued_runs().count() == 1


@pytest.mark.django_db
def test_withdrawal_or_invalidation_before_the_email_goes_out_cancels_it(
    petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.sign(petition.slug, signer(0), ip_hash="x")
        services.sign(petition.slug, signer(1), ip_hash="fraud")
    services.withdraw(services.withdraw_token(Signature.objects.get(email="signer.0@example.no")))
    services.invalidate(Signature.objects.filter(ip_hash="fraud"))
    assert tasks.send_due_emails.call() == 0
    assert not mail.outbox


@DATABASE_QUEUE
def test_signers_racing_the_worker_all_get_exactly_one_email(
    transactional_db,
    petition,
):
    """40 people sign at once while the worker runs whatever is queued: however their commits
    interleave with the runs' start, every one of them is e-mailed, and only once."""
    signing_done = threading.Event()
    worker_errors = []

    def worker():
        run = db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        try:
            while not signing_done.is_set():
                run.run()
            run.run()  # what the last signers queued
        except Exception as error:  # noqa: BLE001 - reported to the test
            worker_errors.append(error)
        finally:
            connections.close_all()

    worker_thread = threading.Thread(target=worker, name="email-worker")
    worker_thread.start()
    try:
        outcomes = run_concurrently(
            [
                lambda index=index: services.sign(petition.slug, signer(index), ip_hash="x")
                for index in range(40)
            ]
        )
    finally:
        signing_done.set()
        worker_thread.join()

    assert errors_of(outcomes) == []
    assert worker_errors == []
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(f"signer.{i}@example.no" for i in range(40))
    assert not due().exists()
    # Runs are shared: far fewer than one per signer.
    assert queued_runs().filter(status="FAILED").count() == 0
    assert queued_runs().count() < 40


@pytest.mark.django_db
def test_the_command_sends_what_a_lost_run_left_due(petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the queued run is lost
        services.sign(petition.slug, signer(0), ip_hash="x")
    out = io.StringIO()

    call_command("send_due_emails", stdout=out)

    assert out.getvalue() == "Sent 1 e-mail(s).\n"
    assert [m.to for m in mail.outbox] == [["signer.0@example.no"]]
    call_command("send_due_emails", stdout=out)
    assert out.getvalue().endswith("Sent 0 e-mail(s).\n")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_row_another_run_has_claimed_is_left_to_it_until_the_claim_runs_out(
    petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.sign(petition.slug, signer(0), ip_hash="x")
    now = timezone.now()
    due().update(email_claimed_until=now + datetime.timedelta(minutes=5))

    assert tasks.send_due_emails.call() == 0
    assert not mail.outbox and due().count() == 1

    # The run that claimed it died before sending: once its claim is over, the e-mail goes.
    due().update(email_claimed_until=now - datetime.timedelta(seconds=1))
    assert tasks.send_due_emails.call() == 1
    assert [m.to for m in mail.outbox] == [["signer.0@example.no"]]
    assert Signature.objects.get().email_claimed_until is None


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
@pytest.mark.django_db(transaction=True)
def test_an_email_sent_while_the_database_went_away_is_recorded_once_it_is_back(
    petition, monkeypatch, caplog
):
    """The mail server takes the message, then the database connection is cut (as by a
    restart): the run keeps trying to record it, and it is never sent again."""
    from django.core.mail.backends.locmem import EmailBackend

    services.sign(petition.slug, signer(0), ip_hash="x")  # its queued run is never taken
    real_send = EmailBackend.send_messages
    cut = []

    def send_then_lose_the_database(self, messages):
        sent = real_send(self, messages)
        if not cut:
            backend_pid = connection.connection.info.backend_pid
            with psycopg.connect(**connection.get_connection_params()) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
            cut.append(backend_pid)
        return sent

    monkeypatch.setattr(EmailBackend, "send_messages", send_then_lose_the_database)

    assert tasks.send_due_emails.call() == 1

    assert cut and "recording the e-mail" in caplog.text
    assert [m.to for m in mail.outbox] == [["signer.0@example.no"]]
    assert not due().exists()
    assert tasks.send_due_emails.call() == 0
    assert len(mail.outbox) == 1
