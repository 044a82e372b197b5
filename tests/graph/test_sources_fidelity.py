"""The curated records against the documents: every text is the document's, repaired only in whitespace and
hyphens (the damage of the PDF extraction), and every record sits where it says in the document."""

from __future__ import annotations

import hashlib

import pytest
from napkg_graph.config import REPO_ROOT
from napkg_graph.sources import STATUS_VALUES, load_sources
from napkg_graph.text import comparison_key

SOURCES = load_sources(REPO_ROOT / "graph" / "sources")
REPORT = SOURCES.documents["report-2024"].read()
REPORT_KEY = comparison_key(REPORT)
REPORT_LINES = REPORT.splitlines()
SHARED_SEEDS = REPO_ROOT.parent / "shared" / "seeds"


def _fields(record):
    yield "action", record.action
    yield "objective", record.objective
    yield "responsibility", record.responsibility_text
    yield "timeline", record.timeline_text
    yield "status", record.status_2024
    yield "explanation", record.explanation_2024
    yield "theme", record.theme
    for fn in record.footnotes:
        yield f"footnote {fn.marker}", fn.text


@pytest.mark.parametrize("record", SOURCES.action_points, ids=lambda r: f"ap{r.number:02d}")
def test_every_text_is_the_documents(record) -> None:
    first, last = record.source_lines
    row_key = comparison_key("\n".join(REPORT_LINES[first - 1 : last]))
    for name, text in _fields(record):
        key = comparison_key(text)
        assert key in REPORT_KEY, f"{record.path.name} {name} is not in the report: {text[:80]!r}"
        if name != "theme":  # the heading stands above the row, not in it
            assert key in row_key, f"{record.path.name} {name} is not within lines {first}-{last}"


def test_numbering_and_pillars_follow_the_document() -> None:
    numbers = [r.number for r in SOURCES.action_points]
    assert numbers == list(range(1, 34))
    starts = [r.source_lines[0] for r in SOURCES.action_points]
    assert starts == sorted(starts), "action points are numbered in document order"
    assert [r.pillar for r in SOURCES.action_points] == [1] * 16 + [2] * 6 + [3] * 11


def test_statuses_use_the_seven_values_of_the_report() -> None:
    used = {r.status_2024 for r in SOURCES.action_points}
    assert used == set(STATUS_VALUES)


def test_letter_paragraph_numbering_matches_the_curated_file() -> None:
    headed = {p.number: p.heading_pillar for p in SOURCES.letter_paragraphs}
    assert len(SOURCES.letter_paragraphs) == 18
    for entry in SOURCES.letter["paragraphs"]:
        if "pillar" in entry:
            assert headed[entry["n"]] == entry["pillar"], f"paragraph {entry['n']} stands under another heading"


def test_letter_paragraphs_are_verbatim() -> None:
    letter = SOURCES.documents["letter-2025"].read()
    for p in SOURCES.letter_paragraphs:
        body = p.text
        for marker in p.footnotes:
            body = body.replace(f"[^{marker}]", f"[footnoteRef:{marker}]")
        assert body in letter


@pytest.mark.parametrize("key", ["report-2024", "letter-2025"])
def test_vendored_documents_equal_the_shared_seeds(key: str) -> None:
    doc = SOURCES.documents[key]
    seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SHARED_SEEDS.glob("*.txt")}
    if not seeds:
        pytest.skip("../shared/seeds is not beside this checkout")
    assert doc.sha256 in seeds
