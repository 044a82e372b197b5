"""Competency questions (graph/napkg_graph/queries/competency/*.rq) with their exact expected answers, read off
the two documents by hand. They run on the published TriG dump in pyoxigraph, the engine the server uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from napkg_graph.config import REPO_ROOT

from tests.conftest import select

QUERIES = REPO_ROOT / "graph" / "napkg_graph" / "queries" / "competency"

EXPECTED: dict[str, list[tuple[str, ...]]] = {
    "cq01-delayed": [("2",), ("8",), ("19",)],
    "cq02-cite-csddd": [("12",), ("13",), ("14",), ("17",), ("18",), ("26",), ("28",), ("31",)],
    "cq03-no-ministry": [("22", "RVO")],
    "cq04-kamerstuk-cited-by-several": [("kst-22112-3393", "2")],
    "cq06-per-pillar": [("1", "16"), ("2", "6"), ("3", "11")],
    "cq07-per-status": [
        ("Doorlopend", "11"),
        ("In uitvoering volgens planning", "9"),
        ("Voltooid", "6"),
        ("In uitvoering maar met vertraging", "3"),
        ("In (formele) consultatie", "2"),
        ("In uitvoering", "1"),
        ("Niet van toepassing", "1"),
    ],
    "cq08-per-organisation": [
        ("ministerie van Buitenlandse Zaken", "21"),
        ("ministerie van Justitie en Veiligheid", "6"),
        ("ministerie van Sociale Zaken en Werkgelegenheid", "4"),
        ("Rijksdienst voor Ondernemend Nederland", "2"),
        ("ministerie van Economische Zaken en Klimaat", "2"),
        ("ministerie van Infrastructuur en Waterstaat", "2"),
        ("Interdepartementaal Projectteam Arbeidsmigranten", "1"),
        ("Raad voor Rechtsbijstand", "1"),
        ("Rijksinstituut voor Volksgezondheid en Milieu", "1"),
        ("ministerie van Financiën", "1"),
    ],
    "cq09-uncovered-ungp": [("5",)],
    "cq10-letter-on-action-point-20": [("13",)],
    "cq11-kamerstukken-only-in-report": [
        ("kst-21501-02-2715",),
        ("kst-21501-02-2909",),
        ("kst-22112-3393",),
        ("kst-26485-430",),
        ("kst-26485-435",),
        ("kst-29544-1243",),
        ("kst-31985-80",),
        ("kst-36547-4",),
    ],
    # deadlines, ends and reporting deadlines kept apart (issue 12): 7's pilot was due by the end of 2022
    "cq12-overdue": [("2",), ("7",), ("8",), ("15",), ("21",), ("23",), ("27",), ("32",)],
    "cq13-csddd-trail": [
        ("12", "Doorlopend", "BZ"),
        ("13", "In uitvoering volgens planning", "BZ"),
        ("14", "Doorlopend", "BZ"),
        ("17", "Voltooid", "BZ", "kst-22112-3393, kst-26485-435"),
        ("18", "In uitvoering", "BZ"),
        ("26", "Voltooid", "BZ", "kst-22112-3393"),
        ("28", "In uitvoering volgens planning", "BZ"),
        ("31", "In uitvoering volgens planning", "JenV"),
    ],
    "cq14-report-versus-letter": [
        ("15", "In (formele) consultatie", "Alle 33 actiepunten zijn voltooid of in uitvoering."),
        ("23", "In (formele) consultatie", "Alle 33 actiepunten zijn voltooid of in uitvoering."),
        ("32", "Niet van toepassing", "Alle 33 actiepunten zijn voltooid of in uitvoering."),
    ],
    "cq15-explicit-versus-curated": [("31", "26", "26")],
    "cq17-coordinating-departments": [("1", "SZW"), ("2", "JenV")],
    "cq18-instruments-only-in-letter": [("Omnibus I",)],
}


def _rows(store, name: str) -> list[tuple[str, ...]]:
    query = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    return [tuple(row.values()) for row in select(store, query)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_competency_question(store, name: str) -> None:
    # Expectations name the leading columns; trailing free-text columns (action text, explanation) are
    # checked against the documents by test_sources_fidelity.py.
    rows = _rows(store, name)
    expected = EXPECTED[name]
    assert len(rows) == len(expected), rows
    assert [row[: len(e)] for row, e in zip(rows, expected, strict=True)] == expected


def test_letter_on_9_december_2025(store) -> None:
    rows = select(store, (QUERIES / "cq05-letter-9-december-2025.rq").read_text(encoding="utf-8"))
    assert rows == [
        {
            "description": "De Raad, het Europees Parlement en de Europese Commissie bereiken een voorlopig "
            "politiek akkoord over Omnibus I.",
            "asWritten": "op 9 december jl.",
            "concerns": "Omnibus I",
        }
    ]


def test_events_in_date_order(store) -> None:
    rows = select(store, (QUERIES / "cq16-events.rq").read_text(encoding="utf-8"))
    dates = [r["date"] for r in rows]
    assert dates[0] == "2024-12-13"
    assert "2025-12-09" in dates and "2025-02-26" in dates and "2025-09-17" in dates
    assert dates == sorted(dates)


def test_every_query_file_has_an_expectation() -> None:
    names = {p.stem for p in Path(QUERIES).glob("*.rq")}
    assert names == set(EXPECTED) | {"cq05-letter-9-december-2025", "cq16-events"}
    assert len(names) >= 15
