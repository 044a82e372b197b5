"""The workbench flows of test_workbench_browser.py in a second engine: Debian's firefox-esr, driven through WebDriver
BiDi by puppeteer-core from node (``tests/server/web/firefox/flows.mjs``; Playwright drives only a Firefox build of
its own, which no registry here ships). The flows, their expected values and the checks are the same
(tests/support/workbench_flows.py). Needs ``apt-get install -y firefox-esr nodejs npm`` and
``npm ci --prefix tests/server/web/firefox``; without them the test fails, it does not skip."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import pytest
from napkg_graph.config import DEFAULT_BASE_IRI

from tests.support.browser import SCREENS
from tests.support.live_server import LiveServer
from tests.support.workbench_flows import check, plan

RUNNER = Path(__file__).parent / "firefox"
FIREFOX = Path("/usr/bin/firefox-esr")


def test_the_workbench_flows_pass_in_firefox(server: LiveServer, store: pyoxigraph.Store, tmp_path: Path) -> None:
    node = shutil.which("node")
    missing = [
        what
        for what, ok in (
            (f"{FIREFOX} (apt-get install -y firefox-esr)", FIREFOX.exists()),
            ("node (apt-get install -y nodejs npm)", node is not None),
            (f"puppeteer-core (npm ci --prefix {RUNNER})", (RUNNER / "node_modules" / "puppeteer-core").is_dir()),
        )
        if not ok
    ]
    if missing or node is None:
        pytest.fail("missing: " + "; ".join(missing), pytrace=False)
    expected = plan(store, DEFAULT_BASE_IRI)
    request = tmp_path / "plan.json"
    request.write_text(json.dumps({"base": server.base_url, "expected": expected, "firefox": str(FIREFOX)}))
    SCREENS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [node, str(RUNNER / "flows.mjs"), str(request)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    check(json.loads(done.stdout), expected, server.base_url)
