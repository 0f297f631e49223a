"""Retention of signatures: unconfirmed ones are deleted after 7 days, the personal data of a
closed petition's signatures is wiped SIGNATURE_RETENTION_MONTHS after it closed, and no count
changes. Run through the services, `manage.py enforce_retention` and its task, all on a frozen
clock."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django_tasks import TaskResultStatus

from campaigns import services
from campaigns.models import Petition, Signature
from spero_site.tasks import enforce_retention

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2025, 10, 15, 12, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
PERSONAL_FIELDS = [
    "full_name",
    "email",
    "email_normalized",
    "postal_code",
    "place",
    "comment",
    "ip_hash",
]
Status = Signature.Status


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_petition(slug, *, closes_at, opens_at=None):
    return Petition.objects.create(
        title=f"Opprop {slug}",
        slug=slug,
        text="<p>Tekst</p>",
        opens_at=opens_at or datetime.datetime(2024, 1, 1, tzinfo=UTC),
        closes_at=closes_at,
        consent_text="Jeg samtykker.",
    )


_serial = iter(range(1, 10**6))


def make_signature(petition, *, status=Status.CONFIRMED, created_at=None):
    n = next(_serial)
    created_at = created_at or petition.opens_at + DAY
    signature = Signature.objects.create(
        petition=petition,
        status=status,
        full_name=f"Kari Nordmann {n}",
        email=f"Kari.{n}@Example.no",
        email_normalized=f"kari.{n}@example.no",
        postal_code="5003",
        place="Bergen",
        show_publicly=True,
        comment="Stigma må bort.",
        comment_approved=True,
        consent_version=1,
        consented_at=created_at,
        ip_hash="ab" * 32,
        created_at=created_at,
        confirmed_at=created_at if status == Status.CONFIRMED else None,
    )
    return signature


def settle_count(petition):
    """Set the stored count as the services would have kept it."""
    Petition.objects.filter(pk=petition.pk).update(signature_count=services.recount(petition))
    petition.refresh_from_db()


def snapshot():
    return (
        list(Signature.objects.order_by("pk").values()),
        list(Petition.objects.order_by("pk").values()),
    )


def assert_anonymised(signature, status, at):
    signature.refresh_from_db()
    for field in PERSONAL_FIELDS:
        assert getattr(signature, field) == "", field
    assert signature.show_publicly is False
    assert signature.comment_approved is False
    assert signature.anonymised_at == at
    assert signature.status == status


def assert_untouched(signature):
    before = {f: getattr(signature, f) for f in PERSONAL_FIELDS}
    signature.refresh_from_db()
    assert {f: getattr(signature, f) for f in PERSONAL_FIELDS} == before
    assert all(before.values())
    assert signature.anonymised_at is None


def run_command(*args):
    out = io.StringIO()
    call_command("enforce_retention", *args, stdout=out)
    text = out.getvalue()
    anonymised = re.search(r"(?:Would anonymise|Anonymised) (\d+) signature", text)
    purged = re.search(r"(?:Would delete|Deleted) (\d+) unconfirmed signature", text)
    assert anonymised and purged, text
    return int(anonymised[1]), int(purged[1]), text


# Unconfirmed signatures


def test_unconfirmed_signatures_older_than_seven_days_are_deleted(frozen):
    petition = make_petition("apent", closes_at=None)
    old = make_signature(petition, status=Status.UNCONFIRMED, created_at=NOW - 8 * DAY)
    just_over = make_signature(
        petition,
        status=Status.UNCONFIRMED,
        created_at=NOW - 7 * DAY - datetime.timedelta(seconds=1),
    )
    exactly_seven = make_signature(petition, status=Status.UNCONFIRMED, created_at=NOW - 7 * DAY)
    young = make_signature(petition, status=Status.UNCONFIRMED, created_at=NOW - 6 * DAY)
    confirmed = make_signature(petition, status=Status.CONFIRMED, created_at=NOW - 400 * DAY)
    withdrawn = make_signature(petition, status=Status.WITHDRAWN, created_at=NOW - 400 * DAY)
    invalidated = make_signature(petition, status=Status.INVALIDATED, created_at=NOW - 400 * DAY)

    assert services.purge_unconfirmed() == 2

    remaining = set(Signature.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert just_over.pk not in remaining
    assert {exactly_seven.pk, young.pk, confirmed.pk, withdrawn.pk, invalidated.pk} <= remaining


def test_confirmed_signatures_are_never_purged(frozen):
    petition = make_petition("gammelt", closes_at=NOW - 1000 * DAY)
    confirmed = [
        make_signature(petition, created_at=NOW - days * DAY) for days in (8, 30, 365, 3000)
    ]
    assert services.purge_unconfirmed() == 0
    anonymised, purged, _ = run_command()
    assert purged == 0
    assert anonymised == len(confirmed)
    assert Signature.objects.filter(status=Status.CONFIRMED).count() == len(confirmed)


# Anonymisation after a petition closes


def test_signatures_of_a_petition_closed_over_six_months_ago_are_anonymised(frozen):
    cutoff = services.months_before(NOW, 6)
    assert cutoff == datetime.datetime(2025, 4, 15, 12, 0, tzinfo=UTC)
    long_closed = make_petition("lukket-lenge", closes_at=cutoff - datetime.timedelta(seconds=1))
    recently_closed = make_petition("lukket-nylig", closes_at=NOW - 150 * DAY)  # ~5 months
    at_cutoff = make_petition("lukket-akkurat", closes_at=cutoff)
    still_open = make_petition("apent", closes_at=None)
    closes_later = make_petition("lukkes-snart", closes_at=NOW + 30 * DAY)

    due = {
        status: make_signature(long_closed, status=status)
        for status in (Status.CONFIRMED, Status.INVALIDATED)
    }
    # Unconfirmed ones are left to purge_unconfirmed, which deletes them within seven days.
    awaiting_purge = make_signature(
        long_closed, status=Status.UNCONFIRMED, created_at=NOW - 2 * DAY
    )
    kept = [awaiting_purge] + [
        make_signature(petition, status=status)
        for petition in (recently_closed, at_cutoff, still_open, closes_later)
        for status in (Status.CONFIRMED, Status.UNCONFIRMED)
    ]

    assert services.anonymise_closed_petitions() == 2

    for status, signature in due.items():
        assert_anonymised(signature, status, NOW)
    for signature in kept:
        assert_untouched(signature)


def test_withdrawn_signatures_keep_their_withdrawal_time(frozen):
    petition = make_petition("lukket", closes_at=NOW - 400 * DAY)
    withdrawn = make_signature(petition, status=Status.WITHDRAWN)
    withdrawn_at = NOW - 500 * DAY
    withdrawn.wipe_personal_data(withdrawn_at)
    withdrawn.save()

    assert services.anonymise_closed_petitions() == 0
    assert_anonymised(withdrawn, Status.WITHDRAWN, withdrawn_at)


def test_a_petition_closed_five_months_ago_is_untouched(frozen):
    petition = make_petition("fem-mnd", closes_at=services.months_before(NOW, 5))
    signature = make_signature(petition)
    anonymised, purged, _ = run_command()
    assert (anonymised, purged) == (0, 0)
    assert_untouched(signature)


@pytest.mark.parametrize(
    ("months", "closed_months_ago", "anonymised"),
    [(3, 4, True), (3, 2, False), (12, 7, False), (12, 13, True), (6, 7, True), (6, 5, False)],
)
def test_the_setting_sets_the_period(settings, frozen, months, closed_months_ago, anonymised):
    settings.SIGNATURE_RETENTION_MONTHS = months
    closes_at = services.months_before(NOW, closed_months_ago)
    petition = make_petition("periode", closes_at=closes_at)
    signature = make_signature(petition)

    expected = 1 if anonymised else 0
    assert services.anonymise_closed_petitions(dry_run=True) == expected
    assert run_command()[0] == expected
    if anonymised:
        assert_anonymised(signature, Status.CONFIRMED, NOW)
    else:
        assert_untouched(signature)


def test_counts_stay_as_they_were(frozen):
    petition = make_petition("teller", closes_at=NOW - 400 * DAY)
    for status in [Status.CONFIRMED] * 5 + [Status.INVALIDATED] * 2 + [Status.UNCONFIRMED]:
        make_signature(petition, status=status)
    settle_count(petition)
    assert petition.signature_count == services.recount(petition) == 5
    updated_at = petition.count_updated_at

    anonymised, purged, _ = run_command()

    assert (anonymised, purged) == (7, 1)
    petition.refresh_from_db()
    assert petition.signature_count == services.recount(petition) == 5
    assert petition.count_updated_at == updated_at
    assert Signature.objects.filter(petition=petition, status=Status.CONFIRMED).count() == 5


def test_the_whole_life_of_a_signature(django_capture_on_commit_callbacks):
    """Signed and confirmed through the services while open; wiped six months after closing,
    with the count unchanged; the unconfirmed one deleted a week after it was made."""
    opens = datetime.datetime(2025, 1, 1, tzinfo=UTC)
    closes = datetime.datetime(2025, 3, 1, tzinfo=UTC)
    petition = make_petition("livslop", opens_at=opens, closes_at=closes)

    def data(email):
        return services.SignatureData(
            full_name="Ola Nordmann",
            email=email,
            postal_code="0150",
            show_publicly=True,
            comment="Hjelp, ikke straff.",
        )

    with time_machine.travel(datetime.datetime(2025, 2, 1, tzinfo=UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            services.sign(petition.slug, data("ola@example.no"), ip_hash="ip")
            services.sign(petition.slug, data("kari@example.no"), ip_hash="ip")
        ola = Signature.objects.get(email="ola@example.no")
        services.confirm(services.confirm_token(ola))
    kari = Signature.objects.get(email="kari@example.no")
    petition.refresh_from_db()
    assert petition.signature_count == 1

    with time_machine.travel(datetime.datetime(2025, 2, 8, 0, 0, 1, tzinfo=UTC), tick=False):
        assert run_command()[:2] == (0, 1)
    assert not Signature.objects.filter(pk=kari.pk).exists()
    assert_untouched(ola)

    with time_machine.travel(datetime.datetime(2025, 8, 31, tzinfo=UTC), tick=False):
        assert run_command()[:2] == (0, 0)
    assert_untouched(ola)

    later = datetime.datetime(2025, 9, 1, 0, 0, 1, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        assert run_command()[:2] == (1, 0)
    assert_anonymised(ola, Status.CONFIRMED, later)
    petition.refresh_from_db()
    assert petition.signature_count == services.recount(petition) == 1


# The command


@pytest.fixture
def mixed(frozen):
    """Something for every rule, including an old unconfirmed signature of a long-closed
    petition, which is purged, not anonymised."""
    long_closed = make_petition("lukket-lenge", closes_at=NOW - 300 * DAY)
    recently_closed = make_petition("lukket-nylig", closes_at=NOW - 30 * DAY)
    still_open = make_petition("apent", closes_at=None)
    for status in (Status.CONFIRMED, Status.CONFIRMED, Status.INVALIDATED, Status.UNCONFIRMED):
        make_signature(long_closed, status=status)
    make_signature(recently_closed)
    make_signature(recently_closed, status=Status.UNCONFIRMED, created_at=NOW - 40 * DAY)
    make_signature(still_open)
    make_signature(still_open, status=Status.UNCONFIRMED, created_at=NOW - 10 * DAY)
    make_signature(still_open, status=Status.UNCONFIRMED, created_at=NOW - DAY)
    for petition in (long_closed, recently_closed, still_open):
        settle_count(petition)
    return {"anonymised": 3, "purged": 3}


def test_dry_run_changes_nothing_and_reports_what_the_real_run_does(mixed):
    before = snapshot()
    dry_anonymised, dry_purged, text = run_command("--dry-run")
    assert snapshot() == before
    assert "Dry run: nothing was changed." in text
    assert text.startswith("Would anonymise") and "Anonymised" not in text

    anonymised, purged, text = run_command()
    assert (dry_anonymised, dry_purged) == (anonymised, purged) == tuple(mixed.values())
    assert "Dry run" not in text
    assert Signature.objects.filter(anonymised_at=NOW).count() == anonymised
    assert Signature.objects.count() == len(before[0]) - purged
    assert snapshot()[1] == before[1]  # petitions and their counts unchanged


def test_the_command_is_idempotent(mixed):
    assert run_command()[:2] == tuple(mixed.values())
    after_first = snapshot()
    assert run_command()[:2] == (0, 0)
    assert run_command("--dry-run")[:2] == (0, 0)
    assert snapshot() == after_first


def test_the_command_says_which_cutoffs_it_used(mixed):
    text = run_command("--dry-run")[2]
    assert "closed before 2025-04-15 14:00" in text  # Oslo summer time
    assert "(6 months)" in text
    assert "created before 2025-10-08 14:00" in text
    assert "(7 days)" in text


# The task


def test_the_task_runs_the_same_rules(mixed):
    dry = run_command("--dry-run")[:2]
    before = snapshot()

    result = enforce_retention.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    changed = result.return_value
    assert (changed["signatures_of_closed_petitions"], changed["unconfirmed_signatures"]) == dry
    assert dry == tuple(mixed.values())
    assert Signature.objects.filter(anonymised_at=NOW).count() == mixed["anonymised"]
    assert Signature.objects.count() == len(before[0]) - mixed["purged"]
    assert snapshot()[1] == before[1]
    assert set(enforce_retention.enqueue().return_value.values()) == {0}


def test_the_task_and_the_command_leave_the_same_data(frozen):
    def build():
        petition = make_petition("likt", closes_at=NOW - 300 * DAY)
        make_signature(petition)
        make_signature(petition, status=Status.UNCONFIRMED, created_at=NOW - 8 * DAY)
        other = make_petition("likt-apent", closes_at=None)
        make_signature(other, status=Status.UNCONFIRMED, created_at=NOW - 8 * DAY)
        make_signature(other, status=Status.UNCONFIRMED, created_at=NOW - DAY)

    def state():
        return sorted(
            Signature.objects.values_list(
                "petition__slug", "status", "full_name", "email", "anonymised_at"
            ),
            key=repr,
        )

    build()
    run_command()
    by_command = [(row[0], row[1], bool(row[2]), bool(row[3]), row[4]) for row in state()]
    Signature.objects.all().delete()
    Petition.objects.all().delete()

    build()
    enforce_retention.enqueue()
    by_task = [(row[0], row[1], bool(row[2]), bool(row[3]), row[4]) for row in state()]
    assert by_task == by_command
    assert len(by_task) == 2


# Calendar months


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        ((2025, 3, 31), 1, (2025, 2, 28)),
        ((2024, 3, 31), 1, (2024, 2, 29)),
        ((2024, 3, 30), 1, (2024, 2, 29)),
        ((2025, 3, 29), 1, (2025, 2, 28)),
        ((2025, 3, 28), 1, (2025, 2, 28)),
        ((2025, 5, 31), 1, (2025, 4, 30)),
        ((2025, 8, 31), 6, (2025, 2, 28)),
        ((2025, 1, 15), 1, (2024, 12, 15)),
        ((2025, 1, 31), 2, (2024, 11, 30)),
        ((2025, 10, 15), 6, (2025, 4, 15)),
        ((2024, 2, 29), 12, (2023, 2, 28)),
        ((2025, 6, 30), 0, (2025, 6, 30)),
        ((2025, 6, 30), 18, (2023, 12, 30)),
    ],
)
def test_months_before_handles_month_ends(moment, months, expected):
    moment = datetime.datetime(*moment, 13, 45, 7, tzinfo=UTC)
    result = services.months_before(moment, months)
    assert result == datetime.datetime(*expected, 13, 45, 7, tzinfo=UTC)
    assert result.tzinfo is UTC
