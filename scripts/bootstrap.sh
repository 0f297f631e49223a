#!/usr/bin/env bash
# Creates .venv and installs exactly the pinned, hash-checked packages of requirements/dev.txt
# (the lock file made by `make lock`), installing uv itself first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION="0.13.9"
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check "uv==${UV_VERSION}"
fi
[ -x .venv/bin/python ] || uv venv --quiet --python python3 .venv
uv pip sync --quiet --python .venv/bin/python "${REQUIREMENTS:-requirements/dev.txt}"
