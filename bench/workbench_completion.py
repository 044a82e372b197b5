"""Time to first completion in the query workbench (/query), in headless Chromium: from the keystroke (a capturing
``keydown`` listener) to the completion list in the DOM (a MutationObserver), both read from ``performance.now()`` in
the page. Three kinds: a prefix declaration (``PREFIX s`` + ``k``, answered in the page), a prefixed class name
(``nap:Actio`` + ``n``, in the page from the vocabulary it loaded), and a resource by a word of its text (one server
round trip to /query/complete), each word first unseen by the server (cold: the
query runs in a worker) then again (warm: the result cache answers). Every kind includes CodeMirror's own 100 ms wait
for typing to pause (``activateOnTypingDelay``). Also prints the bundle's size, raw and gzipped, and what the server
takes for ``/query/vocabulary`` (once per data: it counts every class and property) and ``/query/complete``, cold and
warm, timed from the client.

    .venv/bin/python bench/workbench_completion.py [--data dist/nap-kg.trig] [--words 12]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

BUNDLE = REPO / "server" / "napkg_server" / "web" / "static" / "workbench"
INSTRUMENT = """() => {
  window.__t = {};
  document.addEventListener("keydown", () => { window.__t.key = performance.now(); }, { capture: true });
  new MutationObserver(() => {
    if (window.__t.armed && !window.__t.shown && document.querySelector(".cm-tooltip-autocomplete li"))
      window.__t.shown = performance.now();
  }).observe(document.body, { childList: true, subtree: true });
}"""


def words(base: str, count: int) -> list[str]:
    """The longest word of each action point's text: each asked once cold, once warm."""
    query = (
        "SELECT ?t WHERE { ?ap a <https://w3id.org/nap-kg/def/ActionPoint> ; "
        "<https://w3id.org/nap-kg/def/actionText> ?t } ORDER BY ?ap"
    )
    request = urllib.request.Request(
        base + "/sparql?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    found: list[str] = []
    for row in rows:
        word = max(re.findall(r"[^\W\d_]{6,}", row["t"]["value"]), key=len, default="")
        if word and word[:8] not in found:
            found.append(word[:8])
    return found[:count]


def timed_get(url: str) -> float:
    """Milliseconds for one GET of ``url``, the body read."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def first_completion(page: Any, before: str, last: str) -> float:
    """Milliseconds from pressing ``last`` (after ``before`` was typed) to the completion list in the DOM."""
    page.locator(".cm-content .cm-line").first.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(before)
    page.keyboard.press("Escape")
    page.wait_for_selector(".cm-tooltip-autocomplete", state="detached")
    page.evaluate("() => { window.__t = { armed: true }; }")
    page.keyboard.press(last)
    page.wait_for_function("() => window.__t.shown !== undefined")
    timing = page.evaluate("() => window.__t")
    return float(timing["shown"] - timing["key"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "dist" / "nap-kg.trig")
    parser.add_argument("--words", type=int, default=12)
    args = parser.parse_args()
    raw = (BUNDLE / "workbench.js").read_bytes()
    print(f"bundle workbench.js: {len(raw):,} bytes raw, {len(gzip.compress(raw, 9)):,} gzip -9")
    css = (BUNDLE / "workbench.css").read_bytes()
    print(f"bundle workbench.css: {len(css):,} bytes raw, {len(gzip.compress(css, 9)):,} gzip -9")

    from playwright.sync_api import sync_playwright

    with live_server([args.data], startup_timeout=600) as server, sync_playwright() as playwright:
        chosen = words(server.base_url, args.words)
        for name in ("cold", "warm"):
            print(f"server /query/vocabulary {name}: {timed_get(server.base_url + '/query/vocabulary'):.1f} ms")
        for name in ("cold", "warm"):
            times = [timed_get(server.base_url + "/query/complete?" + urllib.parse.urlencode({"q": w})) for w in chosen]
            print(f"server /query/complete {name}: median {statistics.median(times):.1f} ms, max {max(times):.1f}")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(server.base_url + "/query?lang=en")
        page.wait_for_selector("#workbench[data-ready=true][data-vocabulary=ready]")
        page.evaluate(INSTRUMENT)
        results: dict[str, list[float]] = {"prefix": [], "class": [], "resource cold": [], "resource warm": []}
        for _ in range(args.words):
            results["prefix"].append(first_completion(page, "PREFIX s", "k"))
            results["class"].append(first_completion(page, "SELECT * WHERE { ?s a nap:Actio", "n"))
        chosen = [w[1:] for w in chosen]  # still each action point's, but unseen by the result cache: cold again
        for kind in ("resource cold", "resource warm"):
            for word in chosen:
                results[kind].append(first_completion(page, "SELECT * WHERE { ?s ?p " + word[:-1], word[-1]))
        browser.close()
    for kind, times in results.items():
        print(
            f"{kind:14} n={len(times):3}  median {statistics.median(times):6.1f} ms  "
            f"min {min(times):6.1f}  max {max(times):6.1f}"
        )


if __name__ == "__main__":
    main()
