"""The SPARQL 1.1 Protocol (query side) of ``/sparql``.

SPARQLWrapper drives every query form in every result format it knows and rdflib's
SPARQLStore is a second client, against a real server; httpx probes the protocol's
edges and errors on the same app in this process.
The small units the server is built from (negotiation, keyword scan, settings,
loading) are tested directly at the end, with their doctests.
"""

from __future__ import annotations

import csv
import hashlib
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from tests.support.in_process import in_process
from tests.support.listener import Listener
from tests.support.live_server import LiveServer, live_server

pytestmark = [
    pytest.mark.slow,
    # rdflib's own parsers, and SPARQLWrapper, still use rdflib's deprecated ConjunctiveGraph.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]

DATA = Path(__file__).parents[2] / "data" / "endpoint"
EX = Namespace("https://example.org/nap/")
DATA_FILES = [DATA / f"loaded.{ext}" for ext in ("ttl", "nt", "nq", "rdf", "jsonld")]
SOURCES = [DATA / "graphs.trig", *DATA_FILES]
EXTRA_GRAPH = str(EX["graph-extra"])
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"

SELECT_ACTIONS = """
PREFIX ex: <https://example.org/nap/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?action ?label ?number WHERE { ?action a ex:ActionPoint ; rdfs:label ?label ;
    ex:number ?number } ORDER BY ?number
"""
ASK_THEME = "ASK { <https://example.org/nap/theme1> a <https://example.org/nap/Theme> }"
ASK_MISSING = "ASK { <https://example.org/nap/nothing> ?p ?o }"
CONSTRUCT_THEMES = """
PREFIX ex: <https://example.org/nap/>
CONSTRUCT { ?t a ex:Theme ; ex:label ?l } WHERE { ?t a ex:Theme ;
    <http://www.w3.org/2000/01/rdf-schema#label> ?l }
"""
DESCRIBE_THEME = "DESCRIBE <https://example.org/nap/theme2>"
EXPECTED_THEMES = {
    (EX.theme1, RDF.type, EX.Theme),
    (EX.theme1, EX.label, Literal("Due diligence", lang="en")),
    (EX.theme2, RDF.type, EX.Theme),
    (EX.theme2, EX.label, Literal("Remedy", lang="en")),
}
EXPECTED_DESCRIPTION = {
    (EX.theme2, RDF.type, EX.Theme),
    (EX.theme2, RDFS.label, Literal("Remedy", lang="en")),
}


ARGS = [
    "--data",
    *map(str, SOURCES),
    "--named-graph",
    EXTRA_GRAPH,
    str(DATA / "loaded-into-graph.nt"),
    "--base-iri",
    str(EX),
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """A real server for SPARQLWrapper and SPARQLStore, which open their own connections."""
    with live_server(args=ARGS) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """The same app in this process, for the protocol's edges and errors."""
    with in_process(ARGS) as http:
        yield http


def wrapper(server: LiveServer, query: str, fmt: str, *, conneg_only: bool = False) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.sparql_url)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setOnlyConneg(conneg_only)
    return sparql


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def select(client: httpx.Client, query: str, **params: object) -> list[dict[str, str]]:
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in rows]


def values(rows: list[dict[str, str]], name: str) -> set[str]:
    return {row[name] for row in rows if name in row}


# --- SPARQLWrapper: every query form in every format -------------------------------------

ACTION_ROWS = [
    (str(EX.action1), "Action one", "1"),
    (str(EX.action2), "Actie twee", "2"),
]


@pytest.mark.parametrize("conneg_only", [True, False], ids=["accept", "format-params"])
@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
def test_select_json(server: LiveServer, method: str, conneg_only: bool) -> None:
    sparql = wrapper(server, SELECT_ACTIONS, JSON, conneg_only=conneg_only)
    if method != "GET":
        sparql.setMethod(POST)
    if method == "POST-direct":
        sparql.setRequestMethod(POSTDIRECTLY)
    result = sparql.queryAndConvert()
    assert result["head"]["vars"] == ["action", "label", "number"]
    rows = [tuple(b[v]["value"] for v in ("action", "label", "number")) for b in result["results"]["bindings"]]
    assert rows == ACTION_ROWS
    assert result["results"]["bindings"][1]["label"]["xml:lang"] == "nl"


