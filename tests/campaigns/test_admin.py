"""Staff and signatures in the Wagtail admin: the listing with filters and search, the export of
confirmed signatures (and its memory), invalidation, comment approval, the dashboard panel, the
audit log, and that a user without the signature permissions sees and reaches none of it."""

import csv
import datetime
import gc
import io
import itertools
import re
import tempfile
import tracemalloc

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst
from wagtail.models import ModelLogEntry

from campaigns.models import Petition, Signature
from tests.admin_helpers import listed, log_in, user_in_group

pytestmark = pytest.mark.django_db

S = Signature.Status
INDEX = "signatures:index"
_serial = itertools.count()


def signature(petition, status=S.CONFIRMED, **fields):
    n = next(_serial)
    now = timezone.now()
    email = fields.pop("email", f"signer{n}@example.org")
    values = {
        "full_name": f"Signer {n}",
        "postal_code": "5003",
        "place": "Bergen",
        "consent_version": 1,
        "consented_at": now,
        "confirmed_at": now if status == S.CONFIRMED else None,
        **fields,
    }
    return Signature(
        petition=petition, status=status, email=email, email_normalized=email.lower(), **values
    )


def create(petition, status=S.CONFIRMED, **fields):
    made = signature(petition, status, **fields)
    made.save()
    return made


def set_count(petition):
    count = Signature.objects.filter(petition=petition, status=S.CONFIRMED).count()
    Petition.objects.filter(pk=petition.pk).update(signature_count=count)
    return count


def make_petition(slug, **fields):
    return Petition.objects.create(
        title=f"Opprop {slug}",
        slug=slug,
        text="<p>Tekst</p>",
        consent_text="Jeg samtykker.",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        **fields,
    )


