"""Named things of the documents as records: programmes (programmes.yaml), partner organisations (partners.yaml)
and figures (figures.yaml), each with the places the documents name it.

A mention says where the words stand (an action point's field in the 2024 report, or a paragraph of the 2025
letter) and what they are; the code finds every occurrence there and the build fails when there is none. Links to
action points follow one rule: a thing named in the row of action point n concerns n (the report's table says so);
a thing named only in the letter, which numbers no action points, is linked by an editor with a justification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import URIRef

from .iris import Iris
from .source_schema import validated
from .sources import SourceError, Sources
from .text import strip_markers
from .vocab import NAP

REPORT_FIELDS = ("action", "objective", "responsibility", "timeline", "explanation")
PROGRAMME_KINDS = ("programme", "subsidy-scheme", "partnership", "sector-agreement", "agreement-module", "help-desk")
_WHEN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Place:
    """A text of a document: the resource holding it, the property, the text as published, the document."""

    citing: URIRef
    text_property: URIRef
    text: str
    stated_in: URIRef
    action_point: int | None  # the action point whose row holds the text (None in the letter)


@dataclass(frozen=True)
class Mention:
    place: Place
    quote: str
    spans: tuple[tuple[int, int], ...]  # every occurrence of the quote in the place's text


@dataclass(frozen=True)
class CuratedLink:
    action_point: int
    nl: str
    en: str
    reviewed: str  # the date the editors made or last reviewed the link (the file's `reviewed`)


@dataclass(frozen=True)
class Entity:
    """A programme, a partner organisation or a figure, with where it is named and the action points it concerns."""

    key: str
    mentions: tuple[Mention, ...]
    curated: tuple[CuratedLink, ...]
    record: dict[str, Any]

    @property
    def named_in_rows(self) -> list[int]:
        """Action points in whose rows of the report the thing is named (document order, no repeats)."""
        rows = (m.place.action_point for m in self.mentions if m.place.action_point is not None)
        return sorted(set(rows))


@dataclass(frozen=True)
class Entities:
    programmes: list[Entity]
    partners: list[Entity]
    figures: list[Entity]


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: not valid YAML: {exc}") from exc


def places(iris: Iris, sources: Sources) -> dict[tuple[Any, ...], Place]:
    """Every text a mention may point at, by (action point, field), (action point, 'footnote', marker) or
    ('paragraph', n): the same strings the report and letter graphs publish."""
    report = iris.report(sources.documents["report-2024"].slug)
    year = sources.documents["report-2024"].year
    found: dict[tuple[Any, ...], Place] = {}
    for r in sources.action_points:
        n, ap, explanation = r.number, iris.action_point(r.number), iris.explanation(r.number, year)
        fields = {
            "action": (ap, NAP.actionText, strip_markers(r.action)),
            "objective": (iris.objective(n), NAP.text, r.objective),
            "responsibility": (ap, NAP.responsibilityText, r.responsibility_text),
            "timeline": (iris.timeline(n), NAP.timelineText, r.timeline_text),
            "explanation": (explanation, NAP.text, strip_markers(r.explanation_2024)),
        }
        for name, (citing, prop, text) in fields.items():
            found[(n, name)] = Place(citing, prop, text, report, n)
        for fn in r.footnotes:
            found[(n, "footnote", fn.marker)] = Place(
                iris.footnote(explanation, fn.marker), NAP.text, fn.text, report, n
            )
    letter = iris.report(sources.documents[sources.letter["letter"]].slug)
    for p in sources.letter_paragraphs:
        found[("paragraph", p.number)] = Place(
            iris.paragraph(letter, p.number), NAP.text, strip_markers(p.text), letter, None
        )
    return found


def locate(place: Place, quote: str, where: str) -> Mention:
    """Every occurrence of `quote` in the place's text; SourceError when there is none.

    >>> p = Place(URIRef("urn:x"), NAP.text, "IDH en Solidaridad; IDH faciliteert", URIRef("urn:d"), 13)
    >>> locate(p, "IDH", "test").spans
    ((0, 3), (20, 23))
    """
    spans = tuple((m.start(), m.end()) for m in re.finditer(re.escape(quote), place.text))
    if not spans:
        raise SourceError(f"{where}: {quote!r} does not stand in {place.citing} ({place.text_property})")
    return Mention(place, quote, spans)


def _place_key(m: dict[str, Any], where: str) -> tuple[Any, ...]:
    if "paragraph" in m:
        return ("paragraph", int(m["paragraph"]))
    field = m.get("field", "explanation")
    if str(field).startswith("footnote "):
        return (int(m["action_point"]), "footnote", str(field).split()[1])
    if field not in REPORT_FIELDS:
        raise SourceError(f"{where}: field {field!r} is not one of {REPORT_FIELDS} or 'footnote N'")
    return (int(m["action_point"]), field)


def _entity(record: dict[str, Any], key: str, texts: dict[tuple[Any, ...], Place], where: str, reviewed: str) -> Entity:
    mentions = []
    for m in record.get("mentions") or []:
        place_key = _place_key(m, f"{where} ({key})")
        if place_key not in texts:
            raise SourceError(f"{where} ({key}): no text at {place_key}")
        mentions.append(locate(texts[place_key], m["text"], f"{where} ({key})"))
    if not mentions:
        raise SourceError(f"{where} ({key}): at least one mention in the documents is required")
    curated = tuple(CuratedLink(int(c["action_point"]), c["nl"], c["en"], reviewed) for c in record.get("links") or [])
    if curated and all(m.place.action_point is not None for m in mentions):
        raise SourceError(
            f"{where} ({key}): curated links are for things the letter names; the report rows link by rule"
        )
    entity = Entity(key, tuple(mentions), curated, record)
    if not entity.named_in_rows and not curated:
        raise SourceError(f"{where} ({key}): concerns no action point (no mention in a row, no curated link)")
    return entity


def _check_figure(record: dict[str, Any], entity: Entity, where: str) -> None:
    value = record.get("value")
    try:
        if value is None or isinstance(value, bool):
            raise InvalidOperation
        Decimal(str(value))
    except InvalidOperation:
        raise SourceError(f"{where} ({entity.key}): value {value!r} is not a number") from None
    as_written = str(record["as_written"])
    if not all(as_written in m.quote for m in entity.mentions):
        raise SourceError(f"{where} ({entity.key}): the number as written ({as_written!r}) is not in its sentence")
    when = record.get("date")
    if when is not None and not _WHEN.match(str(when)):
        raise SourceError(f"{where} ({entity.key}): date {when!r} is not a year, year-month or date (quote it)")


def _records(path: Path, key: str) -> tuple[list[dict[str, Any]], str]:
    """The records of one file, and the date its curated links were reviewed."""
    data = validated(path, _yaml(path))
    reviewed = str(data.get("reviewed", ""))
    if not _WHEN.match(reviewed) or len(reviewed) != 10:
        raise SourceError(f"{path}: `reviewed` must be the date (YYYY-MM-DD) the editors reviewed its links")
    return data[key], reviewed


def load_entities(iris: Iris, sources: Sources) -> Entities:
    """Read programmes.yaml, partners.yaml and figures.yaml under the sources folder and locate every mention."""
    texts = places(iris, sources)
    root = sources.root
    records, reviewed = _records(root / "programmes.yaml", "programmes")
    programmes = [_entity(r, r["key"], texts, "programmes.yaml", reviewed) for r in records]
    keys = {p.key for p in programmes}
    for p in programmes:
        if p.record["kind"] not in PROGRAMME_KINDS:
            raise SourceError(f"programmes.yaml ({p.key}): kind {p.record['kind']!r} is not one of {PROGRAMME_KINDS}")
        if p.record.get("part_of") and p.record["part_of"] not in keys:
            raise SourceError(f"programmes.yaml ({p.key}): part_of {p.record['part_of']!r} is no programme key")
    organisations = {o["key"] for o in sources.organisations}
    records, reviewed = _records(root / "partners.yaml", "partners")
    partners = [_entity(r, r["org"], texts, "partners.yaml", reviewed) for r in records]
    named = [(p.key, p.key) for p in partners] + [
        (p.key, org) for p in programmes for org in p.record.get("run_by") or []
    ]
    for key, org in named:
        if org not in organisations:
            raise SourceError(f"{key}: {org!r} is not an organisation key of organisations.yaml")
    records, reviewed = _records(root / "figures.yaml", "figures")
    figures = [_entity(r, r["key"], texts, "figures.yaml", reviewed) for r in records]
    for f in figures:
        _check_figure(f.record, f, "figures.yaml")
    return Entities(programmes, partners, figures)
