"""The data against the documents, action point by action point: status, responsible organisations, cited papers
and EU instruments, as read off the 2024 report by hand. And the shapes on the full data with one defect each."""

from __future__ import annotations

import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_graph.shacl.validate import check, load_shapes
from napkg_graph.vocab import NAP, ontology
from rdflib import Graph, Literal, URIRef

from tests.conftest import select

D, P, V, L, C, U, N = (
    "Doorlopend",
    "In uitvoering volgens planning",
    "Voltooid",
    "In uitvoering maar met vertraging",
    "In (formele) consultatie",
    "In uitvoering",
    "Niet van toepassing",
)
STATUS = dict(
    enumerate(
        [
            D,
            L,
            D,
            V,
            D,
            D,
            P,
            L,
            P,
            P,
            D,
            D,
            P,
            D,
            C,
            D,
            V,
            U,
            L,
            V,
            D,
            V,
            C,
            D,
            P,
            V,
            D,
            P,
            V,
            P,
            P,
            N,
            P,
        ],
        start=1,
    )
)
ORGS = {
    1: {"szw", "projectteam-arbeidsmigranten"},
    2: {"jenv", "szw"},
    3: {"szw"},
    4: {"szw"},
    5: {"ienw"},
    6: {"rivm", "ienw"},
    7: {"ezk", "rvo"},
    8: {"ezk"},
    19: {"jenv", "fin"},
    22: {"rvo"},
    30: {"jenv"},
    31: {"jenv"},
    32: {"jenv", "bz"},
    33: {"jenv", "bz", "raad-voor-rechtsbijstand"},
}
ORGS.update({n: {"bz"} for n in (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 23, 24, 25, 26, 27, 28, 29)})
KAMERSTUKKEN = {
    2: {"kst-36547-4"},
    4: {"kst-29544-1243"},
    16: {"kst-21501-02-2909", "kst-21501-02-2715", "kst-31985-80"},
    17: {"kst-22112-3393", "kst-26485-435"},
    20: {"kst-26485-430"},
    26: {"kst-22112-3393"},
}
INSTRUMENTS = {
    12: {"CSDDD"},
    13: {"CSDDD", "EUDR", "FLR"},
    14: {"CSDDD"},
    15: {"APS"},
    17: {"CSDDD"},
    18: {"CSDDD"},
    19: {"CSRD"},
    26: {"CSDDD"},
    28: {"CSDDD"},
    31: {"Rome II", "CSDDD"},
}
OTHER = {1: {"2023D47692"}, 20: {"stcrt-2024-25516"}, 27: {"stcrt-2024-25516"}}

PER_ACTION_POINT = """
PREFIX nap: <https://w3id.org/nap-kg/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?number ?value WHERE {{
  ?ap a nap:ActionPoint ; nap:number ?number .
  {pattern}
}}"""
CITED = """?c a nap:Citation ; nap:citingResource ?citing ; nap:cites ?target .
  ?citing (^nap:objective|nap:actionPoint|^nap:footnote/nap:actionPoint)? ?ap .
  ?target {which} ?value ."""


