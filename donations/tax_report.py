"""The yearly report of gifts for tax deduction (skattefradrag) to Skatteetaten: per donor, the
money received in a calendar year from the gifts for which the donor asked for the deduction.

A donor is a fødselsnummer: the gifts one person gave under different names or e-mail
addresses count together. Only charged payments (DonationCharge) count, by the day they were
paid as it reads in Norway; a refunded gift counts for nothing. A donor is reported once the
year's gifts reach TAX_DEDUCTION_MIN_KRONER, with at most TAX_DEDUCTION_MAX_KRONER.

This report is the one place where the fødselsnummer is decrypted: it shows in no listing,
inspect view or other export."""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Sum
from django.views.decorators.debug import sensitive_variables

from donations import national_id
from donations.models import DonationCharge, DonationIntent

logger = logging.getLogger(__name__)

# Skatteetaten's year is the Norwegian calendar year, whatever time zone a staff member's admin
# profile uses.
NORWAY = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True)
class TaxReportRow:
    national_id: str
    name: str  # from the donor's most recent gift
    total_kroner: int  # all that was received in the year
    reported_kroner: int  # what is reported: the total, at most TAX_DEDUCTION_MAX_KRONER
    payments: int
    year: int


@dataclass(frozen=True)
class TaxReport:
    year: int
    rows: list
    # Gifts whose fødselsnummer no key opens (a key was removed from DONATION_ENCRYPTION_KEYS
    # too early): they cannot be reported, and staff must be told.
    unreadable_gifts: int


def year_bounds(year):
    """The first moment of the year and of the next, in Norway."""
    return (
        datetime.datetime(year, 1, 1, tzinfo=NORWAY),
        datetime.datetime(year + 1, 1, 1, tzinfo=NORWAY),
    )


@sensitive_variables()
def tax_report(year):
    start, end = year_bounds(year)
    per_intent = {
        row["intent_id"]: row
        for row in DonationCharge.objects.filter(
            status=DonationCharge.Status.CHARGED,
            paid_at__gte=start,
            paid_at__lt=end,
            intent__tax_deduction=True,
            intent__purpose=DonationIntent.Purpose.GIFT,
        )
        .exclude(intent__status=DonationIntent.Status.REFUNDED)
        .exclude(intent__national_id_encrypted="")
        .values("intent_id")
        .annotate(total_ore=Sum("amount_ore"), payments=Count("pk"))
        .order_by()
    }
    intents = DonationIntent.objects.filter(pk__in=per_intent).only(
        "pk", "donor_name", "created_at", "national_id_encrypted"
    )
    donors = defaultdict(list)
    unreadable = 0
    for intent in intents.iterator():
        number = national_id.decrypt(intent.national_id_encrypted)
        if not number:
            unreadable += 1
            logger.error("No key opens the national identity number of gift %s", intent.pk)
            continue
        donors[number].append(intent)

    minimum_ore = settings.TAX_DEDUCTION_MIN_KRONER * 100
    maximum_ore = settings.TAX_DEDUCTION_MAX_KRONER * 100
    rows = []
    for number, gifts in donors.items():
        total_ore = sum(per_intent[gift.pk]["total_ore"] for gift in gifts)
        if total_ore < minimum_ore:
            continue
        latest = max(gifts, key=lambda gift: (gift.created_at, str(gift.pk)))
        rows.append(
            TaxReportRow(
                national_id=number,
                name=latest.donor_name,
                # Whole kroner, as Skatteetaten takes them: øre are left out.
                total_kroner=total_ore // 100,
                reported_kroner=min(total_ore, maximum_ore) // 100,
                payments=sum(per_intent[gift.pk]["payments"] for gift in gifts),
                year=year,
            )
        )
    rows.sort(key=lambda row: (row.name.casefold(), row.national_id))
    return TaxReport(year=year, rows=rows, unreadable_gifts=unreadable)


@sensitive_variables()
def tax_report_rows(year):
    """One TaxReportRow per donor who reached the minimum in `year`, sorted by name."""
    return tax_report(year).rows
