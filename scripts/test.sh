#!/usr/bin/env bash
# Runs the whole test suite on a real PostgreSQL: $DATABASE_URL if set, else a server on
# localhost:5432 if one answers, else a throwaway cluster started here (as the postgres user when
# run as root, since PostgreSQL refuses to run as root) and removed afterwards.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(.venv/bin/python scripts/find_postgres.py || true)"
fi

if [ -z "${DATABASE_URL:-}" ]; then
  initdb_bin="$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$initdb_bin" ]; then
    echo "No PostgreSQL found: set DATABASE_URL, start a server on localhost:5432," >&2
    echo "or install PostgreSQL (Debian: apt-get install postgresql)." >&2
    exit 1
  fi
  pg_bin="$(dirname "$initdb_bin")"
  cluster="$(mktemp -d /tmp/spero-pg.XXXXXX)"
  port="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_owner=()
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$cluster"
    as_owner=(runuser -u postgres --)
  fi
  cleanup() {
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  }
  trap cleanup EXIT
  "${as_owner[@]}" "$pg_bin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 >/dev/null
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -w -l "$cluster/log" \
    -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  DATABASE_URL="postgres://postgres@127.0.0.1:$port/spero"
  echo "Started a throwaway PostgreSQL on port $port."
fi

export DATABASE_URL
export DJANGO_SETTINGS_MODULE=spero_site.settings.test
.venv/bin/python -m pytest -n auto --dist loadfile "$@"
