"""Prints a DATABASE_URL for a PostgreSQL server on localhost:5432 that lets us create databases,
or nothing. Tests only ever create and drop their own test_* databases on it."""

import getpass
import sys

import psycopg

CANDIDATES = [
    f"postgres://{user}@{host}:5432/postgres"
    for host in ("127.0.0.1", "localhost")
    for user in ("postgres", getpass.getuser())
]

for url in CANDIDATES:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            can_create = conn.execute(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()[0]
    except psycopg.Error:
        continue
    if can_create:
        print(url.rsplit("/", 1)[0] + "/spero")
        sys.exit(0)
