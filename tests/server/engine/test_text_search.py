"""Full-text search inside SPARQL (``nap:textSearch``): the rewrite into VALUES, then the real app (in this process)
answering through ``/sparql`` exactly what the source texts say, the same as the search page, rebuilt on reload."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from napkg_graph.config import REPO_ROOT, BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.letter import read_paragraphs
from napkg_graph.pipeline import BuildResult
from napkg_graph.sources import load_sources
from napkg_server.data.text_index import TextIndex
from napkg_server.engine.text_search import MAX_HITS, MAX_PATTERNS, TextSearchError, rewrite
from pyoxigraph import Literal

from tests.support.in_process import in_process

PREFIX = "PREFIX nap: <https://w3id.org/nap-kg/def/>\n"
CSV = "text/csv"
INDEX = TextIndex.build(
    [
        ("urn:a", "urn:label", Literal("Dwangarbeid in de keten", language="nl")),
        ("urn:b", "urn:text", Literal('Forced labour "quoted"', language="en")),
    ]
)


# --- the rewrite ---


def test_a_subject_variable_becomes_the_values_of_the_matching_subjects() -> None:
    query = PREFIX + 'SELECT ?s { ?s nap:textSearch "keten" . ?s ?p ?o }'
    assert rewrite(query, INDEX) == PREFIX + "SELECT ?s { { SELECT * { VALUES ?s { <urn:a> } } } . ?s ?p ?o }"


def test_a_subject_variable_may_go_on_with_more_predicates() -> None:
    query = PREFIX + 'SELECT ?s { ?s nap:textSearch "keten" ; ?p ?o }'
    assert rewrite(query, INDEX) == PREFIX + "SELECT ?s { { SELECT * { VALUES ?s { <urn:a> } } } ?s ?p ?o }"


def test_the_list_forms_bind_score_and_text_as_stored() -> None:
    query = 'SELECT * { (?s ?score ?text) <https://w3id.org/nap-kg/def/textSearch> "labour" }'
    (hit,) = INDEX.search("labour")
    score = f'"{hit.score:.6f}"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    row = f'(<urn:b> {score} "Forced labour \\"quoted\\""@en)'
    expected = f"SELECT * {{ {{ SELECT * {{ VALUES (?s ?score ?text) {{ {row} }} }} }} }}"
    assert rewrite(query, INDEX) == expected


def test_the_object_list_restricts_predicate_language_and_number() -> None:
    both = PREFIX + 'SELECT * { ?s nap:textSearch ("{}") }'
    assert "<urn:a>" in rewrite(both.replace("{}", "in"), INDEX)
    only_label = PREFIX + 'SELECT * { ?s nap:textSearch (<urn:text> "dwangarbeid") }'
    assert rewrite(only_label, INDEX) == PREFIX + "SELECT * { { SELECT * { VALUES ?s { } } } }"
    english = PREFIX + 'SELECT * { ?s nap:textSearch "dwangarbeid"@en }'
    assert rewrite(english, INDEX) == PREFIX + "SELECT * { { SELECT * { VALUES ?s { } } } }"
    limited = PREFIX + 'SELECT * { ?s nap:textSearch ("dwangarbeid"@nl 0) }'
    assert rewrite(limited, INDEX) == PREFIX + "SELECT * { { SELECT * { VALUES ?s { } } } }"
    unbounded = PREFIX + 'SELECT * { ?s nap:textSearch ("dwangarbeid" 99999999999999999999) }'  # capped, not refused
    assert rewrite(unbounded, INDEX) == PREFIX + "SELECT * { { SELECT * { VALUES ?s { <urn:a> } } } }"


def test_text_that_only_mentions_the_name_is_left_alone() -> None:
    for query in [
        'SELECT * { ?s ?p "nap:textSearch" } # nap:textSearch',
        "SELECT ?textSearch { ?textSearch ?p ?o }",
        "PREFIX x: <urn:other/> SELECT * { ?s x:textSearch 'a' }",
    ]:
        assert rewrite(query, INDEX) == query


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('SELECT * { ?s a ?t ; nap:textSearch "x" }', "a triple pattern of its own"),
        ('SELECT * { ?s nap:textSearch "x" , "y" }', "a triple pattern of its own"),
        ('SELECT * { (?s ?n) nap:textSearch "x" ; a ?t }', "a triple pattern of its own"),
        ('SELECT * { <urn:a> nap:textSearch "x" }', "must be a variable"),
        ("SELECT * { ?s nap:textSearch ?q }", "as a string"),
        ('SELECT * { (?a ?b ?c ?d) nap:textSearch "x" }', "one to three variables"),
        ('SELECT * { ?s nap:textSearch ("x" ?n) }', "([predicate]"),
        (
            "SELECT * { " + '?s nap:textSearch "x" . ' * (MAX_PATTERNS + 1) + "}",
            f"at most {MAX_PATTERNS} nap:textSearch",
        ),
    ],
)
def test_a_pattern_it_cannot_answer_is_refused_with_the_forms_it_takes(query: str, message: str) -> None:
    with pytest.raises(TextSearchError, match=re.escape(message)):
        rewrite(PREFIX + query, INDEX)


# --- the real app ---


def sparql(client: httpx.Client, query: str) -> list[dict[str, str]]:
    response = client.post(
        "/sparql", data={"query": PREFIX + query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def word_in(text: str, word: str) -> bool:
    return re.search(rf"\b{word}\b", text, re.IGNORECASE) is not None


def test_dwangarbeid_is_found_in_action_point_13_and_the_letter_paragraphs_that_use_it(
    client: httpx.Client, settings: BuildSettings
) -> None:
    sources = load_sources(REPO_ROOT / "graph" / "sources")
    iris = Iris(settings.base_iri)
    # Expected from the source texts: the action points whose report texts use the word, the letter's paragraphs.
    points = {
        str(iris.action_point(r.number))
        for r in sources.action_points
        if any(word_in(text, "dwangarbeid") for text in (r.action, r.objective, r.explanation_2024))
    }
    letter = iris.report("kamerbrief-2025")
    paragraphs = {
        str(iris.paragraph(letter, p.number))
        for p in read_paragraphs(
            (REPO_ROOT / "graph" / "sources" / "rapporten" / "kamerbrief-2025" / "kamerbrief-2025.txt").read_text()
        )
        if word_in(p.text, "dwangarbeid")
    }
    assert str(iris.action_point(13)) in points and paragraphs
    found_points = sparql(
        client,
        """SELECT DISTINCT ?ap WHERE {
             ?s nap:textSearch "dwangarbeid" .
             { ?s a nap:ActionPoint BIND(?s AS ?ap) } UNION { ?s a nap:Objective ; nap:actionPoint ?ap }
             UNION { ?s a nap:Explanation ; nap:actionPoint ?ap } }""",
    )
    assert {row["ap"] for row in found_points} == points
    found_paragraphs = sparql(client, 'SELECT ?s WHERE { ?s nap:textSearch "dwangarbeid" ; a nap:LetterParagraph }')
    assert {row["s"] for row in found_paragraphs} == paragraphs


def test_ketenverantwoordelijk_finds_action_point_5s_ketenverantwoordelijkheid(
    client: httpx.Client, settings: BuildSettings
) -> None:
    iris = Iris(settings.base_iri)
    rows = sparql(
        client,
        """SELECT ?text WHERE { (?s ?score ?text) nap:textSearch "ketenverantwoordelijk" .
                                ?s a nap:Explanation ; nap:actionPoint ?ap }""".replace(
            "?ap", f"<{iris.action_point(5)}>"
        ),
    )
    assert len(rows) == 1 and "Ketenverantwoordelijkheid" in rows[0]["text"]


def test_a_phrase_ranks_above_the_same_words_scattered(client: httpx.Client) -> None:
    # The texts holding the words next to each other, by a pattern independent of the index's stemming.
    phrase = re.compile(r"\binternationa\w*\s+maatschappelijk", re.IGNORECASE)
    rows = sparql(
        client, 'SELECT ?text ?score WHERE { (?s ?score ?text) nap:textSearch "internationaal maatschappelijk" }'
    )
    together = [float(r["score"]) for r in rows if phrase.search(r["text"])]
    scattered = [float(r["score"]) for r in rows if not phrase.search(r["text"])]
    assert together and scattered
    assert min(together) > max(scattered)


def test_every_text_found_for_a_rare_word_holds_it(client: httpx.Client) -> None:
    """Every text the index finds for one plain word holds that word (the index finds, CONTAINS confirms)."""
    rows = sparql(client, 'SELECT ?text WHERE { (?s ?score ?text) nap:textSearch "ontbossingsverordening" }')
    assert rows and all("ontbossingsverordening" in r["text"].lower() for r in rows)


def test_a_bad_pattern_is_a_400_with_the_forms(client: httpx.Client) -> None:
    response = client.post("/sparql", data={"query": PREFIX + 'SELECT * { ?s a ?t ; nap:textSearch "x" }'})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "Malformed query: write nap:textSearch as a triple pattern of its own" in response.text


def test_the_service_description_names_the_function(client: httpx.Client) -> None:
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert re.search(r"sd:extensionFunction nap:textSearch", turtle)
    assert "nap:textSearch a sd:Function" in turtle


def test_the_hit_limit_is_the_documented_default(client: httpx.Client) -> None:
    rows = sparql(client, 'SELECT (COUNT(*) AS ?n) WHERE { (?s ?score ?text) nap:textSearch "de" }')
    count = int(rows[0]["n"])
    assert 100 < count <= MAX_HITS
    limited = sparql(client, 'SELECT (COUNT(*) AS ?n) WHERE { (?s ?score ?text) nap:textSearch ("de" 7) }')
    assert int(limited[0]["n"]) == 7


# --- rebuilt on reload ---


@pytest.fixture(scope="module")
def reloadable(
    built: BuildResult, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[httpx.Client, Path]]:
    data = tmp_path_factory.mktemp("reload") / "data.trig"
    shutil.copy(settings.dist / "nap-kg.trig", data)
    with in_process(["--data", str(data), "--max-concurrent-queries", "1"]) as http:
        yield http, data


def test_the_index_is_rebuilt_on_reload(reloadable: tuple[httpx.Client, Path]) -> None:
    http, data = reloadable
    query = 'SELECT ?s WHERE { ?s nap:textSearch "zeldzaamheidswoord" }'
    assert sparql(http, query) == []
    with data.open("a", encoding="utf-8") as out:
        label = "<http://www.w3.org/2000/01/rdf-schema#label>"
        out.write(f'\n<https://example.org/nieuw> {label} "Een zeldzaamheidswoord"@nl .\n')
    assert http.post("/admin/reload").status_code == 200
    assert sparql(http, query) == [{"s": "https://example.org/nieuw"}]
    page = http.get("/zoeken", params={"q": "zeldzaamheidswoord"}, headers={"Accept": "text/html"}).text
    assert 'href="https://example.org/nieuw"' in page and "<mark>zeldzaamheidswoord</mark>" in page