def export(client, fmt, **params):
    response = client.get(reverse(INDEX), {**params, "export": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def headings():
    with translation.override("nb"):
        return [
            capfirst(str(Signature._meta.get_field(name).verbose_name))
            for name in ["petition", "full_name", "postal_code", "place", "confirmed_at"]
        ]


@pytest.fixture
def mixed(petition):
    """One signature in each status on the petition, plus a confirmed one elsewhere."""
    other = make_petition("annet")
    made = {
        "confirmed": create(petition, full_name="Kari Bekreftet", email="kari@example.org"),
        "unconfirmed": create(petition, S.UNCONFIRMED, full_name="Ola Ubekreftet"),
        "withdrawn": create(petition, S.WITHDRAWN, full_name="", email=""),
        "invalidated": create(petition, S.INVALIDATED, full_name="Per Ugyldig"),
        "elsewhere": create(other, full_name="Anne Annet", email="anne@mailinator.com"),
    }
    set_count(petition)
    set_count(other)
    return made


# --- the listing ----------------------------------------------------------------------------


def test_superuser_sees_every_signature_in_the_list(admin_client, mixed):
    response = admin_client.get(reverse(INDEX))
    assert listed(response) == {s.pk for s in mixed.values()}
    assert "Kari Bekreftet" in response.content.decode()
    assert "kari@example.org" in response.content.decode()
    assert "?export=csv" in response.content.decode()
    assert "?export=xlsx" in response.content.decode()


@pytest.mark.parametrize("status", ["confirmed", "unconfirmed", "withdrawn", "invalidated"])
def test_the_status_filter_shows_only_that_status(admin_client, mixed, status):
    response = admin_client.get(reverse(INDEX), {"status": status})
    expected = {s.pk for s in mixed.values() if s.status == status}
    assert listed(response) == expected


def test_filters_by_petition_and_by_comment_awaiting_approval(admin_client, mixed, petition):
    awaiting = create(petition, show_publicly=True, comment="Viktig sak.")
    create(petition, show_publicly=True, comment="Godkjent.", comment_approved=True)
    create(petition, show_publicly=False, comment="Ikke offentlig.")
    response = admin_client.get(reverse(INDEX), {"awaiting_approval": "true"})
    assert listed(response) == {awaiting.pk}
    elsewhere = mixed["elsewhere"]
    response = admin_client.get(reverse(INDEX), {"petition": elsewhere.petition_id})
    assert listed(response) == {elsewhere.pk}


def test_filters_by_the_date_signed(admin_client, petition):
    old = create(petition, created_at=timezone.now() - datetime.timedelta(days=40))
    new = create(petition)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert listed(admin_client.get(reverse(INDEX), {"created_at_from": since})) == {new.pk}
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert listed(admin_client.get(reverse(INDEX), {"created_at_to": until})) == {old.pk}


def test_filters_by_ip_hash_and_email_domain(admin_client, petition):
    suspect = create(petition, ip_hash="a" * 64, email="x@mailinator.com")
    create(petition, ip_hash="b" * 64, email="y@sub.mailinator.com")
    assert listed(admin_client.get(reverse(INDEX), {"ip_hash": "a" * 64})) == {suspect.pk}
    response = admin_client.get(reverse(INDEX), {"email_domain": "Mailinator.com"})
    assert listed(response) == {suspect.pk}


def test_search_finds_a_signature_by_email(admin_client, mixed):
    response = admin_client.get(reverse(INDEX), {"q": "kari@example"})
    assert listed(response) == {mixed["confirmed"].pk}


def test_signatures_can_be_inspected_but_not_added_edited_or_deleted(admin_client, mixed):
    pk = mixed["confirmed"].pk
    response = admin_client.get(reverse("signatures:inspect", args=[pk]))
    assert response.status_code == 200
    assert "kari@example.org" in response.content.decode()
    for path in ["new/", f"edit/{pk}/", f"delete/{pk}/", f"copy/{pk}/"]:
        assert admin_client.get(reverse(INDEX) + path).status_code == 404


# --- export ---------------------------------------------------------------------------------


def test_csv_export_holds_exactly_the_confirmed_signatures(admin_client, mixed, superuser):
    rows = csv_rows(export(admin_client, "csv"))
    assert rows[0] == headings()
    assert sorted(row[1] for row in rows[1:]) == ["Anne Annet", "Kari Bekreftet"]
    kari = next(row for row in rows if row[1] == "Kari Bekreftet")
    assert kari[0] == mixed["confirmed"].petition.title
    assert kari[2:4] == ["5003", "Bergen"]
    confirmed_at = timezone.localtime(mixed["confirmed"].confirmed_at)
    assert kari[4] == confirmed_at.isoformat(timespec="seconds")
    content = "\n".join(",".join(row) for row in rows)
    assert "Ola Ubekreftet" not in content and "Per Ugyldig" not in content
    assert "@" not in content  # e-mail addresses stay in the admin

    entries = ModelLogEntry.objects.filter(action="campaigns.export")
    assert {(e.object_id, e.data["rows"], e.data["format"]) for e in entries} == {
        (str(mixed["confirmed"].petition_id), 1, "csv"),
        (str(mixed["elsewhere"].petition_id), 1, "csv"),
    }
    assert {e.user_id for e in entries} == {superuser.pk}
    assert len({e.uuid for e in entries}) == 1


def test_export_follows_the_filters_but_never_leaves_confirmed(admin_client, mixed, petition):
    rows = csv_rows(export(admin_client, "csv", petition=petition.pk))
    assert [row[1] for row in rows[1:]] == ["Kari Bekreftet"]
    assert csv_rows(export(admin_client, "csv", status="unconfirmed"))[1:] == []
    rows = csv_rows(export(admin_client, "csv", q="anne@"))
    assert [row[1] for row in rows[1:]] == ["Anne Annet"]
    entry = ModelLogEntry.objects.filter(action="campaigns.export").latest("pk")
    assert entry.data["searched"] is True
    assert "anne@" not in str(entry.data)  # the search text is not kept in the log


def test_csv_export_defuses_spreadsheet_formulas(admin_client, petition):
    create(petition, full_name='=HYPERLINK("http://evil")')
    rows = csv_rows(export(admin_client, "csv"))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_xlsx_export_has_the_confirmed_rows(admin_client, mixed):
    workbook = openpyxl.load_workbook(io.BytesIO(export(admin_client, "xlsx")), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == headings()
    assert sorted(row[1] for row in rows[1:]) == ["Anne Annet", "Kari Bekreftet"]
    kari = next(row for row in rows if row[1] == "Kari Bekreftet")
    # Norwegian local time, to the second
    expected = timezone.make_naive(mixed["confirmed"].confirmed_at).replace(microsecond=0)
    assert kari[4].replace(microsecond=0) == expected
    entry = ModelLogEntry.objects.filter(action="campaigns.export").first()
    assert entry.data["format"] == "xlsx"


def export_peak(client, fmt):
    """Peak memory traced while the view runs and the whole response is read, and its size."""
    gc.collect()
    tracemalloc.start()
    try:
        response = client.get(reverse(INDEX), {"export": fmt})
        # Reading to the end also closes the response (the test client wraps the stream).
        size = sum(len(chunk) for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size


def add_confirmed(petition, count, batch=5000):
    for start in range(0, count, batch):
        Signature.objects.bulk_create(signature(petition) for _ in range(min(batch, count - start)))


def test_csv_export_streams_100_000_rows_in_constant_memory(admin_client, petition):
    add_confirmed(petition, 10_000)
    export_peak(admin_client, "csv")  # first run: one-off allocations (imports, caches)
    peak_10k, size_10k = export_peak(admin_client, "csv")
    add_confirmed(petition, 90_000)
    peak_100k, size_100k = export_peak(admin_client, "csv")
    print(f"csv peak: 10k rows {peak_10k / 2**20:.2f} MiB, 100k rows {peak_100k / 2**20:.2f} MiB")
    assert size_100k > 9 * size_10k  # the file did grow with the rows...
    assert peak_100k < 1.5 * peak_10k  # ...and the memory did not


def test_xlsx_export_is_built_on_disk_in_constant_memory(admin_client, petition, monkeypatch):
    # openpyxl is slow under tracemalloc, so fewer rows here; they come from the same iterator
    # as the CSV's, which the test above takes to 100 000. Both sizes are over two chunks.
    add_confirmed(petition, 4_000)
    export_peak(admin_client, "xlsx")  # first run: one-off allocations (imports, caches)
    peak_small, size_small = export_peak(admin_client, "xlsx")
    add_confirmed(petition, 16_000)
    peak_big, size_big = export_peak(admin_client, "xlsx")
    print(f"xlsx peak: 4k rows {peak_small / 2**20:.2f} MiB, 20k rows {peak_big / 2**20:.2f} MiB")
    assert size_big > 4 * size_small
    assert peak_big < 1.5 * peak_small
    # The finished workbook is a temporary file on disk, streamed from there and then closed
    # (which deletes it), not a buffer in memory.
    files = []
    make_file = tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda: files.append(make_file()) or files[-1])
    response = admin_client.get(reverse(INDEX), {"export": "xlsx"})
    assert len(files) == 1 and not files[0].closed
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert files[0].closed


# --- invalidation ---------------------------------------------------------------------------


def invalidate(client, action, **data):
    data = {"ip_hash": "", "email_domain": "", **data, "action": action}
    return client.post(reverse("campaigns_admin:invalidate"), data)


def test_invalidation_by_ip_hash_previews_then_takes_the_signatures_out_of_the_count(
    admin_client, petition, superuser
):
    fraud = "f" * 64
    taken = [
        create(petition, ip_hash=fraud),
        create(petition, ip_hash=fraud),
        create(petition, S.UNCONFIRMED, ip_hash=fraud),
    ]
    already = create(petition, S.WITHDRAWN, ip_hash=fraud, email="")
    honest = create(petition, ip_hash="1" * 64)
    assert set_count(petition) == 3

    preview = invalidate(admin_client, "preview", ip_hash=fraud)
    assert preview.status_code == 200
    assert preview.context["preview"] == [(petition, 3, 2)]
    assert Signature.objects.filter(status=S.INVALIDATED).count() == 0  # nothing changed yet

    # The confirmation form carries what was previewed.
    confirm_form = preview.content.decode().split('id="preview-heading"')[1]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', confirm_form))
    hidden.pop("csrfmiddlewaretoken")
    assert hidden == {"ip_hash": fraud, "email_domain": "", "petition": ""}
    response = invalidate(admin_client, "confirm", **hidden)
    assert response.status_code == 302
    assert {s.pk for s in Signature.objects.filter(status=S.INVALIDATED)} == {s.pk for s in taken}
    already.refresh_from_db()
    honest.refresh_from_db()
    assert (already.status, honest.status) == (S.WITHDRAWN, S.CONFIRMED)
    petition.refresh_from_db()
    assert petition.signature_count == 1

    entry = ModelLogEntry.objects.get(action="campaigns.invalidate")
    assert entry.object_id == str(petition.pk)
    assert entry.user == superuser
    assert entry.data == {"ip_hash": fraud, "invalidated": 3, "uncounted": 2}


def test_invalidation_by_email_domain_matches_that_domain_exactly(admin_client, petition, mixed):
    matching = [
        create(petition, email="a@mailinator.com"),
        create(petition, S.UNCONFIRMED, email="B@Mailinator.com"),
    ]
    create(petition, email="c@sub.mailinator.com")
    create(petition, email="d@notmailinator.com")
    count_before = set_count(petition)

    preview = invalidate(
        admin_client, "preview", email_domain="@MAILINATOR.com", petition=petition.pk
    )
    # The signature from the domain on another petition is left out by the petition choice.
    assert preview.context["preview"] == [(petition, 2, 1)]
    invalidate(admin_client, "confirm", email_domain="mailinator.com", petition=petition.pk)
    for made in matching:
        made.refresh_from_db()
        assert made.status == S.INVALIDATED
    mixed["elsewhere"].refresh_from_db()
    assert mixed["elsewhere"].status == S.CONFIRMED
    petition.refresh_from_db()
    assert petition.signature_count == count_before - 1
    entry = ModelLogEntry.objects.get(action="campaigns.invalidate")
    assert entry.data == {"email_domain": "mailinator.com", "invalidated": 2, "uncounted": 1}


def test_history_pages_tell_what_was_done_but_not_the_ip_hash(admin_client, petition):
    fraud = "e" * 64
    create(petition, ip_hash=fraud)
    set_count(petition)
    invalidate(admin_client, "confirm", ip_hash=fraud)
    create(petition)
    export(admin_client, "csv")
    pages = [
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailsnippets_campaigns_petition:history", args=[petition.pk]),
    ]
    entries = ModelLogEntry.objects.filter(action__startswith="campaigns.")
    assert {entry.action for entry in entries} == {"campaigns.invalidate", "campaigns.export"}
    for entry in entries:
        with translation.override("nb"):
            message = escape(entry.message)
        for url in pages:
            html = admin_client.get(url).content.decode()
            assert message in html
            assert fraud not in html


@pytest.mark.parametrize(
    "data",
    [{}, {"ip_hash": "a" * 64, "email_domain": "example.org"}, {"email_domain": "localhost"}],
)
def test_invalidation_needs_exactly_one_valid_criterion(admin_client, petition, data):
    create(petition, ip_hash="a" * 64, email="x@example.org")
    response = invalidate(admin_client, "confirm", **data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Signature.objects.filter(status=S.INVALIDATED).exists()


# --- comments -------------------------------------------------------------------------------


def test_comment_approval_approves_and_rejects_and_logs(admin_client, petition, superuser):
    good = create(petition, show_publicly=True, comment="Stigma må bort.")
    bad = create(petition, show_publicly=True, comment="Upassende.")
    page = admin_client.get(reverse("campaigns_admin:comments"))
    assert page.status_code == 200
    assert "Stigma må bort." in page.content.decode()

    url = reverse("campaigns_admin:comments")
    assert admin_client.post(url, {"action": "approve", "signature": good.pk}).status_code == 302
    assert admin_client.post(url, {"action": "reject", "signature": bad.pk}).status_code == 302
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.comment_approved is True
    assert (bad.comment, bad.comment_approved) == ("", False)

    logged = ModelLogEntry.objects.filter(action__startswith="campaigns.comment_")
    assert {(e.action, e.object_id, e.user_id) for e in logged} == {
        ("campaigns.comment_approve", str(good.pk), superuser.pk),
        ("campaigns.comment_reject", str(bad.pk), superuser.pk),
    }
    assert "Stigma må bort." not in admin_client.get(url).content.decode()


def test_comment_approval_touches_only_comments_awaiting_it(admin_client, petition):
    hidden = create(petition, S.UNCONFIRMED, show_publicly=True, comment="Ubekreftet.")
    url = reverse("campaigns_admin:comments")
    admin_client.post(url, {"action": "approve", "signature": hidden.pk})
    hidden.refresh_from_db()
    assert hidden.comment_approved is False
    assert not ModelLogEntry.objects.filter(action__startswith="campaigns.").exists()


# --- dashboard ------------------------------------------------------------------------------


def test_dashboard_shows_each_open_petitions_count(admin_client, petition):
    create(petition)
    create(petition)
    create(petition, S.UNCONFIRMED)
    set_count(petition)
    closed = make_petition("lukket", closes_at=timezone.now() - datetime.timedelta(hours=1))
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="open-petitions-section"' in html
    assert (
        f'<tr data-petition="{petition.pk}">' in html
        and "<td data-count>2</td>" in html
        and "<td data-unconfirmed>1</td>" in html
    )
    assert f'data-petition="{closed.pk}"' not in html


# --- permissions ----------------------------------------------------------------------------


def staff_urls(signature_pk):
    index = reverse(INDEX)
    return [
        ("get", index, {}),
        ("get", index, {"export": "csv"}),
        ("get", index, {"export": "xlsx"}),
        ("get", reverse("signatures:index_results"), {}),
        ("get", reverse("signatures:inspect", args=[signature_pk]), {}),
        ("get", reverse("campaigns_admin:invalidate"), {}),
        ("post", reverse("campaigns_admin:invalidate"), {"ip_hash": "x", "action": "confirm"}),
        ("get", reverse("campaigns_admin:comments"), {}),
        ("post", reverse("campaigns_admin:comments"), {"action": "approve", "signature": 1}),
    ]


def assert_refused(client, method, url, data=None):
    """A refused personal-data page is a 403 (spero_site/admin_refusal.py), for a page and a
    script request alike."""
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 403, (method, url)
    ajax = {"x-requested-with": "XMLHttpRequest"}
    assert getattr(client, method)(url, data or {}, headers=ajax).status_code == 403


def test_a_user_without_signature_permissions_reaches_and_sees_nothing(client, mixed, petition):
    log_in(client, user_in_group("frivillig"))
    for method, url, data in staff_urls(mixed["confirmed"].pk):
        assert_refused(client, method, url, data)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert "personal-data" not in html
    assert "open-petitions" not in html
    assert not ModelLogEntry.objects.filter(action__startswith="campaigns.").exists()
    assert Signature.objects.filter(status=S.INVALIDATED).count() == 1  # only the fixture's


def test_a_superuser_sees_the_personal_data_menu_and_its_items(admin_client, petition):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "personal-data" in html
    assert reverse("campaigns_admin:invalidate") in html
    assert reverse("campaigns_admin:comments") in html


def test_view_permission_reads_but_does_not_change(client, mixed, petition):
    log_in(client, user_in_group("medarbeider", "view_signature"))
    assert client.get(reverse(INDEX)).status_code == 200
    assert client.get(reverse(INDEX), {"export": "csv"}).status_code == 200
    assert_refused(client, "get", reverse("campaigns_admin:invalidate"))
    assert_refused(client, "post", reverse("campaigns_admin:comments"), {"action": "approve"})
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "personal-data" in html and "open-petitions" in html
    assert reverse("campaigns_admin:invalidate") not in html
