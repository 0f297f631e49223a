"""Donations in the admin: personal data, in the «Personal data» group for users with the
donation permissions. Intents change only through donations.services."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks

from donations import admin_bank, admin_tax, admin_views
from donations.models import DonationIntent
from spero_site.personal_data import ExportLogFormatter, PersonalDataViewSet


class DonationViewSet(PersonalDataViewSet):
    model = DonationIntent
    name = "donation_intents"
    icon = "pick"
    menu_label = _("Donations")
    menu_order = 300
    index_view_class = admin_views.DonationIndexView
    inspect_view_enabled = True
    # Intents change through services only: no edit view either.
    absent_url_names = (*PersonalDataViewSet.absent_url_names, "edit")
    list_display = [
        "donor_name",
        "amount_kroner",
        "purpose",
        "frequency",
        "provider",
        "status",
        "created_at",
    ]
    filterset_class = admin_views.DonationFilterSet
    search_fields = ["donor_name", "donor_email", "kid"]
    list_export = [
        "created_at",
        "amount_kroner",
        "get_purpose_display",
        "description",
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
        "purpose",
        "description",
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

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(any_permission_required=admin_views.READ, **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<uuid:pk>/", self.inspect_view, name="inspect"),
            path("<uuid:pk>/paid/", admin_views.MarkPaidView.as_view(), name="mark_paid"),
        ]


@hooks.register("register_admin_viewset")
def register_donations():
    return DonationViewSet()


@hooks.register("register_admin_urls")
def register_donation_admin_urls():
    urls = [
        path("totals/", admin_views.MonthlyTotalsView.as_view(), name="totals"),
        path("tax-report/", admin_tax.TaxReportView.as_view(), name="tax_report"),
        path(
            "bank-statement/",
            admin_bank.BankStatementImportView.as_view(),
            name="import_bank_statement",
        ),
    ]
    return [path("gaver/", include((urls, "donations_admin"), namespace="donations_admin"))]


@hooks.register("construct_homepage_panels")
def add_month_total_panel(request, panels):
    if admin_views.can_read_donations(request.user):
        panels.append(admin_views.MonthTotalPanel())


@hooks.register("register_log_actions")
def register_donation_log_actions(actions):
    @actions.register_action(admin_views.EXPORT_ACTION)
    class ExportFormatter(ExportLogFormatter):
        label = _("Export donations")
        message = ngettext_lazy(
            "Exported %(rows)s donation (%(format)s)",
            "Exported %(rows)s donations (%(format)s)",
            "rows",
        )

    actions.register_action(admin_views.MARK_PAID_ACTION, _("Mark paid"), _("Marked the gift paid"))
    actions.register_action(admin_tax.EXPORT_ACTION)(admin_tax.TaxReportLogFormatter)
    actions.register_action(admin_bank.IMPORT_ACTION)(admin_bank.ImportLogFormatter)


@hooks.register("register_permissions")
def register_tax_report_permission():
    return admin_tax.registered_permissions()
