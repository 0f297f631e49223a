"""The members' e-mails (confirmation, «already a member», the January renewal), sent in the
background from the outbox Membership.email_due."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from members import services
from members.models import Membership
from spero_site.outbox import send_due
from spero_site.tasks import run_started

DUE_EMAILS = "members.send_due_emails"

SUBJECTS = {
    Membership.Email.CONFIRM: lambda: _("Confirm your membership of Spero foreningen"),
    Membership.Email.ALREADY: lambda: _("You are a member of Spero foreningen already"),
    Membership.Email.RENEWAL: lambda: _("Time to renew your membership of Spero foreningen"),
}


def member_message(membership, connection=None):
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "membership": membership,
            "member_url": services.member_url(membership),
            "year": str(services.fee_year()),
            "days": services.CONFIRM_WITHIN.days,
        }
        if membership.email_due == Membership.Email.CONFIRM:
            context["confirm_url"] = settings.SITE_BASE_URL + reverse(
                "members:confirm", args=[services.confirm_token(membership)]
            )
        return EmailMessage(
            subject=SUBJECTS[membership.email_due](),
            body=render_to_string(f"members/emails/{membership.email_due}.txt", context),
            to=[membership.email],
            connection=connection,
        )


@task()
def send_due_emails():
    """Send every member e-mail that is due (spero_site/outbox.py). Returns how many."""
    run_started(DUE_EMAILS)
    return send_due(Membership.objects.select_related("kind"), member_message)
