"""EU acts as lifecycles (reference graph): dated stages, the acts that move another act's dates, the articles a
text cites, and the trade agreements action point 16 names.

Every stage is a nap:LegislativeStage with its kind (ontology/vocabularies/eu-stages.ttl), date, certainty and
source: the reference facts (../shared/reference/), a sentence of a source document (checked verbatim here), or
both. Unverified facts never get here (the loader refuses them); derived dates carry certainty "afgeleid" and say
how they were derived. The act's own verified dates are also written with the ELI property for that kind, so ELI
clients find them where they look.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import DCTERMS, PROV, RDF, SKOS, Graph, Literal, URIRef

from .iris import Iris
from .rdf_terms import add_all, date, en, label, nl
from .sources import SourceError, Sources
from .vocab import ELI, NAP, ONTOLOGY_FILE

CERTAINTY_SLUGS = {"verified": "geverifieerd", "verified_2nd": "secundair-geverifieerd", "derived": "afgeleid"}
PUBLISHED = ("verified", "verified_2nd")
# The stage kinds that ELI has a property for on the act itself.
ELI_DATE = {
    "voorstel": ELI.date_document,  # a proposal's own date is that of its COM document
    "vaststelling": ELI.date_document,
    "bekendmaking": ELI.date_publication,
    "inwerkingtreding": ELI.first_date_entry_in_force,
    "toepassing": ELI.date_applicability,
}
STAGES_FILE = ONTOLOGY_FILE.parent / "vocabularies" / "eu-stages.ttl"
REPORT_YEAR = 2024  # the progress report whose explanations the quotes come from
# rdf_reference._identifier: (graph, iris, owner, scheme, value, certainty, agency) -> an adms:Identifier
IdentifierWriter = Callable[[Graph, Iris, URIRef, str, str, str, str], None]


@cache
def stage_kinds() -> dict[str, tuple[str, str]]:
    """slug -> (Dutch, English) label of every kind of stage in the vocabulary."""
    g = Graph().parse(STAGES_FILE, publicID="https://w3id.org/nap-kg/")
    kinds = {}
    for concept in g.subjects(RDF.type, NAP.StageKind):
        labels = {lit.language: str(lit) for lit in g.objects(concept, SKOS.prefLabel) if isinstance(lit, Literal)}
        kinds[str(concept).rsplit("/", 1)[-1]] = (labels["nl"], labels["en"])
    return kinds


@dataclass(frozen=True)
class Quote:
    """A sentence of a source document and the resource whose text holds it."""

    source: URIRef
    text: str


def legal_records(sources: Sources) -> dict[str, Any]:
    """instruments.yaml as read (its lifecycle sections are not part of Sources)."""
    path: Path = sources.root / "instruments.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def quote(iris: Iris, sources: Sources, spec: dict[str, Any], where: str) -> Quote:
    """Resolve a quote to its resource and check that the text stands there verbatim."""
    text = spec["text"]
    if "letter_paragraph" in spec:
        n = int(spec["letter_paragraph"])
        holder = sources.letter_paragraphs[n - 1].text
        letter = iris.report(sources.documents[sources.letter["letter"]].slug)
        resource = iris.paragraph(letter, n)
    else:
        n = int(spec["action_point"])
        record = sources.action_points[n - 1]
        field = spec.get("field", "explanation")
        texts = {
            "explanation": (record.explanation_2024, iris.explanation(n, REPORT_YEAR)),
            "timeline": (record.timeline_text, iris.timeline(n)),
            "action": (record.action, iris.action_point(n)),
            "objective": (record.objective, iris.objective(n)),
        }
        if field not in texts:
            raise SourceError(f"{where}: quote field {field!r} is not one of {sorted(texts)}")
        holder, resource = texts[field]
    if text not in " ".join(holder.split()):
        raise SourceError(f"{where}: quote not found verbatim: {text[:60]!r}")
    return Quote(resource, text)


def _certainty(iris: Iris, value: str, where: str) -> URIRef:
    if value not in CERTAINTY_SLUGS:
        raise SourceError(f"instruments.yaml, {where}: certainty {value!r} is not published (unverified: left out)")
    return iris.certainty(CERTAINTY_SLUGS[value])


def _event_keys(sources: Sources) -> set[str]:
    events = list(sources.letter.get("events", [])) + list(getattr(sources, "report_events", []) or [])
    return {e["key"] for e in events}


def add_reference_source(g: Graph, iris: Iris) -> URIRef:
    node = iris.reference_source()
    g.add((node, RDF.type, PROV.Entity))
    label(g, node, "Referentiegegevens van nap-kg", "nap-kg reference facts")
    g.add(
        (
            node,
            DCTERMS.description,
            en(
                "Identifiers and dates of EU acts, organisations and frameworks compiled with their certainty "
                "(../shared/reference/reference_facts.yaml and identifiers.md, compiled 2026-11-23)."
            ),
        )
    )
    return node


def add_stages(g: Graph, iris: Iris, sources: Sources, instrument: dict[str, Any], reference: URIRef) -> None:
    act = iris.instrument(instrument["key"])
    kinds = stage_kinds()
    events = _event_keys(sources)
    keys = {i["key"] for i in sources.instruments}
    own: dict[str, list[Literal]] = {}
    for s in instrument.get("stages", []):
        kind, when = s["kind"], str(s["date"])
        where = f"{instrument['key']} stage {kind} {when}"
        if kind not in kinds:
            raise SourceError(f"instruments.yaml, {where}: unknown kind (see {STAGES_FILE.name})")
        if not (s.get("reference") or s.get("quote")):
            raise SourceError(f"instruments.yaml, {where}: a stage needs a source (reference: true or a quote)")
        node = iris.stage(act, kind, when)
        kind_nl, kind_en = kinds[kind]
        scope_nl = f" ({s['scope_nl']})" if "scope_nl" in s else ""
        scope_en = f" ({s['scope_en']})" if "scope_en" in s else ""
        g.add((act, NAP.stage, node))
        g.add((node, RDF.type, NAP.LegislativeStage))
        label(
            g,
            node,
            f"{instrument['abbreviation']}: {kind_nl}{scope_nl} {when}",
            f"{instrument['abbreviation']}: {kind_en}{scope_en} {when}",
        )
        add_all(
            g,
            node,
            [
                (NAP.stageKind, iris.stage_kind(kind)),
                (DCTERMS.date, date(when)),
                (NAP.certainty, _certainty(iris, s["certainty"], where)),
                (DCTERMS.source, reference if s.get("reference") else None),
                (DCTERMS.bibliographicCitation, Literal(s["cites"]) if "cites" in s else None),
                (SKOS.scopeNote, nl(s["scope_nl"]) if "scope_nl" in s else None),
                (SKOS.scopeNote, en(s["scope_en"]) if "scope_en" in s else None),
                (SKOS.note, nl(s["note_nl"]) if "note_nl" in s else None),
                (SKOS.note, en(s["note_en"]) if "note_en" in s else None),
            ],
        )
        if "quote" in s:
            q = quote(iris, sources, s["quote"], f"instruments.yaml, {where}")
            g.add((node, DCTERMS.source, q.source))
            g.add((node, NAP.sourceSentence, nl(q.text)))
        if "set_by" in s:
            if s["set_by"] not in keys:
                raise SourceError(f"instruments.yaml, {where}: set_by {s['set_by']!r} is no instrument")
            g.add((node, NAP.setBy, iris.instrument(s["set_by"])))
        if "event" in s:
            if s["event"] not in events:
                raise SourceError(f"instruments.yaml, {where}: no event {s['event']!r}")
            g.add((node, NAP.reportedAsEvent, iris.event(s["event"])))
        if kind in ELI_DATE and "set_by" not in s and s["certainty"] in PUBLISHED:
            own.setdefault(kind, []).append(date(when))
    for kind, dates in own.items():
        if len(dates) == 1:  # ELI's date properties hold one date per act
            g.add((act, ELI_DATE[kind], dates[0]))


def add_deadline_changes(g: Graph, iris: Iris, sources: Sources, records: dict[str, Any], reference: URIRef) -> None:
    by_key = {i["key"]: i for i in sources.instruments}
    kinds = stage_kinds()
    for c in records.get("deadline_changes", []):
        changing, changed, kind, to = c["changing"], c["changed"], c["kind"], str(c["to"])
        where = f"deadline change {changing} -> {changed} {kind} {to}"
        stages = {(s["kind"], str(s["date"])): s for s in by_key[changed].get("stages", [])}
        new = stages.get((kind, to))
        if new is None or new.get("set_by") != changing:
            raise SourceError(f"instruments.yaml, {where}: {changed} has no {kind} stage {to} set by {changing}")
        if changed not in by_key[changing].get("amends", []):
            raise SourceError(f"instruments.yaml, {where}: {changing} does not amend {changed}")
        changing_iri, changed_iri = iris.instrument(changing), iris.instrument(changed)
        node = iris.deadline_change(changing_iri, changed, kind, to)
        kind_nl, kind_en = kinds[kind]
        names = (by_key[changing]["abbreviation"], by_key[changed]["abbreviation"])
        g.add((node, RDF.type, NAP.DeadlineChange))
        label(
            g,
            node,
            f"{names[0]} verschuift {kind_nl} van {names[1]} naar {to}",
            f"{names[0]} moves the {kind_en} of {names[1]} to {to}",
        )
        add_all(
            g,
            node,
            [
                (NAP.changingAct, changing_iri),
                (NAP.changedAct, changed_iri),
                (NAP.stageKind, iris.stage_kind(kind)),
                (NAP.newStage, iris.stage(changed_iri, kind, to)),
                (NAP.certainty, _certainty(iris, c["certainty"], where)),
                (DCTERMS.source, reference),
            ],
        )
        if "from" in c:
            previous = str(c["from"])
            if (kind, previous) not in stages:
                raise SourceError(f"instruments.yaml, {where}: {changed} has no {kind} stage {previous}")
            g.add((node, NAP.previousStage, iris.stage(changed_iri, kind, previous)))
        # Dated: the change takes effect when the changing act enters into force, where that date is known.
        for s in by_key[changing].get("stages", []):
            if s["kind"] == "inwerkingtreding" and s["certainty"] in PUBLISHED:
                g.add((node, DCTERMS.date, date(str(s["date"]))))


def add_subdivisions(
    g: Graph, iris: Iris, sources: Sources, records: dict[str, Any], identifier: IdentifierWriter
) -> None:
    for d in records.get("subdivisions", []):
        act = iris.instrument(d["act"])
        node = iris.subdivision(act, d["path"])
        g.add((node, RDF.type, ELI.LegalResourceSubdivision))
        label(g, node, d["label_nl"], d["label_en"])
        parent = iris.subdivision(act, d["part_of"]) if "part_of" in d else act
        g.add((node, ELI.is_part_of, parent))
        eli = d.get("eli")
        if eli:
            identifier(g, iris, node, "eli", eli["value"], eli["certainty"], "Publications Office of the EU")
            if eli["certainty"] in PUBLISHED:
                g.add((node, SKOS.exactMatch, URIRef(eli["value"])))
        if "quote" in d:
            q = quote(iris, sources, d["quote"], f"instruments.yaml, subdivision {d['path']}")
            g.add((node, DCTERMS.source, q.source))
            g.add((node, NAP.sourceSentence, nl(q.text)))


def add_trade_agreements(g: Graph, iris: Iris, sources: Sources, records: dict[str, Any]) -> None:
    for t in records.get("trade_agreements", []):
        node = iris.instrument(t["key"])
        g.add((node, RDF.type, NAP.TradeAgreement))
        label(g, node, t["label_nl"], t["label_en"])
        g.add((node, NAP.abbreviation, Literal(t["abbreviation"])))
        for paper in t.get("appraised_in", []):
            g.add((node, NAP.appraisedIn, iris.kamerstuk(paper)))
        q = quote(iris, sources, t["quote"], f"instruments.yaml, trade agreement {t['key']}")
        g.add((node, DCTERMS.source, q.source))
        g.add((node, NAP.sourceSentence, nl(q.text)))


def build_lifecycles(g: Graph, iris: Iris, sources: Sources, identifier: IdentifierWriter) -> None:
    """Stages, deadline changes, subdivisions and trade agreements; ``identifier`` writes an adms:Identifier."""
    records = legal_records(sources)
    reference = add_reference_source(g, iris)
    for instrument in sources.instruments:
        add_stages(g, iris, sources, instrument, reference)
    add_deadline_changes(g, iris, sources, records, reference)
    add_subdivisions(g, iris, sources, records, identifier)
    add_trade_agreements(g, iris, sources, records)
