"""«Ansatt» (staff) keeps the member register and sets the kinds and fees; volunteers
(«Redaktør») see neither (the roles are in spero_site/migrations/0001_roles.py,
docs/operations.md). Only adds; reversing takes them away."""

import importlib

from django.db import migrations

roles = importlib.import_module("spero_site.migrations.0001_roles")

STAFF_PERMISSIONS = [
    ("members", "view_membership"),
    ("members", "change_membership"),
    ("members", "view_membershipkind"),
    ("members", "add_membershipkind"),
    ("members", "change_membershipkind"),
    ("members", "delete_membershipkind"),
    ("members", "change_membershipsettings"),
]


def grant(apps, schema_editor):
    roles.grant_to_staff(apps, schema_editor.connection.alias, STAFF_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_from_staff(apps, schema_editor.connection.alias, STAFF_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("spero_site", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
