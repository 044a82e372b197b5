"""The W3C SPARQL 1.1 Protocol and Service Description test manifests, run against the real app (in this process).

Each ``ht:Request`` of ``protocol/manifest.ttl`` is sent as written (its ``/sparql/`` path
prefix replaced by this endpoint's ``/sparql``, as the manifest asks) and its expected
status class, result format and boolean are checked. ``protocol/data1-3.nt`` are served
as the named graphs ``<http://kasei.us/2009/09/sparql/data/dataN.rdf>`` the tests assume.

Known failures are listed, with their reason, as strict xfails: only the update tests
that need an endpoint accepting SPARQL Update, which this read-only endpoint refuses by design.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from napkg_graph.vocab import SD
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from tests.support.in_process import BASE_URL, in_process

# Vendored verbatim with its licence (tests/vendor/w3c-sparql-protocol/SOURCE.txt), so a bare clone runs it.
W3C = Path(__file__).parents[2] / "vendor" / "w3c-sparql-protocol"
PROTOCOL_MANIFEST = W3C / "protocol" / "manifest.ttl"
SD_MANIFEST = W3C / "service-description" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS_PREFIX = "http://www.w3.org/2011/http-statusCodes#StatusCode"

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
READ_ONLY = (
    "needs an endpoint that accepts SPARQL Update; this endpoint is read-only by design "
    "(issue item 3), so the update is refused with 403"
)


@dataclass(frozen=True)
class W3CRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected_status: frozenset[str]  # status classes such as "2xx"
    expected_format: str | None
    expected_boolean: bool | None

    @property
    def is_update(self) -> bool:
        content_type = dict(self.headers).get("content-type", "")
        body = self.body or b""
        return "sparql-update" in content_type or body.startswith(b"update=")


@dataclass(frozen=True)
class W3CTest:
    name: str
    title: str
    requests: tuple[W3CRequest, ...]
    graph_data: tuple[tuple[str, Path], ...]


def _items(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _request(graph: Graph, node: Node) -> W3CRequest:
    headers = tuple(
        (str(graph.value(h, HT.fieldName)).lower(), str(graph.value(h, HT.fieldValue)))
        for h in _items(graph, graph.value(node, HT.headers))
    )
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = frozenset(str(s).removeprefix(STATUS_PREFIX) for s in graph.objects(response, MF.expectedStatus))
    fmt = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    return W3CRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        expected_status=statuses,
        expected_format=str(fmt) if fmt is not None else None,
        expected_boolean=boolean.toPython() if boolean is not None else None,
    )


def protocol_tests() -> Iterator[W3CTest]:
    graph = Graph().parse(PROTOCOL_MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    for test in _items(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        requests = _items(graph, graph.value(action, HT.requests))
        data = tuple(
            (
                str(graph.value(d, RDFS.label)),
                Path(str(graph.value(d, UT.graph)).removeprefix("file://")),
            )
            for d in graph.objects(test, UT.graphData)
        )
        yield W3CTest(
            name=str(test).rsplit("#", 1)[-1],
            title=str(graph.value(test, MF.name)),
            requests=tuple(_request(graph, r) for r in requests),
            graph_data=data,
        )


PROTOCOL_TESTS = list(protocol_tests())

# rdflib's own TriG, N-Quads and JSON-LD parsers still use its deprecated ConjunctiveGraph.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]


def _param(test: W3CTest) -> object:
    needs_updates = any(r.is_update and "2xx" in r.expected_status for r in test.requests)
    marks = [pytest.mark.xfail(reason=READ_ONLY, strict=True)] if needs_updates else []
    return pytest.param(test, id=test.name, marks=marks)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """In this process: what the manifests check (status, media type, answer) is the app's."""
    graphs = sorted({pair for test in PROTOCOL_TESTS for pair in test.graph_data})
    with in_process([item for iri, path in graphs for item in ("--named-graph", iri, str(path))]) as running:
        yield running


def endpoint_path(manifest_path: str) -> str:
    """The manifest's ``/sparql/...`` with this endpoint's path, ``/sparql``."""
    assert manifest_path.startswith("/sparql/")
    return "/sparql" + manifest_path.removeprefix("/sparql/")


def check_result(request: W3CRequest, response: httpx.Response) -> None:
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    body = response.content
    if request.expected_format == "boolean":
        assert media_type in BOOLEAN_TYPES, media_type
        if media_type.endswith("json"):
            value = json.loads(body)["boolean"]
        else:
            ns = "{http://www.w3.org/2005/sparql-results#}"
            value = ET.fromstring(body).find(f"{ns}boolean").text == "true"  # type: ignore[union-attr]
        if request.expected_boolean is not None:
            assert value is request.expected_boolean
    elif request.expected_format == "tabular":
        assert media_type in TABULAR_TYPES, media_type
        if media_type.endswith("json"):
            assert "vars" in json.loads(body)["head"]
        elif media_type.startswith("text/"):
            assert next(csv.reader(io.StringIO(body.decode()), delimiter=","))
        else:
            assert ET.fromstring(body).tag.endswith("sparql")
    elif request.expected_format == "RDF":
        assert media_type in RDF_TYPES, media_type
        Graph().parse(data=body, format=RDF_TYPES[media_type])


@pytest.mark.slow
@pytest.mark.parametrize("test", [_param(t) for t in PROTOCOL_TESTS])
def test_protocol_manifest(client: httpx.Client, test: W3CTest) -> None:
    for request in test.requests:
        response = client.request(
            request.method,
            endpoint_path(request.path),
            headers=dict(request.headers),
            content=request.body,
        )
        status_class = f"{response.status_code // 100}xx"
        assert status_class in request.expected_status, f"{test.title}: {response.status_code} {response.text[:500]}"
        if status_class == "2xx":
            check_result(request, response)


def test_manifest_is_the_one_described() -> None:
    """The README counts 34 protocol tests: 20 query-side, 14 update."""
    names = [t.name for t in PROTOCOL_TESTS]
    assert len(names) == 34
    assert sum(1 for n in names if "update" not in n) == 20


# --- Service description manifest ---------------------------------------------------------


def sd_tests() -> list[str]:
    graph = Graph().parse(SD_MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return [str(t).rsplit("#", 1)[-1] for t in _items(graph, graph.value(manifest, MF.entries))]


def fetch_description(client: httpx.Client) -> Graph:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.content, format="turtle")


def returns_rdf(client: httpx.Client) -> None:
    for media_type, rdflib_format in RDF_TYPES.items():
        response = client.get("/sparql", headers={"Accept": media_type})
        assert response.headers["content-type"].split(";")[0] == media_type
        assert len(Graph().parse(data=response.content, format=rdflib_format)) > 0


def has_endpoint_triple(client: httpx.Client) -> None:
    description = fetch_description(client)
    assert (None, SD.endpoint, URIRef(BASE_URL + "/sparql")) in description


def conforms_to_schema(client: httpx.Client) -> None:
    """As the W3C validator checks it: every sd:NamedGraph has an sd:name."""
    description = fetch_description(client)
    named_graphs = list(description.subjects(RDF.type, SD.NamedGraph))
    assert named_graphs
    for named_graph in named_graphs:
        assert description.value(named_graph, SD.name) is not None


SD_CHECKS = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sd_tests())
def test_service_description_manifest(client: httpx.Client, name: str) -> None:
    assert name in SD_CHECKS, f"no check written for service-description test {name}"
    SD_CHECKS[name](client)
