"""The SPARQL 1.1 Service Description of ``/sparql`` and its HTML page for browsers.

The description is built per request because ``sd:endpoint`` must be the endpoint
IRI as the client reached it; it is serialised with pyoxigraph like query results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from napkg_graph.iris import Iris
from napkg_graph.vocab import NAP, SD
from pyoxigraph import BlankNode, Literal, NamedNode, Triple, serialize
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD

from napkg_server.data.store import DatasetInfo, read_query
from napkg_server.formats import FORMATS, HTML_MEDIA_TYPE, MediaFormat, ResultKind
from napkg_server.http.negotiation import best_choice, format_candidates
from napkg_server.templating import make_environment

HTML_PAGE = "html"
PREFIXES = {
    "sd": str(SD),
    "nap": str(NAP),
    "void": str(VOID),
    "dcterms": str(DCTERMS),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
}

UNION_DEFAULT_GRAPH_TEXT = (
    "Unless a request names its dataset (default-graph-uri / named-graph-uri, or "
    "FROM / FROM NAMED in the query), the default graph is the union of all named "
    "graphs plus the store's default graph, as a set (an RDF merge): a triple stated in several "
    "graphs matches once. Graph IRIs are never dereferenced."
)
TEXT_SEARCH_TEXT = (
    'Full-text search as a property function: ?s nap:textSearch "words" binds the subjects of the texts (plain '
    "or language-tagged strings) that contain every word in any inflection (Dutch or English stemming), ignoring "
    "case and diacritics; (?s ?score) and (?s ?score ?text) as subject also bind the BM25 score (xsd:decimal, "
    'higher is better) and the matching literal. "quoted phrase" and prefix* are understood; an object '
    '([predicate] "words"[@lang] [limit]) restricts the predicate, the language and the number of hits (10000 by '
    "default). The pattern is replaced by the hits (VALUES) before the query runs."
)


def _iri(term: object) -> NamedNode:
    return NamedNode(str(term))


def _english(text: str) -> Literal:
    return Literal(text, language="en")


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=_iri(XSD.integer))


LDES_EVENT_STREAM = "https://w3id.org/ldes#EventStream"


@dataclass(frozen=True)
class ReleasesServed:
    """The releases this server offers (``/releases/``): their versions, the one served at ``/sparql`` (None when
    the data is no release) and the IRI of the change feed's event stream."""

    versions: tuple[str, ...]
    current: str | None
    stream: str


@dataclass(frozen=True)
class PublishedIdentity:
    """The IRIs the DCAT catalog and VoID give the endpoint and the dataset, so all three name the same things."""

    service: str
    dataset: str


def published_identity(base_iri: str, dist: Path | None) -> PublishedIdentity | None:
    """The catalog's IRIs when the server serves the built nap-kg dataset (its dist/ has a catalog), else None."""
    if dist is None or not (dist / "catalog.ttl").is_file():
        return None
    iris = Iris(base_iri)  # the one place the IRI scheme lives
    return PublishedIdentity(service=str(iris.data_service()), dataset=str(iris.dataset()))


def release_triples(service: NamedNode | BlankNode, endpoint: str, releases: ReleasesServed) -> list[Triple]:
    """Where the releases' own endpoints and the LDES change feed are (napkg_server.web.releases, feed)."""
    root = endpoint.rsplit("/", 1)[0] + "/"  # the server's root, as the client reached the endpoint
    a = _iri(RDF.type)
    current = f"release {releases.current}" if releases.current else "data that is no release"
    triples = [
        Triple(
            service,
            _iri(DCTERMS.description),
            _english(
                f"This endpoint serves the current data ({current}). Each release answers at its own endpoint, "
                f"{root}releases/{{version}}/sparql; the changes between releases are a Linked Data Event Stream "
                f"at {root}feed/."
            ),
        ),
        Triple(service, _iri(RDFS.seeAlso), NamedNode(releases.stream)),
        Triple(NamedNode(releases.stream), a, NamedNode(LDES_EVENT_STREAM)),
    ]
    for version in releases.versions:
        other = NamedNode(f"{root}releases/{version}/sparql")
        triples += [
            Triple(service, _iri(RDFS.seeAlso), other),
            Triple(other, a, _iri(SD.Service)),
            Triple(other, _iri(SD.endpoint), other),
            Triple(other, _iri(DCTERMS.description), _english(f"SPARQL endpoint of nap-kg release {version}.")),
        ]
    return triples


