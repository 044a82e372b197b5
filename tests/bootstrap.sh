#!/usr/bin/env bash
# Installs what the test suite needs on a fresh clone: the project with its test extra in .venv, and Debian's
# Chromium for the browser test (only when it is missing; needs root and apt-get, as on CI).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
