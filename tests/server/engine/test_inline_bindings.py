"""Bound values written into the query as an inline VALUES block (what a remote endpoint gets) give the same
answers as pyoxigraph's substitutions (what the workers do): for every query the server runs with values,
on the built dataset; and any text or IRI survives the trip into the query text unchanged."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files

import pyoxigraph
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from napkg_graph.config import DEFAULT_BASE_IRI
from napkg_graph.saved_queries import ParameterError, library
from napkg_server.data.store import read_query
from napkg_server.engine.inline_bindings import inline, with_base
from napkg_server.web.resources import LOOKUP_PREDICATES
from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, Store, Variable

BASE = DEFAULT_BASE_IRI
Term = NamedNode | Literal

# The server's queries that take values, and the variable the code binds (dereference.py, pages.py, views.py).
SERVER_BINDINGS = {
    "action-point": "resource",
    "action-point-alignments": "resource",
    "action-point-citations": "resource",
    "action-point-entities": "resource",
    "action-point-responsibilities": "resource",
    "action-point-status": "resource",
    "action-point-updates": "resource",
    "inbound-alignments": "resource",
    "inbound-citations": "resource",
    "inbound-responsibilities": "resource",
    "resource-description": "resource",
    "resource-inbound": "resource",
    "resource-properties": "resource",
    "resource-blank-nodes": "resource",
    "search": "term",
    "ontology-document": "graph",
}
RESOURCES = [
    BASE + path
    for path in (
        "id/actiepunt/17",
        "id/actiepunt/20",
        "id/eu/csddd",
        "id/ungp/principe/3",
        "id/kamerstuk/22112-3393",
        "id/organisatie/bz",
        "id/oeso/stap/3",
        "id/status/voltooid",
        "id/rapport/kamerbrief-2025/alinea/10",
        "graph/redactie",
        "no/such/thing",
    )
] + ["https://w3id.org/nap-kg/def/ActionPoint", "https://w3id.org/nap-kg/def"]
VALUES_OF = {
    "resource": [NamedNode(iri) for iri in RESOURCES],
    "term": [Literal(t) for t in ("csddd", "Kamer", "", 'a"b\\c', "é")],
    "graph": [NamedNode(BASE + "graph/ontologie"), NamedNode(BASE + "graph/redactie")],
}
# Values to try per saved-question parameter, besides its default ("" leaves an optional one unbound).
SAVED_VALUES = {
    "instrument": ["", "csrd", "eudr", "none"],
    "ministry": ["", "bz", "jenv"],
    "organisation": ["szw", "rvo"],
    "principle": ["1", "16", "31"],
    "number": ["", "17", "20"],
}


def answer(store: Store, query: str, substitutions: dict[str, Term] | None = None) -> object:
    """The answer as comparable values: rows sorted (the order of unordered rows is the engine's affair)."""
    subs = {Variable(k): v for k, v in (substitutions or {}).items()}
    results = store.query(query, base_iri=BASE, substitutions=subs)
    if isinstance(results, QueryBoolean):
        return bool(results)
    if isinstance(results, QuerySolutions):
        names = [v.value for v in results.variables]
        return names, sorted(tuple(str(row[n]) if row[n] is not None else "" for n in names) for row in results)
    return sorted(str(triple) for triple in results)


def server_cases() -> Iterator[tuple[str, dict[str, Term]]]:
    for name, variable in SERVER_BINDINGS.items():
        for value in VALUES_OF[variable]:
            yield name, {variable: value}


# The combinations above that are not valid questions: an empty value for a required parameter (one with a
# default; test_saved_queries.py checks that it is refused).
INVALID = {(name, param.name, "") for name, query in library().items() for param in query.params if param.default}


def saved_cases() -> Iterator[tuple[str, dict[str, str]]]:
    for name, query in library().items():
        yield name, {}
        for param in query.params:
            for value in SAVED_VALUES.get(param.name, []):
                if (name, param.name, value) not in INVALID:
                    yield name, {param.name: value}


def test_every_server_query_with_values_is_covered() -> None:
    folder = files("napkg_server.data") / "queries"
    bound = {entry.name.removesuffix(".rq") for entry in folder.iterdir() if "bound" in entry.read_text("utf-8")}
    assert bound <= set(SERVER_BINDINGS)
    assert {"search", "resource-description", "action-point"} <= bound


@pytest.mark.parametrize(("name", "bindings"), list(server_cases()), ids=lambda x: str(x)[:40])
def test_server_queries_answer_the_same_with_inline_values(
    store: pyoxigraph.Store, name: str, bindings: dict[str, Term]
) -> None:
    text = read_query(name)
    rewritten = inline(text, bindings)
    assert rewritten != text and "VALUES" in rewritten
    assert answer(store, rewritten) == answer(store, text, bindings)


@pytest.mark.parametrize(("name", "given"), list(saved_cases()), ids=lambda x: str(x)[:40])
def test_saved_questions_answer_the_same_with_inline_values(
    store: pyoxigraph.Store, name: str, given: dict[str, str]
) -> None:
    query = library()[name]
    bindings = query.bindings(given, BASE)
    expected = answer(store, query.sparql, bindings)
    assert answer(store, inline(query.sparql, bindings)) == expected
    if bindings and not given:
        assert expected[1], f"{name}: the defaults should find something"  # type: ignore[index]


@pytest.mark.parametrize(("name", "param", "value"), sorted(INVALID))
def test_the_left_out_values_are_refused(name: str, param: str, value: str) -> None:
    with pytest.raises(ParameterError):
        library()[name].bindings({param: value}, BASE)


def test_queries_without_values_are_left_as_they_are() -> None:
    for name in ("home-counts", "graph-triple-counts", "triple-count", "lookup-mirror"):
        assert inline(read_query(name), {}) == read_query(name)


def test_the_mirror_query_lists_exactly_the_lookup_predicates() -> None:
    text = read_query("lookup-mirror")
    prefixes = dict(re.findall(r"PREFIX (\w*): <([^>]+)>", text))
    block = re.search(r"VALUES \?p \{([^}]*)\}", text)
    assert block is not None
    listed = [prefixes[name.split(":")[0]] + name.split(":", 1)[1] for name in block.group(1).split()]
    assert sorted(listed) == sorted(LOOKUP_PREDICATES) and len(listed) == len(set(listed))


def test_the_base_is_written_only_for_relative_iris() -> None:
    store = Store()
    relative = "SELECT ?x WHERE { BIND(<id/actiepunt/17> AS ?x) }"
    rebased = with_base(relative, BASE)
    assert rebased.startswith(f"BASE <{BASE}> ") and "\n" not in rebased.split("SELECT")[0]
    assert answer(store, rebased) == answer(store, relative)
    absolute = "PREFIX nap: <https://w3id.org/nap-kg/def/> SELECT * { ?s a nap:ActionPoint }"
    assert with_base(absolute, BASE) == absolute


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
LANGUAGE = st.sampled_from([None, "nl", "en-GB"])


@given(value=TEXT, language=LANGUAGE)
def test_any_literal_arrives_unchanged(value: str, language: str | None) -> None:
    literal = Literal(value, language=language)
    query = inline('SELECT ?v ?w WHERE { BIND("}" AS ?w) }', {"v": literal})
    rows = list(Store().query(query))
    assert len(rows) == 1 and rows[0]["v"] == literal


@given(path=st.text(alphabet="abcXYZ019-._~!$&'()*+,;=:@%/?#", max_size=20))
def test_any_iri_arrives_unchanged(path: str) -> None:
    try:
        iri = NamedNode("https://example.org/" + path)
    except ValueError:
        assume(False)  # not an IRI: nothing to carry
    rows = list(Store().query(inline("SELECT ?v WHERE { }", {"v": iri})))
    assert rows[0]["v"] == iri
