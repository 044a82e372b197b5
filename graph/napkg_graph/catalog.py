"""The DCAT catalog of the dataset itself (dist/catalog.ttl, dist/catalog.jsonld), for open-data portals.

It conforms to DCAT-AP 3 and DCAT-AP-NL 3.0 (tests/graph/test_catalog.py validates it with their official shapes). What
is curated (titles, code-list terms, the contact) comes from graph/sources/catalog.yaml; what only the build knows
comes from publish.py: the byte size and SHA-256 of every dump as written. The catalog files are not distributions
of the dataset, and cannot carry their own checksum, so SHA256SUMS is the only checksum of catalog.ttl itself.

A validator does not fetch vocabularies, so every term the catalog uses (licence, theme, language, ...) is typed
and labelled here, as the shapes' sh:class checks need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from rdflib import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import GEO

from .iris import Iris
from .rdf_terms import date, en, nl, year
from .source_schema import validated
from .sources import SourceError, _yaml
from .vocab import DCATAP, SPDX, VCARD

CATALOG_SOURCE = "catalog.yaml"
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3; rdflib's DCAT namespace is DCAT 2 and lacks it
AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
#: The table each code-list term belongs to, by IRI prefix: (scheme IRI, title). Terms name it with skos:inScheme,
#: as DCAT-AP's code-list (MDR) shapes check.
SCHEMES = {
    f"{AUTHORITY}{table}/": (URIRef(f"{AUTHORITY}{table}"), title)
    for table, title in (
        ("data-theme", "Data theme"),
        ("language", "Language"),
        ("country", "Country"),
        ("access-right", "Access right"),
        ("planned-availability", "Planned availability"),
        ("file-type", "File type"),
    )
} | {
    "http://purl.org/adms/publishertype/": (URIRef("http://purl.org/adms/publishertype/1.0"), "ADMS publisher type"),
    "http://purl.org/adms/licencetype/": (URIRef("http://purl.org/adms/licencetype/1.0"), "ADMS licence type"),
}

REQUIRED = (
    *("issued", "modified", "catalog", "dataset", "service", "publisher", "licence", "access_rights"),
    *("availability", "themes", "languages", "spatial", "standards", "distributions"),
)


@dataclass(frozen=True)
class DumpFile:
    """A file written to dist/, as the catalog describes it."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class CatalogSource:
    """graph/sources/catalog.yaml, with the plan period and the newest document year from documents.yaml."""

    record: dict[str, Any]
    plan_start: int
    plan_end: int

    def __getitem__(self, key: str) -> Any:
        return self.record[key]


def load_catalog_source(sources_dir: Path) -> CatalogSource:
    record = _yaml(sources_dir / CATALOG_SOURCE)
    missing = [key for key in REQUIRED if key not in (record or {})]
    if missing:
        raise SourceError(f"{CATALOG_SOURCE}: missing required field(s) {', '.join(missing)}")
    validated(sources_dir / CATALOG_SOURCE, record)
    documents = _yaml(sources_dir / "documents.yaml")
    reports = [_yaml(path) for path in sorted((sources_dir / "rapporten").glob("*/report.yaml"))]
    newest = max((int(r["document"]["year"]) for r in reports if not r.get("test_fixture")), default=0)
    issued, modified = str(record["issued"]), str(record["modified"])
    if modified < issued or int(modified[:4]) < newest:
        raise SourceError(
            f"{CATALOG_SOURCE}: modified {modified} must not be older than issued {issued} "
            f"or than the newest source document ({newest})"
        )
    plan = next(p for p in documents["plans"] if p["key"] == record["dataset"]["plan"])
    return CatalogSource(record, int(plan["start_year"]), int(plan["end_year"]))


def _labels(g: Graph, node: URIRef, term: dict[str, str], prop: URIRef = RDFS.label) -> None:
    g.add((node, prop, nl(term["nl"])))
    g.add((node, prop, en(term["en"])))


def _term(g: Graph, term: dict[str, str], *classes: URIRef) -> URIRef:
    """A code-list term, typed and labelled; a skos:Concept also names its scheme."""
    node = URIRef(term["iri"])
    for cls in classes:
        g.add((node, RDF.type, cls))
    _labels(g, node, term)
    if SKOS.Concept in classes:
        _labels(g, node, term, SKOS.prefLabel)
        scheme = next(scheme for prefix, (scheme, _) in SCHEMES.items() if term["iri"].startswith(prefix))
        g.add((node, SKOS.inScheme, scheme))
    return node


def _texts(g: Graph, node: URIRef, record: dict[str, Any], key: str, prop: URIRef) -> None:
    g.add((node, prop, nl(record[f"{key}_nl"])))
    g.add((node, prop, en(record[f"{key}_en"])))


