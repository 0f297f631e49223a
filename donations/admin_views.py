"""Staff views over donation intents (personal data): the listing with filters and exports,
marking a manual gift paid, totals per month and the dashboard panel. Intents change only
through donations.services; every export and staff action is in Wagtail's audit log."""

import django_filters
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from donations import services
from donations.models import DonationCharge, DonationIntent
from spero_site.admin_exports import FilteredExportIndexView
from spero_site.admin_refusal import RefusesWith403

READ = ["view", "change"]
EXPORT_ACTION = "donations.export"
MARK_PAID_ACTION = "donations.mark_paid"
TAX_REPORT_PERMISSION = "donations.export_tax_report"

Status = DonationIntent.Status
ChargeStatus = DonationCharge.Status
Purpose = DonationIntent.Purpose


def can_read_donations(user):
    return policy_registry.get_by_type(DonationIntent).user_has_any_permission(user, READ)


class DonationFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = DonationIntent
        fields = ["status", "purpose", "provider", "frequency"]


class DonationIndexView(FilteredExportIndexView):
    """The intents, newest first; the export holds what the filters select."""

    any_permission_required = READ
    export_headings = {
        "amount_kroner": _("Amount (kr)"),
        "get_status_display": _("Status"),
        "get_frequency_display": _("Frequency"),
    }

    export_action = EXPORT_ACTION
    file_name = _("donations")

    def more_buttons(self):
        totals = reverse("donations_admin:totals")
        return [
            Button(_("Totals per month"), url=totals, icon_name="table", priority=110),
            *self.permitted_buttons(),
        ]

    def permitted_buttons(self):
        """The bank import for those who may change gifts, the tax report for those who may
        download it."""
        buttons = []
        if self.request.user.has_perm(TAX_REPORT_PERMISSION):
            url = reverse("donations_admin:tax_report")
            buttons.append(
                Button(_("Tax deduction report"), url=url, icon_name="doc-full", priority=120)
            )
        if self.user_has_permission("change"):
            url = reverse("donations_admin:import_bank_statement")
            buttons.append(
                Button(_("Import bank statement"), url=url, icon_name="upload", priority=130)
            )
        return buttons


class MarkPaidView(RefusesWith403, PermissionCheckedMixin, View):
    """POST only: staff saw a manual gift arrive (by its KID) and mark it paid."""

    model = DonationIntent
    permission_required = "change"

    def post(self, request, pk):
        intent = get_object_or_404(DonationIntent, pk=pk)
        try:
            changed = services.mark_paid_by_staff(intent.pk, request.user)
        except services.InvalidTransition:
            messages.error(request, _("This gift cannot be marked paid in its present status."))
        else:
            if changed:
                log(intent, MARK_PAID_ACTION, user=request.user)
                messages.success(request, _("Marked paid. The donor gets a receipt by e-mail."))
        return redirect(reverse("donation_intents:inspect", args=[intent.pk]))


def monthly_totals():
    """Money received per month (one-off gifts and each month of a monthly gift), newest
    first: [{month, gifts, total_ore}]."""
    return list(
        DonationCharge.objects.filter(status=ChargeStatus.CHARGED, intent__purpose=Purpose.GIFT)
        .annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(gifts=Count("pk"), total_ore=Sum("amount_ore"))
        .order_by("-month")
    )


class MonthlyTotalsView(
    RefusesWith403, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    model = DonationIntent
    any_permission_required = READ
    template_name = "donations/admin/totals.html"
    page_title = _("Donations per month")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["months"] = [
            {**row, "total_kroner": row["total_ore"] // 100} for row in monthly_totals()
        ]
        return context


class MonthTotalPanel(Component):
    """This month's paid gifts and how many wait for payment."""

    name = "donations_this_month"
    template_name = "donations/admin/month_panel.html"
    order = 70

    def get_context_data(self, parent_context=None):
        start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        paid = DonationCharge.objects.filter(
            status=ChargeStatus.CHARGED, paid_at__gte=start, intent__purpose=Purpose.GIFT
        ).aggregate(gifts=Count("pk"), total_ore=Sum("amount_ore"))
        return {
            "gifts": paid["gifts"],
            "total_kroner": (paid["total_ore"] or 0) // 100,
            "pending": DonationIntent.objects.filter(
                status=Status.PENDING, purpose=Purpose.GIFT
            ).count(),
            "donations_url": reverse("donation_intents:index"),
        }
