"""A progress report's graph: its status and explanation per action point; for the report whose table states the
action points (the 2024 report), also the 33 action points with everything its tables say about them."""

from __future__ import annotations

from rdflib import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD, Graph, Literal, URIRef

from .iris import Iris, slugify
from .rdf_citations import add_citations, add_footnote
from .rdf_entities import add_scope
from .rdf_events import add_report_events
from .rdf_terms import date, integer, label, nl
from .sources import ActionPointRecord, Report, SourceError, Sources, StatusEntry
from .text import strip_markers
from .vocab import NAP

INSTANT_PROPERTY = {4: TIME.inXSDgYear, 7: TIME.inXSDgYearMonth, 10: TIME.inXSDDate}
ROLE_SLUGS = {
    "coordinating": "coordinerend",
    "responsible": "verantwoordelijk",
    "commissioning": "opdrachtgever",
    "executing": "uitvoerder",
    "partner": "partner",
    "driving": "aanjagend",
    "monitoring": "monitorend",
}


def _year_instant(g: Graph, iris: Iris, value: int) -> URIRef:
    return instant(g, iris, f"{value:04d}")


def instant(g: Graph, iris: Iris, value: str) -> URIRef:
    """A time:Instant as precise as the text: inXSDgYear, inXSDgYearMonth or inXSDDate."""
    node = iris.instant(value)
    g.add((node, RDF.type, TIME.Instant))
    g.add((node, INSTANT_PROPERTY[len(value)], date(value)))
    label(g, node, value, value)
    return node


def _timeline(g: Graph, iris: Iris, r: ActionPointRecord, ap: URIRef) -> None:
    """The timeline as the text means it: start, end, deadline and reporting deadline kept apart (README of
    graph/sources, "Timelines and events")."""
    timeline = iris.timeline(r.number)
    t = r.timeline
    g.add((ap, NAP.timeline, timeline))
    g.add((timeline, RDF.type, NAP.Timeline))
    label(g, timeline, f"Tijdslijn van actiepunt {r.number}", f"Timeline of action point {r.number}")
    g.add((timeline, NAP.timelineText, nl(r.timeline_text)))
    for prop, value in (
        (TIME.hasBeginning, t.start),
        (TIME.hasEnd, t.end),
        (NAP.deadline, t.deadline),
        (NAP.reportingDeadline, t.reporting_deadline),
    ):
        if value is not None:
            g.add((timeline, prop, instant(g, iris, value)))
    if t.open_ended:
        g.add((timeline, NAP.openEnded, Literal(True)))
    if t.recurrence:
        g.add((timeline, NAP.recurrence, Literal(t.recurrence, datatype=XSD.duration)))


def _themes(g: Graph, iris: Iris, records: list[ActionPointRecord]) -> None:
    scheme = iris.id("thema")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    label(g, scheme, "Thema's van het NAP 2022-2026", "Themes of the NAP 2022-2026")
    g.add((scheme, SKOS.prefLabel, nl("Thema's van het NAP 2022-2026")))
    for order, record in enumerate({r.theme: r for r in records}.values(), start=1):
        node = iris.theme(record.theme)
        g.add((node, RDF.type, NAP.Theme))
        g.add((node, SKOS.inScheme, scheme))
        g.add((node, SKOS.prefLabel, nl(record.theme)))
        g.add((node, RDFS.label, nl(record.theme)))
        g.add((node, SKOS.notation, Literal(slugify(record.theme))))
        g.add((node, NAP.number, integer(order)))
        g.add((node, NAP.pillar, iris.pillar(record.pillar)))
        g.add((node, SKOS.broader, iris.pillar(record.pillar)))


def _action_point(g: Graph, iris: Iris, r: ActionPointRecord, report: URIRef) -> None:
    """The action point as the table states it (its status per report: _status)."""
    n = r.number
    ap = iris.action_point(n)
    g.add((ap, RDF.type, NAP.ActionPoint))
    label(g, ap, f"Actiepunt {n}", f"Action point {n}")
    g.add((ap, DCTERMS.isPartOf, iris.plan("nap-2022-2026")))
    g.add((ap, NAP.number, integer(n)))
    g.add((ap, NAP.pillar, iris.pillar(r.pillar)))
    g.add((ap, NAP.theme, iris.theme(r.theme)))
    action = strip_markers(r.action)
    g.add((ap, NAP.actionText, nl(action)))
    g.add((ap, NAP.responsibilityText, nl(r.responsibility_text)))
    first, last = r.source_lines
    g.add((ap, NAP.sourceLocation, Literal(f"{report.split('/')[-1]}.txt, regels {first}-{last}")))
    g.add((ap, NAP.statedIn, report))
    add_citations(g, iris, ap, NAP.actionText, action, report)

    objective = iris.objective(n)
    g.add((ap, NAP.objective, objective))
    g.add((objective, RDF.type, NAP.Objective))
    label(g, objective, f"Doelstelling van actiepunt {n}", f"Objective of action point {n}")
    g.add((objective, NAP.text, nl(r.objective)))
    g.add((objective, NAP.statedIn, report))
    add_citations(g, iris, objective, NAP.text, r.objective, report)

    for party in r.parties:
        resp = iris.responsibility(n, party.org, ROLE_SLUGS[party.role])
        org = iris.organisation(party.org)
        g.add((ap, NAP.responsibility, resp))
        g.add((ap, NAP.responsibleOrganisation, org))
        g.add((resp, RDF.type, NAP.Responsibility))
        label(
            g,
            resp,
            f"Verantwoordelijkheid voor actiepunt {n}",
            f"Responsibility for action point {n}",
        )
        g.add((resp, NAP.agent, org))
        g.add((resp, NAP.role, iris.role(ROLE_SLUGS[party.role])))
        if party.note:
            g.add((resp, NAP.note, nl(party.note)))
        if party.scope:  # a split responsibility: the part this party answers for, quoted with its span
            add_scope(g, iris, r, resp, party, report)

    _timeline(g, iris, r, ap)


