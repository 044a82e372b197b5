"""The SPARQL 1.1 Service Description served by ``GET /sparql`` (and its HTML page)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from napkg_graph.vocab import SD
from napkg_server.formats import FORMATS
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, VOID

from tests.support.in_process import BASE_URL, in_process

pytestmark = [
    pytest.mark.slow,
    # rdflib's own TriG, N-Quads and JSON-LD parsers still use its deprecated ConjunctiveGraph.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]

DATA = Path(__file__).parents[2] / "data" / "endpoint"
EXTRA_GRAPH = "https://example.org/nap/graph-extra"
SPARQL_URL = BASE_URL + "/sparql"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """In this process: the description is the app's."""
    args = ["--data", str(DATA / "graphs.trig"), "--named-graph", EXTRA_GRAPH, str(DATA / "loaded-into-graph.nt")]
    with in_process([*args, "--query-timeout", "12"]) as c:
        yield c


@pytest.fixture(scope="module")
def description(client: httpx.Client) -> Graph:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return Graph().parse(data=response.content, format="turtle")


def service_of(description: Graph) -> URIRef:
    services = list(description.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    return services[0]  # type: ignore[return-value]


def count(client: httpx.Client, **params: str) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query, **params})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(
            "graphs differ\nonly expected:\n"
            + only_expected.serialize(format="nt")
            + "\nonly actual:\n"
            + only_actual.serialize(format="nt")
        )


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_every_rdf_format_says_the_same(client: httpx.Client, description: Graph, media_type: str) -> None:
    response = client.get("/sparql", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"].startswith("Accept")
    assert_isomorphic(description, Graph().parse(data=response.content, format=RDF_FORMATS[media_type]))


@pytest.mark.parametrize("accept", ["*/*", None])
def test_turtle_by_default(client: httpx.Client, description: Graph, accept: str | None) -> None:
    request = client.build_request("GET", "/sparql")
    if accept is None:
        del request.headers["Accept"]
    else:
        request.headers["Accept"] = accept
    response = client.send(request)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert_isomorphic(description, Graph().parse(data=response.content, format="turtle"))


def test_format_parameter(client: httpx.Client, description: Graph) -> None:
    response = client.get("/sparql", params={"format": "nt"}, headers={"Accept": "text/html"})
    assert response.headers["content-type"] == "application/n-triples"
    assert_isomorphic(description, Graph().parse(data=response.content, format="nt"))


def test_service(client: httpx.Client, description: Graph) -> None:
    service = service_of(description)
    assert description.value(service, SD.endpoint) == URIRef(SPARQL_URL)
    assert set(description.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert set(description.objects(service, SD.feature)) == {SD.UnionDefaultGraph}
    formats = set(description.objects(service, SD.resultFormat))
    assert formats == {URIRef(f.format_iri) for f in FORMATS}
    assert all(str(f).startswith("http://www.w3.org/ns/formats/") for f in formats)
    text = str(description.value(service, URIRef("http://purl.org/dc/terms/description")))
    assert "union of all named graphs" in text and "12 s" in text


def test_endpoint_follows_the_request_url(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Host": "nap.example", "Accept": "text/turtle"})
    graph = Graph().parse(data=response.content, format="turtle")
    assert graph.value(service_of(graph), SD.endpoint) == URIRef("http://nap.example/sparql")


def test_default_dataset_counts_match_queries(client: httpx.Client, description: Graph) -> None:
    dataset = description.value(service_of(description), SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in description
    default_graph = description.value(dataset, SD.defaultGraph)
    assert (default_graph, RDF.type, SD.Graph) in description
    assert description.value(default_graph, VOID.triples) == Literal(count(client))
    named = {}
    for node in description.objects(dataset, SD.namedGraph):
        assert (node, RDF.type, SD.NamedGraph) in description
        graph = description.value(node, SD.graph)
        assert (graph, RDF.type, SD.Graph) in description
        named[str(description.value(node, SD.name))] = description.value(graph, VOID.triples)
    expected_names = {f"https://example.org/nap/graph-{n}" for n in ("actions", "themes", "progress")}
    assert set(named) == expected_names | {EXTRA_GRAPH}
    for name, triples in named.items():
        assert triples == Literal(count(client, **{"default-graph-uri": name}))
    assert named[EXTRA_GRAPH] == Literal(1)


def test_not_acceptable(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"].startswith("text/plain")
    assert "text/turtle" in response.text


class PageReader(HTMLParser):
    """Collects what a check of the page needs: the form, its fields, scripts, sources."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.fields: dict[str, str] = {}
        self.scripts = 0
        self.sources: list[str] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(attributes)
        elif tag == "textarea":
            self._textarea = attributes["name"]
            self.fields[self._textarea or ""] = ""
        elif tag == "select":
            self.fields[attributes["name"] or ""] = ""
        elif tag == "script":
            self.scripts += 1
        if "src" in attributes or (tag == "link" and attributes.get("rel") == "stylesheet"):
            self.sources.append(attributes.get("src") or attributes.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def test_browser_gets_a_plain_page_with_a_working_form(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = PageReader()
    page.feed(response.text)
    assert page.scripts == 0 and page.sources == []  # no JavaScript, nothing from a CDN
    assert page.forms == [{"method": "get", "action": SPARQL_URL}]
    assert set(page.fields) == {"query", "format"}
    assert EXTRA_GRAPH in response.text
    # Submitting the form as a browser would (format left on "by content negotiation").
    answer = client.get("/sparql", params={"query": page.fields["query"], "format": ""})
    assert answer.status_code == 200
    rows = answer.json()["results"]["bindings"]
    assert {row["graph"]["value"] for row in rows} >= {EXTRA_GRAPH}
