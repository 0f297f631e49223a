"""E-mails to signers, sent in the background after the signature's transaction commits."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from campaigns.models import Signature


def _absolute(path):
    return f"{settings.SITE_BASE_URL}{path}"


def _send(signature_pk, template, subject):
    from campaigns import services

    signature = Signature.objects.select_related("petition").filter(pk=signature_pk).first()
    if signature is None or not signature.email:
        return  # withdrawn, purged or anonymised before the e-mail went out
    petition = signature.petition
    context = {
        "signature": signature,
        "petition": petition,
        "confirm_url": _absolute(
            reverse(
                "campaigns:confirm",
                args=[petition.slug, services.confirm_token(signature)],
            )
        ),
        "withdraw_url": _absolute(
            reverse("campaigns:withdraw", args=[petition.slug, services.withdraw_token(signature)])
        ),
    }
    # Signers read the site in Norwegian; the e-mail is in the same language.
    with translation.override(settings.LANGUAGE_CODE):
        EmailMessage(
            subject=subject(petition),
            body=render_to_string(template, context),
            to=[signature.email],
        ).send()


@task()
def send_confirmation_email(signature_pk):
    _send(
        signature_pk,
        "campaigns/emails/confirm_signature.txt",
        lambda petition: _("Confirm your signature: %(title)s") % {"title": petition.title},
    )


@task()
def send_already_signed_email(signature_pk):
    _send(
        signature_pk,
        "campaigns/emails/already_signed.txt",
        lambda petition: _("You have already signed: %(title)s") % {"title": petition.title},
    )


@task()
def enforce_signature_retention():
    """The same rules as `manage.py enforce_signature_retention`, for a worker or scheduler to
    run daily. Returns how many signatures each rule changed."""
    from campaigns import services

    return services.enforce_retention()
