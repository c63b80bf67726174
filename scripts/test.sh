#!/usr/bin/env bash
# The checks (ruff, mypy, import-linter), then the whole suite on SQLite, then again on PostgreSQL in a
# fresh database. CHECKS_ONLY=1 stops after the checks.
# Under CI=true a missing PostgreSQL or Chromium fails the run; elsewhere PostgreSQL is skipped loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "!! /usr/bin/chromium is missing: install Debian's chromium package (apt-get install chromium)." >&2
    exit 1
  fi
}

pg_ready() {
  "$PY" - <<PYEOF
import sys, psycopg
try:
    psycopg.connect("host=$PG_HOST port=$PG_PORT user=$PG_USER dbname=postgres", connect_timeout=3).close()
except Exception as exc:
    print(exc, file=sys.stderr); sys.exit(1)
PYEOF
}

# Lint, types and layers first (configured in pyproject.toml): quiet when clean, the findings otherwise.
run_check() {
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    echo "== $name: clean"
  else
    echo "$out" | tail -n 60
    echo "!! $name found problems (above); fix them before the tests run." >&2
    exit 1
  fi
}
run_check "ruff" .venv/bin/ruff check --output-format concise .
run_check "mypy" .venv/bin/mypy
run_check "import-linter" .venv/bin/lint-imports --no-cache
if [ "${CHECKS_ONLY:-}" = "1" ]; then exit 0; fi

ensure_chromium
export PYTHONDONTWRITEBYTECODE=1

echo "== test suite on SQLite"
"$PY" -m pytest -p no:cacheprovider "$@"

if ! pg_ready; then
  if [ "${CI:-}" = "true" ]; then
    echo "!! PostgreSQL at $PG_HOST:$PG_PORT does not answer; CI requires it." >&2
    exit 1
  fi
  echo "##################################################################"
  echo "!! PostgreSQL at $PG_HOST:$PG_PORT does not answer: the PostgreSQL run is SKIPPED."
  echo "##################################################################"
  exit 0
fi

DB="inspections_test_$$_$(date +%s)"
"$PY" - <<PYEOF
import psycopg
with psycopg.connect("host=$PG_HOST port=$PG_PORT user=$PG_USER dbname=postgres", autocommit=True) as c:
    c.execute('CREATE DATABASE "$DB"')
PYEOF
drop_db() {
  "$PY" - <<PYEOF || true
import psycopg
with psycopg.connect("host=$PG_HOST port=$PG_PORT user=$PG_USER dbname=postgres", autocommit=True) as c:
    c.execute('DROP DATABASE IF EXISTS "$DB" WITH (FORCE)')
PYEOF
}
trap drop_db EXIT
echo "== test suite on PostgreSQL (database $DB)"
TEST_DATABASE_URL="postgresql+psycopg://$PG_USER@$PG_HOST:$PG_PORT/$DB" "$PY" -m pytest -p no:cacheprovider "$@"
