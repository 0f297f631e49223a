"""The scheduler: runs the site's periodic commands for ever, one tick every
SCHEDULER_INTERVAL_SECONDS (the compose `scheduler` service and `make stack` run it).

django-tasks has no scheduler of its own. Every job here changes only what is due, so a restart
that runs them all at once is harmless, and a job that fails (the database restarting, Vipps not
answering) is logged and tried again at its next turn; the loop itself never stops for it.
"""

import logging
import signal
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from spero_site import app_declarations, backups

logger = logging.getLogger(__name__)

# (command and arguments, every how many ticks): the site's own jobs, then those each app
# declares as `scheduled_jobs` on its AppConfig (spero_site/app_declarations.py). With the
# default tick of a minute: e-mails a lost or failed run left due, and newsletter sendings whose
# run stopped, every minute; waiting-list offers and Vipps every five minutes; the retention
# rules and the pruning of finished tasks every hour, with January's membership renewals (once a
# year per member).
JOBS = (
    (("send_due_emails",), 1),
    (("enforce_retention",), 60),
    (("prune_db_task_results", "--min-age-days", "7"), 60),
    *(job for jobs in app_declarations.declared("scheduled_jobs") for job in jobs),
)


class Command(BaseCommand):
    help = "Runs the periodic jobs (e-mails due, waiting lists, Vipps, retention) for ever."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ticks", type=int, default=0, help="stop after this many ticks (0: never)"
        )

    def handle(self, *args, ticks, **options):
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        interval = settings.SCHEDULER_INTERVAL_SECONDS
        tick = 0
        while not stopping.is_set():
            for command, every in JOBS:
                if tick % every == 0 and not stopping.is_set():
                    self.run_job(command)
            # The daily backup goes by the clock, not by ticks: due from BACKUP_HOUR until that
            # day has a backup folder, so a restart neither skips nor repeats it.
            if backups.backup_due() and not stopping.is_set():
                self.run_job(("backup",))
            tick += 1
            if ticks and tick >= ticks:
                return
            stopping.wait(interval)

    def run_job(self, command):
        close_old_connections()
        try:
            call_command(*command, stdout=self.stdout, stderr=self.stderr)
        except Exception:  # noqa: BLE001 - logged; the job runs again at its next turn
            logger.exception("Scheduled job %s failed", command[0])
        finally:
            close_old_connections()
