"""In a real browser (Debian's headless Chromium driven by Playwright): from the home page to action
point 17, on to the CSDDD, and an example on the query page with its result rows. Screenshots of each
page type go to /tmp/napkg-screens/.

CI installs Chromium (.ci/run); without it this test fails, it does not skip."""

from __future__ import annotations

from tests.support.browser import shot, visit_all
from tests.support.live_server import LiveServer


def test_a_reader_finds_action_point_17_the_csddd_and_runs_an_example(server: LiveServer, browser: object) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.base_url) else None)
    try:
        page.goto(server.base_url + "/")
        assert page.locator("h1").inner_text() == "NAP knowledge graph"
        assert page.locator("ol.action-points li").count() == 33
        shot(page, "home")

        page.get_by_role("link", name="Action point 17", exact=True).first.click()
        page.wait_for_url("**/id/plan/nap-2022-2026/actiepunt/17")
        assert page.locator("h1").inner_text() == "Action point 17"
        assert page.locator("#status .status").first.inner_text() == "Completed"
        assert page.locator("#alignments .badge.curated").is_visible()
        assert page.locator("#references q.span").count() >= 5
        shot(page, "action-point")

        page.locator("#references").get_by_role(
            "link", name="Corporate Sustainability Due Diligence Directive (CSDDD)"
        ).click()
        page.wait_for_url("**/id/eu/csddd")
        assert "CSDDD" in page.locator("h1").inner_text()
        assert page.locator("#explicit a[href='/id/plan/nap-2022-2026/actiepunt/17']").count() == 1
        shot(page, "instrument")

        visit_all(
            page,
            server.base_url,
            [
                ("principle", "/id/ungp/principe/3", "UNGP principle 3: laws, enforcement and guidance"),
                ("ministry", "/id/organisatie/bz", "Ministry of Foreign Affairs"),
                ("kamerstuk", "/id/kamerstuk/22112-3393", "Parliamentary paper 22112, no. 3393"),
                (
                    "oecd-step",
                    "/id/oeso/stap/1",
                    "Step 1: Embed responsible business conduct into policies and management systems",
                ),
                ("generic", "/id/ungp/pijler/2", "The corporate responsibility to respect human rights"),
                ("downloads", "/downloads/", "Downloads"),
            ],
        )

        page.goto(server.base_url + "/query")
        page.get_by_role("link", name="How many action points does each pillar have?").click()
        assert "nap:pillar" in page.locator("textarea").input_value()
        page.get_by_role("button", name="Run").click()
        page.wait_for_selector("table.results")
        rows = page.locator("table.results tbody tr")
        assert rows.count() == 3
        assert [rows.nth(i).locator("td").first.inner_text() for i in range(3)] == ["1", "2", "3"]
        assert page.get_by_role("link", name="CSV").get_attribute("href").startswith("/sparql?query=")
        shot(page, "query")
    finally:
        context.close()
    assert outside == [], "pages must load nothing from elsewhere"
