"""The alignment method (graph/sources/alignments.yaml, `method`): every alignment is typed implements or supports
and marked intended or delivered with its evidence; the coverage questions keep those apart and call a principle
uncovered only when nothing addresses it; the UNGP labels follow the corrected reference, in Dutch and English."""

from __future__ import annotations

import copy
import dataclasses

import httpx
import pyoxigraph
import pytest
from napkg_graph.config import DEFAULT_BASE_IRI, REPO_ROOT
from napkg_graph.iris import Iris
from napkg_graph.rdf_curated import build_alignments
from napkg_graph.sources import load_sources
from rdflib import Graph

from tests.conftest import select
from tests.support.saved_answers import answer

BASE = DEFAULT_BASE_IRI
PREFIXES = """PREFIX nap: <https://w3id.org/nap-kg/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


# ---------------------------------------------------------------- the saved question of the issue


def test_only_principle_5_is_unaddressed_under_the_method(store: pyoxigraph.Store) -> None:
    rows = answer(store, "unaddressed-principles")
    assert [r["number"] for r in rows] == ["5"]
    assert rows[0]["label"] == "UNGP principle 5: oversight when contracting out or privatising"
    assert rows[0]["principle"] == BASE + "id/ungp/principe/5"


def test_the_competency_question_agrees(store: pyoxigraph.Store) -> None:
    text = (REPO_ROOT / "graph/napkg_graph/queries/competency/cq09-uncovered-ungp.rq").read_text(encoding="utf-8")
    assert [r["principle"] for r in select(store, text)] == ["5"]


# ---------------------------------------------------------------- kinds and delivery states


def test_every_alignment_has_one_kind_and_one_state(store: pyoxigraph.Store) -> None:
    counts = select(
        store,
        PREFIXES
        + """SELECT ?kind ?state (COUNT(DISTINCT ?a) AS ?n) WHERE {
            ?a a nap:FrameworkAlignment ; nap:alignmentKind/skos:notation ?kind ; nap:deliveryState/skos:notation ?state
        } GROUP BY ?kind ?state ORDER BY ?kind ?state""",
    )
    assert [(r["kind"], r["state"], int(r["n"])) for r in counts] == [
        ("implements", "delivered", 95),
        ("implements", "intended", 4),
        ("supports", "delivered", 98),
        ("supports", "intended", 3),
    ]
    untyped = select(
        store,
        PREFIXES
        + """SELECT ?a WHERE { ?a a nap:FrameworkAlignment .
            OPTIONAL { ?a nap:alignmentKind ?k1 , ?k2 FILTER (?k1 != ?k2) }
            FILTER (NOT EXISTS { ?a nap:alignmentKind ?k } || NOT EXISTS { ?a nap:deliveryState ?s }
                    || BOUND(?k1)) }""",
    )
    assert untyped == []


def test_intended_only_action_points(store: pyoxigraph.Store) -> None:
    """No activity (3), no Dutch activity described (15), waiting for the Commission (31), Niet van toepassing (32):
    aligned, but intended only, and without evidence."""
    rows = select(
        store,
        PREFIXES
        + """SELECT DISTINCT ?n WHERE { ?a a nap:FrameworkAlignment ; nap:actionPoint/nap:number ?n ;
            nap:deliveryState/skos:notation "intended" . FILTER NOT EXISTS { ?a nap:deliveryEvidence ?e } }
            ORDER BY ?n""",
    )
    assert [r["n"] for r in rows] == ["3", "15", "31", "32"]
    status = select(
        store, PREFIXES + "SELECT ?s WHERE { ?st nap:actionPoint/nap:number 32 ; nap:status/skos:prefLabel ?s }"
    )
    assert {"Niet van toepassing"} <= {r["s"] for r in status}


def test_delivered_alignments_name_their_evidence(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """SELECT DISTINCT ?evidence WHERE { ?a a nap:FrameworkAlignment ; nap:actionPoint/nap:number 17 ;
            nap:alignedTo <https://w3id.org/nap-kg/id/ungp/principe/11> ; nap:deliveryEvidence ?evidence }
            ORDER BY ?evidence""",
    )
    assert [r["evidence"] for r in rows] == [
        BASE + "id/plan/nap-2022-2026/actiepunt/17/toelichting/2024",
        BASE + "id/rapport/kamerbrief-2025/alinea/10",
    ]


def test_the_corporate_responsibility_is_put_into_effect(store: pyoxigraph.Store) -> None:
    """11-13 are implemented by the CSDDD negotiation (17) and the national law (18) and supported by sector
    agreements (20) and the help desk (21, 22); 14 only by the help desk for firms of every size."""
    rows = {r["number"]: r for r in answer(store, "ungp-coverage")}
    split = {
        n: (
            rows[n].get("implementsDelivered"),
            rows[n].get("supportsDelivered"),
            rows[n].get("implementsIntended"),
            rows[n].get("supportsIntended"),
            rows[n]["coverage"],
        )
        for n in ("11", "12", "13", "14")
    }
    assert split == {
        "11": ("17,18", "7,20,21,22", None, None, "implemented"),
        "12": ("17,18", "20", None, None, "implemented"),
        "13": ("17,18", "5,20,21,22", None, None, "implemented"),
        "14": (None, "21,22", None, None, "supported"),
    }


def test_coverage_separates_implements_supports_intended_and_delivered(store: pyoxigraph.Store) -> None:
    rows = {r["number"]: r for r in answer(store, "ungp-coverage")}
    p26 = rows["26"]
    assert (p26["implementsDelivered"], p26["implementsIntended"]) == ("9,33", "31")
    assert (p26["supportsDelivered"], p26["supportsIntended"]) == ("23,30", "32")
    assert p26["curatedActionPoints"] == "9,23,30,31,32,33"
    by_class: dict[str, list[str]] = {}
    for n, r in rows.items():
        by_class.setdefault(r["coverage"], []).append(n)
    assert by_class["supported"] == ["9", "14", "23", "30"]
    assert by_class["uncovered"] == ["5"]
    assert len(by_class["implemented"]) == 26 and "intended" not in by_class and "mentioned" not in by_class
    assert [n for n, r in rows.items() if r["covered"] == "false"] == ["5"]


def test_oecd_coverage_separates_the_kinds(store: pyoxigraph.Store) -> None:
    rows = {(r["kind"], r["notation"]): r for r in answer(store, "oecd-coverage")}
    v = rows[("chapter", "V")]
    assert (v["implementsDelivered"], v["supportsDelivered"], v["supportsIntended"]) == ("2", "1,4,5,28", "3")
    assert rows[("chapter", "III")]["implementsDelivered"] == "19"
    assert [k[1] for k, r in rows.items() if r["coverage"] == "uncovered"] == ["I", "VII", "VIII", "IX", "X", "XI"]


def test_principle_action_points_gives_kind_and_state(store: pyoxigraph.Store) -> None:
    rows = answer(store, "principle-action-points", principle="14")
    assert [(r["number"], r["link"], r["kind"], r["state"]) for r in rows] == [
        ("21", "curated", "supports", "delivered"),
        ("22", "curated", "supports", "delivered"),
    ]
    assert "SVOM" in rows[0]["evidence"]


def test_the_method_is_published_in_both_languages(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """SELECT (LANG(?d) AS ?lang) ?d WHERE { ?m a <http://www.w3.org/ns/prov#Plan> ; dcterms:description ?d .
            FILTER (STRENDS(STR(?m), "/id/redactie/methode")) } ORDER BY ?lang""",
    )
    assert [r["lang"] for r in rows] == ["en", "nl"]
    assert "Niet van toepassing" in rows[0]["d"] and "uncovered only when no alignment" in rows[0]["d"]
    loose = select(
        store,
        PREFIXES
        + """SELECT ?a WHERE { ?a a nap:FrameworkAlignment .
            FILTER NOT EXISTS { ?a dcterms:conformsTo ?m . FILTER (STRENDS(STR(?m), "/id/redactie/methode")) } }""",
    )
    assert loose == []


# ---------------------------------------------------------------- the build refuses what the method forbids


def _alignments_with(change: dict) -> tuple[Graph, object]:
    sources = load_sources(REPO_ROOT / "graph/sources")
    alignments = copy.deepcopy(sources.alignments)
    entry = next(e for e in alignments["alignments"] if e["action_point"] == 17)
    entry.update(change)
    return Graph(), dataclasses.replace(sources, alignments=alignments)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"evidence": {}}, "delivery 'delivered' with evidence {}"),
        ({"delivery": "intended"}, "delivery 'intended'"),
        ({"evidence": {"letter_paragraphs": [99]}}, "no letter paragraph [99]"),
        ({"supports": {"ungp": [11]}}, "ungp-11 both implemented and supported"),
    ],
)
def test_the_build_refuses_an_alignment_against_the_method(change: dict, message: str) -> None:
    g, sources = _alignments_with(change)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]").replace("{", r"\{")):
        build_alignments(g, Iris(BASE), sources)  # type: ignore[arg-type]


# ---------------------------------------------------------------- labels


def test_ungp_labels_are_paraphrases_in_both_languages(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """SELECT ?n ?nl ?en ?dnl ?den WHERE { ?p a nap:GuidingPrinciple ; nap:number ?n ;
            skos:prefLabel ?nl , ?en ; skos:definition ?dnl , ?den .
            FILTER (LANG(?nl) = "nl" && LANG(?en) = "en" && LANG(?dnl) = "nl" && LANG(?den) = "en") } ORDER BY ?n""",
    )
    assert [int(r["n"]) for r in rows] == list(range(1, 32))  # one of each per principle
    every_dutch = select(
        store,
        PREFIXES
        + """SELECT ?n ?l WHERE { ?p a nap:GuidingPrinciple ; nap:number ?n ;
            skos:prefLabel|rdfs:label|skos:altLabel ?l .
            FILTER (LANG(?l) = "nl") }""",
    )
    assert all(r["l"] != f"UNGP-principe {r['n']}" for r in every_dutch)
    for r in rows:
        assert r["nl"].startswith(f"UNGP-principe {r['n']}: ") and r["en"].startswith(f"UNGP principle {r['n']}: ")
        assert r["dnl"] != r["den"] and len(r["dnl"]) > 40
    by_number = {r["n"]: r for r in rows}
    assert by_number["8"]["en"] == "UNGP principle 8: horizontal policy coherence"
    assert by_number["8"]["den"].startswith("Horizontal policy coherence") and "ertical" not in by_number["8"]["den"]
    assert by_number["8"]["dnl"].startswith("Horizontale beleidscoherentie")
    assert "where appropriate require" in by_number["3"]["den"]  # 3 includes required reporting
    assert "not involved in such abuses" in by_number["7"]["den"]  # 7 keeps businesses out of gross abuses
    assert "proportionate" in by_number["14"]["den"]


# ---------------------------------------------------------------- pages


def test_pages_show_kind_and_delivery_state(client: httpx.Client) -> None:
    def html(path: str) -> str:
        response = client.get(path, params={"lang": "en"}, headers={"Accept": "text/html"})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        return response.text

    seventeen = html("/id/plan/nap-2022-2026/actiepunt/17")
    assert 'Aligned to <span class="alignment-kind">(implements, delivered)</span>:' in seventeen
    assert "(supports" not in seventeen  # the CSDDD negotiation only implements
    thirty_two = html("/id/plan/nap-2022-2026/actiepunt/32")
    assert "(supports, intended)" in thirty_two and "Niet van toepassing" in thirty_two
    fourteen = html("/id/ungp/principe/14")
    assert fourteen.count('<span class="label alignment-kind">supports, delivered:</span>') == 2  # 21 and 22
    assert "<h1>UNGP principle 14: all enterprises, proportionate means</h1>" in fourteen
