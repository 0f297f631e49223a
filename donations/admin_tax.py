"""The tax deduction report in the admin: staff with the permission donations.export_tax_report
choose a year and download the report for Skatteetaten (donations/tax_report.py) as CSV or
XLSX. It is the only file of the site that holds fødselsnumre; each download is in Wagtail's
audit log with who took it, the year, the format and how many donors it holds."""

import csv
import io

from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from django.views.generic import TemplateView
from openpyxl import Workbook
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from donations import admin_views
from donations.models import DonationCharge
from donations.tax_report import NORWAY, tax_report
from spero_site.admin_exports import XLSX_CONTENT_TYPE, neutralise_formula
from spero_site.admin_refusal import RefusesWith403
from spero_site.personal_data import ExportLogFormatter

PERMISSION = admin_views.TAX_REPORT_PERMISSION
EXPORT_ACTION = "donations.export_tax_report"
FORMATS = ("csv", "xlsx")


def can_export_tax_report(user):
    return user.has_perm(PERMISSION)


def registered_permissions():
    """For the register_permissions hook: the permission on the group edit page."""
    app_label, codename = PERMISSION.split(".")
    return Permission.objects.filter(
        content_type__app_label=app_label,
        content_type__model="donationintent",
        codename=codename,
    )


def this_year():
    return timezone.now().astimezone(NORWAY).year


def report_years():
    """This year back to the first year with a payment (at least to last year), newest first."""
    first = DonationCharge.objects.filter(status=DonationCharge.Status.CHARGED).aggregate(
        first=Min("paid_at")
    )["first"]
    last_year = this_year() - 1
    oldest = min(first.astimezone(NORWAY).year, last_year) if first else last_year
    return list(range(this_year(), oldest - 1, -1))


class TaxReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in report_years()]
        self.fields["year"].initial = this_year() - 1


def headings():
    return [
        gettext("National identity number"),
        gettext("Name"),
        gettext("Total given (kr)"),
        gettext("Amount reported (kr)"),
        gettext("Payments"),
        gettext("Year"),
    ]


@sensitive_variables()
def row_values(row):
    return [
        row.national_id,
        row.name,
        row.total_kroner,
        row.reported_kroner,
        row.payments,
        row.year,
    ]


@sensitive_variables()
def csv_response(report, filename):
    output = io.StringIO()
    # A byte order mark makes Excel read the file as UTF-8 (æ, ø and å intact).
    output.write("\ufeff")
    writer = csv.writer(output)
    writer.writerow(headings())
    for row in report.rows:
        values = row_values(row)
        values[1] = neutralise_formula(values[1])
        writer.writerow(values)
    response = HttpResponse(output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@sensitive_variables()
def xlsx_response(report, filename):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(report.year))
    sheet.append(headings())
    for row in report.rows:
        # The fødselsnummer stays text, so that a leading zero is kept.
        sheet.append(row_values(row))
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


class TaxReportView(RefusesWith403, WagtailAdminTemplateMixin, TemplateView):
    """GET shows the chosen year's report in numbers; with ?format=csv or xlsx, the file."""

    template_name = "donations/admin/tax_report.html"
    page_title = _("Tax deduction report")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not can_export_tax_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @sensitive_variables()
    def get(self, request, *args, **kwargs):
        form = TaxReportForm(request.GET if "year" in request.GET else None)
        if form.is_bound and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        year = form.cleaned_data["year"] if form.is_bound else form.fields["year"].initial
        report = tax_report(year)
        export_format = request.GET.get("format")
        if form.is_bound and export_format in FORMATS:
            return self.download(report, export_format)
        return self.render_to_response(self.get_context_data(form=form, report=report))

    def download(self, report, export_format):
        log(
            self.request.user,
            EXPORT_ACTION,
            user=self.request.user,
            data={
                "year": report.year,
                "format": export_format,
                "rows": len(report.rows),
                "unreadable": report.unreadable_gifts,
            },
        )
        filename = f"{slugify(gettext('tax deduction'))}-{report.year}"
        if export_format == "xlsx":
            return xlsx_response(report, filename)
        return csv_response(report, filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = kwargs.get("report")
        if report is not None:
            context["reported_kroner"] = number_format(
                sum(row.reported_kroner for row in report.rows), force_grouping=True
            )
        context["minimum"] = number_format(settings.TAX_DEDUCTION_MIN_KRONER, force_grouping=True)
        context["maximum"] = number_format(settings.TAX_DEDUCTION_MAX_KRONER, force_grouping=True)
        return context

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if admin_views.can_read_donations(self.request.user):
            items.append({"url": reverse("donation_intents:index"), "label": _("Donations")})
        return [*items, {"url": "", "label": self.get_page_title()}]


class TaxReportLogFormatter(ExportLogFormatter):
    label = _("Export the tax deduction report")
    message = ngettext_lazy(
        "Exported the tax deduction report for %(year)s: %(rows)s donor (%(format)s)",
        "Exported the tax deduction report for %(year)s: %(rows)s donors (%(format)s)",
        "rows",
    )

    def format_message(self, log_entry):
        data = log_entry.data
        return self.message % {
            "year": data.get("year", ""),
            "rows": data.get("rows", 0),
            "format": data.get("format", "").upper(),
        }
