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
    through here, so a new step of the admin login is added in one place: the password, and the
    second factor (twofactor/) for those who need it, as if a code from their device had been
    entered."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from twofactor import services

    client.force_login(user)
    if services.is_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
