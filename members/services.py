"""Every rule that changes the member register, one transaction each (docs/members.md).

A membership's status for a year follows from its fees: «aktiv» when that year's fee is paid,
«venter på betaling» while a new member or last year's member has not paid yet and the grace
period (MEMBERSHIP_GRACE_DAYS) runs, «utgått» after it. Fees are paid through donations'
providers: a fee is a DonationIntent with the purpose «membership fee», so Vipps, the KID of a
bank transfer, the bank-statement import, «mark paid» and the receipt all work as for a gift."""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from donations import services as donation_services
from donations.models import DonationCharge, DonationIntent
from members.models import Membership, MembershipFee, MembershipKind, MemberStatus
from spero_site.forms import normalize_email
from spero_site.retention import RetentionRule, deleting_rule, local
from spero_site.tasks import enqueue_once

logger = logging.getLogger(__name__)

CONFIRM_SALT = "members.confirm"
MEMBER_SALT = "members.own-page"
# A confirmation link works this long; a membership never confirmed is deleted after it.
CONFIRM_WITHIN = datetime.timedelta(days=7)

Status = Membership.Status
PAID = DonationIntent.Status.PAID
YEARLY = DonationIntent.Frequency.YEARLY


class InvalidLink(Exception):
    """A confirmation or member link that is forged, too old, or of a membership that is gone."""


class AlreadyPaid(Exception):
    """The year's fee is paid already."""


class NotConfirmed(Exception):
    """The membership is not confirmed from the e-mail yet, or has ended: no fee can be paid."""


@dataclass(frozen=True)
class JoinData:
    kind_id: int
    name: str
    email: str
    postal_code: str
    place: str = ""
    phone: str = ""
    birth_year: int | None = None


def confirm_token(membership):
    return signing.dumps(membership.pk, salt=CONFIRM_SALT)


def member_token(membership):
    """The key of the member's own page, in every e-mail the member gets."""
    return signing.dumps(membership.pk, salt=MEMBER_SALT)


def member_url(membership):
    return settings.SITE_BASE_URL + reverse("members:own", args=[member_token(membership)])


def _pk_from(token, salt, max_age=None):
    try:
        return int(signing.loads(token, salt=salt, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError, OverflowError) as error:
        raise InvalidLink from error


def fee_year(today=None):
    return (today or timezone.localdate()).year


def offered_kinds():
    return MembershipKind.objects.filter(offered=True)


def _make_email_due(membership, email):
    from members import tasks

    membership.email_due = email
    enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)


def join(data, *, consent_version, ip_hash, now=None):
    """A new membership, unconfirmed, with its confirmation e-mail due. An address that is a
    member already changes nothing and is sent its member link instead (the page says the same
    to everyone, so the form tells no one who is a member); one not confirmed yet is updated
    with what was given now. Raises MembershipKind.DoesNotExist for a kind not offered."""
    now = now or timezone.now()
    normalized = normalize_email(data.email)
    kind = offered_kinds().get(pk=data.kind_id)
    for _attempt in range(2):  # two at once for one new address: the second finds the first
        try:
            with transaction.atomic():
                membership = (
                    Membership.objects.select_for_update()
                    .filter(email_normalized=normalized)
                    .exclude(status=Status.RESIGNED)
                    .first()
                )
                if membership and membership.status == Status.CONFIRMED:
                    _make_email_due(membership, Membership.Email.ALREADY)
                    membership.save(update_fields=["email_due"])
                    return membership
                membership = membership or Membership(email_normalized=normalized)
                membership.kind = kind
                membership.name = data.name
                membership.email = data.email
                membership.phone = data.phone
                membership.postal_code = data.postal_code
                membership.place = data.place
                membership.birth_year = data.birth_year
                membership.consent_version = consent_version
                membership.consented_at = now
                membership.ip_hash = ip_hash
                _make_email_due(membership, Membership.Email.CONFIRM)
                membership.save()
                return membership
        except IntegrityError:
            continue
    raise IntegrityError(normalized)


