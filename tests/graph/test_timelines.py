"""Timelines as the text means them, dated events (planned or occurred) of both documents with their spans, and the
letter's updates per action point (issue 12, items 3 and 4). Expected answers are read off the two documents by
hand; the questions run on the published dump in pyoxigraph, the engine the server uses."""

from __future__ import annotations

import dataclasses

import pyoxigraph
import pytest
from napkg_graph import events
from napkg_graph.config import DEFAULT_BASE_IRI, BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.shacl.validate import check
from napkg_graph.sources import SourceError, load_sources
from rdflib import RDF, Graph, URIRef

from tests.conftest import select
from tests.support.saved_answers import answer

BASE = DEFAULT_BASE_IRI
NAP = "https://w3id.org/nap-kg/def/"


# --- timelines ----------------------------------------------------------------------------------------------------

# Per action point: (start, end, deadline, reporting deadline, open-ended, recurrence), read off the Tijdslijn column.
TIMELINES: dict[int, tuple[str | None, str | None, str | None, str | None, bool, str | None]] = {
    1: (None, None, None, None, False, "P1Y"),  # Jaarlijkse rapportage ... aan TK
    2: (None, None, None, "2022", False, None),  # De Tweede Kamer wordt hierover voor de zomer van 2022 geïnformeerd.
    3: ("2022", None, None, None, True, None),  # Vanaf 2022
    4: (None, None, "2022", None, False, None),  # 2022 (Actieplan opstellen)
    5: ("2022", "2025", None, None, False, None),  # Start in voorjaar 2022, looptijd t/m 2025
    6: (None, None, None, None, False, "P2Y"),  # 2-jaarlijkse monitor
    7: ("2023", None, "2022", None, True, None),  # Eind 2022 ... pilot. Vanaf 2023 ... overige instrumenten
    8: (None, None, "2022", None, False, None),
    9: ("2022", "2024", None, None, False, None),
    10: ("2022", None, None, None, True, None),
    11: ("2022", None, None, None, True, None),
    12: ("2022", None, None, None, True, None),
    13: ("2022", "2024", None, None, False, None),
    14: (None, None, None, None, False, None),  # Bij nieuwe voorstellen en gedurende implementatie.
    15: (None, "2023", None, None, False, None),  # Tot en met 2023
    16: ("2022", None, None, None, False, None),  # Begin 2022 – einde onderhandelingen
    17: ("2022", None, None, None, True, None),
    18: ("2022", "2025", None, None, False, None),
    19: (None, None, None, None, False, None),  # De richtlijn is in januari 2023 in werking getreden: not the action
    20: (None, None, "2022", None, False, None),
    21: ("2022-03", "2022-08", None, None, False, None),  # Maart – augustus 2022
    22: ("2022-09", None, None, None, True, None),  # Vanaf september 2022
    23: ("2022", "2023", None, None, False, None),
    24: ("2022-09", None, None, None, True, None),
    25: ("2022", "2026", None, None, False, None),
    26: ("2022", None, None, None, True, None),
    27: (None, None, "2022", None, False, None),
    28: ("2021", "2025", None, None, False, None),
    29: ("2023", "2024", None, None, False, None),
    30: ("2020", "2025", None, None, False, None),
    31: ("2022", "2030", None, None, False, None),
    32: ("2022", "2023", None, None, False, None),
    33: ("2022", "2025", None, None, False, None),
}

TIMELINE_QUERY = """
PREFIX nap: <https://w3id.org/nap-kg/def/>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?number ?start ?end ?deadline ?reporting ?open ?recurrence WHERE {
  ?ap a nap:ActionPoint ; nap:number ?number ; nap:timeline ?t .
  OPTIONAL { ?t time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?start }
  OPTIONAL { ?t time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?end }
  OPTIONAL { ?t nap:deadline/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?deadline }
  OPTIONAL { ?t nap:reportingDeadline/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?reporting }
  OPTIONAL { ?t nap:openEnded ?open }
  OPTIONAL { ?t nap:recurrence ?recurrence }
}"""


def test_every_timeline_is_read_as_the_text_means_it(store: pyoxigraph.Store) -> None:
    got = {
        int(r["number"]): (
            r.get("start"),
            r.get("end"),
            r.get("deadline"),
            r.get("reporting"),
            r.get("open") == "true",
            r.get("recurrence"),
        )
        for r in select(store, TIMELINE_QUERY)
    }
    assert got == TIMELINES


