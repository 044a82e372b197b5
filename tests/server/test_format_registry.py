"""The one format registry (issue 14, item 7): media types, IRIs and suffixes come from pyoxigraph's
format objects, and no other module of the packages spells a media type the registry names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import napkg_cli
import napkg_graph
import napkg_server
import pytest
from napkg_graph import publish
from napkg_server import formats
from napkg_server.data.store import EXTENSION_FORMATS
from napkg_server.formats import BY_KEY, FORMATS, RESOURCE_KEYS, ResultKind
from napkg_server.web.downloads import MEDIA_TYPES
from napkg_server.web.resources import SUFFIXES
from pyoxigraph import QueryResultsFormat, RdfFormat

from tests.support.code_literals import literals_outside_docstrings

PACKAGES = [Path(package.__file__).parent for package in (napkg_server, napkg_graph, napkg_cli)]
REGISTRY = Path(formats.__file__)

# Every media type the registry names: the formats', their aliases, and the constants for HTML and text.
REGISTERED = (
    {f.media_type for f in FORMATS}
    | {a for f in FORMATS for a in f.aliases}
    | {c.media_type for c in formats.CITATION_FORMATS}
    | {
        formats.HTML_MEDIA_TYPE,
        formats.XHTML_MEDIA_TYPE,
        formats.TEXT_MEDIA_TYPE,
        formats.JSON_MEDIA_TYPE,
        formats.GZIP_MEDIA_TYPE,
    }
)
# Modules that still spell registered media types, each pinned to exactly those it spells: they belong to
# other engineers' work in progress (issue 14); moving them onto the registry empties this table.
MEDIA_TYPE = re.compile(r"[a-z]+/[a-z0-9.+-]+")


def media_types_in(source: str) -> set[str]:
    """The registered media types that the code's literals spell (in a header value or alone)."""
    found = set()
    for _, text in literals_outside_docstrings(ast.parse(source)):
        found |= {m for m in MEDIA_TYPE.findall(text.lower()) if m in REGISTERED}
    return found


def test_the_check_finds_media_types() -> None:
    assert media_types_in('ACCEPT = "application/sparql-results+json, text/turtle"') == {
        "application/sparql-results+json",
        "text/turtle",
    }
    assert media_types_in('H = {"Content-Type": "text/html; charset=utf-8"}') == {"text/html"}
    assert media_types_in('if t.startswith(b"text/html"): pass') == {"text/html"}
    assert media_types_in('def f():\n    """Sends ``text/turtle``."""\n    return "application/n-quads"') == {
        "application/n-quads"
    }
    assert media_types_in('SPARQL_QUERY = "application/sparql-query"') == set()


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in package.rglob("*.py") if p != REGISTRY)


@pytest.mark.parametrize("module", _modules(), ids=lambda p: "/".join(p.parts[-3:]))
def test_no_media_type_outside_the_registry(module: Path) -> None:
    assert media_types_in(module.read_text("utf-8")) == set()


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.key)
def test_media_type_iri_and_suffix_are_pyoxigraphs(fmt: formats.MediaFormat) -> None:
    pyoxigraph_type = fmt.serializer.media_type
    # pyoxigraph names the charset of CSV and TSV in the media type; ours is in content_type.
    assert fmt.media_type == pyoxigraph_type.split(";")[0]
    assert pyoxigraph_type in (fmt.media_type, fmt.content_type)
    assert fmt.suffix == fmt.serializer.file_extension
    if fmt.key == "jsonld":
        assert fmt.format_iri == "http://www.w3.org/ns/formats/JSON-LD" != fmt.serializer.iri
    else:
        assert fmt.format_iri == fmt.serializer.iri
    expected_type = QueryResultsFormat if fmt.kind is ResultKind.SOLUTIONS else RdfFormat
    assert isinstance(fmt.serializer, expected_type)


def test_the_table_on_the_wire() -> None:
    """The values every Content-Type and sd:resultFormat is made of, pinned as they were before the registry."""
    assert {f.key: (f.content_type, f.format_iri) for f in FORMATS} == {
        "json": ("application/sparql-results+json", "http://www.w3.org/ns/formats/SPARQL_Results_JSON"),
        "xml": ("application/sparql-results+xml; charset=utf-8", "http://www.w3.org/ns/formats/SPARQL_Results_XML"),
        "csv": ("text/csv; charset=utf-8", "http://www.w3.org/ns/formats/SPARQL_Results_CSV"),
        "tsv": ("text/tab-separated-values; charset=utf-8", "http://www.w3.org/ns/formats/SPARQL_Results_TSV"),
        "ttl": ("text/turtle; charset=utf-8", "http://www.w3.org/ns/formats/Turtle"),
        "nt": ("application/n-triples", "http://www.w3.org/ns/formats/N-Triples"),
        "jsonld": ("application/ld+json", "http://www.w3.org/ns/formats/JSON-LD"),
        "rdf": ("application/rdf+xml; charset=utf-8", "http://www.w3.org/ns/formats/RDF_XML"),
        "trig": ("application/trig; charset=utf-8", "http://www.w3.org/ns/formats/TriG"),
        "nq": ("application/n-quads", "http://www.w3.org/ns/formats/N-Quads"),
    }


def test_suffixes_and_extensions_read_from_the_registry() -> None:
    assert [BY_KEY[k].suffix for k in RESOURCE_KEYS] == ["ttl", "jsonld", "nt", "rdf"]
    assert SUFFIXES == {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdf": "rdf", "html": "html"}
    assert EXTENSION_FORMATS == {
        ".ttl": RdfFormat.TURTLE,
        ".nt": RdfFormat.N_TRIPLES,
        ".jsonld": RdfFormat.JSON_LD,
        ".rdf": RdfFormat.RDF_XML,
        ".trig": RdfFormat.TRIG,
        ".nq": RdfFormat.N_QUADS,
        ".owl": RdfFormat.RDF_XML,
        ".xml": RdfFormat.RDF_XML,
    }
    assert MEDIA_TYPES == {
        ".ttl": "text/turtle; charset=utf-8",
        ".nt": "application/n-triples",
        ".jsonld": "application/ld+json",
        ".rdf": "application/rdf+xml",
        ".trig": "application/trig",
        ".nq": "application/n-quads",
        ".gz": "application/gzip",
        ".txt": "text/plain; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".json": "application/json",
        ".csv": "text/csv; charset=utf-8",
    }
    dumps = (publish.TRIG, publish.NQUADS, publish.JSONLD, publish.TURTLE, publish.NTRIPLES)
    assert dumps == ("nap-kg.trig", "nap-kg.nq.gz", "nap-kg.jsonld", "nap-kg.ttl", "nap-kg.nt.gz")
