"""A refused personal-data page in the admin is an HTTP 403.

Wagtail answers a PermissionDenied with a redirect to the dashboard and a message
(wagtail/admin/auth.py, require_admin_access). For the pages that hold personal data (signatures,
registrations, donations) the site answers 403 instead: a real refusal that a test, a proxy log
and an audit can tell from a redirect, with a page in the admin's look that says why.

`refuse_with_403` wraps a view; `PersonalDataViewSet.construct_view` (spero_site/personal_data.py)
wraps every view of a personal-data listing with it, and the custom admin views get it by
inheriting `RefusesWith403`. Each wrapped view carries `refuses_with_403 = True`, which
tests/personal_data_admin/test_refusals.py checks for every personal-data URL.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class RefusedView(WagtailAdminTemplateMixin, TemplateView):
    """The 403 page, for any method (a refused POST gets the same page)."""

    template_name = "spero_site/admin/refused.html"
    page_title = _("No access")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        context = self.get_context_data(dashboard_url=reverse("wagtailadmin_home"))
        return self.render_to_response(context, status=403)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


def refusal(request):
    """The 403 answer: the admin page, or a line of text for a script's request (a listing's
    search and filters fetch their results that way)."""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return HttpResponseForbidden(
            gettext("You do not have access to this personal data."),
            content_type="text/plain; charset=utf-8",
        )
    return RefusedView.as_view()(request)


def refuse_with_403(view):
    """The view, answering 403 where it would raise PermissionDenied."""

    @functools.wraps(view)
    def refusing_view(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return refusal(request)

    refusing_view.refuses_with_403 = True
    return refusing_view


class RefusesWith403:
    """For a class-based admin view over personal data: put it first among the bases."""

    @classmethod
    def as_view(cls, **initkwargs):
        return refuse_with_403(super().as_view(**initkwargs))
