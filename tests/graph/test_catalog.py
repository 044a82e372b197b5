"""dist/catalog.ttl: a DCAT catalog of the dataset that open-data portals accept. Validated with the official
DCAT-AP 3.0.1 and DCAT-AP-NL 3.0 shapes (tests/vendor/dcat-shapes, copied verbatim with their licences; see its
README for which files are violations and which are warnings), and checked against the files it describes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import rdflib.namespace
from napkg_graph.catalog import CATALOG_SOURCE, DumpFile, catalog_graph, load_catalog_source
from napkg_graph.config import BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish import CATALOG, CATALOG_JSONLD, VOID
from napkg_graph.shacl.report import Report
from napkg_graph.shacl.validate import check
from napkg_graph.sources import SourceError
from napkg_graph.vocab import SPDX
from rdflib import DCTERMS, RDF, Graph, Literal, Namespace, URIRef
from rdflib import VOID as VOID_NS
from rdflib.compare import graph_diff, isomorphic

# Open copies of rdflib's closed DCAT and XSD: pytest probes every module global, which makes those warn.
DCAT = Namespace(str(rdflib.namespace.DCAT))
XSD = Namespace(str(rdflib.namespace.XSD))

SHAPES = Path(__file__).parents[1] / "vendor" / "dcat-shapes"
DCAT_AP = SHAPES / "dcat-ap-3.0.1"
DCAT_AP_NL = SHAPES / "dcat-ap-nl-3.0"
VIOLATION_SHAPES = [
    DCAT_AP / "split-shapes.ttl",
    DCAT_AP / "split-range.ttl",
    *sorted(p for p in DCAT_AP_NL.glob("dcat-ap-nl-SHACL*.ttl") if not p.stem.endswith("-aanbevolen")),
]
WARNING_SHAPES = [
    DCAT_AP / "split-shapes_recommended.ttl",
    DCAT_AP / "split-deprecateduris.ttl",
    DCAT_AP_NL / "dcat-ap-nl-SHACL-aanbevolen.ttl",
]


def _shapes(paths: list[Path]) -> Graph:
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


def _validate(data: Graph, paths: list[Path]) -> Report:
    # The official DCAT-AP shapes use sh:node, sh:or and more that nap-kg's fast engine leaves to pySHACL.
    return check(data, _shapes(paths), engine="pyshacl")


@pytest.fixture(scope="module")
def catalog(built: BuildResult, settings: BuildSettings) -> Graph:
    return Graph().parse(settings.dist / CATALOG, format="turtle")


def test_shape_files_are_the_ones_the_readme_names() -> None:
    assert len(VIOLATION_SHAPES) == 5, VIOLATION_SHAPES  # 2 DCAT-AP + dcat-ap-nl-SHACL{,-klassebereik,-codelijsten}
    for path in VIOLATION_SHAPES + WARNING_SHAPES:
        assert path.is_file(), path


def test_catalog_has_no_violations_of_dcat_ap_3_and_dcat_ap_nl(catalog: Graph) -> None:
    report = _validate(catalog, VIOLATION_SHAPES)
    assert report.violations == [], report.render()


def test_catalog_has_no_warnings_of_the_recommended_shapes(catalog: Graph) -> None:
    report = _validate(catalog, WARNING_SHAPES)
    print(f"recommended shapes: {len(report.violations)} violation(s), {len(report.warnings)} warning(s)")
    assert report.findings == [], report.render()


def _drop(catalog: Graph, cls: URIRef, prop: URIRef) -> Graph:
    broken = Graph()
    broken += catalog
    focus = next(iter(sorted(catalog.subjects(RDF.type, cls))))
    broken.remove((focus, prop, None))
    return broken


@pytest.mark.parametrize(
    ("cls", "prop", "shapes", "shape"),
    [
        (DCAT.Dataset, DCTERMS.title, [DCAT_AP / "split-shapes.ttl"], "Dataset_Shape"),
        (DCAT.Distribution, DCAT.accessURL, [DCAT_AP / "split-shapes.ttl"], "Distribution_Shape"),
        (DCAT.DataService, DCAT.endpointURL, [DCAT_AP / "split-shapes.ttl"], "DataService_Shape"),
        (DCAT.Distribution, DCTERMS.license, [DCAT_AP_NL / "dcat-ap-nl-SHACL.ttl"], "DistributionShape"),
        (DCAT.Dataset, DCTERMS.accessRights, [DCAT_AP_NL / "dcat-ap-nl-SHACL.ttl"], "DatasetShape"),
        (DCAT.Catalog, DCAT.contactPoint, [DCAT_AP_NL / "dcat-ap-nl-SHACL.ttl"], "CatalogShape"),
    ],
    ids=["dataset-title", "distribution-url", "service-endpoint", "nl-licence", "nl-access-rights", "nl-contact"],
)
def test_a_catalog_without_a_required_property_fails_the_official_shapes(
    catalog: Graph, cls: URIRef, prop: URIRef, shapes: list[Path], shape: str
) -> None:
    report = _validate(_drop(catalog, cls, prop), shapes)
    local = str(prop).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    # Paths are printed with the shapes' own prefixes (dct: in DCAT-AP, dcterms: here): compare local names.
    assert any(f.path.endswith(f":{local}") and shape in f.shape for f in report.violations), report.render()


def test_a_licence_that_is_not_typed_fails_the_range_shapes(catalog: Graph) -> None:
    broken = Graph()
    broken += catalog
    licence = URIRef("https://definities.geostandaarden.nl/dcat-ap-nl/id/waardelijst/licenties/cc0")
    broken.remove((licence, RDF.type, None))
    report = _validate(broken, [DCAT_AP / "split-range.ttl"])
    assert any(f.path.endswith(":license") for f in report.violations), report.render()


def _distributions(catalog: Graph) -> dict[str, URIRef]:
    """File name (the last segment of its download URL) -> distribution."""
    found = {}
    for dist in catalog.subjects(RDF.type, DCAT.Distribution):
        url = catalog.value(dist, DCAT.downloadURL)
        found[str(url).rsplit("/", 1)[-1]] = dist
    return found


def test_every_dump_is_a_distribution_with_its_real_size_and_checksum(catalog: Graph, settings: BuildSettings) -> None:
    dist = _distributions(catalog)
    assert set(dist) == {p.name for p in settings.dist.glob("nap-kg.*")}
    for name, node in dist.items():
        data = (settings.dist / name).read_bytes()
        assert catalog.value(node, DCAT.byteSize) == Literal(str(len(data)), datatype=XSD.nonNegativeInteger)
        checksum = catalog.value(node, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert str(catalog.value(node, DCAT.downloadURL)) == f"{settings.base_iri}downloads/{name}"


def test_catalog_void_and_endpoint_name_the_same_dataset(catalog: Graph, settings: BuildSettings) -> None:
    iris = Iris(settings.base_iri)
    void = Graph().parse(settings.dist / VOID, format="turtle")
    assert set(catalog.subjects(RDF.type, DCAT.Dataset)) == {iris.dataset()}
    assert set(void.subjects(VOID_NS.sparqlEndpoint, None)) == {iris.dataset()}
    service = catalog.value(None, DCAT.servesDataset, iris.dataset())
    assert catalog.value(service, DCAT.endpointURL) == URIRef(f"{settings.base_iri}sparql")
    assert void.value(iris.dataset(), VOID_NS.sparqlEndpoint) == URIRef(f"{settings.base_iri}sparql")


def test_dates_are_well_formed(catalog: Graph) -> None:
    # The split DCAT-AP shapes never check the format of Dataset dates (see the shapes' README), so check here.
    dates = [o for p in (DCTERMS.issued, DCTERMS.modified) for o in catalog.objects(None, p)]
    assert dates
    for value in dates:
        assert isinstance(value, Literal) and value.datatype == XSD.date and not value.ill_typed, value


def test_jsonld_is_the_same_catalog_with_the_shipped_context(catalog: Graph, settings: BuildSettings) -> None:
    doc = json.loads((settings.dist / CATALOG_JSONLD).read_text(encoding="utf-8"))
    shipped = json.loads((settings.root / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == shipped["@context"]
    from_jsonld = Graph().parse(settings.dist / CATALOG_JSONLD, format="json-ld")
    if not isomorphic(from_jsonld, catalog):
        _, only_jsonld, only_ttl = graph_diff(from_jsonld, catalog)
        pytest.fail(f"only in JSON-LD: {sorted(only_jsonld)[:5]}\nonly in Turtle: {sorted(only_ttl)[:5]}")


def test_catalog_follows_the_base_iri(settings: BuildSettings) -> None:
    base = "https://example.org/kg/"
    source = load_catalog_source(settings.sources_dir)
    g = catalog_graph(Iris(base), source, [DumpFile("nap-kg.trig", 1, "00" * 32)])
    ours = {str(t) for triple in g for t in triple if str(t).startswith("https://w3id.org/nap-kg/")}
    assert ours == {"https://w3id.org/nap-kg/def"}, "only the ontology IRI is fixed"
    assert (URIRef(f"{base}id/dienst/sparql"), DCAT.endpointURL, URIRef(f"{base}sparql")) in g


def test_modified_older_than_the_newest_source_document_is_refused(settings: BuildSettings, tmp_path: Path) -> None:
    for name in (CATALOG_SOURCE, "documents.yaml"):
        shutil.copy(settings.sources_dir / name, tmp_path / name)
    for report in (settings.sources_dir / "rapporten").glob("*/report.yaml"):  # the documents' years
        (tmp_path / "rapporten" / report.parent.name).mkdir(parents=True)
        shutil.copy(report, tmp_path / "rapporten" / report.parent.name / "report.yaml")
    path = tmp_path / CATALOG_SOURCE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"2026-11-23"', '"2024-01-01"'), encoding="utf-8")  # issued and modified
    with pytest.raises(SourceError, match="newest source document"):
        load_catalog_source(tmp_path)


def test_a_catalog_source_without_a_required_field_is_named(settings: BuildSettings, tmp_path: Path) -> None:
    shutil.copy(settings.sources_dir / "documents.yaml", tmp_path / "documents.yaml")
    text = (settings.sources_dir / CATALOG_SOURCE).read_text(encoding="utf-8")
    (tmp_path / CATALOG_SOURCE).write_text(text.replace("\nlicence:", "\nlicense:"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"catalog\.yaml: missing required field\(s\) licence$"):
        load_catalog_source(tmp_path)
