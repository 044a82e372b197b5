"""Dated events (milestones) of both documents, curated in YAML and found in the text by code.

Each event record quotes the sentence that reports it; the quote must stand verbatim in the text it names (an
explanation or timeline of the 2024 report, or a paragraph of the 2025 letter), and its offsets there become the
span of a nap:Citation. A quote that is not found fails the build: the record no longer matches the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .sources import Report, SourceError, Sources
from .text import strip_markers

KINDS = ("planned", "occurred")
REPORT_PLACES = ("explanation", "timeline")


@dataclass(frozen=True)
class Evidence:
    """Where an event is reported: the resource's text, and the span of the quoted sentence in it."""

    place: str  # explanation | timeline (of action point `number`) | paragraph (of the letter, `number`)
    number: int  # the action point (report) or the paragraph (letter)
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class ActionPointLink:
    """The action point an event concerns; for the letter, an analyst's judgement with its justification."""

    number: int
    justification_nl: str | None = None
    justification_en: str | None = None


@dataclass(frozen=True)
class EventRecord:
    key: str
    document: str  # key in documents.yaml
    date: str  # ISO year, year-month or date, as precise as the text
    as_written: str
    kind: str  # planned | occurred
    nl: str
    en: str
    concerns: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    action_points: tuple[ActionPointLink, ...]


def find_span(text: str, quote: str, where: str) -> tuple[int, int]:
    """Offsets [start, end) of `quote` in `text`; SourceError when it is not there.

    >>> find_span("Een. Op 2 mei is het gebeurd. Twee.", "Op 2 mei is het gebeurd.", "x")
    (5, 29)
    """
    start = text.find(quote)
    if start < 0:
        raise SourceError(f"{where}: the quoted sentence is not in the text: {quote!r}")
    return start, start + len(quote)


def _common(e: dict[str, Any], where: str) -> dict[str, Any]:
    for field in ("key", "date", "as_written", "kind", "nl", "en"):
        if not e.get(field):
            raise SourceError(f"{where}: event without {field!r}")
    if e["kind"] not in KINDS:
        raise SourceError(f"{where}: event {e['key']}: kind {e['kind']!r} is not one of {KINDS}")
    return {
        "key": e["key"],
        "date": str(e["date"]),
        "as_written": e["as_written"],
        "kind": e["kind"],
        "nl": e["nl"],
        "en": e["en"],
        "concerns": tuple(e.get("concerns") or ()),
    }


def _report_text(sources: Sources, report: Report, place: str, n: int, where: str) -> str:
    """The text as the graph publishes it (rdf_report.py), so offsets hold in the data."""
    if place == "timeline":
        if not report.meta.states_action_points:
            raise SourceError(f"{where}: only the report stating the action points has their timelines")
        return next(r.timeline_text for r in sources.action_points if r.number == n)
    explanation = next((s.explanation for s in report.statuses if s.number == n), None)
    if explanation is None:
        raise SourceError(f"{where}: the report gives no explanation for action point {n}")
    return strip_markers(explanation)


def report_events(sources: Sources, report: Report | None = None) -> list[EventRecord]:
    """events.yaml of `report` (default: of every progress report): the events a report gives in its rows; each
    concerns the row(s) reporting it."""
    reports = [report] if report else [r for r in sources.reports if r.meta.kind == "progress-report"]
    return [e for r in reports for e in _events_of(sources, r)]


def _events_of(sources: Sources, report: Report) -> list[EventRecord]:
    events = []
    for e in report.events:
        where = f"{report.folder / 'events.yaml'}, event {e.get('key')}"
        evidence = []
        for found in e.get("found_in") or []:
            place = found.get("in", "explanation")
            if place not in REPORT_PLACES:
                raise SourceError(f"{where}: 'in' must be one of {REPORT_PLACES}")
            n = int(found["action_point"])
            text = _report_text(sources, report, place, n, f"{where}, action point {n}")
            start, end = find_span(text, found["quote"], f"{where}, action point {n}")
            evidence.append(Evidence(place, n, found["quote"], start, end))
        if not evidence:
            raise SourceError(f"{where}: no found_in")
        numbers = dict.fromkeys(ev.number for ev in evidence)
        events.append(
            EventRecord(
                **_common(e, where),
                document=report.document.key,
                evidence=tuple(evidence),
                action_points=tuple(ActionPointLink(n) for n in numbers),
            )
        )
    return events


def letter_events(sources: Sources) -> list[EventRecord]:
    """The `events` of kamerbrief-2025.yaml: found in their paragraph, linked to action points by the analysts."""
    texts = {p.number: strip_markers(p.text) for p in sources.letter_paragraphs}
    events = []
    for e in sources.letter["events"]:
        where = f"brief.yaml of {sources.letter['letter']}, event {e.get('key')}"
        n = int(e["paragraph"])
        start, end = find_span(texts[n], e["quote"], f"{where}, paragraph {n}")
        links = []
        for link in e.get("action_points") or []:
            if not (link.get("nl") and link.get("en")):
                raise SourceError(f"{where}: the link to action point {link.get('n')} needs a justification (nl, en)")
            links.append(ActionPointLink(int(link["n"]), link["nl"], link["en"]))
        events.append(
            EventRecord(
                **_common(e, where),
                document=sources.letter["letter"],
                evidence=(Evidence("paragraph", n, e["quote"], start, end),),
                action_points=tuple(links),
            )
        )
    return events
