"""The development setup that `make run` gives a fresh clone: SQLite, console e-mail, the demo
content. The suite itself runs on PostgreSQL, so what is written for both databases (the raw
SQL of signing, the row locks of registering) is checked here on SQLite, in a subprocess with
the development settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

from spero_site.settings.base import env as settings_env

BASE_DIR = Path(__file__).resolve().parent.parent
TIMEOUT = 300

SIGNING = r"""
import json
import django
django.setup()
from django.test import Client
from campaigns.models import Signature

client = Client(HTTP_HOST="127.0.0.1")
outcome = {"page": client.get("/stopp-stigma/").status_code}
missing = client.get("/finnes-ikke/")
outcome["missing"] = [missing.status_code, "Vi fant ikke siden" in missing.content.decode()]
outcome["css"] = client.get("/static/css/site.css").status_code
data = {"full_name": "Kari Nordmann", "email": "Kari@Example.no", "postal_code": "5003",
        "show_publicly": "on", "consent": "on"}
outcome["sign"] = client.post("/opprop/stopp-stigma/signer/", data)["Location"]
outcome["repeat"] = client.post("/opprop/stopp-stigma/signer/", data)["Location"]
outcome["invalid"] = client.post("/opprop/stopp-stigma/signer/", {**data, "email": "x"}).status_code
signature = Signature.objects.get()
outcome["stored"] = [signature.email_normalized, signature.place, signature.email_due]

from events.models import Registration
registration = {"name": "Ola Nordmann", "email": "ola@example.no", "affiliation": "individual",
                "seats": "2", "consent": "on"}
path = "/pamelding/jubileumskonferanse/meld-pa/"
outcome["register"] = client.post(path, registration)["Location"]
stored = Registration.objects.get(email="ola@example.no")
outcome["registration"] = [stored.status, stored.seats, stored.email_due]
own_page = f"/pamelding/min/{stored.token}/"
outcome["leave"] = client.post(own_page, {"action": "cancel"})["Location"]
stored.refresh_from_db()
outcome["left"] = stored.status
print("OUTCOME", json.dumps(outcome))
"""


def development_env(database):
    skipped = {*settings_env.scheme, "DJANGO_SETTINGS_MODULE"}
    environ = {name: value for name, value in os.environ.items() if name not in skipped}
    environ.update(
        DJANGO_SETTINGS_MODULE="spero_site.settings.dev", DATABASE_URL=f"sqlite:///{database}"
    )
    return environ


def manage(environ, *args):
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_signing_and_registering_work_on_sqlite_with_the_demo_content(tmp_path):
    environ = development_env(tmp_path / "db.sqlite3")
    manage(environ, "manage.py", "migrate", "--noinput")
    manage(environ, "manage.py", "load_demo_content")

    stdout = manage(environ, "-c", SIGNING)

    outcome = json.loads(stdout.split("OUTCOME ", 1)[1])
    assert outcome == {
        "page": 200,
        # The site's own Norwegian 404, not Django's technical page; the CSS still served.
        "missing": [404, True],
        "css": 200,
        "sign": "/opprop/stopp-stigma/sjekk-e-posten/",
        "repeat": "/opprop/stopp-stigma/sjekk-e-posten/",
        "invalid": 400,
        "stored": ["kari@example.no", "Bergen", ""],
        # The demo conference is fully booked: a group of two goes to the waiting list.
        "register": "/pamelding/jubileumskonferanse/sjekk-e-posten/",
        "registration": ["waiting", 2, ""],
        "leave": f"/pamelding/min/{outcome['leave'].split('/')[3]}/?done=left",
        "left": "cancelled",
    }
    # The console backend printed the one confirmation e-mail (the repeat came too soon).
    assert stdout.count("Bekreft signaturen din: Opprop: Stopp stigma") == 1
    assert "/opprop/stopp-stigma/bekreft/" in stdout
    # Behind the three demo entries on the waiting list, then told it has left the list.
    assert "Du er nummer 4 på ventelisten." in stdout
    assert "Du er meldt av «Selvhjelp Norge 10 år – jubileumskonferanse»." in stdout