def _status(g: Graph, iris: Iris, s: StatusEntry, source: Report, report: URIRef, previous: int | None) -> None:
    """What the report says of one action point: its status and explanation, named and dated by the report's year
    and date; `previous` is the year of the last earlier progress report that gave this action point a status."""
    n, year, when = s.number, source.year, date(source.meta.date)
    ap = iris.action_point(n)
    assessment = iris.status_assessment(n, year)
    g.add((assessment, RDF.type, NAP.StatusAssessment))
    label(
        g,
        assessment,
        f"Stand van zaken actiepunt {n} ({year})",
        f"Status of action point {n} ({year})",
    )
    g.add((assessment, NAP.actionPoint, ap))
    g.add((assessment, NAP.status, iris.status(slugify(s.status))))
    g.add((assessment, NAP.statedIn, report))
    g.add((assessment, DCTERMS.date, when))

    explanation = iris.explanation(n, year)
    text = strip_markers(s.explanation)
    g.add((explanation, RDF.type, NAP.Explanation))
    label(
        g,
        explanation,
        f"Toelichting bij actiepunt {n} ({year})",
        f"Explanation of action point {n} ({year})",
    )
    g.add((explanation, NAP.actionPoint, ap))
    g.add((explanation, NAP.text, nl(text)))
    g.add((explanation, NAP.statedIn, report))
    g.add((explanation, DCTERMS.date, when))
    if previous is not None:  # the history: each statement links the one of the report before
        g.add((assessment, NAP.previousAssessment, iris.status_assessment(n, previous)))
        g.add((explanation, NAP.previousExplanation, iris.explanation(n, previous)))
    add_citations(g, iris, explanation, NAP.text, text, report)
    for fn in s.footnotes:
        add_footnote(g, iris, explanation, fn.marker, fn.text, fn.url, report)


def build_report(g: Graph, iris: Iris, sources: Sources, source: Report) -> None:
    report = iris.report(source.slug)
    numbers = {r.number for r in sources.action_points}
    earlier = [r for r in sources.reports[: sources.reports.index(source)] if r.meta.kind == "progress-report"]
    for s in source.statuses:
        if s.number not in numbers:
            raise SourceError(f"{s.path}: there is no action point {s.number}")
        previous = [r.year for r in earlier if any(e.number == s.number for e in r.statuses)]
        _status(g, iris, s, source, report, previous[-1] if previous else None)
    add_report_events(g, iris, sources, source)
    if source.meta.states_action_points:
        _table(g, iris, sources, report)


def _table(g: Graph, iris: Iris, sources: Sources, report: URIRef) -> None:
    """The plan and its action points, as the report whose table states them gives them."""
    plan = iris.plan("nap-2022-2026")
    # What the report's introduction says about the plan (lines 7-22).
    g.add((plan, PROV.wasRevisionOf, iris.plan("nap-2014")))
    for org in sources.plans[0]["contributors"]:
        g.add((plan, DCTERMS.contributor, iris.organisation(org)))
    period = iris.id("plan/nap-2022-2026/looptijd")
    g.add((plan, NAP.timeline, period))
    g.add((period, RDF.type, NAP.Timeline))
    label(g, period, "Looptijd van het NAP 2022-2026", "Period of the NAP 2022-2026")
    g.add((period, NAP.timelineText, nl("in de periode van 2022 tot en met 2026")))
    g.add((period, TIME.hasBeginning, _year_instant(g, iris, 2022)))
    g.add((period, TIME.hasEnd, _year_instant(g, iris, 2026)))
    _themes(g, iris, sources.action_points)
    for record in sources.action_points:
        _action_point(g, iris, record, report)
