"""Served data = published data (issue 12, item 8): the endpoint answers with exactly what the dumps say.

* Every quad of ``dist/nap-kg.trig`` comes back from ``/sparql`` as the same RDF terms: IRIs, lexical forms,
  datatypes and language tags. (The store used to turn every ``xsd:positiveInteger`` and
  ``xsd:nonNegativeInteger`` into ``xsd:integer``: 372 literals were served with another datatype than the dumps
  gave. The build now writes ``xsd:integer`` and states the bound with ``sh:minInclusive``.)
* The default graph is the set union of the named graphs, as an RDF merge is: ``COUNT(*)`` over it is the number
  of distinct triples of the dump, counted here with rdflib, in memory and in an on-disk store. (pyoxigraph's union
  default graph matched a triple once per graph holding it.)
* The named graphs are untouched: ``GRAPH ?g``, ``FROM`` and ``default-graph-uri`` see each graph as published.
* Over a remote engine (``--remote``) too: ``napkg publish`` writes the union into the engine's default graph, and
  an engine whose default graph counts a triple once per graph (Oxigraph's ``--union-default-graph``) is refused.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import httpx
import pyoxigraph
import pytest
import rdflib
from napkg_graph.config import BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish_remote import publish, read_graphs, union_payload
from napkg_graph.rdf_terms import integer
from napkg_server.data.disk_store import open_disk_dataset
from napkg_server.data.store import DataLoadError
from napkg_server.engine.evaluation import QueryAnswer, QueryJob, evaluate
from napkg_server.remote_dataset import fetch_remote
from napkg_server.settings import DataSource, Settings

from tests.support.live_server import live_server
from tests.support.oxigraph import oxigraph_server

XSD = "http://www.w3.org/2001/XMLSchema#"  # a string: pytest trips over rdflib's closed XSD namespace
XSD_STRING, XSD_INTEGER = XSD + "string", XSD + "integer"
DERIVED_INTEGERS = {XSD + "positiveInteger", XSD + "nonNegativeInteger"}
COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
DEFAULT_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
REPORT_GRAPH = "https://w3id.org/nap-kg/graph/voortgangsrapportage-2024"

Term = tuple[str, ...]


def published_term(term: object) -> Term:
    """A term of the dump as parsed by pyoxigraph's parser (which keeps lexical forms), in the shape of a SPARQL JSON
    binding: kind, value, then datatype (none for xsd:string and language-tagged strings) and language."""
    if isinstance(term, pyoxigraph.NamedNode):
        return ("uri", term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return ("bnode", term.value)
    assert isinstance(term, pyoxigraph.Literal), term
    datatype = "" if term.language or term.datatype.value == XSD_STRING else term.datatype.value
    return ("literal", term.value, datatype, term.language or "")


def served_term(binding: dict[str, str]) -> Term:
    if binding["type"] != "literal":
        return (binding["type"], binding["value"])
    datatype = binding.get("datatype", "")
    return ("literal", binding["value"], "" if datatype == XSD_STRING else datatype, binding.get("xml:lang", ""))


@pytest.fixture(scope="module")
def published(built: BuildResult, settings: BuildSettings) -> set[tuple[Term, ...]]:
    """(graph, subject, predicate, object) of every quad of the TriG dump."""
    quads = pyoxigraph.parse(path=settings.dist / "nap-kg.trig", format=pyoxigraph.RdfFormat.TRIG)
    return {tuple(published_term(t) for t in (q.graph_name, q.subject, q.predicate, q.object)) for q in quads}


@pytest.fixture(scope="module")
def distinct_triples(built: BuildResult, settings: BuildSettings) -> int:
    """The distinct triples of the dump, counted by rdflib: the size of the RDF merge of its graphs."""
    dataset = rdflib.Dataset()
    dataset.parse(settings.dist / "nap-kg.trig", format="trig")
    return len({(s, p, o) for s, p, o, _ in dataset.quads()})


def rows(client: httpx.Client, query: str, **params: str) -> list[dict[str, dict[str, str]]]:
    response = client.post(
        "/sparql",
        params=params,
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    assert "X-Result-Truncated" not in response.headers
    return response.json()["results"]["bindings"]


def count(client: httpx.Client, query: str, **params: str) -> int:
    return int(rows(client, query, **params)[0]["n"]["value"])


def test_every_quad_is_served_as_published(client: httpx.Client, published: set[tuple[Term, ...]]) -> None:
    served = [tuple(served_term(row[v]) for v in ("g", "s", "p", "o")) for row in rows(client, ALL_QUADS)]
    assert len(served) == len(set(served))  # a quad set: no quad twice
    assert set(served) == published
    datatypes = Counter(o[2] for *_, o in published if o[0] == "literal" and o[2])
    # The numbers are there, as xsd:integer, and nothing the store would retype is published.
    assert datatypes[XSD_INTEGER] >= 372
    assert not DERIVED_INTEGERS & set(datatypes)


def test_an_action_point_number_is_served_with_its_datatype(client: httpx.Client) -> None:
    ap = Iris("https://w3id.org/nap-kg/").action_point(17)
    query = f"SELECT ?n WHERE {{ <{ap}> <https://w3id.org/nap-kg/def/number> ?n }}"
    assert [row["n"] for row in rows(client, query)] == [{"type": "literal", "value": "17", "datatype": XSD_INTEGER}]


def test_default_graph_is_the_set_union(
    client: httpx.Client, published: set[tuple[Term, ...]], distinct_triples: int
) -> None:
    union = {quad[1:] for quad in published}
    assert len(union) == distinct_triples
    assert distinct_triples < len(published)  # some triples stand in two graphs: the case that matters
    assert count(client, COUNT_DEFAULT) == distinct_triples
    served = Counter(tuple(served_term(row[v]) for v in ("s", "p", "o")) for row in rows(client, DEFAULT_TRIPLES))
    assert set(served) == union and set(served.values()) == {1}


def test_named_graphs_are_as_published(
    client: httpx.Client, published: set[tuple[Term, ...]], distinct_triples: int
) -> None:
    assert count(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == len(published)
    graphs = {g for g, *_ in published}
    listed = rows(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {("uri", row["g"]["value"]) for row in listed} == graphs  # the union is no graph of its own
    in_report = sum(1 for g, *_ in published if g == ("uri", REPORT_GRAPH))
    assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{REPORT_GRAPH}> WHERE {{ ?s ?p ?o }}") == in_report
    assert count(client, COUNT_DEFAULT, **{"default-graph-uri": REPORT_GRAPH}) == in_report


def test_health_and_service_description_count_the_same(
    client: httpx.Client, published: set[tuple[Term, ...]], distinct_triples: int
) -> None:
    assert client.get("/health").json()["triples"] == len(published)
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"})
    description = rdflib.Graph().parse(data=turtle.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    (dataset,) = description.objects(None, sd.defaultDataset)
    default_graph = description.value(dataset, sd.defaultGraph)
    assert int(description.value(default_graph, rdflib.VOID.triples)) == distinct_triples


def test_on_disk_store_serves_the_set_union_too(
    settings: BuildSettings, tmp_path: Path, published: set[tuple[Term, ...]], distinct_triples: int
) -> None:
    """(tests/server/data/test_disk_store.py asks a reopened store over HTTP.)"""
    dataset = open_disk_dataset(tmp_path / "store", [DataSource(settings.dist / "nap-kg.trig")], settings.base_iri)
    assert (dataset.info.statements, dataset.info.union_default_graph_triples) == (len(published), distinct_triples)
    job = QueryJob(COUNT_DEFAULT, settings.base_iri, union_default_graph=True, solutions_format="json")
    answer = evaluate(dataset.store, job)  # type: ignore[arg-type]  # DiskStore: query() as Store has it
    assert isinstance(answer, QueryAnswer)
    assert json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == str(distinct_triples)


def test_integer_literals_are_xsd_integer_with_a_minimum() -> None:
    assert integer(17) == rdflib.Literal("17", datatype=XSD_INTEGER)
    assert str(integer(0, minimum=0).datatype) == XSD_INTEGER
    with pytest.raises(ValueError, match="below the minimum 1"):
        integer(0)


def test_remote_engine_serves_the_set_union(
    settings: BuildSettings, tmp_path: Path, published: set[tuple[Term, ...]], distinct_triples: int
) -> None:
    trig = settings.dist / "nap-kg.trig"
    with oxigraph_server(tmp_path, timeout=10) as engine:
        with httpx.Client(timeout=60) as http:
            publish(engine.store_url, [*read_graphs(trig), union_payload(trig)], client=http)
        with live_server(args=["--remote", engine.query_url]) as server, httpx.Client(base_url=server.base_url) as c:
            assert count(c, COUNT_DEFAULT) == distinct_triples
            assert c.get("/health").json()["triples"] == len(published)
            served = {tuple(served_term(row[v]) for v in ("g", "s", "p", "o")) for row in rows(c, ALL_QUADS)}
            assert served == published


def test_an_engine_with_a_multiset_default_graph_is_refused(settings: BuildSettings, tmp_path: Path) -> None:
    trig = settings.dist / "nap-kg.trig"
    with oxigraph_server(tmp_path, union_default_graph=True, timeout=10) as engine:
        with httpx.Client(timeout=60) as http:
            publish(engine.store_url, read_graphs(trig), client=http)
        with pytest.raises(DataLoadError, match="counts a triple once per graph holding it"):
            fetch_remote(Settings(remote=engine.query_url))


def test_an_engine_with_an_empty_default_graph_is_refused(settings: BuildSettings, tmp_path: Path) -> None:
    with oxigraph_server(tmp_path, timeout=10) as engine:
        with httpx.Client(timeout=60) as http:
            publish(engine.store_url, read_graphs(settings.dist / "nap-kg.trig"), client=http)
        with pytest.raises(DataLoadError, match="its default graph is empty"):
            fetch_remote(Settings(remote=engine.query_url))
