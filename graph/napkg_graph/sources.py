"""Loads the curated source records of graph/sources/ into typed objects, checking their shape as it goes.

A record that does not fit fails here with the file name and the field, before any RDF is made.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
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
    ReportMeta,
    SourceError,
    StatusRecord,
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
    # What the report stating the action points (its report.yaml says states_action_points) says of it: its status,
    # explanation and footnotes (from that report's stand-van-zaken/NN.yaml). Later reports: Report.statuses.
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
class StatusEntry:
    """What a progress report says about one action point: rapporten/<slug>/stand-van-zaken/NN.yaml."""

    number: int
    status: str
    explanation: str  # as written, footnote markers as [^N]
    footnotes: tuple[Footnote, ...]
    path: Path


@dataclass(frozen=True)
class Report:
    """One folder under rapporten/ (or given with --extra-sources): a progress report or a letter.

    The folder name is the document's slug; it names the report's IRI and its graph. Adding a report is adding a
    folder: report.yaml, the document, and for a progress report stand-van-zaken/NN.yaml and events.yaml, for a
    letter brief.yaml.
    """

    folder: Path
    meta: ReportMeta
    document: Document
    statuses: tuple[StatusEntry, ...] = ()
    events: list[dict[str, Any]] = field(default_factory=list)  # events.yaml of a progress report
    letter: dict[str, Any] | None = None  # brief.yaml of a letter
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.document.slug

    @property
    def year(self) -> int:
        return self.document.year


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
    letter: dict[str, Any]  # brief.yaml of the first letter (the curated links name its paragraphs)
    letter_paragraphs: list[Paragraph] = field(default_factory=list)
    report_events: list[dict[str, Any]] = field(default_factory=list)  # events.yaml of the report stating the table
    reports: tuple[Report, ...] = ()  # every report and letter, by date


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


def _action_point(path: Path, statuses: dict[int, StatusEntry]) -> ActionPointRecord:
    r = _yaml(path, ActionPoint)
    if not isinstance(r, dict):
        raise SourceError(f"{path}: expected a mapping")
    resp = _require(r, "responsibility", path)
    timeline = _require(r, "timeline", path)
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
    number = int(_require(r, "number", path))
    if number not in statuses:
        raise SourceError(f"{path}: the report stating the action points gives no status for action point {number}")
    status = statuses[number]
    return ActionPointRecord(
        number=number,
        pillar=int(_require(r, "pillar", path)),
        theme=_require(r, "theme", path),
        source_lines=(int(first), int(last)),
        action=_require(r, "action", path),
        objective=_require(r, "objective", path),
        responsibility_text=_require(resp, "text", path),
        parties=parties,
        timeline_text=_require(timeline, "text", path),
        timeline=_timeline_dates(timeline, path),
        status_2024=status.status,
        explanation_2024=status.explanation,
        footnotes=status.footnotes,
        path=path,
    )


def _status(path: Path) -> StatusEntry:
    r = _yaml(path, StatusRecord)
    status = _require(r, "status", path)
    if status not in STATUS_VALUES:
        raise SourceError(f"{path}: status {status!r} is not one of {STATUS_VALUES}")
    return StatusEntry(
        number=int(r["action_point"]),
        status=status,
        explanation=_require(r, "explanation", path).strip(),
        footnotes=tuple(Footnote(str(f["marker"]), f["text"], f.get("url")) for f in r.get("footnotes") or []),
        path=path,
    )


def _report(folder: Path, allow_test_fixtures: bool) -> Report:
    """The report in `folder`: its report.yaml, its document (checksum verified) and its records."""
    path = folder / "report.yaml"
    meta = ReportMeta.model_validate(_yaml(path, ReportMeta))
    if meta.test_fixture and not allow_test_fixtures:
        raise SourceError(
            f"{path}: invented test data (test_fixture: true), never published; "
            "build it only with --allow-test-fixtures yes"
        )
    if meta.document.slug != folder.name:
        raise SourceError(f"{path}: document.slug {meta.document.slug!r} differs from the folder name {folder.name!r}")
    if meta.date[:4] != str(meta.document.year):
        raise SourceError(f"{path}: date {meta.date!r} is not in document.year {meta.document.year}")
    document = Document(**meta.document.model_dump(), path=folder / meta.document.file)
    if meta.kind == "letter":
        letter = _yaml(folder / "brief.yaml", Letter)
        paragraphs = read_paragraphs(document.read())
        for entry in letter["paragraphs"]:
            n = entry["n"]
            if n > len(paragraphs) or not paragraphs[n - 1].text.startswith(entry["starts_with"]):
                raise SourceError(
                    f"{folder / 'brief.yaml'}: paragraph {n} does not start with {entry['starts_with']!r}"
                )
        return Report(folder, meta, document, letter=letter, paragraphs=paragraphs)
    document.read()  # verifies the checksum: the records were reviewed against exactly this text
    statuses = tuple(_status(p) for p in sorted((folder / "stand-van-zaken").glob("*.yaml")))
    seen: dict[int, Path] = {}
    for s in statuses:
        if s.number in seen:
            raise SourceError(f"{s.path}: action point {s.number} has a status in {seen[s.number]} too")
        seen[s.number] = s.path
    events_file = folder / "events.yaml"
    events = _yaml(events_file, ReportEvents)["events"] if events_file.is_file() else []
    return Report(folder, meta, document, statuses=statuses, events=events)


def report_folders(sources_dir: Path, extra_sources: Sequence[Path] = ()) -> list[Path]:
    """The report folders: rapporten/*/ of `sources_dir`, then each extra folder that is one or holds some."""
    folders = [p.parent for p in sorted((sources_dir / "rapporten").glob("*/report.yaml"))]
    for extra in extra_sources:
        if (extra / "report.yaml").is_file():
            folders.append(extra)
        else:
            found = [p.parent for p in sorted(extra.glob("*/report.yaml"))]
            if not found:
                raise SourceError(f"{extra}: no report.yaml in it or in its folders")
            folders += found
    return folders


