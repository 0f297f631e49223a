import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Creates the admin account once. The password comes from SPERO_ADMIN_PASSWORD or is "
        "generated and printed this one time; an existing account is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("SPERO_ADMIN_USERNAME", "admin"))
        parser.add_argument(
            "--email", default=os.environ.get("SPERO_ADMIN_EMAIL", "admin@example.invalid")
        )

    def handle(self, *args, username, email, **options):
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            self.stdout.write(f"Admin account '{username}' exists; password unchanged.")
            return
        password = os.environ.get("SPERO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email=email, password=password)
        shown = "from SPERO_ADMIN_PASSWORD" if os.environ.get("SPERO_ADMIN_PASSWORD") else password
        self.stdout.write(
            self.style.SUCCESS(f"Created admin account '{username}' with password: {shown}")
        )
        self.stdout.write("Log in at /admin/. The password is shown only this once.")
