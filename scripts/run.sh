#!/usr/bin/env bash
# Runs the site on its embedded defaults: SQLite, console e-mail, Norwegian demo content and an
# admin account, at http://127.0.0.1:8000 (admin at /admin/). Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-spero_site.settings.dev}"
manage=(.venv/bin/python manage.py)
"${manage[@]}" migrate --noinput
"${manage[@]}" load_demo_content
"${manage[@]}" ensure_admin
exec "${manage[@]}" runserver "${RUN_ADDRESS:-127.0.0.1:8000}"
