#!/usr/bin/env bash
# Runs every check: ruff (lint and format), then the whole pytest suite (set up on first run).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k links`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
.venv/bin/ruff check scripts overrides tests
.venv/bin/ruff format --check scripts overrides tests
exec .venv/bin/pytest "$@"
