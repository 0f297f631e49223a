.PHONY: run test stack lint format messages lock bench

# Run the site on SQLite with demo content at http://127.0.0.1:8000 (admin at /admin/).
run:
	scripts/run.sh

# Run every test on PostgreSQL (finds a server or starts a throwaway one).
test:
	scripts/test.sh

# The deployed topology on loopback (two app instances behind HAProxy, PostgreSQL, Redis, the
# worker, the scheduler and an SMTP server writing to a maildir) until Ctrl-C; docs/deploy.md.
stack:
	scripts/bootstrap.sh
	.venv/bin/python -m stack $(STACK_ARGS)

lint:
	scripts/bootstrap.sh
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	scripts/bootstrap.sh
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Extract and compile the Norwegian translations after changing user-facing strings.
messages:
	scripts/bootstrap.sh
	.venv/bin/python manage.py makemessages -l nb --no-location --no-obsolete -i ".venv/*" -i "node_modules/*"
	.venv/bin/python manage.py compilemessages -l nb -i ".venv/*"

# Re-pin every package (with hashes) after changing pyproject.toml.
lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements/base.txt
	uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 -q -o requirements/dev.txt

# Load benchmark: gunicorn with production settings and PostgreSQL on loopback, a load generator
# in a second process; results in bench/results/ (see docs/performance.md).
bench:
	scripts/bootstrap.sh
	.venv/bin/python -m bench.run $(BENCH_ARGS)
