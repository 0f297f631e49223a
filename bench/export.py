"""The export phase: the staff's CSV export of an opprop's confirmed signatures, a small and a
large one, downloaded over HTTP by bench/download.py while it watches the serving worker's
memory."""

import datetime
import json
import secrets
import time
from urllib.parse import urlencode

from bench.common import EMAIL_DOMAIN, kib, log, run_python
from bench.cpu import cpu_snapshot, db_cpu

EXPORT_SLUG = "bench-eksport-{rows}"
LOGIN_PATH = "/admin/login/"
SECOND_FACTOR_PATH = "/admin/2fa/"
STAFF_USERNAME = "bench-stab"


def export_phase(server, tmp, args):
    """Creates the two export petitions and a superuser, then fetches: the small export once to
    warm the worker (admin code, templates), the small one measured, the large one, and the
    small one again."""
    small, small_seconds = create_export_petition(args.export_small_rows)
    large, large_seconds = create_export_petition(args.export_rows)
    log(
        f"export data: {args.export_small_rows} signatures in {small_seconds} s, "
        f"{args.export_rows} in {large_seconds} s (COPY)"
    )
    server.staff_login = create_staff_user()
    small_path, large_path = export_path(small), export_path(large)
    result = downloads(
        server,
        tmp,
        [
            {
                "name": "warmup",
                "path": small_path,
                "expect_rows": args.export_small_rows,
                "measured": False,
            },
            {"name": "small", "path": small_path, "expect_rows": args.export_small_rows},
            {"name": "large", "path": large_path, "expect_rows": args.export_rows},
            {"name": "small_again", "path": small_path, "expect_rows": args.export_small_rows},
        ],
    )
    result["copy_seconds"] = {"small": small_seconds, "large": large_seconds}
    return result


def create_export_petition(rows):
    """A closed petition of its own with `rows` confirmed signatures, written with one COPY
    (about 100 000 rows in a few seconds). Returns (petition, seconds the rows took)."""
    from django.db import connection
    from django.utils import timezone

    from campaigns.models import Petition, Signature

    slug = EXPORT_SLUG.format(rows=rows)
    now = timezone.now()
    petition = Petition.objects.create(
        title=f"Benchmark-eksport {rows}",
        slug=slug,
        text="<p>Eksport.</p>",
        goal=rows,
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
        consent_text="Jeg samtykker.",
    )
    template = Signature(
        petition=petition,
        status=Signature.Status.CONFIRMED,
        postal_code="5003",
        place="Bergen",
        show_publicly=True,
        comment="",
        consent_version=petition.consent_version,
        consented_at=now,
        created_at=now,
        confirmed_at=now,
    )
    fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    fixed = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    position = {f.attname: i for i, f in enumerate(fields)}
    began = time.perf_counter()
    with connection.cursor() as cursor:
        copy_sql = f"COPY {Signature._meta.db_table} ({columns}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for i in range(rows):
                row = list(fixed)
                email = f"eksport-{rows}-{i}@{EMAIL_DOMAIN}"
                # Norwegian letters and a would-be formula, as real names and comments bring.
                row[position["full_name"]] = f"Åse Øyvind Ærlig {i}" if i % 10 else f"=Navn {i}"
                row[position["email"]] = email
                row[position["email_normalized"]] = email
                moment = now - datetime.timedelta(seconds=i)
                row[position["created_at"]] = moment
                row[position["confirmed_at"]] = moment
                copy.write_row(row)
    Petition.objects.filter(pk=petition.pk).update(signature_count=rows)
    return petition, round(time.perf_counter() - began, 2)


def create_staff_user():
    """A superuser for the export (the benchmark's own; the database is dropped afterwards),
    with a second factor as the admin demands of a superuser: the login and password, and one
    of its recovery codes for the code step."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from twofactor import services as twofactor_services

    password = secrets.token_urlsafe(24)
    user = get_user_model().objects.create_superuser(
        STAFF_USERNAME, f"{STAFF_USERNAME}@{EMAIL_DOMAIN}", password
    )
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    recovery_code = twofactor_services.renew_recovery_codes(user)[0]
    return {"username": STAFF_USERNAME, "password": password, "recovery_code": recovery_code}


def export_path(petition):
    from django.urls import reverse

    return reverse("signatures:index") + "?" + urlencode({"petition": petition.pk, "export": "csv"})


def downloads(server, tmp, items):
    """The downloads in a separate process (bench/download.py), logged in as the bench's
    superuser, with PostgreSQL's CPU meanwhile."""
    spec = {
        "host": "127.0.0.1",
        "port": server.port,
        "master_pid": server.processes[0].pid,
        "login_path": LOGIN_PATH,
        "second_factor_path": SECOND_FACTOR_PATH,
        **server.staff_login,
        "headers": {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "10.255.0.1",
            "Origin": f"https://127.0.0.1:{server.port}",
        },
        "downloads": items,
    }
    spec_path = tmp / "download.json"
    spec_path.write_text(json.dumps(spec))
    before = cpu_snapshot(server)
    try:
        output = run_python("-m", "bench.download", str(spec_path))
    finally:
        spec_path.unlink(missing_ok=True)  # it holds the password and the code
    after = cpu_snapshot(server)
    outcome = json.loads(output)
    db = db_cpu(before, after)
    for item in outcome:
        log(
            f"export {item['name']:<18} {item['rows']:>7} rows  {item['seconds']:>6} s  "
            f"{item['rows_per_s']}/s  {item['mb_per_s']} MB/s  first byte {item['first_byte_s']} s;"
            f"  worker {item['worker_pid']}: RSS {kib(item['rss_before_kb'])} -> peak "
            f"{kib(item['peak_kb'])} (+{kib(item['growth_kb'])}), CPU {item['worker_cpu_s']} s"
        )
    return {"downloads": outcome, "db_cpu_s_all_downloads": round(db, 2)}
