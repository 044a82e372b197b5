"""Shared by the browser tests (tests/server/web/test_browser.py, tests/server/web/test_views_browser.py): Debian's
Chromium, where the screenshots go, and a walk over pages that must each answer 200 with their own heading (an error
page has an ``<h1>`` too, so counting headings proves nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = Path("/tmp/napkg-screens")


def shot(page: object, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def visit_all(page: object, base: str, rows: Iterable[tuple[str, str, str]]) -> None:
    """Open ``base + path`` for each ``(screenshot name, path, heading)``: the page answers 200 and its one
    ``<h1>`` reads exactly ``heading``; then a screenshot."""
    for name, path, heading in rows:
        response = page.goto(base + path)  # type: ignore[attr-defined]
        assert response is not None, path
        assert response.status == 200, (path, response.status)
        h1 = page.locator("h1")  # type: ignore[attr-defined]
        assert h1.count() == 1, path
        assert h1.inner_text() == heading, path
        shot(page, name)
