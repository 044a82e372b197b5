"""The one table of media types that ``/sparql`` speaks.

It drives content negotiation, the serialisers (pyoxigraph's own), the OpenAPI
``responses`` of ``/sparql`` and the ``sd:resultFormat`` list of the service description.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pyoxigraph import QueryResultsFormat, RdfFormat

W3C_FORMATS = "http://www.w3.org/ns/formats/"


class ResultKind(StrEnum):
    """What a query form returns: solutions (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE)."""

    SOLUTIONS = "solutions"
    GRAPH = "graph"


@dataclass(frozen=True)
class MediaFormat:
    """One serialisation: its ``format=`` key, media type, and pyoxigraph serialiser."""

    key: str
    media_type: str
    kind: ResultKind
    label: str
    serializer: QueryResultsFormat | RdfFormat
    format_iri: str
    charset: bool
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with a charset where the media type takes one."""
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


# Order within a kind is the server's preference: the first one answers "Accept: */*".
# Columns: key, media type, kind, label, serialiser, W3C format IRI, charset, aliases.
# fmt: off
FORMATS: tuple[MediaFormat, ...] = (
    MediaFormat(
        "json", "application/sparql-results+json", ResultKind.SOLUTIONS, "SPARQL JSON",
        QueryResultsFormat.JSON, W3C_FORMATS + "SPARQL_Results_JSON", False,
        ("application/json",),
    ),
    MediaFormat(
        "xml", "application/sparql-results+xml", ResultKind.SOLUTIONS, "SPARQL XML",
        QueryResultsFormat.XML, W3C_FORMATS + "SPARQL_Results_XML", True,
    ),
    MediaFormat(
        "csv", "text/csv", ResultKind.SOLUTIONS, "SPARQL CSV",
        QueryResultsFormat.CSV, W3C_FORMATS + "SPARQL_Results_CSV", True,
    ),
    MediaFormat(
        "tsv", "text/tab-separated-values", ResultKind.SOLUTIONS, "SPARQL TSV",
        QueryResultsFormat.TSV, W3C_FORMATS + "SPARQL_Results_TSV", True,
    ),
    MediaFormat(
        "ttl", "text/turtle", ResultKind.GRAPH, "Turtle",
        RdfFormat.TURTLE, W3C_FORMATS + "Turtle", True,
        ("application/x-turtle", "application/turtle"),
    ),
    MediaFormat(
        "nt", "application/n-triples", ResultKind.GRAPH, "N-Triples",
        RdfFormat.N_TRIPLES, W3C_FORMATS + "N-Triples", False,
    ),
    MediaFormat(
        "jsonld", "application/ld+json", ResultKind.GRAPH, "JSON-LD",
        RdfFormat.JSON_LD, W3C_FORMATS + "JSON-LD", False,
        ("application/x-json+ld",),
    ),
    MediaFormat(
        "rdf", "application/rdf+xml", ResultKind.GRAPH, "RDF/XML",
        RdfFormat.RDF_XML, W3C_FORMATS + "RDF_XML", True,
    ),
    MediaFormat(
        "trig", "application/trig", ResultKind.GRAPH, "TriG",
        RdfFormat.TRIG, W3C_FORMATS + "TriG", True,
    ),
    MediaFormat(
        "nq", "application/n-quads", ResultKind.GRAPH, "N-Quads",
        RdfFormat.N_QUADS, W3C_FORMATS + "N-Quads", False,
    ),
)
# fmt: on

BY_KEY: dict[str, MediaFormat] = {f.key: f for f in FORMATS}

# Names people (and SPARQLWrapper) put in `format=`; "json"/"xml" mean the form's own kind.
FORMAT_PARAMETER_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdf"),
    "csv": ("csv",),
    "tsv": ("tsv",),
    "ttl": ("ttl",),
    "turtle": ("ttl",),
    "n3": ("ttl",),
    "nt": ("nt",),
    "ntriples": ("nt",),
    "n-triples": ("nt",),
    "jsonld": ("jsonld",),
    "json-ld": ("jsonld",),
    "rdf": ("rdf",),
    "rdfxml": ("rdf",),
    "rdf+xml": ("rdf",),
    "rdf/xml": ("rdf",),
    "trig": ("trig",),
    "nq": ("nq",),
    "nquads": ("nq",),
    "n-quads": ("nq",),
}

HTML_MEDIA_TYPE = "text/html"


def formats_of(kind: ResultKind) -> tuple[MediaFormat, ...]:
    """The formats for one result kind, in the server's order of preference."""
    return tuple(f for f in FORMATS if f.kind is kind)
