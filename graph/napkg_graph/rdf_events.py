"""Events as RDF: what a document reports (in its own graph) and which action points the letter's events concern
(an analyst's judgement, in the curated graph).

An event is nap:OccurredEvent or nap:PlannedEvent as of the date of the document that reports it
(nap:reportedOn), with its date as precise as the text and the sentence that reports it as a nap:Citation with
its span (the approach of rdf_citations.py).
"""

from __future__ import annotations

from rdflib import DCTERMS, PROV, RDF, Graph, URIRef

from .events import EventRecord, letter_events, report_events
from .iris import Iris
from .rdf_citations import add_citation
from .rdf_terms import date, en, label, nl, year
from .sources import Report, SourceError, Sources
from .vocab import NAP

EVENT_CLASS = {"planned": NAP.PlannedEvent, "occurred": NAP.OccurredEvent}


def _concerned(iris: Iris, sources: Sources, key: str) -> URIRef:
    """An organisation, Dutch law or EU instrument, by its key in organisations.yaml or instruments.yaml."""
    if key in {o["key"] for o in sources.organisations}:
        return iris.organisation(key)
    if key in {law["key"] for law in sources.dutch_laws}:
        return iris.dutch_law(key)
    if key in {i["key"] for i in sources.instruments}:
        return iris.instrument(key)
    raise SourceError(f"event concerns {key!r}, which is no organisation, Dutch law or EU instrument key")


def finding_activity(g: Graph, iris: Iris) -> URIRef:
    node = iris.id("activiteit/gebeurtenissen-vinden")
    g.add((node, RDF.type, PROV.Activity))
    label(g, node, "Gebeurtenissen in de tekst vinden", "Finding events in the text")
    return node


def _where(iris: Iris, sources: Sources, place: str, number: int, year: int) -> tuple[URIRef, URIRef]:
    """The resource whose text reports the event, and the property that holds that text."""
    if place == "paragraph":
        letter = iris.report(sources.documents[sources.letter["letter"]].slug)
        return iris.paragraph(letter, number), NAP.text
    if place == "timeline":
        return iris.timeline(number), NAP.timelineText
    return iris.explanation(number, year), NAP.text  # the explanation of the reporting report (its year)


def _event(g: Graph, iris: Iris, sources: Sources, e: EventRecord, activity: URIRef) -> URIRef:
    document = sources.documents[e.document]
    stated_in = iris.report(document.slug)
    node = iris.event(e.key)
    g.add((node, RDF.type, NAP.Event))
    g.add((node, RDF.type, EVENT_CLASS[e.kind]))
    label(g, node, e.nl, e.en)
    g.add((node, DCTERMS.description, nl(e.nl)))
    g.add((node, DCTERMS.description, en(e.en)))
    g.add((node, DCTERMS.date, date(e.date)))
    g.add((node, NAP.dateAsWritten, nl(e.as_written)))
    g.add((node, NAP.statedIn, stated_in))
    g.add((node, NAP.reportedOn, year(document.year)))
    for key in e.concerns:
        g.add((node, NAP.concerns, _concerned(iris, sources, key)))
    for ev in e.evidence:
        citing, text_property = _where(iris, sources, ev.place, ev.number, document.year)
        g.add((node, NAP.reportedIn, citing))
        citation = iris.citation(citing, ev.start, f"gebeurtenis-{e.key}")
        add_citation(g, citation, citing, node, (ev.quote, ev.start, ev.end, text_property), stated_in, activity)
    return node


def add_report_events(g: Graph, iris: Iris, sources: Sources, report: Report) -> None:
    """The report's events; the row that reports an event is the action point it concerns (the report says so)."""
    if not report.events:
        return
    activity = finding_activity(g, iris)
    for e in report_events(sources, report):
        node = _event(g, iris, sources, e, activity)
        for link in e.action_points:
            g.add((node, NAP.concernsActionPoint, iris.action_point(link.number)))


def add_letter_events(g: Graph, iris: Iris, sources: Sources) -> None:
    """The letter's events, without action points: the letter never names one (see add_event_links)."""
    activity = finding_activity(g, iris)
    for e in letter_events(sources):
        _event(g, iris, sources, e, activity)


def add_event_links(g: Graph, iris: Iris, sources: Sources) -> None:
    """Curated graph: which action points the letter's events concern, each link justified and attributed."""
    analyst = iris.organisation("nap-kg-redactie")
    when = date(str(sources.letter["reviewed"]))
    for e in letter_events(sources):
        event = iris.event(e.key)
        for link in e.action_points:
            node = iris.event_link(e.key, link.number)
            g.add((node, RDF.type, NAP.EventLink))
            label(
                g,
                node,
                f"Gebeurtenis {e.key} betreft actiepunt {link.number}",
                f"Event {e.key} concerns action point {link.number}",
            )
            g.add((node, NAP.event, event))
            g.add((node, NAP.actionPoint, iris.action_point(link.number)))
            g.add((node, NAP.justification, nl(link.justification_nl or "")))
            g.add((node, NAP.justification, en(link.justification_en or "")))
            g.add((node, PROV.wasAttributedTo, analyst))
            g.add((node, DCTERMS.date, when))
            g.add((event, NAP.concernsActionPoint, iris.action_point(link.number)))