@transaction.atomic
def confirm(token, *, now=None):
    """The address's owner confirms from the e-mail: the membership starts, awaiting its fee."""
    pk = _pk_from(token, CONFIRM_SALT, max_age=CONFIRM_WITHIN.total_seconds())
    membership = Membership.objects.select_for_update().filter(pk=pk).first()
    if membership is None or membership.status == Status.RESIGNED:
        raise InvalidLink
    if membership.status == Status.UNCONFIRMED:
        membership.status = Status.CONFIRMED
        membership.confirmed_at = now or timezone.now()
        membership.save(update_fields=["status", "confirmed_at"])
    return membership


def membership_for(token):
    """The membership of a member link; InvalidLink for a forged one or one anonymised."""
    membership = (
        Membership.objects.select_related("kind")
        .filter(pk=_pk_from(token, MEMBER_SALT), anonymised_at__isnull=True)
        .first()
    )
    if membership is None:
        raise InvalidLink
    return membership


def _paid_in(**year):
    """A condition on memberships: the fee of a year (`year=2027`, `year__gte=2026`) is paid,
    once (a fee's payment) or by a yearly Vipps agreement (its charge falling due that year)."""
    [(lookup, value)] = year.items()
    fees = MembershipFee.objects.filter(
        membership=OuterRef("pk"), payment__status=PAID, **{lookup: value}
    )
    charges = DonationCharge.objects.filter(
        intent__membership_fee__membership=OuterRef("pk"),
        intent__frequency=YEARLY,
        status=DonationCharge.Status.CHARGED,
        **{lookup.replace("year", "due_date__year", 1): value},
    )
    return Q(Exists(fees)) | Q(Exists(charges))


def running_agreements(membership_id=None):
    """Yearly Vipps agreements that still charge (of one membership, or of OuterRef("pk"))."""
    return DonationIntent.objects.filter(
        membership_fee__membership=membership_id or OuterRef("pk"),
        frequency=YEARLY,
        status=PAID,
        ended_at__isnull=True,
    )


def with_status(queryset, today=None):
    """`queryset` with `member_status` (a MemberStatus) for the year of `today`, worked out by
    the database so that the register can filter and count by it."""
    today = today or timezone.localdate()
    year = today.year
    grace = datetime.timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
    renewal_grace = today < datetime.date(year, 1, 1) + grace
    recently_joined = timezone.now() - grace
    return queryset.annotate(
        member_status=Case(
            When(status=Status.RESIGNED, then=Value(MemberStatus.RESIGNED)),
            When(status=Status.UNCONFIRMED, then=Value(MemberStatus.UNCONFIRMED)),
            When(_paid_in(year=year), then=Value(MemberStatus.ACTIVE)),
            # A yearly agreement charges this year's fee on its day.
            When(Exists(running_agreements()), then=Value(MemberStatus.AWAITING_PAYMENT)),
            When(
                _paid_in(year=year - 1) if renewal_grace else Q(pk__in=[]),
                then=Value(MemberStatus.AWAITING_PAYMENT),
            ),
            When(confirmed_at__gte=recently_joined, then=Value(MemberStatus.AWAITING_PAYMENT)),
            default=Value(MemberStatus.EXPIRED),
            output_field=CharField(),
        ),
    )


def status_of(membership, today=None):
    return (
        with_status(Membership.objects.filter(pk=membership.pk), today)
        .values_list("member_status", flat=True)
        .get()
    )


def fees_of(membership):
    return membership.fees.select_related("payment", "kind").order_by("-year", "-created_at")


def _fee_payment_data(membership, year, yearly):
    kind = membership.kind
    if yearly:
        description = _("Membership fee every year – %(kind)s") % {"kind": kind.name}
    else:
        description = _("Membership fee %(year)s – %(kind)s") % {"year": year, "kind": kind.name}
    return donation_services.DonationData(
        amount_ore=kind.fee_kroner * 100,
        frequency=YEARLY if yearly else DonationIntent.Frequency.ONE_OFF,
        donor_name=membership.name,
        donor_email=membership.email,
        message="",
        purpose=DonationIntent.Purpose.MEMBERSHIP_FEE,
        description=description[:100],  # Vipps takes at most 100 characters
        return_path=reverse("members:returned", args=[member_token(membership)]),
    )


def _year_is_paid(membership, year):
    return Membership.objects.filter(_paid_in(year=year), pk=membership.pk).exists()


