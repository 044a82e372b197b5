"""The catalog of a release: the dataset with every version so far (DCAT 3 versioning, as DCAT-AP 3 admits it).

The dataset (``id/dataset/nap-kg``) keeps its distributions (the current dumps under ``/downloads/``) and gains
``dcat:version`` (the newest release), ``dcat:hasCurrentVersion`` and ``dcat:hasVersion`` for each release. Each
release is a ``dcat:Dataset`` of its own at its release IRI (``releases/{version}``) with ``dcat:version``,
``dcat:previousVersion``, ``dcterms:isVersionOf``, ``adms:versionNotes`` (the changelog's counts, in Dutch and
English), ``dcterms:issued`` and its own distributions (the files of its folder, with size and SHA-256), so a
portal harvests every version as a dataset with checksums. The catalog lists all of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import DCAT, DCTERMS, FOAF, RDF, RDFS, Graph, Literal, URIRef

from .catalog import (
    DCAT_VERSION,
    CatalogSource,
    DumpFile,
    _distribution,
    _page,
    _resource,
    _Shared,
    _shared,
    catalog_graph,
)
from .changelog import Diff
from .changelog_rdf import changelog_summary
from .config import DATA_DIR
from .iris import Iris
from .publish import CATALOG, CATALOG_JSONLD, _jsonld, _turtle
from .rdf_terms import date, en, nl, year
from .release_record import Release
from .vocab import ADMS

#: The change feed as a data service. Its texts live here, not in catalog.yaml, because only a release has a feed.
FEED_SERVICE = {
    "title_nl": "Wijzigingsfeed van nap-kg (LDES)",
    "title_en": "nap-kg change feed (LDES)",
    "description_nl": "Linked Data Event Stream van de wijzigingen tussen de uitgaven van nap-kg: per uitgave één lid "
    "per gewijzigde bron (cs:ChangeSet met de toegevoegde en verwijderde beweringen), gepagineerd met TREE-relaties.",
    "description_en": "Linked Data Event Stream of the changes between the releases of nap-kg: per release one member "
    "per changed resource (a cs:ChangeSet with the statements added and removed), paginated with TREE relations.",
    "keywords_nl": ["LDES", "wijzigingen", "linked data"],
    "keywords_en": ["LDES", "changes", "linked data"],
}
LDES_SPECIFICATION = URIRef("https://w3id.org/ldes/specification")
HAS_CURRENT_VERSION = URIRef(f"{DCAT}hasCurrentVersion")
HAS_VERSION = URIRef(f"{DCAT}hasVersion")
PREVIOUS_VERSION = URIRef(f"{DCAT}previousVersion")


def version_notes(summary: dict[str, Any]) -> tuple[str, str]:
    """The changelog's counts in a sentence each, Dutch and English."""
    version = summary["version"]
    if summary["previous"] is None:
        n = summary["quads_after"]
        return (
            f"Versie {version}: eerste uitgave, {n:,} beweringen.",
            f"Version {version}: first release, {n:,} statements.",
        )
    added = sum(g["added"] for g in summary["graphs"])
    removed = sum(g["removed"] for g in summary["graphs"])
    graphs = len(summary["graphs"])
    kinds_nl = ", ".join(f"{k['nl']}: {k['count']}" for k in summary["kinds"])
    kinds_en = ", ".join(f"{k['en']}: {k['count']}" for k in summary["kinds"])
    return (
        f"Versie {version} (vorige: {summary['previous']}): {added} beweringen toegevoegd en {removed} verwijderd "
        f"in {graphs} benoemde graaf/grafen; gewijzigde bronnen per soort: {kinds_nl}.",
        f"Version {version} (previous: {summary['previous']}): {added} statements added and {removed} removed "
        f"in {graphs} named graph(s); changed resources per kind: {kinds_en}.",
    )


def _release_service(g: Graph, src: CatalogSource, release: URIRef, version: str, s: _Shared) -> URIRef:
    """The SPARQL endpoint of one release, ``/releases/{version}/sparql``."""
    node = URIRef(f"{release}/dienst/sparql")
    record = dict(src["service"])
    record["title_nl"] = f"{record['title_nl']}, versie {version}"
    record["title_en"] = f"{record['title_en']}, version {version}"
    _resource(g, node, DCAT.DataService, record, s)
    g.add((node, DCAT.endpointURL, URIRef(f"{release}/sparql")))
    g.add((node, DCAT.endpointDescription, URIRef(f"{release}/sparql")))
    g.add((node, DCAT.servesDataset, release))
    g.add((node, DCTERMS.license, s.licence))
    g.add((node, DCTERMS.conformsTo, s.sparql))
    return node


