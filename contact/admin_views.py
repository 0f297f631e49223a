"""Staff and contact messages: the listing (Personopplysninger → Henvendelser) and one message
with its «Lukk» button. Closing goes through contact.services and is written to the audit log."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.log_actions import log

from contact import services
from contact.models import ContactMessage
from spero_site.admin_refusal import RefusesWith403

CLOSE_ACTION = "contact.close"


class ContactMessageView(
    RefusesWith403, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    model = ContactMessage
    any_permission_required = ["view", "change"]
    template_name = "contact/admin/message.html"
    header_icon = "mail"
    page_title = _("Contact message")

    @cached_property
    def message(self):
        return get_object_or_404(ContactMessage, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.message.subject

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact_message"] = self.message
        context["can_close"] = self.permission_policy.user_has_permission(
            self.request.user, "change"
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        if request.POST.get("action") == "close" and services.close(self.message.pk):
            log(self.message, CLOSE_ACTION, user=request.user)
            messages.success(request, _("The message is closed."))
        return redirect(request.path)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("contact_messages:index"), "label": _("Contact messages")},
            {"url": "", "label": self.get_page_subtitle()},
        ]