def _keywords(g: Graph, node: URIRef, record: dict[str, Any]) -> None:
    for word in record["keywords_nl"]:
        g.add((node, DCAT.keyword, nl(word)))
    for word in record["keywords_en"]:
        g.add((node, DCAT.keyword, en(word)))


@dataclass(frozen=True)
class _Shared:
    """The terms several resources point to, added to the graph once."""

    publisher: URIRef
    contact: URIRef
    licence: URIRef
    access: URIRef
    availability: URIRef
    themes: tuple[URIRef, ...]
    languages: tuple[URIRef, ...]
    spatial: URIRef
    ontology: URIRef
    sparql: URIRef


def _shared(g: Graph, iris: Iris, src: CatalogSource) -> _Shared:
    pub = src["publisher"]
    publisher = iris.organisation("nap-kg-redactie")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, RDF.type, FOAF.Organization))
    _texts(g, publisher, pub, "name", FOAF.name)
    g.add((publisher, DCTERMS.type, _term(g, pub["type"], SKOS.Concept)))
    contact = iris.contact_point()
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(pub["name_en"])))
    g.add((contact, VCARD["organization-name"], nl(pub["name_nl"])))
    g.add((contact, VCARD.hasEmail, URIRef(pub["email"])))

    lic = src["licence"]
    licence = _term(g, lic, DCTERMS.LicenseDocument)
    g.add((licence, DCTERMS.type, _term(g, lic["type"], SKOS.Concept)))
    for same in lic["same_as"]:
        g.add((licence, SKOS.exactMatch, URIRef(same)))

    space = src["spatial"]
    spatial = _term(g, space, DCTERMS.Location, SKOS.Concept)
    g.add((spatial, DCAT.bbox, Literal(space["bbox"], datatype=GEO.wktLiteral)))
    g.add((spatial, DCAT.centroid, Literal(space["centroid"], datatype=GEO.wktLiteral)))

    for scheme, title in SCHEMES.values():
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, DCTERMS.title, en(title)))
    g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))

    standards = src["standards"]
    ontology = _term(g, standards["ontology"], DCTERMS.Standard, FOAF.Document)
    g.add((ontology, DCTERMS.title, en(standards["ontology"]["en"])))
    sparql = _term(g, standards["sparql"], DCTERMS.Standard)
    g.add((sparql, DCTERMS.title, en(standards["sparql"]["en"])))
    return _Shared(
        publisher=publisher,
        contact=contact,
        licence=licence,
        access=_term(g, src["access_rights"], DCTERMS.RightsStatement, SKOS.Concept),
        availability=_term(g, src["availability"], SKOS.Concept),
        themes=tuple(_term(g, t, SKOS.Concept) for t in src["themes"]),
        languages=tuple(_term(g, t, DCTERMS.LinguisticSystem, SKOS.Concept) for t in src["languages"]),
        spatial=spatial,
        ontology=ontology,
        sparql=sparql,
    )


def _governed(g: Graph, node: URIRef, s: _Shared) -> None:
    """What the catalog, the dataset and the service share: who publishes them, whom to ask, in which language."""
    g.add((node, DCTERMS.publisher, s.publisher))
    g.add((node, DCTERMS.creator, s.publisher))
    g.add((node, DCAT.contactPoint, s.contact))
    _languages(g, node, s)


def _languages(g: Graph, node: URIRef, s: _Shared) -> None:
    for language in s.languages:
        g.add((node, DCTERMS.language, language))


def _resource(g: Graph, node: URIRef, cls: URIRef, record: dict[str, Any], s: _Shared) -> None:
    """What the dataset and the data service share: titles, descriptions and keywords, who governs them, their
    identifier, access rights and themes."""
    g.add((node, RDF.type, cls))
    _texts(g, node, record, "title", DCTERMS.title)
    _texts(g, node, record, "description", DCTERMS.description)
    _keywords(g, node, record)
    _governed(g, node, s)
    g.add((node, DCTERMS.identifier, Literal(str(node))))
    g.add((node, DCTERMS.accessRights, s.access))
    for theme in s.themes:
        g.add((node, DCAT.theme, theme))


def _page(g: Graph, iri: str) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, FOAF.Document))
    return node


