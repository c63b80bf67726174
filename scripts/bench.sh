#!/usr/bin/env bash
# Run every benchmark in bench/ with its defaults (each prints its figures and a ratio against a
# baseline run in the same process). Run one alone for options: .venv/bin/python bench/export/run.py --help
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
for bench in bench/sync/run.py bench/export/run.py bench/load/run.py; do
  echo "== $bench"
  "$PY" "$bench"
done
