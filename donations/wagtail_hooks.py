"""Donations in the admin: personal data, in the «Personal data» group for users with the
donation permissions. Intents change only through donations.services."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter

from campaigns.wagtail_hooks import PERSONAL_DATA_MENU_HOOK
from donations import admin_views
from donations.models import DonationIntent


class DonationViewSet(ModelViewSet):
    model = DonationIntent
    name = "donation_intents"
    icon = "pick"
    menu_label = _("Donations")
    menu_order = 300
    menu_hook = PERSONAL_DATA_MENU_HOOK
    index_view_class = admin_views.DonationIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    add_to_reference_index = False
    list_display = ["donor_name", "amount_kroner", "frequency", "provider", "status", "created_at"]
    filterset_class = admin_views.DonationFilterSet
    search_fields = ["donor_name", "donor_email", "kid"]
    search_backend_name = None
    list_export = [
        "created_at",
        "amount_kroner",
        "get_frequency_display",
        "donor_name",
        "donor_email",
        "provider",
        "kid",
        "get_status_display",
        "paid_at",
    ]
    inspect_view_fields = [
        "amount_kroner",
        "frequency",
        "donor_name",
        "donor_email",
        "message",
        "provider",
        "provider_reference",
        "kid",
        "status",
        "origin_page",
        "created_at",
        "paid_at",
    ]
    inspect_template_name = "donations/admin/inspect.html"

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(any_permission_required=admin_views.READ, **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<uuid:pk>/", self.inspect_view, name="inspect"),
            path("<uuid:pk>/paid/", admin_views.MarkPaidView.as_view(), name="mark_paid"),
        ]

    def get_permissions_to_register(self):
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=["view_donationintent", "change_donationintent"])
        )


@hooks.register("register_admin_viewset")
def register_donations():
    return DonationViewSet()


@hooks.register("register_admin_urls")
def register_donation_admin_urls():
    urls = [path("totals/", admin_views.MonthlyTotalsView.as_view(), name="totals")]
    return [path("gaver/", include((urls, "donations_admin"), namespace="donations_admin"))]


@hooks.register("construct_homepage_panels")
def add_month_total_panel(request, panels):
    if admin_views.can_read_donations(request.user):
        panels.append(admin_views.MonthTotalPanel())


@hooks.register("register_log_actions")
def register_donation_log_actions(actions):
    @actions.register_action(admin_views.EXPORT_ACTION)
    class ExportFormatter(LogFormatter):
        label = _("Export donations")

        def format_message(self, log_entry):
            rows = log_entry.data.get("rows", 0)
            return ngettext(
                "Exported %(rows)s donation (%(format)s)",
                "Exported %(rows)s donations (%(format)s)",
                rows,
            ) % {"rows": rows, "format": log_entry.data.get("format", "").upper()}

    actions.register_action(admin_views.MARK_PAID_ACTION, _("Mark paid"), _("Marked the gift paid"))