def load_reports(
    sources_dir: Path, extra_sources: Sequence[Path] = (), allow_test_fixtures: bool = False
) -> list[Report]:
    """Every report and letter, ordered by date (then slug); the checks that span reports are made here."""
    reports = sorted(
        (_report(f, allow_test_fixtures) for f in report_folders(sources_dir, extra_sources)),
        key=lambda r: (r.meta.date, r.slug),
    )
    slugs: dict[str, Path] = {}
    years: dict[int, Path] = {}
    for r in reports:
        if r.slug in slugs:
            raise SourceError(f"{r.folder}: a second report named {r.slug!r} (the first: {slugs[r.slug]})")
        slugs[r.slug] = r.folder
        if r.meta.kind == "progress-report":
            # A status's IRI names the action point and the report's year (iris.status_assessment).
            if r.year in years:
                raise SourceError(f"{r.folder}: a second progress report of {r.year} (the first: {years[r.year]})")
            years[r.year] = r.folder
    tables = [r for r in reports if r.meta.states_action_points]
    if len(tables) != 1 or tables[0].meta.kind != "progress-report":
        raise SourceError(f"{sources_dir / 'rapporten'}: exactly one progress report must state the action points")
    return reports


def load_sources(sources_dir: Path, extra_sources: Sequence[Path] = (), allow_test_fixtures: bool = False) -> Sources:
    """Read every curated record under `sources_dir` (normally graph/sources/), with the report folders of
    `extra_sources` (a report folder, or a folder of them); a test fixture only when `allow_test_fixtures`."""
    docs_meta = _yaml(sources_dir / "documents.yaml", Documents)
    reports = load_reports(sources_dir, extra_sources, allow_test_fixtures)
    documents = {r.document.key: r.document for r in reports}
    table = next(r for r in reports if r.meta.states_action_points)
    statuses = {s.number: s for s in table.statuses}
    action_points = sorted(
        (_action_point(p, statuses) for p in sorted((sources_dir / "actiepunten").glob("*.yaml"))),
        key=lambda a: a.number,
    )
    numbers = [a.number for a in action_points]
    if numbers != list(range(1, len(numbers) + 1)):
        raise SourceError(f"action points must be numbered 1..n without gaps, got {numbers}")
    plans = {p["key"] for p in docs_meta["plans"]}
    for r in reports:
        if r.meta.plan not in plans:
            raise SourceError(f"{r.folder / 'report.yaml'}: plan {r.meta.plan!r} is not in documents.yaml")
    letters = [r for r in reports if r.meta.kind == "letter"]
    if not letters:
        raise SourceError(
            f"{sources_dir / 'rapporten'}: no letter (the curated links name the 2025 letter's paragraphs)"
        )
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
        letter=letters[0].letter or {},
        letter_paragraphs=letters[0].paragraphs,
        report_events=table.events,
        reports=tuple(reports),
    )
