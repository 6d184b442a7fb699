#!/usr/bin/env bash
# Serves the site with live reload on http://127.0.0.1:8000/ (set up on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
# mkdocs-redirects 1.2.3 prints a "switch to ProperDocs" banner on every mkdocs run: silence it.
export DISABLE_MKDOCS_2_WARNING=true
bash scripts/setup.sh
exec .venv/bin/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload "$@"