def test_select_xml(server: LiveServer) -> None:
    document = wrapper(server, SELECT_ACTIONS, XML).queryAndConvert()
    results = document.getElementsByTagName("result")
    labels = [r.getElementsByTagName("literal")[0].firstChild.data for r in results]
    assert labels == ["Action one", "Actie twee"]


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_select_csv_and_tsv(server: LiveServer, fmt: str, delimiter: str) -> None:
    text = wrapper(server, SELECT_ACTIONS, fmt).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, quoting=csv.QUOTE_NONE))
    if fmt == TSV:  # TSV writes RDF terms in Turtle syntax
        assert rows[0] == ["?action", "?label", "?number"]
        assert rows[1] == [f"<{EX.action1}>", '"Action one"@en', "1"]
    else:
        assert rows == [["action", "label", "number"], *map(list, ACTION_ROWS)]


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_ask(server: LiveServer, fmt: str) -> None:
    for query, expected in [(ASK_THEME, True), (ASK_MISSING, False)]:
        result = wrapper(server, query, fmt).queryAndConvert()
        if fmt == JSON:
            assert result["boolean"] is expected
        elif fmt == XML:
            text = result.getElementsByTagName("boolean")[0].firstChild.data
            assert text == str(expected).lower()
        else:
            assert result.decode().strip() == str(expected).lower()


def _graph_from_wrapper(result: object, fmt: str) -> Graph:
    if isinstance(result, Graph):
        return result
    assert isinstance(result, bytes)
    return Graph().parse(data=result, format="turtle" if fmt in (TURTLE, N3) else "json-ld")


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
@pytest.mark.parametrize(
    ("query", "expected"),
    [(CONSTRUCT_THEMES, EXPECTED_THEMES), (DESCRIBE_THEME, EXPECTED_DESCRIPTION)],
    ids=["construct", "describe"],
)
def test_graph_forms(server: LiveServer, query: str, expected: set, fmt: str) -> None:
    graph = _graph_from_wrapper(wrapper(server, query, fmt).queryAndConvert(), fmt)
    assert set(graph) == expected


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("application/n-triples", "nt"), ("application/trig", "trig"), ("application/n-quads", "nquads")],
)
def test_graph_forms_in_formats_sparqlwrapper_has_no_name_for(
    server: LiveServer, accept: str, rdflib_format: str
) -> None:
    for query, expected in [(CONSTRUCT_THEMES, EXPECTED_THEMES), (DESCRIBE_THEME, EXPECTED_DESCRIPTION)]:
        sparql = wrapper(server, query, TURTLE, conneg_only=True)
        sparql.addCustomHttpHeader("Accept", accept)
        result = sparql.query()
        assert result.info()["content-type"].split(";")[0] == accept
        assert set(Graph().parse(data=result.response.read(), format=rdflib_format)) == expected


# --- Every media type, chosen by Accept and by format= -----------------------------------


def parse_solutions(response: httpx.Response) -> list[str]:
    """The ?label values of a SELECT_ACTIONS answer, whatever its format."""
    kind, text = media_type(response), response.text
    if kind == "application/sparql-results+json":
        return [b["label"]["value"] for b in response.json()["results"]["bindings"]]
    if kind == "application/sparql-results+xml":
        root = ET.fromstring(response.content)
        return [e.text or "" for e in root.iter(f"{RESULTS_NS}literal") if e.text and " " in e.text]
    if kind == "text/csv":
        return [row[1] for row in list(csv.reader(io.StringIO(text)))[1:]]
    assert kind == "text/tab-separated-values"
    rows = [line.split("\t") for line in text.splitlines()[1:]]
    return [row[1].split('"')[1] for row in rows]


RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_solution_formats(client: httpx.Client, key: str, expected: str) -> None:
    by_accept = client.get("/sparql", params={"query": SELECT_ACTIONS}, headers={"Accept": expected})
    by_param = client.get(
        "/sparql",
        params={"query": SELECT_ACTIONS, "format": key},
        headers={"Accept": "text/turtle"},
    )
    for response in (by_accept, by_param):
        assert response.status_code == 200
        assert media_type(response) == expected
        assert parse_solutions(response) == ["Action one", "Actie twee"]
        assert "Accept" in response.headers["vary"]
    charset = expected.startswith("text/") or expected.endswith("xml")
    assert ("charset=utf-8" in by_accept.headers["content-type"]) is charset