def test_months_are_kept_as_months(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        """PREFIX time: <http://www.w3.org/2006/time#>
        SELECT ?instant ?month WHERE { ?instant time:inXSDgYearMonth ?month } ORDER BY ?month""",
    )
    assert [(r["instant"], r["month"]) for r in rows if "/maand/" in r["instant"]] == [
        (f"{BASE}id/maand/2022-03", "2022-03"),
        (f"{BASE}id/maand/2022-08", "2022-08"),
        (f"{BASE}id/maand/2022-09", "2022-09"),
    ]


def test_action_point_2_has_a_reporting_deadline_not_an_end(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        """PREFIX nap: <https://w3id.org/nap-kg/def/> PREFIX time: <http://www.w3.org/2006/time#>
        SELECT ?p ?o WHERE { <https://w3id.org/nap-kg/id/actiepunt/2/tijdslijn> ?p ?o .
          FILTER (?p IN (time:hasBeginning, time:hasEnd, nap:deadline, nap:reportingDeadline)) }""",
    )
    assert rows == [{"p": NAP + "reportingDeadline", "o": f"{BASE}id/jaar/2022"}]


# --- overdue by their own timeline --------------------------------------------------------------------------------


def test_overdue_beside_the_reports_delayed_list(store: pyoxigraph.Store) -> None:
    rows = answer(store, "overdue-action-points")
    got = {r["number"]: (r.get("missedDates", ""), r["overdue"], r["delayedByReport"]) for r in rows}
    assert got == {
        "2": ("reporting deadline 2022", "true", "true"),
        "7": ("deadline 2022", "true", "false"),
        "8": ("deadline 2022", "true", "true"),
        "15": ("end 2023", "true", "false"),
        "19": ("", "false", "true"),
        "21": ("end 2022-08", "true", "false"),
        "23": ("end 2023", "true", "false"),
        "27": ("deadline 2022", "true", "false"),
        "32": ("end 2023", "true", "false"),
    }
    overdue_not_delayed = [r["number"] for r in rows if r["overdue"] == "true" and r["delayedByReport"] == "false"]
    assert overdue_not_delayed == ["7", "15", "21", "23", "27", "32"]


# --- events: planned versus happened ------------------------------------------------------------------------------

PLANNED = [  # (date, reported on, event key): announcements, never typed as happened
    ("2024", "2024", "ezk-pilot-evaluatie"),
    ("2024", "2024", "mvi-monitor-publicatie"),
    ("2024-10-01", "2024", "sectorale-samenwerking-openstelling-begin"),
    ("2025", "2024", "ontwikkelagenda-gelijke-kansen-start"),
    ("2025", "2024", "wamca-evaluatie"),
    ("2025-06-30", "2024", "sectorale-samenwerking-openstelling-einde"),
    ("2026", "2025", "focus-2026-2030-start"),
    ("2026", "2025", "handreiking-conflictgebieden"),
    ("2027-12-31", "2024", "aps-verlenging-einde"),
]


def test_planned_versus_happened(store: pyoxigraph.Store) -> None:
    rows = answer(store, "planned-versus-happened")
    planned = [(r["date"], r["reportedOn"], r["event"].rsplit("/", 1)[1]) for r in rows if r["kind"] == "planned"]
    assert planned == PLANNED
    occurred = {r["event"].rsplit("/", 1)[1]: (r["date"], r["reportedOn"]) for r in rows if r["kind"] == "occurred"}
    assert len(occurred) == 33
    assert occurred["csddd-vastgesteld-raad"] == ("2024-05-24", "2024")
    assert occurred["wetsvoorstel-werving-selectie-verworpen"] == ("2024", "2024")
    assert occurred["omnibus-i-voorlopig-akkoord"] == ("2025-12-09", "2025")
    assert occurred["csrd-inwerkingtreding"] == ("2023-01", "2024")
    # an occurred event never lies after the document that reports it
    assert all(date[:4] <= year for date, year in occurred.values())


def test_every_event_is_planned_or_occurred_not_both(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        """PREFIX nap: <https://w3id.org/nap-kg/def/>
        SELECT ?e (COUNT(DISTINCT ?k) AS ?kinds) WHERE {
          ?e a nap:Event . OPTIONAL { ?e a ?k . FILTER (?k IN (nap:PlannedEvent, nap:OccurredEvent)) }
        } GROUP BY ?e""",
    )
    assert len(rows) == 42  # 30 from the report, 12 from the letter
    assert {r["kinds"] for r in rows} == {"1"}


