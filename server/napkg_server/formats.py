"""The one format registry of the server: every media type it sends or accepts.

Each RDF or SPARQL-results format wraps its pyoxigraph format object, which carries the media
type, the W3C format IRI and the file extension; this module adds only what pyoxigraph does not
know: our ``format=`` key, the extra media types we accept, what a format is for (solutions or a
graph), our label and whether our Content-Type names a charset. The few types pyoxigraph has no
object for (HTML, plain text, JSON, gzip) are the constants below, and the citation formats
(CSL-JSON, BibTeX, RIS) are :data:`CITATION_FORMATS`. It drives content
negotiation, the serialisers, the OpenAPI ``responses`` of ``/sparql``, the
``sd:resultFormat`` list of the service description, dereferencing and downloads.

>>> BY_KEY["ttl"].media_type, BY_KEY["ttl"].content_type, BY_KEY["ttl"].suffix
('text/turtle', 'text/turtle; charset=utf-8', 'ttl')
>>> BY_KEY["csv"].media_type, BY_KEY["json"].suffix
('text/csv', 'srj')
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pyoxigraph import QueryResultsFormat, RdfFormat

# Media types pyoxigraph has no format object for.
HTML_MEDIA_TYPE = "text/html"
XHTML_MEDIA_TYPE = "application/xhtml+xml"
TEXT_MEDIA_TYPE = "text/plain"
JSON_MEDIA_TYPE = "application/json"
GZIP_MEDIA_TYPE = "application/gzip"
OCTET_STREAM_MEDIA_TYPE = "application/octet-stream"
UTF8 = "; charset=utf-8"
HTML_CONTENT_TYPE = HTML_MEDIA_TYPE + UTF8
TEXT_CONTENT_TYPE = TEXT_MEDIA_TYPE + UTF8


class ResultKind(StrEnum):
    """What a query form returns: solutions (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE)."""

    SOLUTIONS = "solutions"
    GRAPH = "graph"


@dataclass(frozen=True)
class MediaFormat:
    """One serialisation: pyoxigraph's format object plus what our wire protocol adds to it."""

    key: str  # the `format=` value, and for graph formats also the URL suffix
    kind: ResultKind
    label: str  # shown on pages and in the OpenAPI document
    serializer: QueryResultsFormat | RdfFormat
    # Our Content-Type names the charset: pyoxigraph does so for CSV and TSV only, and we have
    # always sent it for the XML and Turtle family too; the header must not change.
    charset: bool
    aliases: tuple[str, ...] = ()  # further media types we accept in Accept
    # pyoxigraph 0.5 gives JSON-LD https://www.w3.org/ns/formats/data/JSON-LD; the W3C list of
    # formats (http://www.w3.org/ns/formats/) and our service description use .../JSON-LD.
    iri_override: str | None = None

    @property
    def media_type(self) -> str:
        """The bare media type (pyoxigraph's, without the parameters it adds for CSV and TSV)."""
        return self.serializer.media_type.partition(";")[0].strip()

    @property
    def format_iri(self) -> str:
        """The W3C format IRI (``sd:resultFormat``)."""
        return self.iri_override or self.serializer.iri

    @property
    def suffix(self) -> str:
        """pyoxigraph's file extension: the suffix of documents in this format (``17.ttl``)."""
        return self.serializer.file_extension

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with a charset where the media type takes one."""
        return self.media_type + UTF8 if self.charset else self.media_type


# Order within a kind is the server's preference: the first one answers "Accept: */*".
# Columns: key, kind, label, pyoxigraph format, charset, aliases, IRI override.
# fmt: off
FORMATS: tuple[MediaFormat, ...] = (
    MediaFormat("json", ResultKind.SOLUTIONS, "SPARQL JSON", QueryResultsFormat.JSON, False, (JSON_MEDIA_TYPE,)),
    MediaFormat("xml", ResultKind.SOLUTIONS, "SPARQL XML", QueryResultsFormat.XML, True),
    MediaFormat("csv", ResultKind.SOLUTIONS, "SPARQL CSV", QueryResultsFormat.CSV, True),
    MediaFormat("tsv", ResultKind.SOLUTIONS, "SPARQL TSV", QueryResultsFormat.TSV, True),
    MediaFormat(
        "ttl", ResultKind.GRAPH, "Turtle", RdfFormat.TURTLE, True, ("application/x-turtle", "application/turtle"),
    ),
    MediaFormat("nt", ResultKind.GRAPH, "N-Triples", RdfFormat.N_TRIPLES, False),
    MediaFormat(
        "jsonld", ResultKind.GRAPH, "JSON-LD", RdfFormat.JSON_LD, False, ("application/x-json+ld",),
        "http://www.w3.org/ns/formats/JSON-LD",
    ),
    MediaFormat("rdf", ResultKind.GRAPH, "RDF/XML", RdfFormat.RDF_XML, True),
    MediaFormat("trig", ResultKind.GRAPH, "TriG", RdfFormat.TRIG, True),
    MediaFormat("nq", ResultKind.GRAPH, "N-Quads", RdfFormat.N_QUADS, False),
)
# fmt: on

BY_KEY: dict[str, MediaFormat] = {f.key: f for f in FORMATS}

# The RDF documents of one resource (`/id/plan/nap-2022-2026/actiepunt/17.ttl`), in the order of the Link header.
RESOURCE_KEYS: tuple[str, ...] = ("ttl", "jsonld", "nt", "rdf")

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


@dataclass(frozen=True)
class CitationFormat:
    """A citation format ("cite this"): pyoxigraph has no object for these, so the media type is ours."""

    key: str  # the `format=` value
    label: str
    media_type: str
    suffix: str  # the file extension a download of it is saved with

    @property
    def content_type(self) -> str:
        return self.media_type + UTF8


# The standard media types of the three: CSL-JSON (citationstyles.org), BibTeX and RIS (both in common use,
# unregistered, as reference managers expect them).
CITATION_FORMATS: tuple[CitationFormat, ...] = (
    CitationFormat("csljson", "CSL-JSON", "application/vnd.citationstyles.csl+json", "json"),
    CitationFormat("bibtex", "BibTeX", "application/x-bibtex", "bib"),
    CitationFormat("ris", "RIS", "application/x-research-info-systems", "ris"),
)
CITATION_BY_KEY: dict[str, CitationFormat] = {c.key: c for c in CITATION_FORMATS}


def formats_of(kind: ResultKind) -> tuple[MediaFormat, ...]:
    """The formats for one result kind, in the server's order of preference."""
    return tuple(f for f in FORMATS if f.kind is kind)
