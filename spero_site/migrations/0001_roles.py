"""The two roles of the admin, as groups (docs/operations.md, «Roles»):

- «Redaktør» (volunteers): the admin; add, change and publish pages anywhere in the tree; add,
  change and choose images and documents in every collection; the statistics. No personal data
  (signatures, registrations, donations), no petitions or events, no site settings (they hold
  the bank account and Vipps number).
- «Ansatt» (staff): all of that, and view and change signatures, registrations and donations,
  the tax deduction report, the petitions and events, and the site settings.

Administrators are superusers and need no group.

The migration only adds what is missing, so it can run again (and on a database where someone
has given a group more) without taking anything away; reversing it deletes the two groups.
Wagtail's sample groups «Editors» and «Moderators» are deleted while nobody is in them, so that
a user's «Roles» tab offers only the two roles; the approval task of Wagtail's default workflow
that named «Moderators» names «Ansatt» instead.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Redaktør"
STAFF = "Ansatt"
WAGTAIL_SAMPLE_GROUPS = ("Editors", "Moderators")

# Permissions on the whole page tree (GroupPagePermission on the root page).
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
# Permissions in every collection (GroupCollectionPermission on the root collection).
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
EDITOR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    # The statistics (snippets); their figures are edited inline with them.
    ("pages", "add_statistic"),
    ("pages", "change_statistic"),
    ("pages", "view_statistic"),
]
STAFF_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("campaigns", "view_signature"),
    ("campaigns", "change_signature"),
    ("events", "view_registration"),
    ("events", "change_registration"),
    ("donations", "view_donationintent"),
    ("donations", "change_donationintent"),
    ("donations", "export_tax_report"),
    ("campaigns", "add_petition"),
    ("campaigns", "change_petition"),
    ("campaigns", "delete_petition"),
    ("campaigns", "view_petition"),
    ("events", "add_event"),
    ("events", "change_event"),
    ("events", "delete_event"),
    ("events", "view_event"),
    ("pages", "change_organisationsettings"),
    ("pages", "view_organisationsettings"),
]
ROLES = {EDITOR: EDITOR_PERMISSIONS, STAFF: STAFF_PERMISSIONS}
APP_LABELS = sorted(
    {label for label, _ in [*STAFF_PERMISSIONS, *COLLECTION_PERMISSIONS]} | {"wagtailcore"}
)


def ensure_permissions(apps, using, labels=APP_LABELS):
    """Django creates permissions after the last migration; the groups need them now."""
    for label in labels:
        app_config = apps.get_app_config(label)
        # create_permissions skips an app without models_module, which a migration's app
        # config (a stub) lacks.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = models_module


def permission(apps, app_label, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant_to_staff(apps, using, permissions):
    """For a later app's migration: give «Ansatt» these (app label, codename) permissions."""
    ensure_permissions(apps, using, labels=sorted({label for label, _ in permissions}))
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(using).filter(name=STAFF):
        group.permissions.add(*(permission(apps, label, code) for label, code in permissions))


def revoke_from_staff(apps, using, permissions):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(using).filter(name=STAFF):
        group.permissions.remove(*(permission(apps, label, code) for label, code in permissions))


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root_page = Page.objects.using(using).filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.using(using).filter(depth=1).order_by("path").first()
    groups = {}
    for name, codenames in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        groups[name] = group
        group.permissions.add(*(permission(apps, label, code) for label, code in codenames))
        if root_page is not None:
            for codename in PAGE_PERMISSIONS:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group,
                    page=root_page,
                    permission=permission(apps, "wagtailcore", codename),
                )
        if root_collection is not None:
            for label, codename in COLLECTION_PERMISSIONS:
                GroupCollectionPermission.objects.using(using).get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=permission(apps, label, codename),
                )
    remove_unused_sample_groups(apps, using, groups[STAFF])


def remove_unused_sample_groups(apps, using, staff):
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    for group in Group.objects.using(using).filter(name__in=WAGTAIL_SAMPLE_GROUPS):
        if group.user_set.exists():
            continue  # in use: an administrator decides what becomes of it
        for task in GroupApprovalTask.objects.using(using).filter(groups=group):
            task.groups.add(staff)
        group.delete()


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    # Their page and collection permissions go with them (on_delete=CASCADE).
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("pages", "0007_organisationsettings_tax_deduction_approved"),
        ("campaigns", "0003_alter_petition_consent_text"),
        ("events", "0001_initial"),
        ("donations", "0002_charges_and_tax_deduction"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
