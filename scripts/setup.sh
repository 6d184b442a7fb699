#!/usr/bin/env bash
# Creates .venv with the pinned, hashed dependencies of requirements.lock, and (with
# --system) the Debian packages the tests use. Quick when everything is already there.
# Used by scripts/serve.sh and scripts/test.sh; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: browser tests, screenshots, Lighthouse; Noto: real glyphs for Chinese and
# Arabic; nginx, its Brotli module and openssl (a test certificate): the production
# configuration's tests; poppler-utils: reading printed PDFs; Pango, HarfBuzz's subsetter
# and fontconfig: WeasyPrint, which makes the PDF handouts in every build (with the Noto
# fonts, embedded); gettext: msgfmt -c and msgmerge check the exported PO files. Java (the Nu HTML Checker)
# and Node (vnu-jar, Lighthouse) are installed from Debian only when the machine has none.
SYSTEM_PACKAGES=(chromium fonts-noto-core fonts-noto-cjk nginx libnginx-mod-http-brotli-static openssl poppler-utils
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig gettext)

install_system_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  install_system_packages python3-venv
fi
if [ "${1:-}" = "--system" ]; then
  command -v java >/dev/null || install_system_packages default-jre-headless
  command -v npm >/dev/null || install_system_packages nodejs npm
  install_system_packages "${SYSTEM_PACKAGES[@]}"
fi

# The virtual environment is made again, from scratch, whenever requirements.lock or
# pyproject.toml changes (or it was made by an older version of this script): nothing
# of an older install lingers. The project's own package (scripts/sitekit) goes in
# second, editable, so edits to its code need no reinstall; pip refuses a folder under
# --require-hashes, hence two steps.
stamp="requirements.lock+pyproject.toml $(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
installed() {  # the lock installed, and `sitekit` imported from this checkout
  [ -x .venv/bin/python ] && [ "$(cat .venv/.lock-hash 2>/dev/null)" = "$stamp" ] &&
    [ "$(.venv/bin/python -c 'import sitekit; print(sitekit.__file__)' 2>/dev/null)" = "$PWD/scripts/sitekit/__init__.py" ]
}
if ! installed; then
  echo "setup: installing Python dependencies from requirements.lock, and the project's package, into .venv"
  python3 -m venv --clear .venv
  pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
  "${pip[@]}" --require-hashes -r requirements.lock
  # hatchling (the build backend) comes from the lock: no unpinned download.
  "${pip[@]}" --no-deps --no-build-isolation -e .
  echo "$stamp" > .venv/.lock-hash
fi

# Node tools pinned in package-lock.json (vnu-jar, lighthouse); only with --system, since
# serving the site needs none of them. Never a browser download: Lighthouse uses Debian's.
if [ "${1:-}" = "--system" ]; then
  npm_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -d node_modules ] || [ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$npm_hash" ]; then
    echo "setup: installing Node tools from package-lock.json into node_modules"
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
    echo "$npm_hash" > node_modules/.lock-hash
  fi
fi