def test_relative_dates_resolve_to_the_documents_year(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        """PREFIX nap: <https://w3id.org/nap-kg/def/> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?written ?date ?year WHERE {
          ?e nap:dateAsWritten ?written ; dcterms:date ?date ; nap:reportedOn ?year .
          FILTER (CONTAINS(?written, "jl.") || CONTAINS(?written, "dit jaar"))
        } ORDER BY ?date""",
    )
    assert [(r["written"], r["date"], r["year"]) for r in rows] == [
        ("eind dit jaar", "2024", "2024"),
        ("op 25 juni jl.", "2024-06-25", "2024"),
        ("op 25 juli jl.", "2024-07-25", "2024"),
        ("Op 2 augustus jl.", "2024-08-02", "2024"),
        ("Op 26 februari jl.", "2025-02-26", "2025"),
        ("op 17 september jl.", "2025-09-17", "2025"),
        ("op 9 december jl.", "2025-12-09", "2025"),
    ]


def test_a_fact_about_an_act_is_an_event_not_the_actions_start(store: pyoxigraph.Store) -> None:
    rows = answer(store, "action-point-milestones", number="19")
    assert [(r["date"], r["kind"], r["sentence"]) for r in rows] == [
        ("2023-01", "occurred", "De richtlijn is in januari 2023 in werking getreden")
    ]
    assert (rows[0]["spanStart"], rows[0]["spanEnd"]) == ("0", "51")


# --- milestones with their span -----------------------------------------------------------------------------------


def test_milestones_of_17_in_date_order_from_both_documents(store: pyoxigraph.Store) -> None:
    rows = answer(store, "action-point-milestones", number="17")
    assert [(r["date"], r["event"].rsplit("/", 1)[1], r["document"].rsplit("/", 1)[1]) for r in rows] == [
        ("2024-05-24", "csddd-vastgesteld-raad", "voortgangsrapportage-2024"),
        ("2024-07-25", "csddd-inwerkingtreding", "voortgangsrapportage-2024"),
        ("2025-02-26", "omnibus-i-voorstel", "kamerbrief-2025"),
        ("2025-12-09", "omnibus-i-voorlopig-akkoord", "kamerbrief-2025"),
    ]
    assert rows[0]["sentence"] == "Op 24 mei 2024 is de CSDDD vastgesteld in de Raad voor Concurrentievermogen."


def test_milestones_of_20_include_the_subsidy_window_and_the_new_sector_agreements(store: pyoxigraph.Store) -> None:
    rows = answer(store, "action-point-milestones", number="20")
    assert [(r["date"], r["kind"]) for r in rows] == [
        ("2023-11-06", "occurred"),
        ("2024-08-02", "occurred"),
        ("2024-10-01", "planned"),
        ("2025-04", "occurred"),
        ("2025-06-30", "planned"),
        ("2025-11", "occurred"),
    ]


def test_named_milestones_of_the_issue(store: pyoxigraph.Store) -> None:
    rows = answer(store, "action-point-milestones")
    by_event = {(r["event"].rsplit("/", 1)[1], r["number"]): r["date"] for r in rows}
    assert by_event[("spvo-eerste-openstelling", "14")] == "2023-09-25"
    assert by_event[("wetsvoorstel-werving-selectie-verworpen", "4")] == "2024"
    assert by_event[("wamca-evaluatie", "30")] == "2025"
    assert by_event[("csddd-inwerkingtreding", "18")] == "2024-07-25"
    assert len(rows) == 46  # 42 events; csddd-inwerkingtreding, the subsidy framework and Omnibus I (x2) in 2 rows


def test_every_event_span_quotes_its_text(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        """PREFIX nap: <https://w3id.org/nap-kg/def/>
        SELECT ?c ?sentence ?start ?end ?text WHERE {
          ?c a nap:Citation ; nap:cites ?e ; nap:matchedText ?sentence ; nap:spanStart ?start ; nap:spanEnd ?end ;
             nap:citingResource ?citing ; nap:textProperty ?p .
          ?e a nap:Event . ?citing ?p ?text .
        }""",
    )
    assert len(rows) == 44  # one per event; csddd-inwerkingtreding and the subsidy framework are in two rows
    for r in rows:
        assert r["text"][int(r["start"]) : int(r["end"])] == r["sentence"]