def _feed_service(g: Graph, iris: Iris, dataset: URIRef, s: _Shared) -> URIRef:
    """The LDES change feed, ``/feed/``."""
    node = iris.id("dienst/ldes")
    _resource(g, node, DCAT.DataService, FEED_SERVICE, s)
    g.add((node, DCAT.endpointURL, URIRef(f"{iris.base}feed/")))
    g.add((node, DCAT.endpointDescription, LDES_SPECIFICATION))
    g.add((node, DCAT.servesDataset, dataset))
    g.add((node, DCTERMS.license, s.licence))
    g.add((node, DCTERMS.conformsTo, LDES_SPECIFICATION))
    g.add((LDES_SPECIFICATION, RDF.type, DCTERMS.Standard))
    g.add((LDES_SPECIFICATION, DCTERMS.title, en("Linked Data Event Streams specification")))
    g.add((LDES_SPECIFICATION, RDFS.label, en("Linked Data Event Streams specification")))
    g.add((LDES_SPECIFICATION, RDFS.label, nl("Specificatie Linked Data Event Streams")))
    return node


def _summary(release: Release, current: Release, diff: Diff) -> dict[str, Any]:
    if release.version == current.version:
        return changelog_summary(release.version, release.previous, release.issued, diff)
    data: dict[str, Any] = json.loads((release.folder / "changelog.json").read_text("utf-8"))
    return data


def versioned_catalog(
    base_iri: str, src: CatalogSource, history: Sequence[Release], diff: Diff, dist: Path
) -> dict[str, bytes]:
    """catalog.ttl and catalog.jsonld of the newest release in ``history`` (oldest first; ``diff`` is its changes)."""
    iris = Iris(base_iri)
    current = history[-1]
    names = [spec["file"] for spec in src["distributions"]]
    dumps = [DumpFile(name, *current.files[name]) for name in names if name in current.files]
    g = catalog_graph(iris, src, dumps)
    s = _shared(g, iris, src)
    dataset, catalog = iris.dataset(), iris.catalog()
    g.remove((dataset, DCAT_VERSION, None))  # the package's version; the data's version is the release's
    g.add((dataset, DCAT_VERSION, Literal(current.version)))
    specs = {spec["file"]: spec for spec in src["distributions"]}
    for release in history:
        node = URIRef(release.iri(base_iri))
        g.add((catalog, DCAT.dataset, node))
        g.add((dataset, HAS_VERSION, node))
        record = dict(src["dataset"])
        record["title_nl"] = f"{record['title_nl']}, versie {release.version}"
        record["title_en"] = f"{record['title_en']}, version {release.version}"
        _resource(g, node, DCAT.Dataset, record, s)
        g.add((node, DCTERMS.isVersionOf, dataset))
        g.add((node, DCAT_VERSION, Literal(release.version)))
        if release.previous:
            g.add((node, PREVIOUS_VERSION, URIRef(f"{base_iri}releases/{release.previous}")))
        notes_nl, notes_en = version_notes(_summary(release, current, diff))
        g.add((node, ADMS.versionNotes, nl(notes_nl)))
        g.add((node, ADMS.versionNotes, en(notes_en)))
        g.add((node, DCTERMS.issued, date(release.issued[:10])))
        g.add((node, DCTERMS.modified, date(release.issued[:10])))
        g.add((node, DCTERMS.spatial, s.spatial))
        g.add((node, DCTERMS.conformsTo, s.ontology))
        g.add((node, DCAT.landingPage, _page(g, str(node))))  # the release's page, /releases/{version}
        g.add((node, FOAF.page, s.ontology))
        service = _release_service(g, src, node, release.version, s)
        g.add((catalog, DCAT.service, service))
        period = URIRef(f"{node}#periode")
        g.add((node, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, year(src.plan_start)))
        g.add((period, DCAT.endDate, year(src.plan_end)))
        for name in specs:
            if name not in release.files:
                continue
            size, digest = release.files[name]
            file_node = URIRef(f"{node}/distributie/{name}")
            url = URIRef(f"{node}/{name}")
            dist_node = _distribution(
                g, iris, src, specs[name], DumpFile(name, size, digest), s, (file_node, url, release.version)
            )
            g.add((dist_node, DCAT.accessService, service))
            g.add((node, DCAT.distribution, dist_node))
    g.add((dataset, HAS_CURRENT_VERSION, URIRef(current.iri(base_iri))))
    g.add((catalog, DCAT.service, _feed_service(g, iris, dataset, s)))
    context = json.loads((DATA_DIR / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    return {CATALOG: _turtle(g, context), CATALOG_JSONLD: _jsonld(g, context)}
