"""The worker is killed (SIGKILL) in the middle of sending a newsletter through a real SMTP
server on loopback; the scheduler's `resume_mailings` and a new worker finish it. Nobody gets a
copy twice, everyone recorded as sent got exactly one, and at most the one message the worker
was handing over is counted as perhaps sent."""

import asyncio
import collections
import mailbox
import os
import signal
import subprocess
import sys
import time

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from newsletter.models import Delivery, Mailing
from stack.processes import free_port
from stack.smtp import MaildirHandler
from tests.newsletter.helpers import confirmed_subscriber

RECIPIENTS = 60
KILL_AFTER = 15  # messages in the maildir


class SlowMaildirHandler(MaildirHandler):
    """Takes a little while over each message, as a real provider does."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def site_env(smtp_port):
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "spero_site.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "TASK_BACKEND": "database",
        "NEWSLETTER_LEASE_SECONDS": "2",
        "SITE_BASE_URL": "http://127.0.0.1:8000",
    }


def manage(*args):
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]


def test_a_killed_worker_leaves_no_second_copy_and_the_rest_is_sent(transactional_db, tmp_path):
    port = free_port()
    maildir = tmp_path / "maildir"
    smtp = Controller(SlowMaildirHandler(maildir, None), hostname="127.0.0.1", port=port)
    smtp.start()
    worker = None
    try:
        subscribers = [confirmed_subscriber(f"abonnent.{n}@example.no") for n in range(RECIPIENTS)]
        mailing = Mailing.objects.create(subject="Nytt fra Spero", html="<p>Hei</p>", text="Hei")
        Delivery.objects.bulk_create(Delivery(mailing=mailing, subscriber=s) for s in subscribers)
        mailing.recipients = RECIPIENTS
        mailing.save()
        env = site_env(port)
        subprocess.run(manage("resume_mailings"), env=env, check=True, timeout=60)  # noqa: S603
        worker = subprocess.Popen(  # noqa: S603
            manage("db_worker", "--interval", "0.2", "--no-startup-delay"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(mailbox.Maildir(maildir)) < KILL_AFTER:
            assert time.monotonic() < deadline and worker.poll() is None, "the worker sent nothing"
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = len(mailbox.Maildir(maildir))
        assert killed_at < RECIPIENTS, "the worker finished before it was killed"

        time.sleep(2.5)  # the dead run's lease runs out
        subprocess.run(manage("resume_mailings"), env=env, check=True, timeout=60)  # noqa: S603
        subprocess.run(  # noqa: S603
            manage("db_worker", "--batch", "--no-startup-delay"),
            env=env,
            check=True,
            timeout=120,
            stdout=subprocess.DEVNULL,
        )
    finally:
        if worker is not None and worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
        smtp.stop()

    received = collections.Counter(message["To"] for message in mailbox.Maildir(maildir))
    assert max(received.values()) == 1, "someone got a copy twice"
    mailing.refresh_from_db()
    assert mailing.status == "sent"
    by_status = collections.defaultdict(set)
    for delivery in Delivery.objects.filter(mailing=mailing).select_related("subscriber"):
        by_status[delivery.status].add(delivery.subscriber.email)
    assert set(by_status) <= {"sent", "uncertain"}
    assert len(by_status["uncertain"]) <= 1
    assert by_status["sent"] <= set(received)
    assert set(received) <= by_status["sent"] | by_status["uncertain"]
    assert len(received) >= RECIPIENTS - 1
