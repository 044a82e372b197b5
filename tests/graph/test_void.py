"""dist/void.ttl: every figure equals what a SPARQL store holding dist/nap-kg.trig counts over the union of the named
graphs (the default graph the endpoint serves), and what rdflib counts in the built dataset."""

from __future__ import annotations

import pyoxigraph
import pytest
from napkg_graph.catalog import load_catalog_source
from napkg_graph.config import BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish import VOID
from rdflib import RDF, Graph, Literal, URIRef
from rdflib import VOID as V

from tests.conftest import select


@pytest.fixture(scope="module")
def void(built: BuildResult, settings: BuildSettings) -> Graph:
    return Graph().parse(settings.dist / VOID, format="turtle")


@pytest.fixture(scope="module")
def dataset(settings: BuildSettings) -> URIRef:
    return Iris(settings.base_iri).dataset()


def _int(g: Graph, node: URIRef, prop: URIRef) -> int:
    value = g.value(node, prop)
    assert isinstance(value, Literal), f"{node} has no {prop}"
    return int(value)


def _count(store: pyoxigraph.Store, query: str) -> int:
    return int(select(store, query)[0]["n"])


def _grouped(store: pyoxigraph.Store, query: str, key: str) -> dict[str, int]:
    return {row[key]: int(row["n"]) for row in select(store, query)}


def _partitions(void: Graph, dataset: URIRef, link: URIRef, key: URIRef, figure: URIRef) -> dict[str, int]:
    return {str(void.value(p, key)): _int(void, p, figure) for p in void.objects(dataset, link)}


DISTINCT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def test_triples_are_the_distinct_triples_of_the_union(
    void: Graph, dataset: URIRef, store: pyoxigraph.Store, built: BuildResult
) -> None:
    triples = _int(void, dataset, V.triples)
    assert triples == _count(store, DISTINCT_TRIPLES) == len(built.union)
    # A triple stated in several graphs counts once here but once per graph in the subsets; the store holds the
    # graphs plus their union, as its default graph.
    assert triples <= sum(len(g) for g in built.dataset.graphs()) == len(store) - triples


def test_each_named_graph_is_a_subset_with_its_own_count(
    void: Graph, dataset: URIRef, store: pyoxigraph.Store, built: BuildResult
) -> None:
    subsets = {str(s): _int(void, s, V.triples) for s in void.objects(dataset, V.subset)}
    counted = _grouped(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "g")
    assert subsets == counted
    assert subsets == {str(g.identifier): len(g) for g in built.dataset.graphs() if len(g)}
    assert len(subsets) == 6


def test_entities_and_distinct_subjects_and_objects(
    void: Graph, dataset: URIRef, store: pyoxigraph.Store, settings: BuildSettings, built: BuildResult
) -> None:
    space = f"{settings.base_iri}id/"
    assert str(void.value(dataset, V.uriSpace)) == space
    entities = {s for s in built.union.subjects() if isinstance(s, URIRef) and str(s).startswith(space)}
    assert _int(void, dataset, V.entities) == len(entities)
    rows = select(store, "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")
    assert _int(void, dataset, V.entities) == sum(r["s"].startswith(space) for r in rows)
    assert _int(void, dataset, V.distinctSubjects) == _count(
        store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert _int(void, dataset, V.distinctObjects) == _count(
        store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"
    )


def test_class_partitions_count_distinct_instances(
    void: Graph, dataset: URIRef, store: pyoxigraph.Store, built: BuildResult
) -> None:
    partitions = _partitions(void, dataset, V.classPartition, V["class"], V.entities)
    counted = _grouped(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c", "c")
    assert partitions == counted
    for cls, n in partitions.items():
        assert n == len(set(built.union.subjects(RDF.type, URIRef(cls)))), cls
    assert _int(void, dataset, V.classes) == len(partitions)


def test_property_partitions_count_distinct_triples_and_add_up(
    void: Graph, dataset: URIRef, store: pyoxigraph.Store
) -> None:
    partitions = _partitions(void, dataset, V.propertyPartition, V.property, V.triples)
    counted = _grouped(
        store,
        "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p",
        "p",
    )
    assert partitions == counted
    assert sum(partitions.values()) == _int(void, dataset, V.triples)
    assert _int(void, dataset, V.properties) == len(partitions)


def test_vocabularies_cover_every_property_and_class(void: Graph, dataset: URIRef, store: pyoxigraph.Store) -> None:
    vocabularies = {str(v) for v in void.objects(dataset, V.vocabulary)}
    terms = select(store, "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } }")
    for term in (row["t"] for row in terms):
        assert any(term.startswith(v) and "/" not in term[len(v) :] for v in vocabularies), term
    assert "https://w3id.org/nap-kg/def/" in vocabularies


def test_access_points_and_examples(
    void: Graph, dataset: URIRef, store: pyoxigraph.Store, settings: BuildSettings
) -> None:
    assert void.value(dataset, V.sparqlEndpoint) == URIRef(f"{settings.base_iri}sparql")
    dumps = {str(d) for d in void.objects(dataset, V.dataDump)}
    files = load_catalog_source(settings.sources_dir)["distributions"]
    assert dumps == {f"{settings.base_iri}downloads/{f['file']}" for f in files}
    for dump in dumps:
        assert (settings.dist / dump.rsplit("/", 1)[-1]).is_file()
    examples = list(void.objects(dataset, V.exampleResource))
    assert examples
    for example in examples:
        assert next(store.quads_for_pattern(pyoxigraph.NamedNode(str(example)), None, None), None), example
