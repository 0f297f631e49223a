"""«Ansatt» (staff) sends newsletters to the list; «Redaktør» writes them and sends tests to
themselves (the roles are in spero_site/migrations/0001_roles.py, docs/operations.md). Only
adds; reversing takes them away."""

import importlib

from django.db import migrations

roles = importlib.import_module("spero_site.migrations.0001_roles")

STAFF_PERMISSIONS = [
    ("newsletter", "add_mailing"),
    ("newsletter", "view_mailing"),
]


def grant(apps, schema_editor):
    roles.grant_to_staff(apps, schema_editor.connection.alias, STAFF_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_from_staff(apps, schema_editor.connection.alias, STAFF_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0003_mailing_delivery"),
        ("spero_site", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