def test_a_quote_not_in_the_text_fails(settings: BuildSettings) -> None:
    sources = load_sources(settings.sources_dir)
    record = dict(sources.report_events[0])
    record["found_in"] = [{"action_point": 1, "quote": "In 2021 presenteerde het Aanjaagteam het rapport."}]
    with pytest.raises(SourceError, match="action point 1: the quoted sentence is not in the text"):
        events.report_events(sources, dataclasses.replace(sources.reports[0], events=[record]))
    letter = dict(sources.letter)
    letter["events"] = [dict(letter["events"][0], quote="Op 27 februari jl. presenteerde de Commissie niets.")]
    with pytest.raises(SourceError, match="paragraph 10: the quoted sentence is not in the text"):
        events.letter_events(dataclasses.replace(sources, letter=letter))


# --- the 2025 letter per action point -----------------------------------------------------------------------------


def test_every_letter_event_per_action_point(store: pyoxigraph.Store) -> None:
    rows = answer(store, "letter-2025-events")
    assert [(r["number"], r["date"], r["kind"]) for r in rows] == [
        ("12", "2025-12", "occurred"),
        ("12", "2026", "planned"),
        ("13", "2024-12-13", "occurred"),
        ("17", "2025-02-26", "occurred"),
        ("17", "2025-12-09", "occurred"),
        ("18", "2025-02-26", "occurred"),
        ("18", "2025-12-09", "occurred"),
        ("20", "2025-04", "occurred"),
        ("20", "2025-11", "occurred"),
        ("21", "2025-09-17", "occurred"),
        ("23", "2025", "occurred"),
        ("28", "2025", "occurred"),
        ("28", "2026", "planned"),
        ("29", "2025", "occurred"),
    ]
    assert all(r.get("justification") for r in rows)
    eighteen = answer(store, "letter-2025-events", number="18")
    assert [(r["date"], r["paragraphNumber"]) for r in eighteen] == [("2025-02-26", "10"), ("2025-12-09", "2")]


UPDATE_LINKS = {  # (paragraph, action point): the paragraph-by-paragraph review of kamerbrief-2025.yaml
    (5, 10), (6, 12), (7, 13), (7, 14), (7, 28), (8, 5), (9, 16), (10, 17), (10, 18), (10, 26),
    (11, 13), (12, 21), (13, 20), (15, 23), (15, 28), (16, 29), (17, 33), (18, 2), (18, 10), (18, 30),
}  # fmt: skip


def test_update_links_reviewed_paragraph_by_paragraph(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        """PREFIX nap: <https://w3id.org/nap-kg/def/>
        SELECT ?p ?n WHERE { ?l a nap:UpdateLink ; nap:paragraph/nap:number ?p ; nap:actionPoint/nap:number ?n .
          FILTER EXISTS { ?l nap:justification ?j } }""",
    )
    assert {(int(r["p"]), int(r["n"])) for r in rows} == UPDATE_LINKS


# --- SHACL on the real data ---------------------------------------------------------------------------------------


def _violations(data: Graph, shapes: Graph, ontology: Graph) -> set[tuple[str, str]]:
    return {(f.shape, str(f.focus)) for f in check(data, shapes, ontology).violations}


def test_an_announcement_typed_as_happened_is_caught(built: BuildResult, shapes: Graph, ontology: Graph) -> None:
    data = Graph()
    for triple in built.union:
        data.add(triple)
    event = URIRef(f"{BASE}id/gebeurtenis/handreiking-conflictgebieden")  # "begin 2026", in the letter of 2025
    data.remove((event, RDF.type, URIRef(NAP + "PlannedEvent")))
    data.add((event, RDF.type, URIRef(NAP + "OccurredEvent")))
    assert _violations(data, shapes, ontology) == {("napsh:OccurredEventShape", str(event))}


def test_a_timeline_ending_before_it_starts_is_caught(built: BuildResult, shapes: Graph, ontology: Graph) -> None:
    data = Graph()
    for triple in built.union:
        data.add(triple)
    timeline = URIRef(f"{BASE}id/actiepunt/21/tijdslijn")  # Maart – augustus 2022, read backwards
    data.remove((timeline, URIRef("http://www.w3.org/2006/time#hasEnd"), None))
    data.add((timeline, URIRef("http://www.w3.org/2006/time#hasEnd"), URIRef(f"{BASE}id/jaar/2021")))
    assert _violations(data, shapes, ontology) == {("napsh:TimelineShape", str(timeline))}
