"""Importing a bank statement in the admin: staff with the change permission on donations upload
the CSV of payments from the online bank; each payment with the KID of a manual gift marks it
paid, or adds the month of a standing order, through services.apply_bank_payment. The result
page tells what each line did; the import is one entry in Wagtail's audit log."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.log_actions import LogFormatter, log

from donations import bank_statement, services
from donations.models import DonationIntent
from spero_site.admin_refusal import RefusesWith403

IMPORT_ACTION = "donations.import_bank_statement"
Result = services.BankPayment
# KIDs looked up per query.
KID_CHUNK = 1000

REASONS = {
    Result.UNKNOWN_KID: _("No gift paid by bank transfer has this KID."),
    Result.AMOUNT_DIFFERS: _("The amount differs from the gift's (%(amount)s)."),
    Result.NOT_PENDING: _("The gift is not awaiting payment (its status is «%(status)s»)."),
}
UNMATCHED = (Result.UNKNOWN_KID, Result.AMOUNT_DIFFERS, Result.NOT_PENDING)


def kroner(amount_ore):
    """ "1 000,00 kr" (as the active language writes it)."""
    value = Decimal(amount_ore) / 100
    return f"{number_format(value, decimal_pos=2, force_grouping=True)} kr"


class BankStatementForm(forms.Form):
    statement = forms.FileField(
        label=_("Bank statement (CSV)"),
        help_text=_(
            "The CSV file of the account's payments, downloaded from the online bank. Payments "
            "with the KID of a gift by bank transfer are marked paid."
        ),
        error_messages={
            "required": _("Choose the CSV file from the bank."),
            "empty": _("The file is empty."),
            "invalid": _("Choose the CSV file from the bank."),
            "missing": _("Choose the CSV file from the bank."),
        },
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_statement(self):
        upload = self.cleaned_data["statement"]
        if upload.size > bank_statement.MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(megabytes)s MB.")
                % {"megabytes": bank_statement.MAX_BYTES // (1024 * 1024)}
            )
        upload.seek(0)
        statement = bank_statement.parse_statement(upload.read(bank_statement.MAX_BYTES + 1))
        if statement.error:
            raise forms.ValidationError(statement.error)
        self.statement = statement
        return upload


@dataclass(frozen=True)
class ReportLine:
    """A line of the statement that marked nothing paid, for the result page."""

    line_number: int
    date: object
    kid: str
    amount: str
    reason: str
    result: str  # a BankPayment value, or "unread"


@dataclass(frozen=True)
class ImportReport:
    counts: dict
    line_count: int
    outgoing: int
    unmatched: list

    @property
    def log_data(self):
        return {
            "lines": self.line_count,
            "outgoing": self.outgoing,
            **{result.value: self.counts.get(result, 0) for result in Result},
            "unread": sum(line.result == "unread" for line in self.unmatched),
        }


def _known_kids(kids):
    known = {}
    kids = sorted(kids)
    for start in range(0, len(kids), KID_CHUNK):
        rows = DonationIntent.objects.filter(
            provider="manual", kid__in=kids[start : start + KID_CHUNK]
        ).values_list("kid", "amount_ore", "status")
        known.update({kid: (amount_ore, status) for kid, amount_ore, status in rows})
    return known


def import_statement(statement, user):
    """Apply each payment of the statement. Returns an ImportReport."""
    # Most lines of a statement are not gifts: look their KIDs up at once, not one by one.
    known = _known_kids({line.kid for line in statement.lines})
    results = []
    for line in statement.lines:
        if line.kid in known:
            result = services.apply_bank_payment(
                line.kid, line.amount_ore, line.date, line.reference, user
            )
        else:
            result = Result.UNKNOWN_KID
        results.append((line, result))
    # The gifts as they are now, for the reasons (a second line for a gift paid by the first).
    after = _known_kids({line.kid for line, result in results if result in UNMATCHED})
    unmatched = [
        ReportLine(
            line.line_number,
            line.date,
            line.kid,
            kroner(line.amount_ore),
            _reason(result, after.get(line.kid)),
            result.value,
        )
        for line, result in results
        if result in UNMATCHED
    ]
    unmatched += [
        ReportLine(
            line.line_number,
            line.date,
            line.kid,
            "" if line.amount_ore is None else kroner(line.amount_ore),
            line.reason,
            "unread",
        )
        for line in statement.unread
    ]
    unmatched.sort(key=lambda line: line.line_number)
    return ImportReport(
        counts=Counter(result for _line, result in results),
        line_count=statement.line_count,
        outgoing=statement.outgoing,
        unmatched=unmatched,
    )


def _reason(result, gift):
    if result == Result.UNKNOWN_KID or gift is None:
        return REASONS[Result.UNKNOWN_KID]
    amount_ore, status = gift
    return REASONS[result] % {
        "amount": kroner(amount_ore),
        "status": DonationIntent.Status(status).label,
    }


class BankStatementImportView(
    RefusesWith403, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView
):
    """GET shows the upload form; POST imports the file and shows what it did."""

    model = DonationIntent
    permission_required = "change"
    form_class = BankStatementForm
    template_name = "donations/admin/bank_import.html"
    page_title = _("Import bank statement")
    header_icon = "upload"

    def form_valid(self, form):
        report = import_statement(form.statement, self.request.user)
        log(self.request.user, IMPORT_ACTION, user=self.request.user, data=report.log_data)
        # The result page is the answer to the POST: importing again (a reload) changes
        # nothing, since every payment recorded is then "already".
        return self.render_to_response(
            self.get_context_data(form=self.get_form_class()(), report=report)
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("report", None)
        return super().get_context_data(**kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("donation_intents:index"), "label": gettext("Donations")},
            {"url": "", "label": self.get_page_title()},
        ]


class ImportLogFormatter(LogFormatter):
    label = _("Import bank statement")

    def format_message(self, log_entry):
        data = log_entry.data
        unmatched = sum(
            data.get(key, 0) for key in ("unknown_kid", "amount_differs", "not_pending", "unread")
        )
        lines = data.get("lines", 0)
        return ngettext(
            "Imported a bank statement of %(lines)s line: %(paid)s marked paid, %(charged)s "
            "monthly payments added, %(already)s already recorded, %(unmatched)s not matched",
            "Imported a bank statement of %(lines)s lines: %(paid)s marked paid, %(charged)s "
            "monthly payments added, %(already)s already recorded, %(unmatched)s not matched",
            lines,
        ) % {
            "lines": lines,
            "paid": data.get("paid", 0),
            "charged": data.get("charged", 0),
            "already": data.get("already", 0),
            "unmatched": unmatched,
        }
