"""An error while a form with personal data is handled must not put that data in the error
report: each public form's view fails on purpose here, and the report Django would e-mail to
ADMINS (text and HTML, through AdminEmailHandler) has the fields and the local variables
replaced by stars, the fødselsnummer included, while the traceback still names the failure."""

import logging
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter
from wagtail.models import Site

from campaigns import services as campaign_services
from contact import services as contact_services
from donations import national_id
from donations import services as donation_services
from donations.tax_report import tax_report
from events import services as event_services
from events.models import Event
from pages.models import OrganisationSettings
from privacy import tasks as privacy_tasks
from twofactor import services as twofactor_services

NAME, EMAIL, FNR, CODE = "Kari Feilrapport", "kari.feil@example.no", "23072388054", "938271"


class Failure(RuntimeError):
    pass


def fail(*args, **kwargs):
    raise Failure("the service failed here")


@pytest.fixture
def reports():
    """(request, exc_info) of every uncaught exception in a request, as Django's handler
    passes them to the error reporter."""
    found = []

    def keep(sender, request, **kwargs):
        found.append((request, sys.exc_info()))

    got_request_exception.connect(keep)
    yield found
    got_request_exception.disconnect(keep)


def cases(event_slug):
    return {
        "opprop": (
            campaign_services,
            "sign",
            reverse("campaigns:sign", args=["stopp-stigma"]),
            {
                "full_name": NAME,
                "email": EMAIL,
                "postal_code": "5003",
                "comment": "",
                "consent": "on",
                "website": "",
            },
        ),
        "påmelding": (
            event_services,
            "register",
            reverse("events:register", args=[event_slug]),
            {
                "name": NAME,
                "email": EMAIL,
                "phone": "412 34 567",
                "affiliation": "individual",
                "organisation": "",
                "seats": "1",
                "dietary_needs": "Glutenfri",
                "accessibility_needs": "Rullestol",
                "consent": "on",
                "website": "",
            },
        ),
        "gave": (
            donation_services,
            "create_intent",
            reverse("donations:give"),
            {
                "amount": "500",
                "other_amount": "",
                "frequency": "one_off",
                "donor_name": NAME,
                "donor_email": EMAIL,
                "message": "",
                "provider": "manual",
                "tax_deduction": "on",
                "national_id": FNR,
                "website": "",
            },
        ),
        "kontakt": (
            contact_services,
            "receive",
            reverse("contact_message"),
            {
                "name": NAME,
                "email": EMAIL,
                "subject": "Spørsmål",
                "message": "Jeg bruker Rullestol.",
                "website": "",
            },
        ),
        "mine data": (
            privacy_tasks,
            "request_link",
            reverse("privacy:request"),
            {"email": EMAIL, "website": ""},
        ),
    }


@pytest.fixture
def site(demo_site):
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.tax_deduction_approved = True
    organisation.save()
    return demo_site


def report_texts(request, exc_info):
    reporter = ExceptionReporter(request, *exc_info)
    return reporter.get_traceback_text(), reporter.get_traceback_html()


def admin_email(request, exc_info, settings):
    settings.ADMINS = [("Drift", "drift@example.no")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Feil", (), exc_info)
    record.request = request
    record.status_code = 500
    mail.outbox = []
    AdminEmailHandler(include_html=True).emit(record)
    (message,) = mail.outbox
    return message.body + "".join(content for content, _ in message.alternatives)


@pytest.mark.parametrize("case", ["opprop", "påmelding", "gave", "kontakt", "mine data"])
def test_a_failing_form_view_reports_no_personal_data(site, reports, monkeypatch, case, settings):
    event = Event.objects.filter(registration_closes_at__isnull=False).order_by("-starts_at")[0]
    module, function, url, data = cases(event.slug)[case]
    monkeypatch.setattr(module, function, fail)
    if case == "påmelding":
        Event.objects.filter(pk=event.pk).update(capacity=1000)
    client = Client(raise_request_exception=False)
    response = client.post(url, data)
    assert response.status_code == 500
    ((request, exc_info),) = reports
    assert exc_info[0] is Failure
    for text in (*report_texts(request, exc_info), admin_email(request, exc_info, settings)):
        assert "the service failed here" in text  # the report is there, and says what failed
        for secret in (NAME, EMAIL, FNR, "Glutenfri", "Rullestol", "412 34 567"):
            assert secret not in text, (case, secret)
        assert "********************" in text


def test_the_second_factors_code_is_not_reported(db, reports, monkeypatch):
    user = get_user_model().objects.create_superuser("sjef", "sjef@example.org", "pw-12345")
    twofactor_services.TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    monkeypatch.setattr(twofactor_services, "verify", fail)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert client.post(reverse("twofactor_verify"), {"code": CODE}).status_code == 500
    ((request, exc_info),) = reports
    for text in report_texts(request, exc_info):
        assert "the service failed here" in text
        assert CODE not in text


def test_the_fodselsnummer_is_hidden_where_it_is_handled_outside_a_form(db, settings):
    """Encrypting with a broken key, and the tax report failing on its second donor after
    reading the first donor's number: neither report holds a number."""
    settings.DONATION_ENCRYPTION_KEYS = ["ikke-en-gyldig-nokkel"]
    with pytest.raises(ValueError) as broken:
        national_id.encrypt(FNR)
    text = ExceptionReporter(None, broken.type, broken.value, broken.tb).get_traceback_text()
    assert "encrypt" in text and FNR not in text and "ikke-en-gyldig-nokkel" not in text


def test_the_tax_report_hides_the_numbers_it_has_read(db, monkeypatch):
    staff = get_user_model().objects.create_user("stab", "stab@example.org", "pw-12345")
    other = "29100207042"
    for number in (FNR, other):
        intent = donation_services.create_intent(
            donation_services.DonationData(
                amount_ore=100_000,
                frequency="one_off",
                donor_name=NAME,
                donor_email=EMAIL,
                message="",
                national_id=number,
            ),
            provider_name="manual",
        )
        donation_services.mark_paid_by_staff(intent.pk, staff)
    readable = national_id.decrypt
    seen = []

    def decrypt_then_fail(token):
        if seen:
            raise Failure("the second number could not be read")
        seen.append(readable(token))
        return seen[-1]

    monkeypatch.setattr(national_id, "decrypt", decrypt_then_fail)
    with pytest.raises(Failure) as failed:
        tax_report(timezone.now().year)
    text = ExceptionReporter(None, failed.type, failed.value, failed.tb).get_traceback_text()
    assert "tax_report" in text and seen
    assert FNR not in text and other not in text and NAME not in text