@pytest.mark.parametrize("key", ["ttl", "nt", "jsonld", "rdf", "trig", "nq"])
def test_graph_formats(client: httpx.Client, key: str) -> None:
    expected = {
        "ttl": "text/turtle",
        "nt": "application/n-triples",
        "jsonld": "application/ld+json",
        "rdf": "application/rdf+xml",
        "trig": "application/trig",
        "nq": "application/n-quads",
    }[key]
    by_accept = client.post(
        "/sparql",
        content=CONSTRUCT_THEMES,
        headers={"Content-Type": "application/sparql-query", "Accept": f"{expected}, */*;q=0.1"},
    )
    by_param = client.get("/sparql", params={"query": CONSTRUCT_THEMES, "format": key})
    for response in (by_accept, by_param):
        assert response.status_code == 200, response.text
        assert media_type(response) == expected
        graph = Graph().parse(data=response.content, format=RDF_PARSERS[expected])
        assert set(graph) == EXPECTED_THEMES


def test_default_formats(client: httpx.Client) -> None:
    for accept in ("*/*", None):
        headers = {"Accept": accept} if accept else {}
        request = client.build_request("GET", "/sparql", params={"query": ASK_THEME}, headers=headers)
        if accept is None:
            del request.headers["Accept"]
        assert media_type(client.send(request)) == "application/sparql-results+json"
        request = client.build_request("GET", "/sparql", params={"query": DESCRIBE_THEME}, headers=headers)
        if accept is None:
            del request.headers["Accept"]
        assert media_type(client.send(request)) == "text/turtle"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/sparql-results+json;q=0, */*;q=0.5", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("application/json", "application/sparql-results+json"),
        (
            "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8",
            "application/sparql-results+json",
        ),
        ("nonsense, text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_accept_q_values(client: httpx.Client, accept: str, expected: str) -> None:
    response = client.get("/sparql", params={"query": SELECT_ACTIONS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert media_type(response) == expected


def test_not_acceptable(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": SELECT_ACTIONS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert media_type(response) == "text/plain"
    assert "application/sparql-results+json" in response.text
    assert response.headers["vary"].startswith("Accept")
    response = client.get(
        "/sparql",
        params={"query": CONSTRUCT_THEMES},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 406
    assert "CONSTRUCT/DESCRIBE results are available as: text/turtle" in response.text


def test_unknown_format_parameter(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ASK_THEME, "format": "yaml"})
    assert response.status_code == 400
    assert "Unknown format 'yaml'" in response.text and "jsonld" in response.text


# --- The dataset: union default graph, default-graph-uri, named-graph-uri ----------------

TYPED = "SELECT ?s WHERE { ?s a ?type }"
IN_NAMED = "SELECT ?g ?s WHERE { GRAPH ?g { ?s a ?type } }"
GRAPH_ACTIONS, GRAPH_THEMES, GRAPH_PROGRESS = (str(EX[f"graph-{n}"]) for n in ("actions", "themes", "progress"))
LOADED = {str(EX[f"loaded/{n}"]) for n in ("ttl", "nt", "nq", "rdf", "jsonld", "named")}
ALL_TYPED = {str(EX[n]) for n in ("action1", "action2", "theme1", "theme2", "report2024")} | LOADED


def test_default_graph_is_union_of_all_graphs(client: httpx.Client) -> None:
    assert values(select(client, TYPED), "s") == ALL_TYPED
    # The store's own default graph is part of the union too.
    assert values(select(client, "SELECT ?l { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"), "l") >= {
        "endpoint test data",
        "Remedy",
    }
    assert values(select(client, IN_NAMED), "g") == {
        GRAPH_ACTIONS,
        GRAPH_THEMES,
        GRAPH_PROGRESS,
        EXTRA_GRAPH,
        str(EX["graph-nquads"]),
    }


def test_default_graph_uri_restricts_default_graph(client: httpx.Client) -> None:
    rows = select(client, TYPED, **{"default-graph-uri": GRAPH_THEMES})
    assert values(rows, "s") == {str(EX.theme1), str(EX.theme2)}
    rows = select(client, TYPED, **{"default-graph-uri": [GRAPH_THEMES, GRAPH_PROGRESS]})
    assert values(rows, "s") == {str(EX.theme1), str(EX.theme2), str(EX.report2024)}
    # The protocol dataset is complete: no named-graph-uri, so GRAPH sees nothing.
    assert select(client, IN_NAMED, **{"default-graph-uri": GRAPH_THEMES}) == []


def test_named_graph_uri_restricts_named_graphs(client: httpx.Client) -> None:
    rows = select(client, IN_NAMED, **{"named-graph-uri": [GRAPH_ACTIONS, GRAPH_PROGRESS]})
    assert values(rows, "g") == {GRAPH_ACTIONS, GRAPH_PROGRESS}
    assert select(client, TYPED, **{"named-graph-uri": GRAPH_ACTIONS}) == []


def test_protocol_dataset_overrides_from(client: httpx.Client) -> None:
    query = f"SELECT ?s FROM <{GRAPH_ACTIONS}> FROM NAMED <{GRAPH_ACTIONS}> WHERE {{ ?s a ?t }}"
    assert values(select(client, query), "s") == {str(EX.action1), str(EX.action2)}
    rows = select(client, query, **{"default-graph-uri": GRAPH_THEMES})
    assert values(rows, "s") == {str(EX.theme1), str(EX.theme2)}
    named = f"SELECT ?g FROM NAMED <{GRAPH_ACTIONS}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert values(select(client, named), "g") == {GRAPH_ACTIONS}
    assert values(select(client, named, **{"named-graph-uri": GRAPH_THEMES}), "g") == {GRAPH_THEMES}


def test_dataset_in_form_body(client: httpx.Client) -> None:
    response = client.post("/sparql", data={"query": TYPED, "default-graph-uri": GRAPH_PROGRESS})
    assert response.status_code == 200
    assert [b["s"]["value"] for b in response.json()["results"]["bindings"]] == [str(EX.report2024)]


def test_unknown_graphs_are_empty(client: httpx.Client) -> None:
    assert select(client, TYPED, **{"default-graph-uri": "https://example.org/none"}) == []


def test_bad_graph_iri(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": TYPED, "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert "default-graph-uri" in response.text and "not a valid absolute IRI" in response.text


def test_relative_iris_resolve_against_base(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK { <action1> a <ActionPoint> }"})
    assert response.json()["boolean"] is True


def test_every_file_format_was_loaded(client: httpx.Client) -> None:
    assert values(select(client, "SELECT ?f { ?f a <LoadedFile> }"), "f") == LOADED
    rows = select(client, "SELECT ?g { GRAPH ?g { <loaded/named> a ?t } }")
    assert values(rows, "g") == {EXTRA_GRAPH}


def test_no_network_access_for_unknown_graphs_or_service(client: httpx.Client) -> None:
    listener = Listener()
    try:
        query = f"SELECT * FROM <{listener.url}> FROM NAMED <{listener.url}2> {{ ?s ?p ?o }}"
        assert select(client, query) == []
        assert (
            select(
                client,
                TYPED,
                **{"default-graph-uri": listener.url, "named-graph-uri": listener.url + "2"},
            )
            == []
        )
        service = f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        response = client.get("/sparql", params={"query": service})
        assert response.status_code == 400
        assert "SERVICE (federated query) is disabled" in response.text
    finally:
        listener.close()
    assert listener.requests == []


# --- Errors: status, media type and message ----------------------------------------------


def assert_error(response: httpx.Response, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.text
    assert media_type(response) == "text/plain"
    for fragment in fragments:
        assert fragment in response.text


def test_malformed_query_gives_parser_message_and_position(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert_error(response, 400, "Malformed query", "error at 1:")


def test_missing_repeated_and_empty_query(client: httpx.Client) -> None:
    assert_error(
        client.get("/sparql", params={"default-graph-uri": GRAPH_THEMES}),
        400,
        "Missing the 'query' parameter",
    )
    assert_error(client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400, "given 2 times")
    assert_error(
        client.post(
            "/sparql?query=ASK%7B%7D",
            content="ASK {}",
            headers={"Content-Type": "application/sparql-query"},
        ),
        400,
        "given 2 times",
    )
    assert_error(client.post("/sparql", data={"format": "json"}), 400, "Missing the 'query'")
    assert_error(client.get("/sparql", params={"query": "  "}), 400, "empty")


def test_post_content_types(client: httpx.Client) -> None:
    assert_error(client.post("/sparql", content=b"query=ASK%20%7B%7D"), 415, "needs a Content-Type")
    assert_error(
        client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}),
        415,
        "Unsupported Content-Type 'text/plain'",
    )
    response = client.post(
        "/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert_error(response, 415, "Unsupported charset 'utf-16'", "UTF-8")
    response = client.post(
        "/sparql",
        content="ASK {}",
        headers={"Content-Type": "application/sparql-query; charset=UTF-8"},
    )
    assert response.status_code == 200


def test_bytes_that_are_not_utf8(client: httpx.Client) -> None:
    query = 'ASK { ?s ?p "caf\xe9" }'.encode("latin-1")
    response = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert_error(response, 400, "not valid UTF-8")
    assert_error(client.get("/sparql?query=ASK%20%7B%FF%7D"), 400, "query string is not valid UTF-8")
    response = client.post(
        "/sparql",
        content=b"query=ASK%20%7B%FF%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 400, "request body is not valid UTF-8")


def test_non_ascii_query_text(client: httpx.Client) -> None:
    query = 'SELECT ?x { BIND("Ωmega café" AS ?x) }'
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.json()["results"]["bindings"][0]["x"]["value"] == "Ωmega café"


def test_updates_are_refused(client: httpx.Client) -> None:
    insert = f"INSERT DATA {{ <{EX.x}> <{EX.p}> <{EX.y}> }}"
    attempts = [
        client.get("/sparql", params={"update": insert}),
        client.get("/sparql", params={"query": insert}),
        client.post("/sparql", data={"update": insert}),
        client.post("/sparql", data={"query": "CLEAR ALL"}),
        client.post("/sparql", content=insert, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in attempts:
        assert_error(response, 403, "read-only")
    assert client.get("/sparql", params={"query": f"ASK {{ <{EX.x}> ?p ?o }}"}).json()["boolean"] is False
    assert len(select(client, TYPED)) == len(ALL_TYPED)


def test_other_methods(client: httpx.Client) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = client.request(method, "/sparql", params={"query": ASK_THEME})
        assert_error(response, 405, f"{method} is not a SPARQL Protocol query method")
        assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_request_body_limit(client: httpx.Client) -> None:
    padding = "#" + "x" * 1_100_000 + "\nASK {}"
    response = client.post("/sparql", content=padding, headers={"Content-Type": "application/sparql-query"})
    assert_error(response, 413, "larger than 1000000 bytes")


# --- rdflib's SPARQLStore as a second client ---------------------------------------------


def test_rdflib_sparqlstore(server: LiveServer) -> None:
    store = SPARQLStore(query_endpoint=server.sparql_url)
    try:
        labels = [str(row.label) for row in store.query(SELECT_ACTIONS)]
        assert labels == ["Action one", "Actie twee"]
        assert store.query(ASK_THEME).askAnswer is True
        assert set(store.query(CONSTRUCT_THEMES).graph) == EXPECTED_THEMES
        themes = Graph(store=store, identifier=URIRef(GRAPH_THEMES))
        assert len(themes) == 4  # sent as default-graph-uri
        assert set(themes.subjects(RDF.type, None)) == {EX.theme1, EX.theme2}
        assert (EX.theme1, RDF.type, EX.Theme) in themes
        assert (EX.action1, RDF.type, EX.ActionPoint) not in themes
        assert URIRef(GRAPH_PROGRESS) in set(store.contexts())
    finally:
        store.close()


# --- /health, CORS, OpenAPI ---------------------------------------------------------------


def test_health(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    digest = hashlib.sha256()
    for path in [*SOURCES, DATA / "loaded-into-graph.nt"]:
        digest.update(path.read_bytes())
    assert body == {
        "status": "ok",
        "version": version("nap-kg"),
        "triples": 23,
        "graphs": 5,
        "checksum": "sha256:" + digest.hexdigest(),
    }


def test_cors(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ASK_THEME}, headers={"Origin": "https://example.net"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.net",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_openapi_documents_every_media_type(client: httpx.Client) -> None:
    from napkg_server.formats import FORMATS

    spec = client.get("/openapi.json").json()
    for method in ("get", "post"):
        content = spec["paths"]["/sparql"][method]["responses"]["200"]["content"]
        assert {f.media_type for f in FORMATS} <= set(content)
        assert "text/plain" in spec["paths"]["/sparql"][method]["responses"]["406"]["content"]
    body = spec["paths"]["/sparql"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/x-www-form-urlencoded", "application/sparql-query"}
    names = {p["name"] for p in spec["paths"]["/sparql"]["get"]["parameters"]}
    assert names == {"query", "default-graph-uri", "named-graph-uri", "format"}
