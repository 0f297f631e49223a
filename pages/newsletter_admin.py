"""The admin page of one newsletter (pages.NewsletterPage): a test to oneself, sending it to the
list and how far the sending has come. Whoever may edit the newsletter may send the test;
sending to the list takes the permission «Ansatt» has (newsletter.add_mailing). The page shows
counts only, never an address. Sending is logged to the page's history."""

import smtplib

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from newsletter import services
from newsletter.models import Delivery, Mailing
from pages.newsletters import NewsletterPage
from spero_site.admin_refusal import RefusesWith403

SEND_ACTION = "newsletter.send"
TEST_ACTION = "newsletter.test"
SEND_PERMISSION = "newsletter.add_mailing"


def newsletter_buttons(page, user):
    """The link from a newsletter's row and header in the page explorer to this page."""
    if not isinstance(page.specific_deferred, NewsletterPage):
        return []
    if not page.permissions_for_user(user).can_edit():
        return []
    url = reverse("newsletter_send", args=[page.pk])
    return [Button(_("Send the newsletter"), url=url, icon_name="mail", priority=90)]


class NewsletterSendView(RefusesWith403, WagtailAdminTemplateMixin, TemplateView):
    template_name = "pages/admin/newsletter_send.html"
    header_icon = "mail"
    page_title = _("Send the newsletter")

    @cached_property
    def page(self):
        return get_object_or_404(NewsletterPage, pk=self.kwargs["page_id"])

    def dispatch(self, request, *args, **kwargs):
        if not self.page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.page.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = Mailing.objects.filter(page=self.page).first()
        context.update(
            newsletter=self.page,
            mailing=mailing,
            can_send=self.request.user.has_perm(SEND_PERMISSION),
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
        )
        if mailing:
            counts = services.progress(mailing)
            context["counts"] = [(label, counts[value]) for value, label in Delivery.Status.choices]
            context["handled"] = mailing.recipients - counts[Delivery.Status.PENDING]
        else:
            context["subscribers"] = len(services.recipients(include_signers=False))
            context["with_signers"] = len(services.recipients(include_signers=True))
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "test":
            self.send_test()
        elif request.POST.get("action") == "send":
            self.send_to_list()
        return redirect(request.path)

    def send_test(self):
        address = self.request.user.email
        if not address:
            messages.error(self.request, _("Your user has no e-mail address to send the test to."))
            return
        draft = self.page.get_latest_revision_as_object()
        try:
            services.send_test(draft.newsletter_content(), to=address)
        except (smtplib.SMTPException, OSError):
            messages.error(self.request, _("The mail server did not take the test. Try again."))
            return
        log(self.page, TEST_ACTION, user=self.request.user)
        messages.success(
            self.request,
            gettext("The test is sent to %(address)s.") % {"address": address},
        )

    def send_to_list(self):
        if not self.request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        try:
            mailing = services.start_mailing(
                self.page,
                self.page.newsletter_content(),
                include_signers=self.request.POST.get("include_signers") == "on",
                started_by=self.request.user,
            )
        except services.NotPublished:
            messages.error(self.request, _("Publish the newsletter first: the e-mail links to it."))
            return
        except services.AlreadySent:
            messages.error(self.request, _("This newsletter has been sent already."))
            return
        except services.NoRecipients:
            messages.error(self.request, _("Nobody is on the list yet."))
            return
        log(self.page, SEND_ACTION, user=self.request.user, data={"recipients": mailing.recipients})
        messages.success(self.request, _("The newsletter is being sent."))
