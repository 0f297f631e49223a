from django.core.management.base import BaseCommand, CommandError

from spero_site import backups


class Command(BaseCommand):
    help = "Writes a backup (database dump, media, manifest) to BACKUP_DIR and prunes old ones."

    def handle(self, *args, **options):
        try:
            folder = backups.create_backup()
            pruned = backups.prune_backups()
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sikkerhetskopi skrevet: {folder}")
        for old in pruned:
            self.stdout.write(f"Slettet gammel sikkerhetskopi: {old}")