def _distribution(
    g: Graph,
    iris: Iris,
    src: CatalogSource,
    spec: dict[str, Any],
    dump: DumpFile,
    s: _Shared,
    version: tuple[URIRef, URIRef, str] | None = None,
) -> URIRef:
    """A dump as a distribution; ``version`` (node, download URL, version) for a file of a release
    (catalog_versions.py), which the current endpoint may no longer serve, so it names no access service."""
    node, url, release = version or (iris.distribution(dump.name), iris.download(dump.name), src["modified"])
    g.add((node, RDF.type, DCAT.Distribution))
    _labels(g, node, spec, DCTERMS.title)
    g.add((node, DCTERMS.description, en(f"{spec['en']}: file {dump.name} of the nap-kg release {release}.")))
    g.add((node, DCTERMS.description, nl(f"{spec['nl']}: bestand {dump.name} van nap-kg-uitgave {release}.")))
    g.add((node, DCAT.accessURL, url))
    g.add((node, DCAT.downloadURL, url))
    if version is None:
        # The endpoint serves exactly the data of every dump, so it is each dump's access service too.
        g.add((node, DCAT.accessService, iris.data_service()))
    label = spec["format_label"]
    file_type = {"iri": f"{AUTHORITY}file-type/{spec['format']}", "en": label, "nl": label}
    g.add((node, DCTERMS["format"], _term(g, file_type, DCTERMS.MediaTypeOrExtent, SKOS.Concept)))
    media = {"iri": IANA_MEDIA_TYPES + spec["media_type"], "en": spec["media_type"], "nl": spec["media_type"]}
    g.add((node, DCAT.mediaType, _term(g, media, DCTERMS.MediaType)))
    if "compress" in spec:
        packed = {"iri": IANA_MEDIA_TYPES + spec["compress"], "en": spec["compress"], "nl": spec["compress"]}
        g.add((node, DCAT.compressFormat, _term(g, packed, DCTERMS.MediaType)))
    g.add((node, DCTERMS.license, s.licence))
    g.add((node, DCTERMS.conformsTo, s.ontology))
    g.add((node, DCATAP.availability, s.availability))
    _languages(g, node, s)
    g.add((node, DCTERMS.issued, date(src["issued"])))
    g.add((node, DCTERMS.modified, date(src["modified"])))
    # DCAT-AP 3 requires xsd:nonNegativeInteger here; the catalogue is served as its file, never from the store,
    # so the store's xsd:integer normalisation cannot change it.
    g.add((node, DCAT.byteSize, Literal(str(dump.size), datatype=XSD.nonNegativeInteger)))
    checksum = URIRef(f"{node}#sha256")
    g.add((node, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    return node


def catalog_graph(iris: Iris, src: CatalogSource, dumps: Sequence[DumpFile]) -> Graph:
    """The catalog, its one dataset with a distribution per dump, and the SPARQL endpoint as a data service."""
    g = Graph()
    s = _shared(g, iris, src)
    catalog, dataset, service = iris.catalog(), iris.dataset(), iris.data_service()
    issued, modified = date(src["issued"]), date(src["modified"])

    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(g, catalog, src["catalog"], "title", DCTERMS.title)
    _texts(g, catalog, src["catalog"], "description", DCTERMS.description)
    _governed(g, catalog, s)
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, DCTERMS.license, s.licence))
    g.add((catalog, DCTERMS.spatial, s.spatial))
    g.add((catalog, DCAT.themeTaxonomy, URIRef(f"{AUTHORITY}data-theme")))
    g.add((catalog, FOAF.homepage, _page(g, iris.base + src["catalog"]["homepage"])))
    g.add((catalog, DCTERMS.issued, issued))
    g.add((catalog, DCTERMS.modified, modified))

    record = src["dataset"]
    _resource(g, dataset, DCAT.Dataset, record, s)
    g.add((dataset, DCTERMS.spatial, s.spatial))
    g.add((dataset, DCTERMS.conformsTo, s.ontology))
    g.add((dataset, FOAF.page, s.ontology))
    g.add((dataset, DCAT.landingPage, _page(g, iris.base + record["landing_page"])))
    g.add((dataset, DCTERMS.issued, issued))
    g.add((dataset, DCTERMS.modified, modified))
    g.add((dataset, DCAT_VERSION, Literal(metadata.version("nap-kg"))))
    period = URIRef(f"{dataset}#periode")
    g.add((dataset, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, year(src.plan_start)))
    g.add((period, DCAT.endDate, year(src.plan_end)))
    specs = {spec["file"]: spec for spec in src["distributions"]}
    for dump in dumps:
        g.add((dataset, DCAT.distribution, _distribution(g, iris, src, specs[dump.name], dump, s)))

    _resource(g, service, DCAT.DataService, src["service"], s)
    g.add((service, DCAT.endpointURL, iris.sparql_endpoint()))
    # Without a query the endpoint answers with its SPARQL service description.
    g.add((service, DCAT.endpointDescription, iris.sparql_endpoint()))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.license, s.licence))
    g.add((service, DCTERMS.conformsTo, s.sparql))
    return g


def distribution_files(src: CatalogSource) -> tuple[str, ...]:
    """The dumps the catalog lists, in catalog.yaml order."""
    return tuple(spec["file"] for spec in src["distributions"])
