#!/usr/bin/env bash
# Serves the site with live reload on http://127.0.0.1:8000/ (set up on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/properdocs serve -f mkdocs.yml --dev-addr 127.0.0.1:8000 --livereload "$@"
