"""What each kind of resource page shows, read from the ``.rq`` queries into plain view models.

The templates only lay these out; labels are chosen here, by language with fallback.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import NamedNode
from rdflib.namespace import DCTERMS, RDFS, SKOS

from napkg_server.engine.runner import QueryRunner, Row, Value
from napkg_server.web.resources import ELI_TITLE, NAP, Link, Lookup, pick_text

ORG = "http://www.w3.org/ns/org#"

# Page kind by rdf:type, most specific first; anything else gets the generic page.
INBOUND_KINDS: tuple[tuple[str, str], ...] = (
    (NAP + "EUInstrument", "instrument"),
    (NAP + "GuidingPrinciple", "principle"),
    (NAP + "GuidelinesChapter", "oecd"),
    (NAP + "DueDiligenceStep", "oecd"),
    (NAP + "ParliamentaryPaper", "kamerstuk"),
    (ORG + "Organization", "organisation"),
)
OUTBOUND_PROPERTIES = (str(RDFS.seeAlso), str(SKOS.exactMatch))
DESCRIPTION_PROPERTIES = (str(SKOS.definition), ELI_TITLE, str(DCTERMS.description))


def page_kind(types: set[str]) -> str:
    if NAP + "ActionPoint" in types:
        return "action-point"
    return next((kind for cls, kind in INBOUND_KINDS if cls in types), "generic")


def pick(values: list[Value], lang: str) -> str | None:
    """The value in ``lang``, else Dutch, English, untagged, any (as :class:`Lookup` picks labels)."""
    return pick_text(((v.value, v.lang) for v in values), lang)


@dataclass
class Passage:
    """One text a reference was found in (and its source document), with the quoted spans."""

    citing: Link
    source: Link | None
    spans: list[tuple[str, int]] = field(default_factory=list)  # (span, times quoted)

    def add(self, span: str) -> None:
        for i, (known, count) in enumerate(self.spans):
            if known == span:
                self.spans[i] = (known, count + 1)
                return
        self.spans.append((span, 1))


def add_occurrence(passages: list[Passage], citing: Link, source: Link | None, span: str) -> None:
    """Record ``span`` under the passage of ``citing``, grouping repeated texts and spans."""
    for passage in passages:
        if passage.citing.iri == citing.iri:
            passage.add(span)
            return
    passages.append(Passage(citing, source))
    passages[-1].add(span)


@dataclass
class Reference:
    target: Link
    outbound: list[Link]
    passages: list[Passage] = field(default_factory=list)


# Readable names for the outside sites the data links to; others show their host name.
SITES = {
    "eur-lex.europa.eu": "EUR-Lex",
    "data.europa.eu": "ELI (data.europa.eu)",
    "zoek.officielebekendmakingen.nl": "officielebekendmakingen.nl",
    "identifier.overheid.nl": "TOOI (identifier.overheid.nl)",
    "wetten.overheid.nl": "wetten.overheid.nl",
}


def outside_link(iri: str) -> Link:
    host = iri.split("://", 1)[-1].split("/", 1)[0].lower()
    return Link(iri, iri, SITES.get(host, host or iri), True)


@dataclass
class NamedThing:
    """A programme, partner organisation or figure of an action point; curated when an editor linked it."""

    link: Link
    curated: bool
    value: str = ""  # a figure's value
    sentence: str = ""  # the sentence that gives a figure


@dataclass
class Alignment:
    targets: list[Link]
    justification: str
    kind: str = ""  # the kind and delivery state under the alignment method, e.g. "implements, delivered"


@dataclass
class Cell:
    """A value in a properties table: a link or a literal with its language."""

    text: str
    link: Link | None = None
    lang: str | None = None


class Views:
    def __init__(self, runner: QueryRunner, lookup: Lookup) -> None:
        self.runner = runner
        self.lookup = lookup

    def link(self, iri: str | None, lang: str) -> Link | None:
        return self.lookup.link(iri, lang) if iri else None

    def outbound(self, iri: str) -> list[Link]:
        found = {o: None for p in OUTBOUND_PROPERTIES for o in self.lookup.iris(iri, p)}
        return [outside_link(o) for o in found]

    def summary(self, iri: str, lang: str) -> dict[str, object]:
        """What every page shows at its top: title, types, description, links elsewhere."""
        description = None
        for prop in DESCRIPTION_PROPERTIES:
            description = description or self.lookup.literal(iri, prop, lang)
        return {
            "iri": iri,
            "title": self.lookup.label(iri, lang),
            "types": [self.lookup.link(t, lang) for t in sorted(self.lookup.types(iri))],
            "description": description,
            "outbound": self.outbound(iri),
            "identifiers": [o.value for o in self.lookup.objects(iri, str(DCTERMS.identifier))],
        }

    async def action_point(self, iri: str, lang: str) -> dict[str, object]:
        node = NamedNode(iri)
        facts_rows, responsibility_rows, status_rows, update_rows, citations, alignments = await asyncio.gather(
            *(
                self.runner.select(name, resource=node)
                for name in (
                    "action-point",
                    "action-point-responsibilities",
                    "action-point-status",
                    "action-point-updates",
                    "action-point-citations",
                    "action-point-alignments",
                )
            )
        )
        entity_rows = await self.runner.select("action-point-entities", resource=node)
        history_rows = await self.runner.select("action-point-history", resource=node)
        value = {k: v.value for k, v in (facts_rows or [{}])[0].items()}
        responsibilities = [
            (self.lookup.link(r["organisation"].value, lang), self.link(_iri(r, "role"), lang))
            for r in responsibility_rows
        ]
        statuses: dict[str, dict[str, object]] = {}
        for row in status_rows:
            entry = statuses.setdefault(row["report"].value, {"report": self.lookup.link(row["report"].value, lang)})
            if "status" in row:
                entry["status"] = self.lookup.link(row["status"].value, lang)
            if "explanationText" in row:
                entry["explanation"] = row["explanationText"].value
                entry["explanation_link"] = self.link(_iri(row, "explanation"), lang)
        updates = _group_rows(update_rows, "paragraph")
        letter = [
            {
                "paragraph": self.lookup.link(key, lang),
                "number": rows[0]["number"].value if "number" in rows[0] else "",
                "text": rows[0]["text"].value if "text" in rows[0] else "",
                "justification": pick([r["justification"] for r in rows if "justification" in r], lang) or "",
            }
            for key, rows in updates.items()
        ]
        return {
            **self.summary(iri, lang),
            "number": value.get("number", ""),
            "pillar": self.link(value.get("pillar"), lang),
            "theme": self.link(value.get("theme"), lang),
            "action_text": value.get("actionText", ""),
            "objective": value.get("objectiveText", ""),
            "timeline": value.get("timelineText", ""),
            "responsibility_text": value.get("responsibilityText", ""),
            "source_location": value.get("sourceLocation", ""),
            "report": self.link(value.get("report"), lang),
            "responsibilities": responsibilities,
            "statuses": list(statuses.values()),
            "history": [self.history_entry(row, lang) for row in history_rows],
            "letter": letter,
            "references": self.references(citations, lang),
            "alignments": self.alignments(alignments, lang),
            **self.named_things(entity_rows, lang),
        }

    def history_entry(self, row: Row, lang: str) -> dict[str, object]:
        """One report's status in the history, with how it moved since the previous report: worse or better by the
        curated rank (ontology/vocabularies/status.ttl), moved at an equal rank, the same, or '' for the first."""
        rank, before = (int(row[k].value) if k in row else None for k in ("rank", "previousRank"))
        if "previousStatus" not in row:
            change = ""
        elif row["previousStatus"].value == row["status"].value:
            change = "same"
        elif rank is not None and before is not None and rank != before:
            change = "worse" if rank < before else "better"
        else:
            change = "moved"
        return {
            "report": self.lookup.link(row["report"].value, lang),
            "date": row["date"].value,
            "status": self.lookup.link(row["status"].value, lang),
            "change": change,
        }

    def named_things(self, rows: list[Row], lang: str) -> dict[str, list[NamedThing]]:
        """Programmes, partners and figures of an action point, one entry each (a figure quoted twice: once)."""
        found: dict[str, dict[str, NamedThing]] = {"programmes": {}, "partners": {}, "figures": {}}
        for row in rows:
            iri = row["entity"].value
            things = found[f"{row['kind'].value}s"]
            if iri not in things:
                things[iri] = NamedThing(
                    self.lookup.link(iri, lang),
                    row["curated"].value == "true",
                    row["value"].value if "value" in row else "",
                    row["sentence"].value if "sentence" in row else "",
                )
        return {kind: sorted(things.values(), key=lambda t: t.link.label.lower()) for kind, things in found.items()}

    def references(self, rows: list[Row], lang: str) -> list[Reference]:
        by_target: dict[str, Reference] = {}
        seen: set[str] = set()
        for row in rows:
            if row["citation"].value in seen:
                continue
            seen.add(row["citation"].value)
            target = row["target"].value
            ref = by_target.get(target)
            if ref is None:
                ref = by_target[target] = Reference(self.lookup.link(target, lang), self.outbound(target))
            span = row["span"].value if "span" in row else ""
            citing = self.lookup.link(row["citing"].value, lang)
            add_occurrence(ref.passages, citing, self.link(_iri(row, "source"), lang), span)
        return sorted(by_target.values(), key=lambda r: r.target.label.lower())

    def alignment_kind(self, row: Row, lang: str) -> str:
        """The kind and delivery state of an alignment row, in ``lang`` ("implements, delivered")."""
        return ", ".join(self.lookup.label(row[k].value, lang) for k in ("kind", "state") if k in row)

    def alignments(self, rows: list[Row], lang: str) -> list[Alignment]:
        """Alignments that share one justification, kind and delivery state are shown together."""
        justifications: dict[str, list[Value]] = defaultdict(list)
        targets: dict[str, tuple[str, str]] = {}
        for row in rows:
            targets[row["alignment"].value] = (row["target"].value, self.alignment_kind(row, lang))
            if "justification" in row:
                justifications[row["alignment"].value].append(row["justification"])
        grouped: dict[tuple[str, str], list[Link]] = defaultdict(list)
        for alignment, (target, kind) in sorted(targets.items(), key=lambda item: item[1][1]):
            grouped[(pick(justifications[alignment], lang) or "", kind)].append(self.lookup.link(target, lang))
        return [Alignment(sorted(links, key=_natural), text, kind) for (text, kind), links in grouped.items()]

    async def inbound(self, iri: str, kind: str, lang: str) -> dict[str, object]:
        node = NamedNode(iri)
        explicit: dict[str, list[Passage]] = defaultdict(list)
        letter: dict[str, list[Passage]] = defaultdict(list)
        seen: set[str] = set()
        for row in await self.runner.select("inbound-citations", resource=node):
            if row["citation"].value in seen:
                continue
            seen.add(row["citation"].value)
            span = row["span"].value if "span" in row else ""
            citing = self.lookup.link(row["citing"].value, lang)
            source = self.link(_iri(row, "source"), lang)
            if "actionPoint" in row:
                add_occurrence(explicit[row["actionPoint"].value], citing, source, span)
            elif "paragraph" in row:
                add_occurrence(letter[row["paragraph"].value], citing, source, span)
        curated: dict[str, list[Value]] = defaultdict(list)
        kinds: dict[str, str] = {}
        for row in await self.runner.select("inbound-alignments", resource=node):
            curated[row["actionPoint"].value] += [row["justification"]] if "justification" in row else []
            kinds[row["actionPoint"].value] = self.alignment_kind(row, lang)
        responsible: dict[str, list[Link]] = defaultdict(list)
        if kind == "organisation":
            for row in await self.runner.select("inbound-responsibilities", resource=node):
                role = self.link(_iri(row, "role"), lang)
                responsible[row["actionPoint"].value] += [role] if role else []
        return {
            **self.summary(iri, lang),
            "kind": kind,
            "explicit": [(self.lookup.link(ap, lang), self.action(ap), ps) for ap, ps in _sorted_items(explicit)],
            "letter": [(self.lookup.link(paragraph, lang), ps) for paragraph, ps in _sorted_items(letter)],
            "curated": [
                (self.lookup.link(ap, lang), self.action(ap), pick(v, lang) or "", kinds[ap])
                for ap, v in _sorted_items(curated)
            ],
            "responsible": [(self.lookup.link(ap, lang), self.action(ap), r) for ap, r in _sorted_items(responsible)],
        }

    def action(self, iri: str) -> str:
        """The action text of an action point (Dutch, as the report has it), to show beside its link."""
        return self.lookup.literal(iri, NAP + "actionText", "nl") or ""

    async def generic(self, iri: str, lang: str) -> dict[str, object]:
        node = NamedNode(iri)
        properties = [
            (self.lookup.link(r["property"].value, lang), self.cell(r["value"], lang))
            for r in await self.runner.select("resource-properties", resource=node)
        ]
        inbound = [
            (self.lookup.link(r["subject"].value, lang), self.lookup.link(r["property"].value, lang))
            for r in await self.runner.select("resource-inbound", resource=node)
        ]
        return {**self.summary(iri, lang), "properties": properties, "inbound": inbound}

    def cell(self, value: Value, lang: str) -> Cell:
        if value.is_iri:
            link = self.lookup.link(value.value, lang)
            return Cell(link.label, link)
        return Cell(value.value, None, value.lang)


def _iri(row: Row, name: str) -> str | None:
    value = row.get(name)
    return value.value if value is not None and value.is_iri else None


def _group_rows(rows: list[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[key].value, []).append(row)
    return grouped


def _natural(link: Link) -> tuple[str, int, str]:
    """Sort key that puts .../principe/3 before .../principe/16."""
    head, _, tail = link.iri.rpartition("/")
    return (head, int(tail) if tail.isdigit() else 0, tail)


def _sorted_items(groups: dict[str, list]) -> list[tuple[str, list]]:
    return sorted(groups.items(), key=lambda item: _natural(Link(item[0], "", "")))
