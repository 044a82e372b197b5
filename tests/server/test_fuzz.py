"""Generated input: property-based tests (hypothesis) of the parsers the server owns, and API
fuzzing (schemathesis) of the OpenAPI description against the real server on loopback.

Properties: the SERVICE/keyword scanner never raises, sees every SERVICE that pyoxigraph would
run (checked against pyoxigraph itself, on a closed loopback port) and none in strings or
comments; Accept handling never raises and picks only offered types; the IRI <-> path mapping
never yields a path with dot segments and maps back to where it came from; the format-suffix
split is lossless. Fuzzing: no 5xx, and status codes, media types and bodies as documented.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pyoxigraph
import pytest
import schemathesis
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from napkg_server.engine.query_scan import keywords, refused_services, service_endpoints
from napkg_server.formats import ResultKind, formats_of
from napkg_server.http.negotiation import UnknownFormatError, accept_from_format_values, best_choice, negotiate
from napkg_server.sparql.protocol import SparqlHttpError, parse_parameters, split_content_type
from napkg_server.web.resources import ONTOLOGY_IRI, IriMapping, split_suffix
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.live_server import LiveServer, live_server

CLOSED = "http://127.0.0.1:9/"  # the discard port: pyoxigraph refuses it, or finds nothing listening
# Noise around and inside a SERVICE clause: comments, strings, names and words that look like it.
NOISE = [
    "",
    "# SERVICE <x> { }\n",
    "#\n",
    '"SERVICE"',
    "'''a\n'b' SERVICE'''",
    '"""x"y""z"""',
    "?s ?p ?o .",
    "?s ex:service ?o .",
    "?service ?p ?o .",
    "FILTER(?a < ?b)",
    "OPTIONAL { ?s ?p ?o }",
    f"BIND(<{CLOSED}> AS ?x)",
    f"VALUES ?x {{ <{CLOSED}> }}",
    "{ ?s ?p ?o } UNION { ?s ?p ?o }",
    '"\\"" # "',
    "\n",
]
KEYWORD = st.sampled_from(["SERVICE", "service", "SeRvIcE", r"\u0053ERVICE", r"SERV\u0049CE", r"\U00000053ERVICE"])
SILENT = st.sampled_from(["", "SILENT", "silent", r"\u0053ILENT"])
ENDPOINT = st.sampled_from([f"<{CLOSED}>", "?x", "ex:", "<http://127.0.0.1:9/x>"])
SPACE = st.sampled_from([" ", "\n", "\t", " # comment\n", "#\n"])


@st.composite
def service_queries(draw: st.DrawFn) -> str:
    """A query with a SERVICE clause (or two), written in the ways the grammar allows, amid noise."""
    noise = st.lists(st.sampled_from(NOISE), max_size=3).map(" ".join)
    clauses = []
    for _ in range(draw(st.integers(1, 2))):
        parts = [draw(KEYWORD), draw(SPACE), draw(SILENT), draw(SPACE), draw(ENDPOINT), draw(SPACE)]
        clauses.append("".join(parts) + "{ " + draw(noise) + " }")
    body = " ".join([draw(noise), *clauses, draw(noise)])
    return f"PREFIX ex: <{CLOSED}> SELECT * WHERE {{ {body} }}"


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tried_to_connect(query: str) -> bool | None:
    """Whether pyoxigraph, running ``query`` on an empty store, opened a connection
    (None when the text is not a query it accepts)."""
    try:
        results = pyoxigraph.Store().query(query, base_iri="http://ex/")
        if isinstance(results, pyoxigraph.QuerySolutions | pyoxigraph.QueryTriples):
            list(results)
    except SyntaxError:
        return None
    except OSError:  # connection refused: it did try
        return True
    except RuntimeError:  # e.g. SERVICE ?x with ?x unbound: evaluated, but no connection
        return False
    return False


def test_the_oracle_sees_a_service_call() -> None:
    assert tried_to_connect(f"SELECT * {{ SERVICE <{CLOSED}> {{ ?s ?p ?o }} }}") is True
    assert tried_to_connect("SELECT * { ?s ?p ?o }") is False


def test_scanner_sees_every_service_pyoxigraph_runs() -> None:
    # Most generated texts are no query pyoxigraph accepts; the property says something only about those it ran
    # and that connected, so their number is counted and must not be zero.
    outcomes: Counter[bool | None] = Counter()

    @settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(service_queries())
    def check(query: str) -> None:
        connected = tried_to_connect(query)
        outcomes[connected] += 1
        event(f"pyoxigraph connected: {connected}")
        if connected:
            assert "SERVICE" in keywords(query), query
            assert refused_services(query, frozenset()), query

    check()
    assert outcomes[True] > 0, f"no generated query made pyoxigraph connect: {dict(outcomes)}"


