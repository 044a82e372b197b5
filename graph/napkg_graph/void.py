"""VoID description of the dataset (dist/void.ttl), with figures that equal what a SPARQL store holds.

The figures are counted by the SPARQL queries in queries/void/, run with pyoxigraph over the TriG dump exactly as
written, i.e. over the data the endpoint serves. What "triples" means (stated in the VoID itself too):

- the dataset's void:triples, void:distinctSubjects/Objects and each void:propertyPartition count distinct triples
  of the union of the named graphs: a triple stated in two graphs counts once;
- each void:subset is one named graph (the graph IRI itself) with its own void:triples, so the subsets can add up
  to more than the dataset;
- void:entities counts distinct subject IRIs under void:uriSpace ({base}id/); a class partition's void:entities
  counts that class's distinct instances, wherever their IRIs are.

The void:Dataset has the IRI of the catalog's dcat:Dataset, so catalog, VoID and service description name one
dataset and one endpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pyoxigraph
from rdflib import DCTERMS, RDF, VOID, Graph, Literal, URIRef

from .iris import Iris
from .rdf_terms import en, integer, nl
from .union_graph import union_into_default_graph

QUERY_DIR = "queries/void"


@cache
def read_query(name: str) -> str:
    return (resources.files("napkg_graph") / QUERY_DIR / f"{name}.rq").read_text("utf-8")


@dataclass(frozen=True)
class VoidFigures:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    graphs: dict[str, int]  # named graph IRI -> its triples
    classes: dict[str, int]  # class IRI -> distinct instances
    properties: dict[str, int]  # property IRI -> distinct triples
    vocabularies: tuple[str, ...]
    graph_titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # named graph IRI -> (nl, en)


def load_store(trig: bytes) -> pyoxigraph.Store:
    """An in-memory store holding the TriG dump, as the endpoint and the tests load it: with the union of the named
    graphs as its default graph."""
    store = pyoxigraph.Store()
    store.load(trig, format=pyoxigraph.RdfFormat.TRIG)
    union_into_default_graph(store)
    return store


def _rows(store: pyoxigraph.Store, name: str, **bindings: pyoxigraph.Literal) -> list[tuple[str, ...]]:
    substitutions: dict[
        pyoxigraph.Variable, pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
    ] = {pyoxigraph.Variable(k): v for k, v in bindings.items()}
    solutions = store.query(read_query(name), substitutions=substitutions)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return [tuple(term.value for term in row) for row in solutions]


def _count(store: pyoxigraph.Store, name: str, **bindings: pyoxigraph.Literal) -> int:
    return int(_rows(store, name, **bindings)[0][-1])  # the count is the last column


def _counts(store: pyoxigraph.Store, name: str) -> dict[str, int]:
    return {key: int(n) for key, n in _rows(store, name)}


def void_figures(store: pyoxigraph.Store, iris: Iris) -> VoidFigures:
    return VoidFigures(
        triples=_count(store, "triples"),
        entities=_count(store, "entities", space=pyoxigraph.Literal(iris.uri_space())),
        distinct_subjects=_count(store, "distinct-subjects"),
        distinct_objects=_count(store, "distinct-objects"),
        graphs=_counts(store, "graph-triples"),
        classes=_counts(store, "class-partitions"),
        properties=_counts(store, "property-partitions"),
        vocabularies=tuple(row[0] for row in _rows(store, "vocabularies")),
        graph_titles={graph: (dutch, english) for graph, dutch, english in _rows(store, "graph-titles")},
    )


def example_resources(iris: Iris) -> tuple[URIRef, ...]:
    return (iris.action_point(1), iris.instrument("csddd"), iris.organisation("bz"))


def _partition_key(term: str, prefixes: Mapping[str, str]) -> str:
    """A readable, stable path segment for a class or property: `nap-ActionPoint`, else a hash of its IRI."""
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        local = term[len(namespace) :]
        if term.startswith(namespace) and local.replace("_", "").replace("-", "").isalnum():
            return f"{prefix}-{local}"
    return hashlib.sha256(term.encode()).hexdigest()[:16]


def _count_literal(value: int) -> Literal:
    return integer(value, minimum=0)


DESCRIPTION = (
    "void:triples, void:distinctSubjects, void:distinctObjects and the property partitions count distinct triples "
    "of the union of the named graphs (a triple in two graphs counts once); each void:subset is a named graph with "
    "its own void:triples. void:entities counts distinct subject IRIs under void:uriSpace; a class partition's "
    "void:entities counts that class's distinct instances."
)


def void_graph(
    figures: VoidFigures,
    iris: Iris,
    dumps: Sequence[str],
    prefixes: Mapping[str, str],
) -> Graph:
    g = Graph()
    ds = iris.dataset()
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, en("nap-kg: knowledge graph of the Dutch NAP on Business and Human Rights 2022-2026")))
    g.add((ds, DCTERMS.title, nl("nap-kg: kennisgraaf van het NAP Bedrijfsleven en Mensenrechten 2022-2026")))
    g.add((ds, DCTERMS.description, en(DESCRIPTION)))
    g.add((ds, VOID.triples, _count_literal(figures.triples)))
    g.add((ds, VOID.entities, _count_literal(figures.entities)))
    g.add((ds, VOID.distinctSubjects, _count_literal(figures.distinct_subjects)))
    g.add((ds, VOID.distinctObjects, _count_literal(figures.distinct_objects)))
    g.add((ds, VOID.classes, _count_literal(len(figures.classes))))
    g.add((ds, VOID.properties, _count_literal(len(figures.properties))))
    g.add((ds, VOID.sparqlEndpoint, iris.sparql_endpoint()))
    g.add((ds, VOID.uriSpace, Literal(iris.uri_space())))
    g.add((ds, VOID.rootResource, iris.plan("nap-2022-2026")))
    for name in dumps:
        g.add((ds, VOID.dataDump, iris.download(name)))
    for namespace in figures.vocabularies:
        g.add((ds, VOID.vocabulary, URIRef(namespace)))
    for example in example_resources(iris):
        g.add((ds, VOID.exampleResource, example))
    titles = figures.graph_titles
    for graph, n in figures.graphs.items():
        subset = URIRef(graph)
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, _count_literal(n)))
        if graph in titles:
            g.add((subset, DCTERMS.title, nl(titles[graph][0])))
            g.add((subset, DCTERMS.title, en(titles[graph][1])))
    for cls, n in figures.classes.items():
        part = iris.void_partition("klasse", _partition_key(cls, prefixes))
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, _count_literal(n)))
    for prop, n in figures.properties.items():
        part = iris.void_partition("eigenschap", _partition_key(prop, prefixes))
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, _count_literal(n)))
    return g
