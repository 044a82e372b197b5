"""EU law as lifecycles and typed relations (issue 12, items 1 and 2): the saved questions eu-*.rq answer exactly
on the real data, what the reference could not verify stays out, and the shapes of shapes/violations/eu-law.ttl
catch their defects in the full dataset."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import httpx
import pyoxigraph
import pytest
from napkg_graph.config import DEFAULT_BASE_IRI, BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_graph.rdf_eu_lifecycle import _certainty, quote, stage_kinds
from napkg_graph.shacl.validate import check, load_shapes
from napkg_graph.sources import SourceError, load_sources
from napkg_graph.vocab import NAP, ontology
from rdflib import DCTERMS, Graph, Literal

from tests.support.saved_answers import answer

BASE = DEFAULT_BASE_IRI
ID = BASE + "id/"
PREFIXES = """PREFIX nap: <https://w3id.org/nap-kg/def/> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def select(store: pyoxigraph.Store, sparql: str) -> list[tuple[str, ...]]:
    rows = store.query(PREFIXES + sparql)  # the store's default graph is the union of the named graphs
    return [tuple("" if v is None else v.value for v in row) for row in rows]


def key(iri: str) -> str:
    return iri.removeprefix(ID)


# --- lifecycles ---------------------------------------------------------------------------------------------------


