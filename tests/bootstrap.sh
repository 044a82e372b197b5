#!/usr/bin/env bash
# Installs what the test suite needs on a fresh clone: the project with its test extra in .venv, and Debian's
# Chromium for the browser test and Virtuoso for the remote-engine tests (only when missing; needs root and
# apt-get, as on CI).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
# Debian's own Virtuoso service is not needed: tests/support/virtuoso.py runs private instances on free ports.
if ! command -v virtuoso-t >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
