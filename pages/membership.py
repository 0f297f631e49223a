"""«Bli medlem»: the editable page that carries the join form of members/ (the kinds and their
fees are staff's, in the admin's «Medlemskategorier»)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from members.views import join_context
from pages.models import BasePage


class MembershipPage(BasePage):
    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("membership page")
        verbose_name_plural = _("membership pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("membership_form", join_context(request)["membership_form"])
        context["membership_retention_days"] = settings.MEMBERSHIP_RESIGNED_RETENTION_DAYS
        return context
