"""«Ansatt» (staff) sees and closes contact messages; «Redaktør» does not (the roles are in
spero_site/migrations/0001_roles.py, docs/operations.md). Only adds; reversing takes them away."""

import importlib

from django.db import migrations

roles = importlib.import_module("spero_site.migrations.0001_roles")

STAFF_PERMISSIONS = [
    ("contact", "view_contactmessage"),
    ("contact", "change_contactmessage"),
]


def grant(apps, schema_editor):
    roles.grant_to_staff(apps, schema_editor.connection.alias, STAFF_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_from_staff(apps, schema_editor.connection.alias, STAFF_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0001_initial"),
        ("spero_site", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