def test_csddd_transposition_deadline_original_moved_and_current(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-transposition-deadlines")  # default: the CSDDD
    got = [
        (
            r["deadline"],
            r["certainty"],
            key(r.get("setByAct", "")),
            r.get("replaced", ""),
            key(r.get("replacedByAct", "")),
            r["current"],
        )
        for r in rows
    ]
    assert got == [
        # two years from entry into force, as the report says: derived (the reference has the moved dates only)
        ("2026-07-26", "derived", "", "", "eu/stop-the-clock", "false"),
        # moved by the Stop-the-clock Directive (EU) 2025/794: verified
        ("2027-07-26", "verified", "eu/stop-the-clock", "2026-07-26", "eu/omnibus-i-directive", "false"),
        # moved again by the Omnibus I Directive (EU) 2026/470: one secondary source only
        ("2028-07-26", "verified_2nd", "eu/omnibus-i-directive", "2027-07-26", "", "true"),
    ]
    assert [r.get("setBy") for r in rows] == [None, "Stop-the-clock-richtlijn", "Omnibus I-richtlijn"]


def test_lifecycle_of_the_csddd(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-act-lifecycle", instrument="csddd")
    got = [(r["date"], r["kind"], r["certainty"], r.get("setBy", ""), key(r.get("event", ""))) for r in rows]
    assert got == [
        ("2024-05-24", "council-adoption", "verified_2nd", "", "gebeurtenis/csddd-vastgesteld-raad"),
        ("2024-06-13", "adoption", "verified", "", ""),
        ("2024-07-05", "publication", "verified", "", ""),
        ("2024-07-25", "entry-into-force", "verified", "", "gebeurtenis/csddd-inwerkingtreding"),
        ("2026-07-26", "transposition-deadline", "derived", "", ""),
        ("2027-07-26", "transposition-deadline", "verified", "Stop-the-clock-richtlijn", ""),
        ("2028-07-26", "transposition-deadline", "verified_2nd", "Omnibus I-richtlijn", ""),
    ]
    # the Council adoption rests on the report's sentence alone; entry into force on the reference and the report
    sources = {r["date"]: sorted(key(s) for s in r["sources"].split()) for r in rows}
    assert sources["2024-05-24"] == ["plan/nap-2022-2026/actiepunt/17/toelichting/2024"]
    assert sources["2024-07-25"] == ["bron/referentiegegevens", "plan/nap-2022-2026/actiepunt/17/toelichting/2024"]


def test_lifecycle_of_the_omnibus_i_proposal(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-act-lifecycle", instrument="omnibus-i")
    got = [(r["date"], r["kind"], r["certainty"], key(r.get("event", ""))) for r in rows]
    assert got == [
        ("2025-02-26", "proposal", "verified", "gebeurtenis/omnibus-i-voorstel"),
        ("2025-12-09", "provisional-agreement", "verified", "gebeurtenis/omnibus-i-voorlopig-akkoord"),
        ("2025-12-16", "parliament-approval", "verified", ""),
    ]
    paragraphs = {r["date"]: sorted(key(s) for s in r["sources"].split()) for r in rows}
    assert paragraphs["2025-12-09"] == ["bron/referentiegegevens", "rapport/kamerbrief-2025/alinea/2"]
    # the proposal's own date, that of its COM document, also as ELI
    assert select(store, f"SELECT ?d {{ <{ID}eu/omnibus-i> eli:date_document ?d }}") == [("2025-02-26",)]


def test_eudr_postponement_has_two_application_dates_and_no_single_eli_date(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-act-lifecycle", instrument="eudr")
    applies = [(r["date"], r.get("scope"), r["certainty"], r.get("setBy")) for r in rows if r["kind"] == "application"]
    assert applies == [
        ("2025-12-30", "large and medium-sized operators", "verified_2nd", "Verordening (EU) 2024/3234"),
        ("2026-06-30", "micro and small enterprises", "verified_2nd", "Verordening (EU) 2024/3234"),
    ]
    # ELI's date properties hold the act's own dates: set by another act, and two of them, they stay stages only
    assert select(store, f"SELECT ?d {{ <{ID}eu/eudr> eli:date_applicability ?d }}") == []
    assert select(store, f"SELECT ?d {{ <{ID}eu/flr> eli:date_applicability ?d }}") == [("2027-12-14",)]
    assert select(store, f"SELECT ?d {{ <{ID}eu/csddd> eli:date_publication ?d }}") == [("2024-07-05",)]


def test_acts_that_amend_other_acts_and_the_deadlines_they_move(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-amending-acts")
    got = [
        (key(r["amendingAct"]), key(r["amendedAct"]), r.get("stage", ""), r.get("from", ""), r.get("to", ""))
        for r in rows
    ]
    assert sorted(got) == [
        ("eu/eudr-2024-3234", "eu/eudr", "application", "", "2025-12-30"),
        ("eu/eudr-2024-3234", "eu/eudr", "application", "", "2026-06-30"),
        ("eu/gsp-extension", "eu/gsp", "end-of-application", "", "2027-12-31"),
        ("eu/omnibus-i", "eu/csddd", "", "", ""),
        ("eu/omnibus-i", "eu/csrd", "", "", ""),
        ("eu/omnibus-i-directive", "eu/csddd", "transposition-deadline", "2027-07-26", "2028-07-26"),
        ("eu/omnibus-i-directive", "eu/csrd", "", "", ""),
        ("eu/stop-the-clock", "eu/csddd", "transposition-deadline", "2026-07-26", "2027-07-26"),
        ("eu/stop-the-clock", "eu/csrd", "", "", ""),
    ]
    # each change is dated by the changing act's entry into force, where the reference knows it
    dated = select(store, "SELECT ?c ?d { ?c a nap:DeadlineChange . OPTIONAL { ?c dcterms:date ?d } } ORDER BY ?c")
    assert [(key(c), d) for c, d in dated] == [
        ("eu/eudr-2024-3234/verschuiving/eudr-toepassing-2025-12-30", ""),
        ("eu/eudr-2024-3234/verschuiving/eudr-toepassing-2026-06-30", ""),
        ("eu/gsp-extension/verschuiving/gsp-einde-toepassing-2027-12-31", ""),
        ("eu/omnibus-i-directive/verschuiving/csddd-omzettingstermijn-2028-07-26", "2026-03-18"),
        ("eu/stop-the-clock/verschuiving/csddd-omzettingstermijn-2027-07-26", "2025-04-17"),
    ]


def test_derived_identifiers_appear_only_as_identifiers_marked_derived(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?owner ?scheme ?value ?certainty {{
             VALUES ?owner {{ <{ID}eu/eudr-2024-3234> <{ID}eu/csddd/artikel/29> <{ID}wet/sr-273f> }}
             ?owner adms:identifier ?id . ?id skos:notation ?value ; nap:certainty/skos:notation ?certainty .
             BIND (STRAFTER(STR(?id), "/identificatie/") AS ?scheme) }} ORDER BY ?owner ?scheme""",
    )
    assert [(key(o), s, v, c) for o, s, v, c in rows] == [
        ("eu/csddd/artikel/29", "eli", "http://data.europa.eu/eli/dir/2024/1760/art_29/oj", "derived"),
        ("eu/eudr-2024-3234", "celex", "32024R3234", "derived"),
        ("wet/sr-273f", "bwb", "BWBR0001854", "verified"),
        ("wet/sr-273f", "jci", "https://wetten.overheid.nl/jci1.3:c:BWBR0001854&artikel=273f", "derived"),
    ]
    # and so no exactMatch, CELEX as eli:id_local or link is published for them
    for owner, prop in (("eu/eudr-2024-3234", "eli:id_local"), ("eu/csddd/artikel/29", "skos:exactMatch")):
        assert select(store, f"SELECT ?v {{ <{ID}{owner}> {prop} ?v }}") == []
    assert select(store, f"SELECT ?p {{ <{ID}eu/csddd/artikel/29/lid/7> eli:is_part_of ?p }}") == [
        (f"{ID}eu/csddd/artikel/29",)
    ]


def test_trade_agreements_of_action_point_16_carry_only_what_the_report_says(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        """SELECT ?a ?paper (COUNT(?id) AS ?identifiers) {
             ?a a nap:TradeAgreement ; nap:appraisedIn ?paper . OPTIONAL { ?a adms:identifier ?id }
           } GROUP BY ?a ?paper ORDER BY ?a""",
    )
    assert [(key(a), key(p), n) for a, p, n in rows] == [
        ("eu/eu-chili", "kamerstuk/21501-02-2715", "0"),
        ("eu/eu-nieuw-zeeland", "kamerstuk/31985-80", "0"),
    ]


# --- typed relations ----------------------------------------------------------------------------------------------

EXPECTED_RELATIONS = [
    (12, "preparesForAct", "csddd"),
    (13, "preparesForAct", "csddd"),
    (13, "preparesForAct", "eudr"),
    (13, "preparesForAct", "flr"),
    (14, "monitorsAct", "csddd"),
    (15, "negotiatesAct", "gsp"),
    (16, "negotiatesAct", "eu-chili"),
    (16, "negotiatesAct", "eu-nieuw-zeeland"),
    (17, "negotiatesAct", "csddd"),
    (17, "negotiatesAct", "omnibus-i"),
    (18, "implementsAct", "csddd"),
    (19, "implementsAct", "csrd"),
    (19, "negotiatesAct", "csrd"),
    (26, "negotiatesAct", "csddd"),
    (28, "preparesForAct", "csddd"),
    (31, "monitorsAct", "csddd"),
    (31, "negotiatesAct", "rome-ii"),
]


def test_eu_acts_per_relation_type_per_action_point(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-relations")
    got = sorted((int(r["number"]), r["relation"], key(r["instrument"]).removeprefix("eu/")) for r in rows)
    assert got == EXPECTED_RELATIONS
    nineteen = answer(store, "eu-relations", number="19")
    assert [(r["relation"], r["abbreviation"]) for r in nineteen] == [
        ("implementsAct", "CSRD"),
        ("negotiatesAct", "CSRD"),
    ]
    provision = [key(r["provision"]) for r in answer(store, "eu-relations", number="31") if "provision" in r]
    assert provision == ["eu/csddd/artikel/29/lid/7"]
    assert {r["number"] for r in answer(store, "eu-relations", instrument="csddd")} == {
        "12", "13", "14", "17", "18", "26", "28", "31"
    }  # fmt: skip


def test_typed_relations_are_curated_justified_and_beside_the_explicit_mentions(store: pyoxigraph.Store) -> None:
    graphs = select(store, "SELECT DISTINCT ?g { GRAPH ?g { ?r a nap:EULawRelation } }")
    assert graphs == [(BASE + "graph/redactie",)]
    incomplete = select(
        store,
        f"""SELECT ?r {{ {{ ?r a nap:EULawRelation .
             FILTER NOT EXISTS {{ ?r nap:justification ?nl . FILTER (LANG(?nl) = "nl") }}
           }} UNION {{ ?r a nap:EULawRelation .
             FILTER NOT EXISTS {{ ?r nap:justification ?en . FILTER (LANG(?en) = "en") }}
           }} UNION {{ ?r a nap:EULawRelation .
             FILTER NOT EXISTS {{ ?r prov:wasAttributedTo <{ID}organisatie/nap-kg-redactie> ;
                 dcterms:conformsTo <{ID}redactie/methode-eu-relaties> ; nap:sourceSentence ?s }} }} }}""",
    )
    assert incomplete == []
    # the shortcut holds exactly for the reified relations, and rdfs:subPropertyOf says they relate to EU law
    shortcuts = select(
        store,
        """SELECT ?n ?p ?act { GRAPH ?g { ?ap ?prop ?act } ?prop rdfs:subPropertyOf nap:relatesToEULaw .
             ?ap nap:number ?n . BIND (STRAFTER(STR(?prop), STR(nap:)) AS ?p) }""",
    )
    assert sorted((int(n), p, key(a).removeprefix("eu/")) for n, p, a in shortcuts) == EXPECTED_RELATIONS
    # the explicit mentions stay: 17 still cites the CSDDD in its text
    explanation = f"<{ID}plan/nap-2022-2026/actiepunt/17/toelichting/2024>"
    cited = f"ASK {{ ?c a nap:Citation ; nap:cites <{ID}eu/csddd> ; nap:citingResource {explanation} }}"
    assert bool(store.query(PREFIXES + cited))


def test_action_points_affected_by_omnibus_i_with_the_letter_paragraph(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-omnibus-affected")  # default: Omnibus I
    got = [(int(r["number"]), r["relations"], r.get("paragraphs", "")) for r in rows]
    assert [(n, p) for n, _, p in got] == [
        (12, ""),
        (13, ""),
        (14, ""),
        (17, "10"),  # paragraph 10: the Dutch position in the Omnibus I negotiations
        (18, "10"),
        (19, ""),
        (26, "10"),
        (28, ""),
        (31, ""),
    ]
    relations = {n: r for n, r, _ in got}
    assert relations[17] == "negotiatesAct CSDDD, negotiatesAct Omnibus I"
    assert relations[19] == "implementsAct CSRD, negotiatesAct CSRD"


def test_link_map_edges_of_the_csddd_are_typed(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-law-links", instrument="csddd")
    typed = {(r["number"], r["relation"]) for r in rows if r["relation"].endswith("Act")}
    assert typed == {
        ("12", "preparesForAct"),
        ("13", "preparesForAct"),
        ("14", "monitorsAct"),
        ("17", "negotiatesAct"),
        ("18", "implementsAct"),
        ("26", "negotiatesAct"),
        ("28", "preparesForAct"),
        ("31", "monitorsAct"),
    }
    # an action point only the editors relate to an agreement is in that agreement's map, without a "names" edge
    chile = answer(store, "eu-law-links", instrument="eu-chili")
    assert {(r["number"], r["relation"]) for r in chile if r["relation"] != "responsible-ministry"} >= {
        ("16", "negotiatesAct")
    }
    assert not [r for r in chile if r["relation"] == "cites-instrument"]


def test_link_map_draws_each_typed_relation_in_its_colour_with_a_legend(client: httpx.Client) -> None:
    svg = "{http://www.w3.org/2000/svg}"
    response = client.get("/views/instrument/csddd/eu-law-map.svg", params={"lang": "en"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    edges = [e for e in root.iter(svg + "path") if e.get("class") == "edge"]
    typed = {
        (e.get("data-from"), e.get("data-relation"), e.get("stroke")) for e in edges if e.get("stroke-width") == "2.4"
    }
    assert typed == {
        ("12", "preparesForAct", "#762a83"),
        ("13", "preparesForAct", "#762a83"),
        ("14", "monitorsAct", "#c51b7d"),
        ("17", "negotiatesAct", "#1d4e89"),
        ("18", "implementsAct", "#1b7837"),
        ("26", "negotiatesAct", "#1d4e89"),
        ("28", "preparesForAct", "#762a83"),
        ("31", "monitorsAct", "#c51b7d"),
    }
    # each typed edge names its relation (the ontology's label), and the legend has a line per relation type
    titles = {e.get("data-relation"): e.find(svg + "title").text for e in edges if e.get("stroke-width") == "2.4"}
    assert titles["implementsAct"] == "implements or transposes"
    legend = [e for e in root.iter(svg + "line") if e.get("class") == "legend-edge"]
    assert len(legend) == 7
    texts = {t.text for t in root.iter(svg + "text")}
    assert {"negotiates", "implements or transposes", "prepares for or supports compliance with", "monitors"} <= texts
    dutch = ET.fromstring(client.get("/views/instrument/csddd/eu-law-map.svg", params={"lang": "nl"}).content)
    assert "voert uit of zet om" in {t.text for t in dutch.iter(svg + "text")}


def test_statements_added_per_relation_type_and_entity_kind(store: pyoxigraph.Store) -> None:
    """The figures of the report: what items 1 and 2 of issue 12 added, counted over the build."""
    per_type = select(
        store,
        "SELECT ?t (COUNT(?r) AS ?n) { ?r a nap:EULawRelation ; nap:relationType ?t } GROUP BY ?t ORDER BY ?t",
    )
    assert [(key(t).split("/def/")[-1] if "/def/" in t else t.rsplit("/", 1)[-1], n) for t, n in per_type] == [
        ("implementsAct", "2"),
        ("monitorsAct", "2"),
        ("negotiatesAct", "8"),
        ("preparesForAct", "5"),
    ]
    per_kind = select(
        store,
        """SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) {
             VALUES ?kind { nap:LegislativeStage nap:DeadlineChange nap:EULawRelation nap:TradeAgreement
                            <http://data.europa.eu/eli/ontology#LegalResourceSubdivision> nap:StageKind }
             ?x a ?kind } GROUP BY ?kind ORDER BY ?kind""",
    )
    assert {k.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: int(n) for k, n in per_kind} == {
        "LegislativeStage": 36,
        "DeadlineChange": 5,
        "EULawRelation": 17,
        "TradeAgreement": 2,
        "LegalResourceSubdivision": 2,
        "StageKind": 10,
    }
    stages_per_certainty = select(
        store,
        """SELECT ?c (COUNT(?s) AS ?n) { ?s a nap:LegislativeStage ; nap:certainty/skos:notation ?c }
           GROUP BY ?c ORDER BY ?c""",
    )
    assert stages_per_certainty == [("derived", "1"), ("verified", "27"), ("verified_2nd", "8")]


# --- sources: what is refused -------------------------------------------------------------------------------------


def test_a_quote_must_stand_verbatim_in_its_text() -> None:
    sources = load_sources(BuildSettings().sources_dir)
    iris = Iris(BASE)
    good = quote(iris, sources, {"action_point": 15, "text": "verlengd tot 31 december 2027."}, "test")
    assert good.source == iris.explanation(15, 2024)
    with pytest.raises(SourceError, match="quote not found verbatim"):
        quote(iris, sources, {"action_point": 15, "text": "verlengd tot 31 december 2028."}, "test")
    with pytest.raises(SourceError, match="quote not found verbatim"):  # right sentence, wrong paragraph
        quote(iris, sources, {"letter_paragraph": 11, "text": "Op 26 februari jl. presenteerde"}, "test")


def test_an_unverified_fact_is_refused() -> None:
    iris = Iris(BASE)
    assert str(_certainty(iris, "verified_2nd", "test")) == ID + "zekerheid/secundair-geverifieerd"
    with pytest.raises(SourceError, match="unverified: left out"):
        _certainty(iris, "unverified", "second EUDR revision")


def test_every_stage_kind_has_dutch_and_english_labels() -> None:
    kinds = stage_kinds()
    assert len(kinds) == 10 and kinds["omzettingstermijn"] == ("omzettingstermijn", "transposition deadline")


# --- shapes on the full data ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def defects(built: BuildResult, settings: BuildSettings):
    """The full data with three EU-law defects: a stage without date, an act that applies before it is in force,
    a typed relation without justification."""
    iris = Iris(settings.base_iri)
    data = Graph()
    for triple in built.union:
        data.add(triple)
    flr_stage = iris.stage(iris.instrument("flr"), "toepassing", "2027-12-14")
    data.remove((iris.stage(iris.instrument("csddd"), "vaststelling-raad", "2024-05-24"), DCTERMS.date, None))
    data.set((flr_stage, DCTERMS.date, Literal(date(2024, 12, 1))))  # an xsd:date
    data.remove((iris.eu_relation(18, "voert-uit", "csddd"), NAP.justification, None))
    return check(data, load_shapes(settings), ontology())


@pytest.mark.parametrize(
    ("shape", "path", "focus"),
    [
        ("napsh:LegislativeStageShape", "dcterms:date", "eu/csddd/fase/vaststelling-raad/2024-05-24"),
        ("napsh:EULegalActShape", "", "eu/flr"),
        ("napsh:EULawRelationShape", "nap:justification", "plan/nap-2022-2026/redactie/eu-relatie/18/voert-uit-csddd"),
    ],
)
def test_shapes_catch_eu_law_defects_in_the_full_data(defects, shape: str, path: str, focus: str) -> None:
    found = {(f.shape, f.path, f.focus) for f in defects.violations}
    assert (shape, path, ID + focus) in found


def test_eu_law_defects_are_the_only_eu_law_violations(defects) -> None:
    ours = ("napsh:LegislativeStageShape", "napsh:EULegalActShape", "napsh:EULawRelationShape")
    assert sorted((f.shape, f.focus.removeprefix(ID)) for f in defects.violations if f.shape in ours) == [
        ("napsh:EULawRelationShape", "plan/nap-2022-2026/redactie/eu-relatie/18/voert-uit-csddd"),
        ("napsh:EULegalActShape", "eu/flr"),
        ("napsh:LegislativeStageShape", "eu/csddd/fase/vaststelling-raad/2024-05-24"),
    ]