def description_triples(
    endpoint: str,
    info: DatasetInfo,
    timeout: float,
    identity: PublishedIdentity | None = None,
    releases: ReleasesServed | None = None,
) -> list[Triple]:
    """The sd:Service of ``endpoint`` with its default dataset and its formats (and the releases, when any)."""
    service: NamedNode | BlankNode = NamedNode(identity.service) if identity else BlankNode()
    dataset: NamedNode | BlankNode = NamedNode(identity.dataset) if identity else BlankNode()
    default_graph = BlankNode()
    a = _iri(RDF.type)
    triples = [
        Triple(service, a, _iri(SD.Service)),
        Triple(service, _iri(SD.endpoint), NamedNode(endpoint)),
        Triple(service, _iri(SD.supportedLanguage), _iri(SD.SPARQL11Query)),
        Triple(service, _iri(SD.feature), _iri(SD.UnionDefaultGraph)),
        Triple(
            service,
            _iri(DCTERMS.description),
            _english(
                f"Read-only SPARQL 1.1 query endpoint of nap-kg. {UNION_DEFAULT_GRAPH_TEXT} "
                f"Queries are stopped after {timeout:g} s; SPARQL Update and SERVICE are "
                "not available."
            ),
        ),
        Triple(service, _iri(SD.defaultDataset), dataset),
        Triple(dataset, a, _iri(SD.Dataset)),
        Triple(dataset, _iri(SD.defaultGraph), default_graph),
        Triple(default_graph, a, _iri(SD.Graph)),
        Triple(default_graph, _iri(VOID.triples), _count(info.union_default_graph_triples)),
        Triple(default_graph, _iri(DCTERMS.description), _english(UNION_DEFAULT_GRAPH_TEXT)),
    ]
    triples += [Triple(service, _iri(SD.resultFormat), NamedNode(f.format_iri)) for f in FORMATS]
    # Full-text search (napkg_server.engine.text_search): a property function, described as SPARQL 1.1 SD allows.
    text_search = _iri(NAP.textSearch)
    triples += [
        Triple(service, _iri(SD.extensionFunction), text_search),
        Triple(text_search, a, _iri(SD.Function)),
        Triple(text_search, _iri(DCTERMS.description), _english(TEXT_SEARCH_TEXT)),
    ]
    if releases is not None:
        triples += release_triples(service, endpoint, releases)
    for stats in info.named_graphs:
        named, graph = BlankNode(), BlankNode()
        triples += [
            Triple(dataset, _iri(SD.namedGraph), named),
            Triple(named, a, _iri(SD.NamedGraph)),
            Triple(named, _iri(SD.name), NamedNode(stats.name)),
            Triple(named, _iri(SD.graph), graph),
            Triple(graph, a, _iri(SD.Graph)),
            Triple(graph, _iri(VOID.triples), _count(stats.triples)),
        ]
    return triples


def choose_description_format(accept: str | None) -> MediaFormat | str | None:
    """An RDF format (Turtle unless asked otherwise), ``"html"`` for the page, or None."""
    candidates: list[tuple[str, MediaFormat | str]] = [
        *format_candidates(ResultKind.GRAPH),
        (HTML_MEDIA_TYPE, HTML_PAGE),
    ]
    return best_choice(accept, candidates)


def render_description(
    endpoint: str,
    info: DatasetInfo,
    timeout: float,
    fmt: MediaFormat,
    identity: PublishedIdentity | None = None,
    releases: ReleasesServed | None = None,
) -> bytes:
    triples = description_triples(endpoint, info, timeout, identity, releases)
    return serialize(triples, format=fmt.serializer, prefixes=PREFIXES) or b""  # type: ignore[arg-type]


def render_page(endpoint: str, info: DatasetInfo, timeout: float, version: str) -> str:
    """A plain HTML page: what is served, and a form that sends a query to ``endpoint``."""
    return (
        make_environment()
        .get_template("sparql.html")
        .render(
            endpoint=endpoint,
            version=version,
            timeout=f"{timeout:g}",
            union_triples=info.union_default_graph_triples,
            graphs=info.named_graphs,
            formats=FORMATS,
            example_query=read_query("example"),
            union_text=UNION_DEFAULT_GRAPH_TEXT,
        )
    )
