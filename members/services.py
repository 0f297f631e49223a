"""Every rule that changes the member register, one transaction each (docs/members.md).

A membership's status for a year follows from its fees: «aktiv» when that year's fee is paid,
«venter på betaling» while a new member or last year's member has not paid yet and the grace
period (MEMBERSHIP_GRACE_DAYS) runs, «utgått» after it. Fees are paid through donations'
providers: a fee is a DonationIntent with the purpose «membership fee», so Vipps, the KID of a
bank transfer, the bank-statement import, «mark paid» and the receipt all work as for a gift."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from donations import services as donation_services
from donations.models import DonationIntent
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


def with_status(queryset, today=None):
    """`queryset` with `member_status` (a MemberStatus) for the year of `today`, worked out by
    the database so that the register can filter and count by it."""
    today = today or timezone.localdate()
    year = today.year
    grace = datetime.timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
    paid = MembershipFee.objects.filter(membership=OuterRef("pk"), payment__status=PAID)
    renewal_grace = today < datetime.date(year, 1, 1) + grace
    recently_joined = timezone.now() - grace
    return queryset.annotate(
        paid_this_year=Exists(paid.filter(year=year)),
        paid_last_year=Exists(paid.filter(year=year - 1)),
        member_status=Case(
            When(status=Status.RESIGNED, then=Value(MemberStatus.RESIGNED)),
            When(status=Status.UNCONFIRMED, then=Value(MemberStatus.UNCONFIRMED)),
            When(paid_this_year=True, then=Value(MemberStatus.ACTIVE)),
            When(
                Q(paid_last_year=True) if renewal_grace else Q(pk__in=[]),
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


def _fee_payment_data(membership, year):
    kind = membership.kind
    description = _("Membership fee %(year)s – %(kind)s") % {"year": year, "kind": kind.name}
    return donation_services.DonationData(
        amount_ore=kind.fee_kroner * 100,
        frequency=DonationIntent.Frequency.ONE_OFF,
        donor_name=membership.name,
        donor_email=membership.email,
        message="",
        purpose=DonationIntent.Purpose.MEMBERSHIP_FEE,
        description=description[:100],  # Vipps takes at most 100 characters
        return_path=reverse("members:returned", args=[member_token(membership)]),
    )


def _year_is_paid(membership, year):
    return membership.fees.filter(year=year, payment__status=PAID).exists()


def ask_for_fee(membership_id, *, provider_name, year=None):
    """The payment of a year's fee (this year's unless given) by `provider_name`: a bank
    transfer already asked for is given again (its KID stays the same); Vipps gets a new
    payment each time (one left unfinished expires at Vipps). Returns the DonationIntent, which
    the caller starts with donations.services.start_payment when its provider redirects.
    Raises NotConfirmed, AlreadyPaid, or KeyError for a provider that is not enabled."""
    year = year or fee_year()
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("kind").get(pk=membership_id)
        )
        if membership.status != Status.CONFIRMED:
            raise NotConfirmed
        if _year_is_paid(membership, year):
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
            _fee_payment_data(membership, year), provider_name=provider_name
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
    paid = MembershipFee.objects.filter(membership=OuterRef("pk"), payment__status=PAID)
    with transaction.atomic():
        due = (
            Membership.objects.filter(status=Status.CONFIRMED, email_due="")
            .filter(Q(renewal_year__isnull=True) | Q(renewal_year__lt=year))
            .filter(Exists(paid.filter(year=year - 1)))
            .exclude(Exists(paid.filter(year=year)))
        )
        count = due.update(renewal_year=year, email_due=Membership.Email.RENEWAL)
        if count:
            enqueue_once(tasks.send_due_emails, tasks.DUE_EMAILS)
    return count


def yearly_counts():
    """Paying members per year and kind, newest year first: [(year, [(kind, count)], total)].
    A member counts once a year, in the kind whose fee they paid; a household counts as one
    membership. What grant applications ask for (docs/members.md)."""
    rows = (
        MembershipFee.objects.filter(payment__status=PAID)
        .values("year", "kind__name", "kind__sort_order", "kind_id")
        .annotate(members=Count("membership", distinct=True))
        .order_by("-year", "kind__sort_order", "kind_id")
    )
    years = {}
    for row in rows:
        years.setdefault(row["year"], []).append((row["kind__name"], row["members"]))
    totals = dict(
        MembershipFee.objects.filter(payment__status=PAID)
        .values("year")
        .annotate(members=Count("membership", distinct=True))
        .values_list("year", "members")
    )
    return [(year, kinds, totals[year]) for year, kinds in years.items()]


# ---------------------------------------------------------------------------------------------
# Retention and «Mine data»


def _anonymise(queryset, now):
    return queryset.update(**Membership.WIPED, status=Status.RESIGNED, anonymised_at=now)


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
    paid = MembershipFee.objects.filter(
        membership=OuterRef("pk"), payment__status=PAID, year__gte=year - 1
    )
    return Membership.objects.filter(
        status=Status.CONFIRMED, anonymised_at__isnull=True, confirmed_at__lt=lapsed_before(now)
    ).exclude(Exists(paid))


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
    Membership.objects.filter(pk=pk).update(
        **Membership.WIPED,
        status=Status.RESIGNED,
        resigned_at=membership.resigned_at or now,
        anonymised_at=now,
        email_due=Membership.Email.NONE,
    )
    return "anonymised"
