"""manage.py backup / restore on PostgreSQL: demo content, signatures, registrations and gifts
restored into a new empty database give the same rows table by table; a non-empty target, a
tampered file and SQLite are refused; old backups are pruned; what is past its retention in the
dump is wiped by the restore."""

import datetime
import io
import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from campaigns import services
from campaigns.models import Petition, Signature
from donations import services as donation_services
from donations.models import DonationIntent
from events import services as event_services
from spero_site import backups
from tests.factories import make_event

pytestmark = pytest.mark.django_db(transaction=True)


def connect(name):
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=name,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture
def empty_database():
    name = f"spero_restore_{uuid.uuid4().hex[:12]}"
    with connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def site(tmp_path):
    media = tmp_path / "media"
    (media / "original_images").mkdir(parents=True)
    (media / "original_images" / "bilde.txt").write_text("et bilde")
    with override_settings(BACKUP_DIR=str(tmp_path / "backups"), MEDIA_ROOT=str(media)):
        yield tmp_path


def content():
    call_command("load_demo_content", stdout=io.StringIO())
    petition = Petition.objects.create(
        title="Opprop: Stopp stigma",
        slug="stopp-stigma-backup",
        text="<p>Hjelp i stedet for straff.</p>",
        goal=1000,
        opens_at=timezone.now() - datetime.timedelta(days=900),
        consent_text="Jeg samtykker.",
    )
    for number in range(3):
        services.sign(
            petition.slug,
            services.SignatureData(f"Kari {number}", f"kari{number}@example.no", "5003", False, ""),
            ip_hash="x",
        )
    # Closed two years ago: past SIGNATURE_RETENTION_MONTHS, so a restore must wipe them.
    Signature.objects.update(status=Signature.Status.CONFIRMED)
    Petition.objects.filter(pk=petition.pk).update(
        closes_at=timezone.now() - datetime.timedelta(days=730)
    )
    event = make_event(capacity=2)
    for number in range(3):  # two seats taken, one on the waiting list
        event_services.register(
            event.pk,
            event_services.RegistrationData(
                f"Ola {number}", f"ola{number}@example.no", "", "", "", 1, "", ""
            ),
        )
    for number, tax_number in enumerate(("", "23072388054")):
        donation_services.create_intent(
            donation_services.DonationData(
                amount_ore=50000 * (number + 1),
                frequency=DonationIntent.Frequency.ONE_OFF,
                donor_name=f"Giver {number}",
                donor_email=f"giver{number}@example.no",
                message="",
                national_id=tax_number,
            ),
            provider_name="manual",
        )


def restore(folder, database, media_root):
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        DJANGO_SETTINGS_MODULE="spero_site.settings.test",
        TEST_MEDIA_ROOT=str(media_root),
    )
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", "restore", str(folder)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def tables(conn):
    return [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]


def sample(conn, table):
    # Table names come from pg_tables.
    count = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
    first = conn.execute(f'SELECT * FROM "{table}" ORDER BY 1 LIMIT 5').fetchall()  # noqa: S608
    last = conn.execute(f'SELECT * FROM "{table}" ORDER BY 1 DESC LIMIT 5').fetchall()  # noqa: S608
    return count, first, last


def test_a_restore_into_an_empty_database_gives_the_same_rows(site, empty_database):
    content()
    call_command("backup", stdout=io.StringIO())
    (folder,) = backups.backup_folders()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["row_counts"]["campaigns_signature"] == 3
    assert manifest["row_counts"] == backups.row_counts()
    # The keys that open the fødselsnummer stay with the settings, never in the backup.
    key = settings.DONATION_ENCRYPTION_KEYS[0].encode()
    assert all(key not in path.read_bytes() for path in folder.iterdir())
    assert set(manifest["files"]) == {"database.dump", "media.tar"}

    restored_media = site / "restored-media"
    result = restore(folder, empty_database, restored_media)
    assert result.returncode == 0, result.stderr
    assert "Gjenopprettet" in result.stdout
    assert (restored_media / "original_images" / "bilde.txt").read_text() == "et bilde"

    with connect(connection.settings_dict["NAME"]) as source, connect(empty_database) as target:
        assert tables(source) == tables(target)
        compared = 0
        for table in tables(source):
            if table == "campaigns_signature":
                continue  # wiped by the retention rule, below
            assert sample(source, table) == sample(target, table), table
            compared += 1
        assert compared > 20
        # The rows made above, not only demo content's, came back.
        assert (
            target.execute(
                "SELECT count(*) FROM events_registration WHERE email LIKE 'ola%%@example.no'"
            ).fetchone()[0]
            == 3
        )
        assert target.execute(
            "SELECT count(*), count(NULLIF(national_id_encrypted, '')) FROM"
            " donations_donationintent WHERE donor_email LIKE 'giver%%@example.no'"
        ).fetchone() == (2, 1)
        wiped = target.execute(
            "SELECT count(*) FROM campaigns_signature WHERE anonymised_at IS NOT NULL"
        ).fetchone()[0]
        assert wiped == 3
        assert not target.execute(
            "SELECT 1 FROM campaigns_signature WHERE email LIKE 'kari%%'"
        ).fetchall()


def test_a_restore_into_a_database_with_rows_is_refused(site):
    content()
    call_command("backup", stdout=io.StringIO())
    (folder,) = backups.backup_folders()
    before = backups.row_counts()
    result = restore(folder, connection.settings_dict["NAME"], site / "other-media")
    assert result.returncode != 0
    assert "er ikke tom" in result.stderr
    assert "Traceback" not in result.stderr
    assert backups.row_counts() == before
    assert not (site / "other-media").exists()


def test_a_tampered_file_fails_the_checksum(site):
    call_command("backup", stdout=io.StringIO())
    (folder,) = backups.backup_folders()
    with open(folder / "media.tar", "ab") as file:
        file.write(b"x")
    with pytest.raises(CommandError, match="Kontrollsummen for media.tar stemmer ikke"):
        call_command("restore", str(folder))


def test_pruning_removes_only_folders_older_than_backup_keep_days(site):
    root = site / "backups"
    now = timezone.now()
    for days in (1, 34, 36, 100):
        stamp = (now - datetime.timedelta(days=days)).astimezone(datetime.UTC)
        (root / (backups.FOLDER_PREFIX + stamp.strftime(backups.FOLDER_FORMAT))).mkdir(parents=True)
    (root / "notes").mkdir()
    with override_settings(BACKUP_KEEP_DAYS=35):
        pruned = backups.prune_backups(now=now)
    assert len(pruned) == 2
    assert len(backups.backup_folders()) == 2
    assert (root / "notes").exists()


def test_sqlite_is_refused_clearly(site):
    with (
        override_settings(
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"}}
        ),
        pytest.raises(CommandError, match="bare for PostgreSQL"),
    ):
        call_command("backup")
    assert backups.backup_folders() == []


def test_the_password_reaches_the_tools_only_in_the_environment():
    db = {"NAME": "spero", "HOST": "db", "PORT": 5433, "USER": "spero", "PASSWORD": "hemmelig"}
    args, env = backups.connection_args(db)
    assert args == ["--dbname", "spero", "--host", "db", "--port", "5433", "--username", "spero"]
    assert "hemmelig" not in " ".join(args)
    assert env["PGPASSWORD"] == "hemmelig"
