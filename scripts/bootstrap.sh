#!/usr/bin/env bash
# Create .venv with the locked dependencies (uv.lock). Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
UV="$(command -v uv || echo "python3 -m uv")"
$UV sync --frozen --quiet
