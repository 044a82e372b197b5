"""Loads the curated source records of graph/sources/ into typed objects, checking their shape as it goes.

A record that does not fit fails here with the file name and the field, before any RDF is made.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .letter import Paragraph, read_paragraphs
from .source_schema import (
    ROLES,
    SCOPE_FIELDS,
    STATUS_VALUES,
    ActionPoint,
    Alignments,
    DocumentEntry,
    Documents,
    Instruments,
    Letter,
    Organisations,
    Record,
    ReportEvents,
    SourceError,
    check,
)
from .user_errors import yaml_problem


@dataclass(frozen=True)
class Party:
    org: str
    role: str
    note: str | None = None
    scope: str | None = None  # the part of the action point this party answers for, quoted from scope_in
    scope_in: str = "responsibility"


@dataclass(frozen=True)
class Footnote:
    marker: str
    text: str
    url: str | None = None


@dataclass(frozen=True)
class TimelineDates:
    """The typed reading of a timeline text: ISO year, year-month or date strings, as precise as the text."""

    start: str | None = None
    end: str | None = None
    deadline: str | None = None
    reporting_deadline: str | None = None
    open_ended: bool = False
    recurrence: str | None = None  # xsd:duration, e.g. P1Y


_WHEN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DURATION = re.compile(r"^P\d+[YMD]$")


def _timeline_dates(timeline: dict[str, Any], path: Path) -> TimelineDates:
    dates: dict[str, str | None] = {}
    for key in ("start", "end", "deadline", "reporting_deadline"):
        value = timeline.get(key)
        value = None if value is None else str(value)
        if value is not None and not _WHEN.match(value):
            raise SourceError(f"{path}: timeline.{key} {value!r} is not a year, year-month or date (quote it)")
        dates[key] = value
    recurrence = timeline.get("recurrence")
    if recurrence is not None and not _DURATION.match(recurrence):
        raise SourceError(f"{path}: timeline.recurrence {recurrence!r} is not a duration such as P1Y")
    open_ended = bool(timeline.get("open_ended", False))
    if open_ended and (dates["end"] or not dates["start"]):
        raise SourceError(f"{path}: an open-ended timeline has a start and no end")
    return TimelineDates(**dates, open_ended=open_ended, recurrence=recurrence)


@dataclass(frozen=True)
class ActionPointRecord:
    number: int
    pillar: int
    theme: str
    source_lines: tuple[int, int]
    action: str
    objective: str
    responsibility_text: str
    parties: tuple[Party, ...]
    timeline_text: str
    timeline: TimelineDates
    status_2024: str
    explanation_2024: str
    footnotes: tuple[Footnote, ...]
    path: Path


class Document(DocumentEntry):
    """A source document: its entry in documents.yaml (fields as the schema gives them), and where its text is."""

    path: Path

    def read(self) -> str:
        data = self.path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.sha256:
            raise SourceError(f"{self.path}: checksum {digest} differs from documents.yaml ({self.sha256})")
        return data.decode("utf-8")


@dataclass(frozen=True)
class Sources:
    root: Path
    documents: dict[str, Document]
    plans: list[dict[str, Any]]
    action_points: list[ActionPointRecord]
    organisations: list[dict[str, Any]]
    instruments: list[dict[str, Any]]
    dutch_laws: list[dict[str, Any]]
    alignments: dict[str, Any]
    letter: dict[str, Any]
    letter_paragraphs: list[Paragraph] = field(default_factory=list)
    report_events: list[dict[str, Any]] = field(default_factory=list)  # events-2024.yaml (events.py reads them)


def _yaml(path: Path, model: type[Record] | None = None) -> Any:
    """The YAML of `path`, checked against the record `model` (source_schema) when one is given."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceError(yaml_problem(path, exc)) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 (byte at offset {exc.start})") from exc
    if model is not None:
        check(path, data, model, text)
    return data


def _require(record: dict[str, Any], key: str, path: Path) -> Any:
    if key not in record or record[key] in (None, ""):
        raise SourceError(f"{path}: missing required field {key!r}")
    return record[key]


def _action_point(path: Path) -> ActionPointRecord:
    r = _yaml(path, ActionPoint)
    if not isinstance(r, dict):
        raise SourceError(f"{path}: expected a mapping")
    resp = _require(r, "responsibility", path)
    timeline = _require(r, "timeline", path)
    status = _require(r, "status_2024", path)
    if status not in STATUS_VALUES:
        raise SourceError(f"{path}: status_2024 {status!r} is not one of {STATUS_VALUES}")
    parties = tuple(
        Party(p["org"], p["role"], p.get("note"), p.get("scope"), p.get("scope_in", "responsibility"))
        for p in resp.get("parties", [])
    )
    for p in parties:
        if p.role not in ROLES:
            raise SourceError(f"{path}: role {p.role!r} is not one of {ROLES}")
        if p.scope_in not in SCOPE_FIELDS:
            raise SourceError(f"{path}: scope_in {p.scope_in!r} is not one of {SCOPE_FIELDS}")
    first, last = _require(r, "source_lines", path)
    return ActionPointRecord(
        number=int(_require(r, "number", path)),
        pillar=int(_require(r, "pillar", path)),
        theme=_require(r, "theme", path),
        source_lines=(int(first), int(last)),
        action=_require(r, "action", path),
        objective=_require(r, "objective", path),
        responsibility_text=_require(resp, "text", path),
        parties=parties,
        timeline_text=_require(timeline, "text", path),
        timeline=_timeline_dates(timeline, path),
        status_2024=status,
        explanation_2024=_require(r, "explanation_2024", path).strip(),
        footnotes=tuple(Footnote(str(f["marker"]), f["text"], f.get("url")) for f in r.get("footnotes") or []),
        path=path,
    )


def load_sources(sources_dir: Path) -> Sources:
    """Read every curated record under `sources_dir` (normally graph/sources/)."""
    docs_meta = _yaml(sources_dir / "documents.yaml", Documents)
    documents = {d["key"]: Document(**d, path=sources_dir / d["file"]) for d in docs_meta["documents"]}
    action_points = sorted(
        (_action_point(p) for p in sorted((sources_dir / "actiepunten").glob("*.yaml"))),
        key=lambda a: a.number,
    )
    numbers = [a.number for a in action_points]
    if numbers != list(range(1, len(numbers) + 1)):
        raise SourceError(f"action points must be numbered 1..n without gaps, got {numbers}")
    letter = _yaml(sources_dir / "kamerbrief-2025.yaml", Letter)
    paragraphs = read_paragraphs(documents[letter["letter"]].read())
    for entry in letter["paragraphs"]:
        n = entry["n"]
        if n > len(paragraphs) or not paragraphs[n - 1].text.startswith(entry["starts_with"]):
            raise SourceError(f"kamerbrief-2025.yaml: paragraph {n} does not start with {entry['starts_with']!r}")
    legal = _yaml(sources_dir / "instruments.yaml", Instruments)
    return Sources(
        root=sources_dir,
        documents=documents,
        plans=docs_meta["plans"],
        action_points=action_points,
        organisations=_yaml(sources_dir / "organisations.yaml", Organisations)["organisations"],
        instruments=legal["instruments"],
        dutch_laws=legal["dutch_laws"],
        alignments=_yaml(sources_dir / "alignments.yaml", Alignments),
        letter=letter,
        letter_paragraphs=paragraphs,
        report_events=_yaml(sources_dir / "events-2024.yaml", ReportEvents)["events"],
    )
