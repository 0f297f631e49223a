#!/usr/bin/env bash
# Runs the whole test suite on a real PostgreSQL and Redis:
# - PostgreSQL: $DATABASE_URL if set, else a server on localhost:5432 if one answers, else a
#   throwaway cluster started here (as the postgres user when run as root, since PostgreSQL
#   refuses to run as root) and removed afterwards;
# - Redis (for the production cache's tests): $REDIS_URL if set, else a server on
#   localhost:6379 if one answers, else a throwaway redis-server started here and stopped
#   afterwards. Tests only touch keys under their own prefix.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

cleanups=()
cleanup() {
  for step in "${cleanups[@]}"; do eval "$step" || true; done
}
trap cleanup EXIT

free_port() {
  .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

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
  port="$(free_port)"
  as_owner=()
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$cluster"
    as_owner=(runuser -u postgres --)
  fi
  cleanups+=("${as_owner[*]} '$pg_bin/pg_ctl' -D '$cluster/data' -m immediate stop >/dev/null 2>&1; rm -rf '$cluster'")
  "${as_owner[@]}" "$pg_bin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 >/dev/null
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -w -l "$cluster/log" \
    -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  DATABASE_URL="postgres://postgres@127.0.0.1:$port/spero"
  echo "Started a throwaway PostgreSQL on port $port."
fi

redis_answers() {
  .venv/bin/python -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_timeout=2).ping()' "$1" >/dev/null 2>&1
}

if [ -z "${REDIS_URL:-}" ] && redis_answers "redis://127.0.0.1:6379/0"; then
  REDIS_URL="redis://127.0.0.1:6379/0"
fi

if [ -z "${REDIS_URL:-}" ]; then
  redis_bin="$(command -v redis-server || true)"
  if [ -z "$redis_bin" ]; then
    echo "No Redis found: set REDIS_URL, start a server on localhost:6379," >&2
    echo "or install Redis (Debian: apt-get install redis-server)." >&2
    exit 1
  fi
  redis_dir="$(mktemp -d /tmp/spero-redis.XXXXXX)"
  port="$(free_port)"
  "$redis_bin" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" \
    --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
  cleanups+=("kill \"\$(cat '$redis_dir/redis.pid')\" 2>/dev/null; rm -rf '$redis_dir'")
  REDIS_URL="redis://127.0.0.1:$port/0"
  for _ in $(seq 50); do redis_answers "$REDIS_URL" && break; sleep 0.1; done
  echo "Started a throwaway Redis on port $port."
fi

export DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=spero_site.settings.test
.venv/bin/python -m pytest -n auto --dist loadfile "$@"
