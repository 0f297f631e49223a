"""Backup and restore of the database and the uploaded files (manage.py backup / restore).

A backup is a folder `backup-YYYYMMDDTHHMMSSZ/` under BACKUP_DIR holding `database.dump`
(`pg_dump -Fc`, one consistent snapshot), `media.tar` (MEDIA_ROOT) and `manifest.json` (time,
version, row counts, SHA-256 of each file). Keys and secrets are never written: they live in the
environment and are kept apart from the backups (docs/operations.md, «Sikkerhetskopi»).
"""

import datetime
import glob
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FOLDER_PREFIX = "backup-"
FOLDER_FORMAT = "%Y%m%dT%H%M%SZ"
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot (or must not) go ahead; the message is for the operator."""


def postgres_tool(name):
    """The path of pg_dump / pg_restore: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise BackupError(f"Fant ikke {name}. Installer PostgreSQL-klientverktøyene.")
    return candidates[-1]


def database_settings(alias="default"):
    db = settings.DATABASES[alias]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Sikkerhetskopi støttes bare for PostgreSQL (databasen her er "
            f"{db['ENGINE'].rsplit('.', 1)[-1]}). Ingenting ble gjort."
        )
    return db


def connection_args(db):
    """Command-line arguments and environment for the PostgreSQL tools; the password only in
    PGPASSWORD, never in argv (where `ps` shows it)."""
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts(conn=connection):
    """Rows in every table of the public schema, by table name."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
            counts[table] = cursor.fetchone()[0]
    return counts


def app_version():
    try:
        return subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, if any
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("APP_VERSION", "ukjent")


def backup_root():
    if not settings.BACKUP_DIR:
        raise BackupError("BACKUP_DIR er ikke satt. Ingenting ble gjort.")
    root = Path(settings.BACKUP_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def create_backup(now=None):
    """Writes one backup folder and returns its path."""
    db = database_settings()
    now = now or timezone.now()
    root = backup_root()
    folder = root / (FOLDER_PREFIX + now.astimezone(datetime.UTC).strftime(FOLDER_FORMAT))
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    args, env = connection_args(db)
    result = subprocess.run(  # noqa: S603 - arguments from settings, no shell
        [postgres_tool("pg_dump"), "--format=custom", "--file", str(partial / DUMP_NAME), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"pg_dump feilet: {result.stderr.strip()}")
    with tarfile.open(partial / MEDIA_NAME, "w") as tar:
        if os.path.isdir(settings.MEDIA_ROOT):
            tar.add(settings.MEDIA_ROOT, arcname=".")
    manifest = {
        "created": now.astimezone(datetime.UTC).isoformat(),
        "version": app_version(),
        "database": db["NAME"],
        "row_counts": row_counts(),
        "files": {name: sha256(partial / name) for name in (DUMP_NAME, MEDIA_NAME)},
    }
    (partial / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial.rename(folder)  # a folder with its final name is always complete
    return folder


def folder_time(folder):
    try:
        stamp = datetime.datetime.strptime(folder.name[len(FOLDER_PREFIX) :], FOLDER_FORMAT)
    except ValueError:
        return None
    return stamp.replace(tzinfo=datetime.UTC)


def backup_folders():
    if not settings.BACKUP_DIR or not os.path.isdir(settings.BACKUP_DIR):
        return []
    folders = [
        path
        for path in Path(settings.BACKUP_DIR).iterdir()
        if path.is_dir() and path.name.startswith(FOLDER_PREFIX) and folder_time(path)
    ]
    return sorted(folders, key=folder_time)


def prune_backups(now=None):
    """Deletes backup folders older than BACKUP_KEEP_DAYS; returns the deleted paths."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.BACKUP_KEEP_DAYS)
    pruned = [folder for folder in backup_folders() if folder_time(folder) < cutoff]
    for folder in pruned:
        shutil.rmtree(folder)
    return pruned


def backup_due(now=None):
    """True once a day: from BACKUP_HOUR (local time) until that day has a backup."""
    if not settings.BACKUP_DIR:
        return False
    local = timezone.localtime(now or timezone.now())
    if local.hour < settings.BACKUP_HOUR:
        return False
    return not any(
        timezone.localtime(folder_time(f)).date() == local.date() for f in backup_folders()
    )


def verify(folder):
    """The manifest of a backup folder whose files match their checksums."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BackupError(f"{folder} er ikke en sikkerhetskopi (mangler {MANIFEST_NAME}).")
    manifest = json.loads(manifest_path.read_text())
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file() or sha256(path) != expected:
            raise BackupError(
                f"Kontrollsummen for {name} stemmer ikke: kopien er skadet eller endret. "
                "Ingenting ble gjort."
            )
    return manifest


def database_is_empty(conn=connection):
    return not any(row_counts(conn).values())


def restore_backup(folder):
    """Restores a verified backup into the (empty) database and MEDIA_ROOT; returns the manifest."""
    db = database_settings()
    manifest = verify(folder)
    folder = Path(folder)
    if not database_is_empty():
        raise BackupError(
            f"Databasen {db['NAME']} er ikke tom. Gjenoppretting skjer bare til en tom database, "
            "så ingenting blir overskrevet. Ingenting ble gjort."
        )
    args, env = connection_args(db)
    result = subprocess.run(  # noqa: S603 - arguments from settings, no shell
        [
            postgres_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *args,
            str(folder / DUMP_NAME),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore feilet: {result.stderr.strip()}")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_NAME) as tar:
        tar.extractall(media_root, filter="data")
    return manifest
