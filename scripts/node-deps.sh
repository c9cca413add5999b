#!/usr/bin/env bash
# Node packages the browser tests inject into pages (axe-core for the accessibility checks of the
# published front), installed from tests/e2e/node/package-lock.json. Installs only what is missing;
# installs Debian's nodejs/npm first if npm is not on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=tests/e2e/node
if [ -f "$prefix/node_modules/axe-core/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian packages: nodejs npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
echo "Installing Node packages into $prefix (npm ci)"
npm ci --prefix "$prefix" --no-audit --no-fund
