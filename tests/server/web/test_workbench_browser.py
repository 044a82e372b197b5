"""The query workbench in a real browser (Debian's Chromium through Playwright, as test_browser.py): completion of
prefixes and of resources by label, syntax errors marked where the parser says, a 100-row answer paged, the chart of
a count query, a link that reproduces a query, and the same page without JavaScript. The flows and their expected
values (computed from the data) are shared with the Firefox run: tests/support/workbench_flows.py. Screenshots go
to /tmp/napkg-screens/ (workbench-*.png)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pyoxigraph
from napkg_graph.config import DEFAULT_BASE_IRI

from tests.support.browser import shot
from tests.support.live_server import LiveServer
from tests.support.workbench_flows import check, plan


def run_flows(page: Any, base: str, expected: dict[str, Any]) -> dict[str, Any]:
    """Drive the workbench through every flow; report what was seen (see workbench_flows.check)."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    seen: dict[str, Any] = {"requests": requests, "errors": errors}
    page.goto(base + "/query?lang=en")
    page.wait_for_selector("#workbench[data-ready=true][data-vocabulary=ready]")
    editor = page.locator(".cm-content")

    def text() -> str:
        return str(page.evaluate("document.getElementById('workbench').editorText()"))

    def replace(content: str = "") -> None:
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        if content:
            page.keyboard.insert_text(content)

    def pick(label: str) -> list[str]:
        """Wait for the completion ``label``, note every option offered, and click it."""
        option = page.locator(".cm-tooltip-autocomplete li").filter(
            has=page.locator(".cm-completionLabel", has_text=re.compile(f"^{re.escape(label)}$"))
        )
        option.first.wait_for()
        labels = page.locator(".cm-tooltip-autocomplete .cm-completionLabel").all_inner_texts()
        option.first.click()
        return labels

    def downloads() -> list[tuple[str, str | None]]:
        links = page.locator("#workbench-results p.downloads a").all()
        return [(a.inner_text().lower(), a.get_attribute("href")) for a in links]

    def run(query: str) -> None:
        replace(query)
        page.get_by_role("button", name="Run").click()
        page.wait_for_selector("#workbench-results[data-state=done]")

    replace()
    page.keyboard.type(expected["prefix"]["typed"])
    seen["prefix"] = {"options": pick(expected["prefix"]["option"])}
    seen["prefix"]["text"] = text()
    shot(page, "workbench-prefix")

    typed = expected["resource"]["typed"]
    fragment = typed.split()[-1]
    replace(typed[: -len(fragment)])
    page.keyboard.type(fragment)
    seen["resource"] = {"options": pick(expected["resource"]["option"])}
    seen["resource"]["text"] = text()
    seen["resource"]["shown_label"] = page.locator(".cm-iri-label").inner_text()
    shot(page, "workbench-resource")

    replace(expected["syntax"]["query"])
    mark = page.locator(".cm-lintRange-error")
    mark.wait_for()
    line = mark.evaluate("m => [...m.closest('.cm-content').children].indexOf(m.closest('.cm-line')) + 1")
    mark.hover()
    message = page.locator(".cm-tooltip-lint .cm-diagnostic").inner_text()
    seen["syntax"] = {"marked": mark.inner_text(), "line": line, "message": message}
    shot(page, "workbench-syntax")

    run(expected["paging"]["query"])
    link = page.url
    results = page.locator("#workbench-results")
    pages, where = [], []
    for _ in expected["paging"]["pages"]:
        pages.append([a.get_attribute("title") for a in results.locator("tbody tr td:first-child a").all()])
        where.append(results.locator(".pager .where").inner_text())
        if not results.locator(".pager button.next").is_disabled():
            results.locator(".pager button.next").click()
    seen["paging"] = {
        "pages": pages,
        "where": where,
        "next_disabled_at_end": results.locator(".pager button.next").is_disabled(),
        "downloads": downloads(),
    }
    shot(page, "workbench-paging")

    run(expected["chart"]["query"])
    seen["chart"] = {"bars": page.locator("svg.bar-chart g.bar-row > title").all_text_contents()}
    shot(page, "workbench-chart")

    run(expected["graph"]["query"])
    seen["graph"] = {
        "turtle": results.locator(".turtle .cm-content").inner_text(),
        "highlighted": results.locator(".turtle .cm-line span").count(),
        "downloads": downloads(),
    }
    shot(page, "workbench-graph")

    page.goto(link)
    page.wait_for_selector("#workbench-results[data-state=done]")
    seen["link"] = {
        "editor": text(),
        "first_page": [a.get_attribute("title") for a in results.locator("tbody tr td:first-child a").all()],
        "heading": results.locator("h2").first.inner_text(),
    }
    seen["recent"] = [a.get_attribute("title") for a in page.locator("aside .recent li a").all()]
    return seen


def test_the_workbench_completes_marks_pages_charts_and_links(
    server: LiveServer, browser: Any, store: pyoxigraph.Store
) -> None:
    expected = plan(store, DEFAULT_BASE_IRI)
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    try:
        seen = run_flows(context.new_page(), server.base_url, expected)
    finally:
        context.close()
    check(seen, expected, server.base_url)


def test_without_javascript_the_form_still_runs_the_query(
    server: LiveServer, browser: Any, store: pyoxigraph.Store
) -> None:
    expected = plan(store, DEFAULT_BASE_IRI)
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.base_url + "/query?" + urlencode({"query": expected["paging"]["query"], "lang": "en"}))
        assert page.locator("textarea#query").is_visible()
        rows = page.locator("#results table.results tbody tr td:first-child a")
        hrefs = [a.get_attribute("href") for a in rows.all()]
        iris = [iri for p in expected["paging"]["pages"] for iri in p]
        assert hrefs == ["/" + iri.removeprefix(DEFAULT_BASE_IRI) for iri in iris]
        page.get_by_role("button", name="Run").click()  # the plain form: a GET of /query with the textarea
        page.wait_for_load_state()
        assert page.locator("#results table.results tbody tr").count() == 100
        shot(page, "workbench-no-js")
    finally:
        context.close()