@FAST
@given(st.text())
def test_scanner_never_raises(text: str) -> None:
    keywords(text)
    service_endpoints(text)
    assert isinstance(refused_services(text, frozenset({CLOSED})), list)


@FAST
@given(st.text(alphabet=st.characters(blacklist_characters='"\\\n\r', blacklist_categories=["Cs"])))
def test_words_in_strings_and_comments_are_not_keywords(text: str) -> None:
    assert keywords(f'SELECT * {{ ?s ?p "{text}" }} # {text}') == {"SELECT"}


@FAST
@given(st.text(max_size=300))
def test_accept_handling_never_raises_and_offers_only_what_exists(accept: str) -> None:
    for kind in ResultKind:
        chosen = negotiate(accept, kind)
        assert chosen is None or chosen in formats_of(kind)
    assert best_choice(accept, [("text/html", "html"), ("text/turtle", "ttl")]) in (None, "html", "ttl")


@FAST
@given(st.lists(st.text(max_size=40), max_size=4))
def test_format_values_raise_only_unknown_format(values: list[str]) -> None:
    try:
        result = accept_from_format_values(values)
    except UnknownFormatError:
        return
    assert result is None or isinstance(result, str)


@FAST
@given(st.text(max_size=200))
def test_content_type_and_form_parsing_never_raise_otherwise(text: str) -> None:
    split_content_type(text)
    try:
        parse_parameters(text.encode("utf-8", errors="surrogatepass"), "body")
    except SparqlHttpError as error:
        assert error.status == 400


PATH_PIECES = st.sampled_from(["id", "def", "..", ".", "", "a", "actiepunt", "17", "%2e", "x.ttl", "a b", "é", "%00"])


@FAST
@given(st.one_of(st.text(max_size=80), st.lists(PATH_PIECES, max_size=6).map("/".join)))
def test_iri_path_mapping_is_safe_and_reversible(path: str) -> None:
    mapping = IriMapping("https://w3id.org/nap-kg/")
    iri = mapping.iri_for_path(path)
    if iri is None:
        return
    assert iri.startswith(("https://w3id.org/nap-kg/", ONTOLOGY_IRI))
    assert not re.search(r"(^|/)\.\.?(/|$)", path)
    assert mapping.local_url(iri) == "/" + path
    pyoxigraph.NamedNode(iri)  # a valid IRI


@FAST
@given(st.text(max_size=60))
def test_suffix_split_is_lossless(path: str) -> None:
    stem, key = split_suffix(path)
    if key is None:
        assert stem == path
    else:
        assert path.startswith(stem + ".") and "/" not in path[len(stem) + 1 :]


# --- API fuzzing of the OpenAPI description ---------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    from pathlib import Path

    data = Path(__file__).parents[1] / "data" / "endpoint" / "graphs.trig"
    with live_server([data], args=["--query-timeout", "5", "--max-queries-per-client", "50"]) as running:
        yield running


FUZZ_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def fuzz(operation: schemathesis.APIOperation, examples: int) -> int:
    """Run ``examples`` generated requests against ``operation``; the number actually sent."""
    sent = 0

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def call(case: schemathesis.Case) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate(checks=FUZZ_CHECKS, timeout=20)

    call()
    return sent


@pytest.mark.slow
def test_api_conforms_and_never_fails(server: LiveServer) -> None:
    # The operations are driven by hand: schemathesis' pytest plugin does not run under pytest 9.
    api = schemathesis.openapi.from_url(server.base_url + "/openapi.json")
    sent = {operation.label: fuzz(operation, 150) for operation in (r.ok() for r in api.get_all_operations())}
    print("requests sent per operation:", sent)
    assert set(sent) >= {"GET /sparql", "POST /sparql", "GET /health"}
    assert all(count > 0 for count in sent.values()), sent


def test_openapi_describes_json_answers_as_json() -> None:
    """Regression (found by the fuzzing): JSON answers were described as ``type: string``."""
    from napkg_server.sparql.openapi import SPARQL_RESPONSES

    content = SPARQL_RESPONSES[200]["content"]
    assert content["application/sparql-results+json"]["schema"]["type"] == ["object", "array"]
    assert content["application/ld+json"]["schema"]["type"] == ["object", "array"]
    assert content["text/turtle"]["schema"]["type"] == "string"
    assert {413, 422, 429, 503} <= set(SPARQL_RESPONSES)
