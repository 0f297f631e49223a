"""HTTP for signing up to the newsletter (the page /nyhetsbrev/ and the block editors place on
any page both post here), confirming from the e-mail and unsubscribing."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Site

from newsletter import services
from newsletter.forms import SubscribeForm
from newsletter.models import NewsletterSettings
from spero_site.abuse import ip_hash, refusal
from spero_site.cross_site import refuse_cross_site
from spero_site.error_reports import hides_personal_data
from spero_site.forms import normalize_email

SIGNUP_LIMIT_PER_IP = (10, 10 * 60)
SIGNUP_LIMIT_PER_EMAIL = (3, 60 * 60)
HONEYPOT_FIELD = "website"


def subscribe_form(request, data=None):
    """The form with the site's consent wording (the default site's without a request: a
    block's preview in the admin)."""
    if request is not None:
        wording = NewsletterSettings.for_request(request)
    elif site := Site.objects.filter(is_default_site=True).first():
        wording = NewsletterSettings.for_site(site)
    else:
        wording = NewsletterSettings()
    return SubscribeForm(data, consent_text=wording.consent_text), wording


def _signup_page(request, form, status=200):
    return render(request, "newsletter/signup.html", {"newsletter_form": form}, status=status)


@hides_personal_data
@refuse_cross_site
@require_http_methods(["GET", "POST"])
def signup(request):
    """Without a CSRF token, so that a page with the sign-up block stays in the page cache; a
    form another site made the browser send is refused (spero_site/cross_site.py)."""
    if request.method != "POST":
        return _signup_page(request, subscribe_form(request)[0])
    if request.POST.get(HONEYPOT_FIELD):
        return redirect("newsletter:check_email")
    form, wording = subscribe_form(request, request.POST)
    if not form.is_valid():
        return _signup_page(request, form, 400)
    refused = refusal(
        ("newsletter-ip", ip_hash(request), *SIGNUP_LIMIT_PER_IP),
        ("newsletter-email", normalize_email(form.cleaned_data["email"]), *SIGNUP_LIMIT_PER_EMAIL),
    )
    if refused:
        form.add_error(None, refused.message)
        return _signup_page(request, form, refused.status)
    services.subscribe(
        services.SubscriberData(form.cleaned_data["email"], form.cleaned_data["first_name"]),
        consent_version=wording.consent_version,
        ip_hash=ip_hash(request),
    )
    return redirect("newsletter:check_email")


@require_GET
def check_email(request):
    return render(request, "newsletter/check_email.html", {"days": services.CONFIRM_WITHIN.days})


@hides_personal_data
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button; only its POST confirms, so a mail scanner's visit changes nothing."""
    if request.method != "POST":
        return render(request, "newsletter/confirm.html")
    try:
        services.confirm(token)
    except services.InvalidLink:
        return render(request, "newsletter/invalid_link.html", status=400)
    return render(request, "newsletter/confirmed.html")


@hides_personal_data
@refuse_cross_site
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The link in every newsletter. GET shows a button; a POST, the button's or a mail
    program's one-click unsubscribe (RFC 8058, List-Unsubscribe-Post), takes the address off
    the list. Without a CSRF token: a mail program's POST carries none."""
    if request.method != "POST":
        return render(request, "newsletter/unsubscribe.html")
    try:
        services.unsubscribe(token)
    except services.InvalidLink:
        return render(request, "newsletter/invalid_link.html", status=400)
    return render(request, "newsletter/unsubscribed.html")