def ask_for_fee(membership_id, *, provider_name, year=None, yearly=False):
    """The payment of a year's fee (this year's unless given) by `provider_name`, or with
    `yearly` a Vipps agreement that pays it this year and every year after: a bank transfer
    already asked for is given again (its KID stays the same); Vipps gets a new payment each
    time (one left unfinished expires at Vipps). Returns the DonationIntent, which the caller
    starts with donations.services.start_payment when its provider redirects. Raises
    NotConfirmed, AlreadyPaid (also while a yearly agreement runs), or KeyError for a provider
    that is not enabled or has no agreements."""
    year = year or fee_year()
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("kind").get(pk=membership_id)
        )
        if membership.status != Status.CONFIRMED:
            raise NotConfirmed
        if _year_is_paid(membership, year) or running_agreements(membership.pk).exists():
            raise AlreadyPaid
        waiting = (
            membership.fees.filter(
                year=year,
                kind=membership.kind,
                payment__provider=provider_name,
                payment__status__in=[DonationIntent.Status.CREATED, DonationIntent.Status.PENDING],
            )
            .select_related("payment")
            .first()
        )
        if waiting is not None and provider_name == "manual":
            return waiting.payment
        payment = donation_services.create_intent(
            _fee_payment_data(membership, year, yearly), provider_name=provider_name
        )
        MembershipFee.objects.create(
            membership=membership, year=year, kind=membership.kind, payment=payment
        )
        return payment


def waiting_vipps_payments(membership):
    """The member's Vipps fees that Vipps has not settled yet (asked after on coming back)."""
    return DonationIntent.objects.filter(
        membership_fee__membership=membership,
        provider="vipps",
        status__in=[DonationIntent.Status.CREATED, DonationIntent.Status.PENDING],
    ).exclude(provider_reference="")


def mark_fee_paid(membership_id, user, *, year=None):
    """Staff saw a member's fee arrive by other means (cash at a meeting, a transfer without
    its KID): the year is paid, and the member gets the receipt. Returns the payment."""
    year = year or fee_year()
    with transaction.atomic():
        payment = ask_for_fee(membership_id, provider_name="manual", year=year)
        donation_services.mark_paid_by_staff(payment.pk, user)
        return payment


@transaction.atomic
def resign(membership_id, *, now=None):
    """The member leaves (from their own page, or «Mine data»). What is kept until the
    retention rule anonymises it is in docs/members.md. Resigning twice changes nothing."""
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if membership.status == Status.RESIGNED:
        return False
    if membership.status == Status.UNCONFIRMED:
        membership.delete()
        return True
    membership.status = Status.RESIGNED
    membership.resigned_at = now or timezone.now()
    membership.email_due = Membership.Email.NONE
    membership.save(update_fields=["status", "resigned_at", "email_due"])
    for agreement in running_agreements(membership.pk):
        donation_services.end_agreement(agreement.pk)
    return True


def make_renewals_due(today=None):
    """In January, every member who paid last year and not yet this year is due one renewal
    e-mail with the link to pay (Membership.renewal_year keeps it to one a year, however often
    this runs). Outside January it does nothing. Returns how many were made due."""
    from members import tasks

    today = today or timezone.localdate()
    if today.month != 1:
        return 0
    year = today.year
    with transaction.atomic():
        due = (
            Membership.objects.filter(status=Status.CONFIRMED, email_due="")
            .filter(Q(renewal_year__isnull=True) | Q(renewal_year__lt=year))
            .filter(_paid_in(year=year - 1))
            .exclude(_paid_in(year=year))
            .exclude(Exists(running_agreements()))
        )
        count = due.update(renewal_year=year, email_due=Membership.Email.RENEWAL)
        if count:
            enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)
    return count


