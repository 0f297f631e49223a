from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from spero_site import backups


class Command(BaseCommand):
    help = "Restores a backup folder into an empty database, then applies the retention rules."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a backup-… folder written by manage.py backup")

    def handle(self, *args, folder, **options):
        try:
            manifest = backups.restore_backup(folder)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"Gjenopprettet {folder} (laget {manifest['created']}, versjon {manifest['version']}): "
            f"{len(manifest['row_counts'])} tabeller, {rows} rader, filene i MEDIA_ROOT."
        )
        # What was erased since the dump must not come back.
        self.stdout.write("Kjører slettereglene (enforce_retention):")
        call_command("enforce_retention", stdout=self.stdout, stderr=self.stderr)
