"""The library of saved questions (graph/napkg_graph/queries/saved/*.rq): every file parses, declares its
metadata and parameters, and answers as expected on the real data (the same engine as the server)."""

from __future__ import annotations

import pyoxigraph
import pytest
from napkg_graph.config import DEFAULT_BASE_IRI
from napkg_graph.saved_queries import LibraryError, ParameterError, library, parse_saved_query, run_local
from napkg_server.engine.inline_bindings import inline

from tests.support.saved_answers import answer

BASE = DEFAULT_BASE_IRI
QUERIES = library()


def test_the_library_has_the_questions_of_the_issue() -> None:
    assert {
        "eu-instrument-trail",
        "ungp-coverage",
        "oecd-coverage",
        "action-points-by-status",
        "delayed-action-points",
        "ministry-responsibilities",
        "kamerstukken-cited-by-several",
        "letter-2025-updates",
        "explicit-versus-curated",
        "eu-law-links",
    } <= set(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_question_parses_and_declares_itself(name: str) -> None:
    query = QUERIES[name]
    assert all(query.title[lang] and query.description[lang] for lang in ("nl", "en"))
    assert query.title["nl"] != query.title["en"]
    # pyoxigraph parses it, and refuses a substitution whose variable the query does not project
    empty = pyoxigraph.Store()
    bindings = query.bindings({}, BASE) or {}
    list(run_local(empty, query, bindings, BASE))
    for param in query.params:
        assert f"?{param.name}" in query.sparql.split("WHERE")[0], f"{param.name} must be projected"
    assert "#+" not in query.sparql


def test_csddd_trail(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-instrument-trail")
    assert [r["number"] for r in rows] == ["12", "13", "14", "17", "18", "26", "28", "31"]
    by_number = {r["number"]: r for r in rows}
    assert by_number["17"]["status2024"] == "Voltooid"
    assert set(by_number["17"]["kamerstukken"].split(", ")) == {"kst-22112-3393", "kst-26485-435"}
    assert by_number["31"]["ministries"] == "JenV"
    assert {r["instrument"] for r in rows} == {BASE + "id/eu/csddd"}


def test_trail_of_another_instrument(store: pyoxigraph.Store) -> None:
    rows = answer(store, "eu-instrument-trail", instrument="csrd")
    assert [(r["number"], r["status2024"]) for r in rows] == [("19", "In uitvoering maar met vertraging")]


def test_ungp_coverage_lists_all_31_with_the_uncovered(store: pyoxigraph.Store) -> None:
    rows = answer(store, "ungp-coverage")
    assert [int(r["number"]) for r in rows] == list(range(1, 32))
    assert [r["number"] for r in rows if r["covered"] == "false"] == ["5"]  # the alignment method: test_alignment.py
    p31 = rows[30]
    assert p31["explicitActionPoints"] == "26" and "26" in p31["curatedActionPoints"].split(",")
    assert all("explicitActionPoints" not in r for r in rows[:30])  # only principle 31 is named in a text


def test_oecd_coverage(store: pyoxigraph.Store) -> None:
    rows = answer(store, "oecd-coverage")
    chapters = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"]
    assert [r["notation"] for r in rows] == [*chapters, "1", "2", "3", "4", "5", "6"]
    uncovered = [r["notation"] for r in rows if r["covered"] == "false"]
    assert uncovered == ["I", "VII", "VIII", "IX", "X", "XI"]
    step6 = rows[-1]
    assert set(step6["explicitActionPoints"].split(",")) == {"26", "27"}


def test_status_by_pillar_adds_up(store: pyoxigraph.Store) -> None:
    rows = answer(store, "action-points-by-status")
    per_pillar: dict[str, int] = {}
    per_status: dict[str, int] = {}
    for r in rows:
        per_pillar[r["pillar"]] = per_pillar.get(r["pillar"], 0) + int(r["actionPoints"])
        per_status[r["statusLabel"]] = per_status.get(r["statusLabel"], 0) + int(r["actionPoints"])
        assert len(r["numbers"].split(",")) == int(r["actionPoints"])
    assert per_pillar == {"1": 16, "2": 6, "3": 11}
    assert per_status["Doorlopend"] == 11 and per_status["In uitvoering maar met vertraging"] == 3


def test_delayed(store: pyoxigraph.Store) -> None:
    rows = answer(store, "delayed-action-points")
    assert [r["number"] for r in rows] == ["2", "8", "19"]
    assert all(r["explanation"] for r in rows)


def test_ministry_responsibilities(store: pyoxigraph.Store) -> None:
    assert len(answer(store, "ministry-responsibilities")) == 21  # default: BZ
    jenv = answer(store, "ministry-responsibilities", organisation="jenv")
    assert len(jenv) == 6 and {"2", "19"} <= {r["number"] for r in jenv}
    assert answer(store, "ministry-responsibilities", organisation="no-such-body") == []


def test_kamerstukken_cited_by_several(store: pyoxigraph.Store) -> None:
    rows = answer(store, "kamerstukken-cited-by-several")
    assert [(r["identifier"], r["actionPoints"], sorted(r["numbers"].split(","))) for r in rows] == [
        ("kst-22112-3393", "2", ["17", "26"])
    ]


def test_letter_updates(store: pyoxigraph.Store) -> None:
    everything = answer(store, "letter-2025-updates")
    assert len({(r["number"], r["paragraphNumber"]) for r in everything}) == 20  # the curated update links
    twenty = answer(store, "letter-2025-updates", number="20")
    assert [r["paragraphNumber"] for r in twenty] == ["13"]
    seventeen = answer(store, "letter-2025-updates", number="17")
    assert "2025-02-26" in seventeen[0]["events"]


def test_explicit_versus_curated(store: pyoxigraph.Store) -> None:
    rows = {r["number"]: r for r in answer(store, "explicit-versus-curated")}
    assert len(rows) == 33
    assert (rows["26"]["explicitLinks"], rows["26"]["curatedAlignments"]) == ("2", "13")
    assert rows["27"]["explicitLinks"] == "1" and rows["17"]["explicitLinks"] == "0"
    assert sum(int(r["explicitLinks"]) for r in rows.values()) == 3


def test_eu_law_links(store: pyoxigraph.Store) -> None:
    csddd = answer(store, "eu-law-links", instrument="csddd")
    assert {r["number"] for r in csddd} == {"12", "13", "14", "17", "18", "26", "28", "31"}
    papers = {(r["number"], r["nodeKey"]) for r in csddd if r["relation"] == "cites-kamerstuk"}
    assert papers == {("17", "kst-22112-3393"), ("17", "kst-26485-435"), ("26", "kst-22112-3393")}
    everything = answer(store, "eu-law-links")
    instruments = {r["nodeKey"] for r in everything if r["relation"] == "cites-instrument"}
    assert {"CSDDD", "CSRD", "EUDR", "FLR"} <= instruments
    jenv = answer(store, "eu-law-links", ministry="jenv")
    assert {r["number"] for r in jenv} == {"19", "31"}


def test_principle_action_points(store: pyoxigraph.Store) -> None:
    rows = answer(store, "principle-action-points", principle="31")
    assert sorted((r["number"], r["link"]) for r in rows) == [("26", "curated"), ("26", "explicit")]
    assert answer(store, "principle-action-points", principle="5") == []


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_portable_text_gives_the_same_answer(store: pyoxigraph.Store, name: str) -> None:
    """The query page gets the text with the values inlined (a VALUES block opening the WHERE group) instead of
    substitutions: same rows."""
    query = QUERIES[name]
    bindings = query.bindings({}, BASE)
    substituted = run_local(store, query, bindings, BASE)
    names = [v.value for v in substituted.variables]
    first = sorted(tuple(str(row[n]) for n in names) for row in substituted)
    portable = store.query(inline(query.sparql, bindings), base_iri=BASE)
    assert sorted(tuple(str(row[n]) for n in names) for row in portable) == first


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("eu-instrument-trail", {"instrument": "CSDDD"}, "is not a key"),
        ("eu-instrument-trail", {"instrument": "csddd> } ?x ?y ?z . { <x"}, "is not a key"),
        ("eu-instrument-trail", {"instrument": ""}, "is required"),
        ("eu-instrument-trail", {"nope": "x"}, "Unknown parameter"),
        ("principle-action-points", {"principle": "32"}, "from 1 to 31"),
        ("principle-action-points", {"principle": "3.0"}, "from 1 to 31"),
        ("letter-2025-updates", {"number": "-1"}, "from 1 to 33"),
    ],
)
def test_bad_values_are_refused(name: str, given: dict[str, str], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        QUERIES[name].bindings(given, BASE)


def test_keys_become_iris_under_the_base() -> None:
    bound = QUERIES["eu-instrument-trail"].bindings({"instrument": "omnibus-i"}, "https://example.org/kg/")
    assert bound == {"instrument": pyoxigraph.NamedNode("https://example.org/kg/id/eu/omnibus-i")}
    assert QUERIES["eu-law-links"].bindings({}, BASE) == {}  # optional parameters left free


@pytest.mark.parametrize(
    "header",
    [
        "#+ name: other\n",  # name differs from the file name
        "#+ name: demo\n#+ title.nl: x\n",  # titles and descriptions missing
    ],
)
def test_malformed_headers_are_refused(header: str) -> None:
    with pytest.raises(LibraryError):
        parse_saved_query(header + "SELECT * WHERE { ?s ?p ?o }", "demo")
