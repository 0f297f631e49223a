"""Users and listings for the admin tests of personal data (tests/*/test_admin.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission


def user_in_group(username, *codenames):
    """A non-superuser whose only permissions come from one group: admin access and these."""
    group = Group.objects.create(name=f"Gruppe {username}")
    for codename in ("access_admin", *codenames):
        group.permissions.add(Permission.objects.get(codename=codename))
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-12345")
    user.groups.add(group)
    return user


def listed(response):
    """The primary keys a listing shows."""
    assert response.status_code == 200
    return {item.pk for item in response.context["object_list"]}


def log_in(client, user):
    """Logs a user in to the admin as far as every admin page asks; every admin test logs in
    through here, so a new step of the admin login is added in one place."""
    client.force_login(user)
    return client