def yearly_counts():
    """Paying members per year and kind, newest year first: [(year, [(kind, count)], total)].
    A member counts once a year, in the kind whose fee they paid (a yearly agreement's kind for
    the years it charged); a household counts as one membership. What grant applications ask
    for (docs/members.md)."""
    paid = set(
        MembershipFee.objects.filter(payment__status=PAID).values_list(
            "year", "kind_id", "membership_id"
        )
    )
    paid |= {
        (due.year, kind_id, membership_id)
        for due, kind_id, membership_id in DonationCharge.objects.filter(
            intent__frequency=YEARLY,
            status=DonationCharge.Status.CHARGED,
            intent__membership_fee__isnull=False,
        ).values_list(
            "due_date", "intent__membership_fee__kind_id", "intent__membership_fee__membership_id"
        )
    }
    members_per_kind = Counter((year, kind_id) for year, kind_id, _member in paid)
    totals = Counter(year for year, _member in {(year, member) for year, _kind, member in paid})
    kinds = {kind.pk: kind for kind in MembershipKind.objects.all()}
    order = sorted(members_per_kind, key=lambda key: (-key[0], kinds[key[1]].sort_order, key[1]))
    years = {}
    for year, kind_id in order:
        years.setdefault(year, []).append((kinds[kind_id].name, members_per_kind[year, kind_id]))
    return [(year, rows, totals[year]) for year, rows in years.items()]


# ---------------------------------------------------------------------------------------------
# Retention and «Mine data»


def _anonymise(queryset, now):
    # An e-mail still due (a renewal) has nobody to go to.
    return queryset.update(
        **Membership.WIPED, status=Status.RESIGNED, anonymised_at=now, email_due=""
    )


def resigned_before(now):
    return now - datetime.timedelta(days=settings.MEMBERSHIP_RESIGNED_RETENTION_DAYS)


def lapsed_before(now):
    """1 January of last year: a member who has paid for neither this year nor last, and
    joined before this date, has let the membership lapse for good."""
    return timezone.make_aware(datetime.datetime(timezone.localtime(now).year - 1, 1, 1))


def _resigned_due(now):
    return Membership.objects.filter(
        status=Status.RESIGNED, anonymised_at__isnull=True, resigned_at__lt=resigned_before(now)
    )


def _lapsed_due(now):
    year = timezone.localtime(now).year
    return (
        Membership.objects.filter(
            status=Status.CONFIRMED,
            anonymised_at__isnull=True,
            confirmed_at__lt=lapsed_before(now),
        )
        .exclude(_paid_in(year__gte=year - 1))
        .exclude(Exists(running_agreements()))
    )


def _anonymising_rule(name, scope, due):
    def apply(now, dry_run):
        rows = due(now)
        if dry_run:
            return rows.count()
        with transaction.atomic():
            return _anonymise(rows, now)

    return RetentionRule(name=name, deletes=False, scope=scope, apply=apply)


def retention_rules():
    days = settings.MEMBERSHIP_RESIGNED_RETENTION_DAYS
    return [
        deleting_rule(
            "unconfirmed_memberships",
            lambda now: (
                f"unconfirmed membership(s) made before {local(now - CONFIRM_WITHIN)} "
                f"({CONFIRM_WITHIN.days} days)"
            ),
            lambda now: Membership.objects.filter(
                status=Status.UNCONFIRMED, consented_at__lt=now - CONFIRM_WITHIN
            ),
        ),
        _anonymising_rule(
            "resigned_members",
            lambda now: (
                f"member(s) who resigned before {local(resigned_before(now))} ({days} days)"
            ),
            _resigned_due,
        ),
        _anonymising_rule(
            "lapsed_members",
            lambda now: (
                f"member(s) who joined before {local(lapsed_before(now), with_time=False)} and "
                "paid for neither this year nor last"
            ),
            _lapsed_due,
        ),
    ]


def memberships_of(normalized):
    return Membership.objects.filter(email_normalized=normalized, anonymised_at__isnull=True)


@transaction.atomic
def erase_membership(pk, *, email_normalized, now=None):
    """«Mine data»: the person leaves and is anonymised at once (a membership not confirmed yet
    is deleted). The fees' payments stay as the accounting law asks (donations.services).
    Raises Membership.DoesNotExist unless it is theirs."""
    now = now or timezone.now()
    membership = memberships_of(email_normalized).select_for_update().filter(pk=pk).first()
    if membership is None:
        raise Membership.DoesNotExist
    if membership.status == Status.UNCONFIRMED:
        membership.delete()
        return "deleted"
    resign(pk, now=now)  # as from the own page: a yearly agreement charges no more
    _anonymise(Membership.objects.filter(pk=pk), now)
    return "anonymised"
