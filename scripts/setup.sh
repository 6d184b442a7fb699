#!/usr/bin/env bash
# Creates .venv with the pinned, hashed dependencies of requirements.lock, and (with
# --system) the Debian packages the tests use. Quick when everything is already there.
# Used by scripts/serve.sh and scripts/test.sh; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(chromium fonts-noto-core fonts-noto-cjk nginx)

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
  install_system_packages "${SYSTEM_PACKAGES[@]}"
fi

lock_hash=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "setup: installing Python dependencies from requirements.lock into .venv"
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
  # Make the shared module (scripts/sitekit) importable by hooks, scripts and tests.
  site_packages=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$PWD/scripts" > "$site_packages/painpump-site.pth"
  echo "$lock_hash" > .venv/.lock-hash
fi
