"""HTTP for the contact form. The contact page (pages.ContactPage) shows the form; its POST
comes here through pages/views.py, which knows the page and the organisation's address."""

import logging

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from contact import services
from contact.forms import ContactForm
from spero_site.abuse import ip_hash, refusal
from spero_site.error_reports import hides_personal_data
from spero_site.forms import normalize_email

logger = logging.getLogger(__name__)

# Per keyed IP hash and per sender: a person writes a few messages, a script many.
SEND_LIMIT_PER_IP = (5, 10 * 60)
SEND_LIMIT_PER_EMAIL = (5, 60 * 60)
HONEYPOT_FIELD = "website"
SENT_PARAMETER = "sendt"


def _page(request, page, form, status):
    context = page.get_context(request) | {"contact_form": form}
    return TemplateResponse(request, page.get_template(request), context, status=status)


@hides_personal_data
def receive(request, page, *, recipient):
    """A message from the form on `page`, for `recipient` (the organisation's address)."""
    thanks = redirect(f"{page.url}?{SENT_PARAMETER}=1#contact-form-heading")
    if request.POST.get(HONEYPOT_FIELD):
        return thanks
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _page(request, page, form, 400)
    refused = refusal(
        ("contact-ip", ip_hash(request), *SEND_LIMIT_PER_IP),
        ("contact-email", normalize_email(form.cleaned_data["email"]), *SEND_LIMIT_PER_EMAIL),
    )
    if refused:
        form.add_error(None, refused.message)
        return _page(request, page, form, refused.status)
    try:
        services.receive(
            services.MessageData(**form.cleaned_data), recipient=recipient, ip_hash=ip_hash(request)
        )
    except services.NoRecipient:
        logger.error("A contact message came, but the organisation settings have no e-mail")
        form.add_error(None, _("The form cannot take messages just now. Nothing was saved."))
        return _page(request, page, form, 503)
    return thanks
