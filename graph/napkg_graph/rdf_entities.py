"""Programmes, partner organisations and figures as RDF, each in the graph of whoever says it.

- graph/referentie: what a programme is (kind, names, who runs it, what it is part of), curated from the texts
  like the organisations; partner organisations themselves come from organisations.yaml (rdf_reference.py).
- the document graphs: every mention as a nap:Citation with its exact span (the approach of rdf_citations.py),
  the figures with their value, and the links from the rows of the 2024 report (the table puts the thing in the
  action point's row).
- graph/redactie: links an editor made from the letter to an action point (nap:EntityLink, justified, attributed).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rdflib import DCTERMS, PROV, RDF, SKOS, XSD, Dataset, Graph, Literal, URIRef

from .entities import Entities, Entity, Mention, Place, load_entities, locate
from .iris import Iris
from .rdf_citations import add_citation
from .rdf_terms import date, en, label, nl
from .sources import ActionPointRecord, Party, Sources
from .text import strip_markers
from .vocab import NAP

REPORT_YEAR = 2024  # the explanations scopes are quoted from (rdf_report.REPORT_YEAR, not imported: it imports us)
ACTIVITY = "activiteit/namen-en-cijfers-vinden"
#: The direct link between an action point and a thing, as a triple (action point, thing) -> (s, p, o).
Shortcut = Callable[[URIRef, URIRef], tuple[URIRef, URIRef, URIRef]]

PROGRAMME_CLASSES = {
    "programme": (NAP.Programme,),
    "subsidy-scheme": (NAP.SubsidyScheme, NAP.Programme),
    "partnership": (NAP.Partnership, NAP.Programme),
    "sector-agreement": (NAP.SectorAgreement, NAP.Partnership, NAP.Programme),
    "agreement-module": (NAP.AgreementModule, NAP.Programme),
    "help-desk": (NAP.HelpDesk, NAP.Programme),
}


def finding_activity(g: Graph, iris: Iris) -> URIRef:
    node = iris.id(ACTIVITY)
    g.add((node, RDF.type, PROV.Activity))
    label(
        g,
        node,
        "Programma's, partners en cijfers in de tekst vinden",
        "Finding programmes, partners and figures in the text",
    )
    return node


def add_mention(g: Graph, iris: Iris, mention: Mention, cited: URIRef, key: str, activity: URIRef) -> None:
    """One nap:Citation per occurrence of the mention, citing `cited`; the span is checked by CitationShape."""
    place = mention.place
    for start, end in mention.spans:
        node = iris.citation(place.citing, start, key)
        span = (mention.quote, start, end, place.text_property)
        add_citation(g, node, place.citing, cited, span, place.stated_in, activity)


def _link(
    ds: Dataset, iris: Iris, entity: Entity, node: URIRef, triple_of: Shortcut, kind: str, activity: URIRef
) -> None:
    """The mentions in their documents' graphs, the links by row in the report graph, the curated ones apart."""
    report, curated = ds.graph(iris.graph("voortgangsrapportage-2024")), ds.graph(iris.graph("redactie"))
    graphs = {
        iris.report(slug): ds.graph(iris.graph(slug)) for slug in ("voortgangsrapportage-2024", "kamerbrief-2025")
    }
    for mention in entity.mentions:
        g = graphs[mention.place.stated_in]
        add_mention(g, iris, mention, node, f"{kind}-{entity.key}", activity)
        if kind != "cijfer":
            g.add((mention.place.citing, DCTERMS.references, node))
    for n in entity.named_in_rows:
        report.add(triple_of(iris.action_point(n), node))
    analyst = iris.organisation("nap-kg-redactie")
    for link in entity.curated:
        ap = iris.action_point(link.action_point)
        statement = iris.entity_link(kind, entity.key, link.action_point)
        curated.add((statement, RDF.type, NAP.EntityLink))
        label(
            curated,
            statement,
            f"{entity.key} bij actiepunt {link.action_point}",
            f"{entity.key} in action point {link.action_point}",
        )
        curated.add((statement, NAP.actionPoint, ap))
        curated.add((statement, NAP.linkedEntity, node))
        curated.add((statement, NAP.justification, nl(link.nl)))
        curated.add((statement, NAP.justification, en(link.en)))
        curated.add((statement, PROV.wasAttributedTo, analyst))
        curated.add((statement, DCTERMS.date, date(link.reviewed)))
        curated.add((statement, DCTERMS.conformsTo, iris.id("redactie/methode-genoemde-dingen")))
        curated.add(triple_of(ap, node))