def _per_ap(store, pattern: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {n: set() for n in range(1, 34)}
    for row in select(store, PER_ACTION_POINT.format(pattern=pattern)):
        out[int(row["number"])].add(row["value"])
    return out


def test_33_action_points_16_6_11(store) -> None:
    rows = select(
        store,
        "PREFIX nap: <https://w3id.org/nap-kg/def/> SELECT ?p (COUNT(?a) AS ?n) "
        "WHERE { ?a a nap:ActionPoint ; nap:pillar/nap:number ?p } GROUP BY ?p ORDER BY ?p",
    )
    assert [(r["p"], r["n"]) for r in rows] == [("1", "16"), ("2", "6"), ("3", "11")]


def test_each_status(store) -> None:
    got = _per_ap(
        store,
        '?s nap:actionPoint ?ap ; nap:status/skos:prefLabel ?value . FILTER(LANG(?value)="nl")',
    )
    assert got == {n: {s} for n, s in STATUS.items()}


def test_each_responsible_organisation(store) -> None:
    got = _per_ap(store, "?ap nap:responsibleOrganisation ?o . BIND(REPLACE(STR(?o), '^.*/', '') AS ?value)")
    assert got == ORGS


def test_each_parliamentary_paper(store) -> None:
    got = _per_ap(
        store,
        CITED.format(which="a nap:ParliamentaryPaper ; <http://purl.org/dc/terms/identifier>"),
    )
    assert got == {n: KAMERSTUKKEN.get(n, set()) for n in range(1, 34)}


def test_each_eu_instrument(store) -> None:
    got = _per_ap(store, CITED.format(which="a nap:EUInstrument ; nap:abbreviation"))
    assert got == {n: INSTRUMENTS.get(n, set()) for n in range(1, 34)}


def test_each_gazette_and_house_document(store) -> None:
    got = _per_ap(
        store,
        CITED.format(which="a ?cls ; <http://purl.org/dc/terms/identifier>")
        + " FILTER(?cls IN (nap:GazettePublication, nap:HouseDocument))",
    )
    assert got == {n: OTHER.get(n, set()) for n in range(1, 34)}


def test_letter_gives_no_status_per_action_point(store) -> None:
    rows = select(
        store,
        "PREFIX nap: <https://w3id.org/nap-kg/def/> SELECT ?s WHERE { "
        "?s a nap:StatusAssessment ; nap:statedIn ?r . FILTER(CONTAINS(STR(?r), 'kamerbrief')) }",
    )
    assert rows == []


def test_curated_links_are_only_in_the_curated_graph(store) -> None:
    rows = select(
        store,
        "PREFIX nap: <https://w3id.org/nap-kg/def/> SELECT DISTINCT ?g WHERE { "
        "GRAPH ?g { ?x nap:alignedWith|nap:updatesActionPoint ?y } }",
    )
    assert [r["g"] for r in rows] == ["https://w3id.org/nap-kg/graph/redactie"]


@pytest.fixture(scope="module")
def defects(built: BuildResult, settings: BuildSettings):
    """The full data with three defects: a removed objective, an unknown status, a malformed Kamerstuk."""
    iris = Iris(settings.base_iri)
    data = Graph()
    for triple in built.union:
        data.add(triple)
    data.remove((iris.action_point(5), NAP.objective, None))
    data.set((iris.status_assessment(8, 2024), NAP.status, iris.status("bijna-klaar")))
    kst = iris.kamerstuk("36547-4")
    data.set((kst, URIRef("http://purl.org/dc/terms/identifier"), Literal("kst-36547 4")))
    return check(data, load_shapes(settings), ontology())


@pytest.mark.parametrize(
    ("shape", "path", "focus"),
    [
        ("napsh:ActionPointShape", "nap:objective", "https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/5"),
        (
            "napsh:StatusAssessmentShape",
            "nap:status",
            "https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/8/status/2024",
        ),
        (
            "napsh:ParliamentaryPaperShape",
            "dcterms:identifier",
            "https://w3id.org/nap-kg/id/kamerstuk/36547-4",
        ),
    ],
    ids=["removed-objective", "unknown-status", "malformed-kamerstuk"],
)
def test_shapes_catch_defects_in_the_full_data(defects, shape: str, path: str, focus: str) -> None:
    assert any(f.shape == shape and f.path == path and f.focus == focus for f in defects.violations)


def test_full_data_defects_are_the_only_violations(defects) -> None:
    # The orphaned objective of action point 5 is reported too: it no longer belongs to an action point.
    assert {(f.shape, f.path) for f in defects.violations} == {
        ("napsh:ActionPointShape", "nap:objective"),
        ("napsh:ObjectiveShape", "^nap:objective"),
        ("napsh:StatusAssessmentShape", "nap:status"),
        ("napsh:ParliamentaryPaperShape", "dcterms:identifier"),
    }, defects.render(warnings=False)
