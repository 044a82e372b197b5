#!/usr/bin/env bash
# Installs what the test suite needs on a fresh clone (each only when missing; Debian packages need root and
# apt-get, as on CI):
# - the project with its test extra in .venv;
# - Debian's Chromium (browser tests), firefox-esr (the workbench's second engine), Virtuoso (remote-engine tests;
#   Debian's own Virtuoso service is not needed: tests/support/virtuoso.py runs private instances on free ports),
#   Node.js and npm;
# - the npm packages the tests drive, from their lock files: puppeteer-core for Firefox, the reference LDES client,
#   the workbench's build tools (a test rebuilds the committed bundle and compares);
# - CKAN and ckanext-dcat in .venv-ckan, apart from .venv: the harvester's DCAT parser imports CKAN, whose pinned
#   requirements must not mix with nap-kg's.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
for folder in tests/server/web/firefox tools/workbench; do
    [ -d "$folder/node_modules" ] || npm ci --prefix "$folder" --ignore-scripts --no-audit --no-fund --loglevel=error
done
[ -d tests/ldes_client/node_modules ] || npm ci --prefix tests/ldes_client --no-audit --no-fund --loglevel=error
if [ ! -x .venv-ckan/bin/python ]; then
    python3 -m venv .venv-ckan
    .venv-ckan/bin/pip install -q 'ckan[requirements]==2.12.0' 'ckanext-dcat==2.4.4'
fi
