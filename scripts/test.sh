#!/usr/bin/env bash
# Runs every check: ruff (lint and format), mypy (types of scripts/sitekit), then the whole pytest suite (set up on first run).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k links`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
.venv/bin/ruff check scripts overrides tests
.venv/bin/ruff format --check scripts overrides tests
.venv/bin/mypy  # scripts/sitekit, as pyproject.toml [tool.mypy] says
exec .venv/bin/pytest "$@"
