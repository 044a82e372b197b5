"""Blank nodes on resource pages and in every RDF format, embedded and over a remote endpoint (issue 15 item 5).

The data (``tests/data/blank-nodes/blank-nodes.ttl``) gives a resource blank-node values two levels deep, an RDF
list, and a blank node pointing at it. Served in-process (``--data``), and over real Oxigraph and Virtuoso servers
(``--remote``) holding the same data, the page shows each blank node as a node without IRI with what the data says
about it nested in its place, and every RDF format of the resource holds its statements, the statement pointing at
it and the description of its blank nodes: exactly the expected graph, up to blank-node renaming.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from napkg_graph.publish_remote import GraphPayload, publish
from napkg_server.app import create_app
from napkg_server.settings import Settings
from pyoxigraph import RdfFormat, parse, serialize
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from tests.support.oxigraph import oxigraph_server
from tests.support.virtuoso import virtuoso_server

DATA = Path(__file__).parents[2] / "data" / "blank-nodes" / "blank-nodes.ttl"
RESOURCE = "https://w3id.org/nap-kg/id/voorbeeld/kantoor"
GRAPH = "https://w3id.org/nap-kg/graph/voorbeeld"
UNION = "urn:napkg:union"
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


def expected_description() -> Graph:
    """The whole file but the statement about the blank node that points at the resource (not a value of it)."""
    graph = Graph().parse(DATA, format="turtle")
    graph.remove((None, URIRef("https://example.org/def/on"), None))
    return graph


def fetch_all(settings: Settings) -> dict[str, httpx.Response]:
    app = create_app(settings)

    async def run() -> dict[str, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            answers = {"html": await c.get("/id/voorbeeld/kantoor", headers={"Accept": "text/html"})}
            for suffix in FORMATS:
                answers[suffix] = await c.get(f"/id/voorbeeld/kantoor.{suffix}")
            return answers

    return asyncio.run(run())


@pytest.fixture(scope="module", params=["embedded", "oxigraph", "virtuoso"])
def answers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    if request.param == "embedded":
        yield fetch_all(Settings(data=Settings.from_env({"NAPKG_DATA": str(DATA)}).data, access_log="off"))
        return
    triples = list(parse(path=DATA, format=RdfFormat.TURTLE))
    body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    if request.param == "virtuoso":  # its labels are nodeID://...; the union goes into a graph of its own
        with virtuoso_server() as virtuoso, httpx.Client(timeout=30) as http:
            virtuoso.grant_update()
            written = [GraphPayload(GRAPH, len(triples), body), GraphPayload(UNION, len(triples), body)]
            publish(virtuoso.graph_store_url, written, client=http)
            yield fetch_all(Settings(remote=virtuoso.sparql_url, remote_union_graph=UNION, access_log="off"))
        return
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as oxigraph, httpx.Client(timeout=30) as http:
        publish(
            oxigraph.store_url,
            [GraphPayload(GRAPH, len(triples), body), GraphPayload(None, len(triples), body)],
            client=http,
        )
        yield fetch_all(Settings(remote=oxigraph.query_url, access_log="off"))


@pytest.mark.slow
@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_every_format_holds_the_blank_nodes_and_what_is_said_of_them(answers: dict, suffix: str) -> None:
    response = answers[suffix]
    assert response.status_code == 200, response.text
    got = Graph().parse(data=response.content, format=FORMATS[suffix])
    assert isomorphic(got, expected_description()), got.serialize(format="nt")


@pytest.mark.slow
def test_the_page_nests_what_is_said_of_each_blank_node(answers: dict) -> None:
    response = answers["html"]
    assert response.status_code == 200, response.text
    html = response.text
    properties = html[html.index('<section id="properties">') : html.index('<section id="inbound">')]
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", properties)).strip()
    assert cells == (
        "Eigenschappen Eigenschap Waarde rdfs:label Kantoor @nl rdfs:label Office @en "
        "address knoop zonder IRI geo knoop zonder IRI lat 52.08 long 4.31 number 12 street Lange Voorhout "
        "rooms knoop zonder IRI rdf:first kamer 1 rdf:rest knoop zonder IRI rdf:first kamer 2 rdf:rest rdf:nil"
    )
    assert properties.count('<table class="properties nested">') == 4
    inbound = html[html.index('<section id="inbound">') :]
    assert '<td><span class="blank-node">knoop zonder IRI</span></td>' in inbound
    assert "<title>Kantoor" in html
