"""Staff views over the member register (personal data): the listing with its filters and
exports, one member with their fees and «mark paid», and the yearly count of paying members per
kind. Memberships change only through members.services; every export and «mark paid» is in
Wagtail's audit log."""

import django_filters
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from members import services
from members.models import Membership, MembershipFee, MemberStatus
from spero_site.admin_exports import FilteredExportIndexView
from spero_site.admin_refusal import RefusesWith403

READ = ["view", "change"]
EXPORT_ACTION = "members.export"
MARK_PAID_ACTION = "members.mark_paid"


def _paid_years():
    years = MembershipFee.objects.values_list("year", flat=True).distinct().order_by("-year")
    return [(year, str(year)) for year in years]


class MembershipFilterSet(WagtailFilterSet):
    member_status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MemberStatus.choices, method="filter_status"
    )
    paid_year = django_filters.TypedChoiceFilter(
        label=_("Paid for year"), choices=_paid_years, coerce=int, method="filter_paid_year"
    )
    postal_code = django_filters.CharFilter(
        label=_("Postal code starts with"), lookup_expr="startswith"
    )

    class Meta:
        model = Membership
        fields = ["kind"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(member_status=value)

    def filter_paid_year(self, queryset, name, value):
        paid = MembershipFee.objects.filter(year=value, payment__status=services.PAID)
        return queryset.filter(pk__in=paid.values("membership"))


class MembershipIndexView(FilteredExportIndexView):
    """The register, by name; the export holds what the filters select."""

    any_permission_required = READ
    export_headings = {"get_member_status_display": _("Status")}

    def get_base_queryset(self):
        # Anonymised rows name no one: they count in the yearly numbers, not in the register.
        queryset = super().get_base_queryset().filter(anonymised_at__isnull=True)
        return services.with_status(queryset.select_related("kind"))

    export_action = EXPORT_ACTION
    file_name = _("members")

    def more_buttons(self):
        counts = reverse("members_admin:counts")
        return [Button(_("Paying members per year"), url=counts, icon_name="table", priority=110)]


class MarkFeePaidView(RefusesWith403, PermissionCheckedMixin, View):
    """POST only: staff saw this year's fee arrive without its KID (cash, a plain transfer)."""

    model = Membership
    permission_required = "change"

    def post(self, request, pk):
        membership = get_object_or_404(Membership, pk=pk, anonymised_at__isnull=True)
        try:
            payment = services.mark_fee_paid(membership.pk, request.user)
        except services.AlreadyPaid:
            messages.error(request, _("This year's fee is paid already."))
        except services.NotConfirmed:
            messages.error(request, _("Only a confirmed member can pay the fee."))
        else:
            log(membership, MARK_PAID_ACTION, user=request.user, data={"payment": str(payment.pk)})
            messages.success(request, _("Marked paid. The member gets a receipt by e-mail."))
        return redirect(reverse("memberships:inspect", args=[membership.pk]))


class YearlyCountView(
    RefusesWith403, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Paying members per year and kind: what grant applications ask for. Counts only."""

    model = Membership
    any_permission_required = READ
    template_name = "members/admin/counts.html"
    page_title = _("Paying members per year")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = services.yearly_counts()
        return context