def _programme(g: Graph, iris: Iris, entity: Entity) -> URIRef:
    r = entity.record
    node = iris.programme(entity.key)
    for cls in PROGRAMME_CLASSES[r["kind"]]:
        g.add((node, RDF.type, cls))
    label(g, node, r["name_nl"], r["name_en"])
    g.add((node, SKOS.prefLabel, nl(r["name_nl"])))
    g.add((node, SKOS.prefLabel, en(r["name_en"])))
    if "abbreviation" in r:
        g.add((node, NAP.abbreviation, Literal(r["abbreviation"])))
    for alt in r.get("alt_labels_nl") or []:
        g.add((node, SKOS.altLabel, nl(alt)))
    for org in r.get("run_by") or []:
        g.add((node, NAP.runBy, iris.organisation(org)))
    if r.get("part_of"):
        g.add((node, DCTERMS.isPartOf, iris.programme(r["part_of"])))
    for lang in ("nl", "en"):
        if f"note_{lang}" in r:
            g.add((node, SKOS.note, Literal(" ".join(r[f"note_{lang}"].split()), lang=lang)))
    return node


def _figure(ds: Dataset, iris: Iris, entity: Entity) -> URIRef:
    r = entity.record
    node = iris.figure(entity.key)
    g = ds.graph(iris.graph("voortgangsrapportage-2024" if entity.named_in_rows else "kamerbrief-2025"))
    g.add((node, RDF.type, NAP.Figure))
    value = r["value"]  # an int stays xsd:integer; anything else (checked numeric by entities.py) is xsd:decimal
    datatype = XSD.integer if isinstance(value, int) else XSD.decimal
    g.add(
        (
            node,
            RDF.value,
            Literal(str(value) if isinstance(value, int) else str(Decimal(str(value))), datatype=datatype),
        )
    )
    about = ("ca. ", "about ") if r.get("approximate") else ("", "")
    label(
        g,
        node,
        f"{about[0]}{value} {r['unit_nl']}: {r['measures_nl']}",
        f"{about[1]}{value} {r['unit_en']}: {r['measures_en']}",
    )
    g.add((node, NAP.unit, nl(r["unit_nl"])))
    g.add((node, NAP.unit, en(r["unit_en"])))
    g.add((node, NAP.measures, nl(r["measures_nl"])))
    g.add((node, NAP.measures, en(r["measures_en"])))
    if r.get("date") is not None:
        g.add((node, NAP.referenceDate, date(str(r["date"]))))
    if r.get("out_of") is not None:
        g.add((node, NAP.outOf, Literal(str(r["out_of"]), datatype=XSD.integer)))
    if r.get("approximate"):
        g.add((node, NAP.approximate, Literal(True)))
    for mention in entity.mentions:
        g.add((node, NAP.statedIn, mention.place.stated_in))
    return node


def build_entities(ds: Dataset, iris: Iris, sources: Sources, entities: Entities | None = None) -> None:
    """Add the programmes, partners and figures to the dataset's named graphs (see the module docstring)."""
    entities = entities or load_entities(iris, sources)
    reference = ds.graph(iris.graph("referentie"))
    activity = finding_activity(reference, iris)
    method = iris.id("redactie/methode-genoemde-dingen")
    curated = ds.graph(iris.graph("redactie"))
    curated.add((method, RDF.type, PROV.Plan))
    label(
        curated, method, "Methode voor programma's, partners en cijfers", "Method for programmes, partners and figures"
    )
    curated.add((method, DCTERMS.description, en(METHOD)))
    for entity in entities.programmes:
        node = _programme(reference, iris, entity)
        _link(ds, iris, entity, node, lambda ap, x: (ap, NAP.programme, x), "programma", activity)
    for entity in entities.partners:
        node = iris.organisation(entity.key)
        _link(ds, iris, entity, node, lambda ap, x: (ap, NAP.partnerOrganisation, x), "partner", activity)
    for entity in entities.figures:
        node = _figure(ds, iris, entity)
        _link(ds, iris, entity, node, lambda ap, x: (x, NAP.actionPoint, ap), "cijfer", activity)


METHOD = (
    "A programme, partner organisation or figure named in the row of an action point of the 2024 report concerns "
    "that action point: the report's table says so, and the link stands in the report's graph. The 2025 letter "
    "numbers no action points, so a thing it names is linked by an editor, with a one-line justification, to the "
    "action point whose subject it is (the same reading as the letter's update links). Every mention is found in "
    "the text by code, with its span; a listed mention that is not in the text stops the build."
)


def add_scope(g: Graph, iris: Iris, record: ActionPointRecord, resp: URIRef, party: Party, report: URIRef) -> None:
    """The part of the action point a party answers for (nap:scope), with the words' span in the column or the
    explanation they stand in; the build fails when the words are not there."""
    n = record.number
    if party.scope_in == "explanation":
        place = Place(iris.explanation(n, REPORT_YEAR), NAP.text, strip_markers(record.explanation_2024), report, n)
    else:
        place = Place(iris.action_point(n), NAP.responsibilityText, record.responsibility_text, report, n)
    mention = locate(place, str(party.scope), f"{record.path}: scope of {party.org}")
    g.add((resp, NAP.scope, nl(str(party.scope))))
    add_mention(g, iris, mention, resp, f"reikwijdte-{party.org}", iris.id(ACTIVITY))
