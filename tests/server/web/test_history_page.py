"""The "history" section of an action point page: one row per progress report in date order, with how the status
moved by the curated ranking; served by the real app (in this process) from a build with the invented next-report
fixture."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult

from tests.support.in_process import in_process

REPORTS = {  # the reports' titles (report.yaml of each folder), per language
    "nl": (
        "Voortgangsrapportage Nationaal Actieplan Bedrijfsleven en Mensenrechten",
        "Voortgangsrapportage NAP 2025 (testfixture, verzonnen testgegevens)",
    ),
    "en": (
        "Progress report of the National Action Plan on Business and Human Rights (2024)",
        "NAP progress report 2025 (test fixture, invented test data)",
    ),
}


@pytest.fixture(scope="module")
def client(next_report_built: BuildResult, next_report_settings: BuildSettings) -> Iterator[httpx.Client]:
    args = ["--data", str(next_report_settings.dist / "nap-kg.trig"), "--max-concurrent-queries", "2"]
    with in_process(args, headers={"Accept": "text/html"}) as c:
        yield c


def history(client: httpx.Client, number: int, lang: str) -> list[list[str]]:
    """The rows of the history table, each cell's text without tags."""
    response = client.get(f"/id/plan/nap-2022-2026/actiepunt/{number}", params={"lang": lang})
    assert response.status_code == 200, response.text
    section = re.search(r'<section id="history">(.*?)</section>', response.text, re.DOTALL)
    assert section, "no history section"
    body = re.search(r"<tbody>(.*?)</tbody>", section.group(1), re.DOTALL)
    assert body, section.group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL)
    ]


@pytest.mark.parametrize(
    ("number", "lang", "status_2024", "status_2025", "change"),
    [
        (7, "en", "Under way, on schedule", "Under way but delayed", "worse"),
        (18, "en", "Under way", "Completed", "better"),
        (9, "nl", "In uitvoering volgens planning", "Doorlopend", "verschoven, gelijke rang"),
        (17, "nl", "Voltooid", "Voltooid", "gelijk"),
    ],
)
def test_history_rows(
    client: httpx.Client, number: int, lang: str, status_2024: str, status_2025: str, change: str
) -> None:
    rows = history(client, number, lang)
    assert rows == [
        [REPORTS[lang][0], "2024", status_2024, ""],
        [REPORTS[lang][1], "2025-11", status_2025, change],
    ]


def test_the_history_links_its_questions(client: httpx.Client) -> None:
    html = client.get("/id/plan/nap-2022-2026/actiepunt/7", params={"lang": "en"}).text
    assert 'href="/queries/status-history?number=7"' in html
    assert 'href="/queries/worsened-action-points"' in html


def test_the_home_page_shows_each_action_point_once_with_its_latest_status(client: httpx.Client) -> None:
    html = client.get("/", params={"lang": "en"}).text
    links = re.findall(r'href="/id/plan/nap-2022-2026/actiepunt/(\d+)"', html)
    assert sorted(set(links), key=int) == [str(n) for n in range(1, 34)]
    assert len(links) == 33
    row = re.search(r'href="/id/plan/nap-2022-2026/actiepunt/7".*?</li>', html, re.DOTALL)
    assert row and "Under way but delayed" in row.group(0) and "on schedule" not in row.group(0)
