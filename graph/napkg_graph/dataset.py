"""Assembles the dataset: one named graph per source, so every statement says where it comes from.

graph/ontologie                  ontology/nap.ttl
graph/vocabulaires               ontology/vocabularies/*.ttl (SKOS schemes: pillars, UNGP, OECD, status, roles)
graph/referentie                 organisations, EU instruments, Dutch laws, plans, source documents
graph/<slug>                     what each report or letter of sources/rapporten/<slug>/ says, by date:
  graph/voortgangsrapportage-2024  the 2024 progress report (33 action points, their status and explanation)
  graph/kamerbrief-2025            the 2025 letter (paragraphs, events)
graph/redactie                   analysts' alignments (not statements of the documents)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rdflib import DCTERMS, PROV, RDF, Dataset, Graph, URIRef

from .config import BuildSettings
from .iris import Iris
from .rdf_curated import build_curated
from .rdf_entities import build_entities
from .rdf_eu_relations import build_eu_relations
from .rdf_events import add_event_links
from .rdf_letter import build_letter
from .rdf_reference import build_reference
from .rdf_report import build_report
from .rdf_terms import en, label
from .sources import Report, Sources, load_reports, load_sources
from .vocab import ONTOLOGY_FILE


@dataclass(frozen=True)
class GraphSpec:
    name: str
    title_nl: str
    title_en: str
    source: str | None  # key of the source document the graph states, if any
    curated: bool = False
    test_fixture: bool = False  # invented test data (a report folder's report.yaml says so)


#: The graphs every build has; the graph of each report folder stands between reference data and the editors'.
FIXED_BEFORE = (
    GraphSpec("ontologie", "Ontologie", "Ontology", None),
    GraphSpec("vocabulaires", "Begrippenstelsels", "Concept schemes", None),
    GraphSpec("referentie", "Referentiegegevens", "Reference data", None),
)
FIXED_AFTER = (GraphSpec("redactie", "Redactionele afstemmingen", "Curated alignments", None, curated=True),)


def report_spec(report: Report) -> GraphSpec:
    """The graph of a report folder: named by its slug, titled by its report.yaml."""
    title = report.meta.graph
    return GraphSpec(report.slug, title.nl, title.en, report.document.key, test_fixture=report.meta.test_fixture)


def graph_specs(reports: list[Report] | tuple[Report, ...]) -> tuple[GraphSpec, ...]:
    return (*FIXED_BEFORE, *(report_spec(r) for r in reports), *FIXED_AFTER)


def default_graphs(settings: BuildSettings) -> tuple[GraphSpec, ...]:
    """The graphs a build with `settings` makes (its report folders are read for their names and titles)."""
    return graph_specs(load_reports(settings.sources_dir, settings.extra_sources, settings.allow_test_fixtures))


Builder = Callable[[Graph, Iris, Sources], None]


def _describe_graph(g: Graph, iris: Iris, spec: GraphSpec, sources: Sources) -> None:
    node = iris.graph(spec.name)
    label(g, node, spec.title_nl, spec.title_en)
    g.add((node, RDF.type, PROV.Entity))
    if spec.source:
        g.add((node, PROV.wasDerivedFrom, iris.report(sources.documents[spec.source].slug)))
        g.add(
            (
                node,
                DCTERMS.description,
                en("Statements made by this source document, and links found in its text."),
            )
        )
    if spec.test_fixture:
        g.add((node, DCTERMS.description, en("Invented test data, never published.")))
    if spec.curated:
        g.add((node, PROV.wasAttributedTo, iris.organisation("nap-kg-redactie")))
        g.add(
            (
                node,
                DCTERMS.description,
                en("An analyst's judgement, not a statement of the source documents."),
            )
        )


def _parse_ontology(g: Graph, settings: BuildSettings) -> None:
    g.parse(ONTOLOGY_FILE, format="turtle")


def _parse_vocabularies(g: Graph, settings: BuildSettings) -> None:
    for path in sorted((settings.ontology_dir / "vocabularies").glob("*.ttl")):
        g.parse(path, format="turtle", publicID=settings.base_iri)


def _build_curated_graph(g: Graph, iris: Iris, sources: Sources) -> None:
    """The editors' graph: alignments and update links, event links, typed EU-law relations."""
    build_curated(g, iris, sources)
    add_event_links(g, iris, sources)
    build_eu_relations(g, iris, sources)


def build_dataset(settings: BuildSettings, progress: Callable[[str], None] = lambda _: None) -> Dataset:
    """Read the sources and produce the whole dataset, one named graph per GraphSpec."""
    iris = Iris(settings.base_iri)
    sources = load_sources(settings.sources_dir, settings.extra_sources, settings.allow_test_fixtures)
    ds = Dataset()
    context = json.loads((settings.ontology_dir / "context.jsonld").read_text(encoding="utf-8"))
    for prefix, namespace in context["@context"].items():
        ds.bind(prefix, namespace)
    builders: dict[str, Callable[[Graph], None]] = {
        "ontologie": lambda g: _parse_ontology(g, settings),
        "vocabulaires": lambda g: _parse_vocabularies(g, settings),
        "referentie": lambda g: build_reference(g, iris, sources),
        "redactie": lambda g: _build_curated_graph(g, iris, sources),
    }
    for report in sources.reports:
        builders[report.slug] = partial(
            build_letter if report.meta.kind == "letter" else build_report, iris=iris, sources=sources, source=report
        )
    for spec in graph_specs(sources.reports):
        g = ds.graph(iris.graph(spec.name))
        builders[spec.name](g)
        _describe_graph(g, iris, spec, sources)
        progress(f"{spec.name}: {len(g)} triples")
    # Programmes, partners and figures span several graphs (reference, documents, curated): added once all exist.
    build_entities(ds, iris, sources)
    return ds


def graph_names(settings: BuildSettings) -> list[URIRef]:
    iris = Iris(settings.base_iri)
    return [iris.graph(spec.name) for spec in default_graphs(settings)]


def union(ds: Dataset) -> Graph:
    """All named graphs as one graph (the default graph the endpoint serves)."""
    g = Graph()
    for prefix, namespace in ds.namespaces():  # without them rdflib invents ns1, ns2 in encounter order
        g.bind(prefix, namespace)
    for ctx in ds.graphs():
        for triple in ctx:
            g.add(triple)
    return g


__all__ = ["build_dataset", "default_graphs", "graph_names", "graph_specs", "union"]
