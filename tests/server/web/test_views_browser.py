"""In a real browser (Debian's Chromium through Playwright, as tests/server/web/test_browser.py): from the home page an
analyst reaches the CSDDD dashboard and the UNGP coverage matrix without writing SPARQL, and a saved question's
page. Screenshots go to /tmp/napkg-screens/ (views-*.png)."""

from __future__ import annotations

from tests.support.browser import shot, visit_all
from tests.support.live_server import LiveServer


def test_an_analyst_answers_the_two_questions_from_the_home_page(server: LiveServer, browser: object) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.base_url) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(server.base_url + "/")
        page.get_by_role("link", name="CSDDD: what does the NAP do", exact=False).click()
        page.wait_for_url("**/views/instrument/csddd")
        assert "CSDDD" in page.locator("h1").inner_text()
        assert page.locator("#trail table.results tbody tr").count() == 8
        link_map = page.locator("svg.link-map")
        assert link_map.is_visible()
        assert link_map.locator("g.node[data-kind='action-point']").count() == 8
        assert link_map.locator("g.node[data-kind='kamerstuk']").count() == 2
        assert page.locator("svg.status-bars rect.bar").count() >= 3
        assert page.locator("svg.coverage-matrix").is_visible()
        box = link_map.bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 300
        shot(page, "views-dashboard-csddd")

        page.goto(server.base_url + "/")
        page.get_by_role("link", name="Which UNGP principles does the NAP not address?").first.click()
        page.wait_for_url("**/views/ungp-matrix")
        matrix = page.locator("svg.coverage-matrix")
        assert matrix.is_visible()
        assert matrix.locator("rect.uncovered").count() == 1
        assert matrix.locator("rect.cell.explicit").count() == 1
        assert "5. oversight when contracting" in (matrix.locator("text.row-label").nth(4).text_content() or "")
        assert "UNGP 5" in page.locator(".uncovered-list").inner_text()
        shot(page, "views-ungp-matrix")

        page.get_by_role("link", name="UNGP coverage: all 31 principles with their action points").click()
        page.wait_for_url("**/queries/ungp-coverage**")
        assert page.locator("table.results tbody tr").count() == 31
        assert "SELECT" in page.locator("pre.sparql").inner_text()
        shot(page, "views-question")

        page.goto(server.base_url + "/queries/eu-instrument-trail")
        page.locator("input[name=instrument]").fill("csrd")
        page.get_by_role("button", name="Show answer").click()
        page.wait_for_url("**instrument=csrd**")
        assert page.locator("table.results tbody tr").count() == 1

        visit_all(
            page,
            server.base_url,
            [
                ("views-index", "/views", "Views with pictures"),
                ("views-status", "/views/status", "2024 status per pillar"),
                ("views-map", "/views/eu-law-map", "EU-law link map"),
                ("views-ministry-bz", "/views/ministry/bz", "BZ: Ministry of Foreign Affairs"),
            ],
        )
    finally:
        context.close()
    assert outside == [], "pages must load nothing from elsewhere"
    assert errors == [], f"console errors (e.g. the Content-Security-Policy): {errors}"
