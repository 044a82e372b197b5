"""The change feed: a Linked Data Event Stream (LDES 1.0, https://w3id.org/ldes/specification) of the releases'
changes, for harvesters that want what changed without downloading everything.

    {base}feed/stream            the ldes:EventStream (timestampPath cs:createdDate, versionOfPath dcterms:isVersionOf)
    {site}feed/                  its view, the root tree:Node: no members, one relation to the first page
    {site}feed/{version}         one page per release after the first: the members are that release's change
                                 sets (changelog_rdf.py: one per changed resource), and a
                                 tree:GreaterThanOrEqualToRelation on cs:createdDate leads to the next release's page

A release's page never changes once the next release exists, except for gaining that one relation; the first
release has no changes (nothing to compare it with) and so no page. Every member appears on exactly one page.

The stream and its members are named under the base IRI; the pages (``site``) are documents of the server that
serves them, named by the address the client reached it at, so a client can follow them on any host.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from .changelog_rdf import CS, DCTERMS, PREFIXES, RDF, XSD, changelog_iri
from .release_record import CHANGELOG_TTL, Release

LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
FEED_PREFIXES = {**PREFIXES, "ldes": LDES, "tree": TREE}


def stream_iri(base_iri: str) -> str:
    return f"{base_iri}feed/stream"


def root_iri(site: str) -> str:
    return f"{site}feed/"


def page_iri(site: str, version: str) -> str:
    return f"{site}feed/{version}"


def paged(history: Sequence[Release]) -> list[Release]:
    """The releases with a page: all but the first."""
    return [r for r in history if r.previous is not None]


def _stream(base_iri: str, site: str) -> list[Triple]:
    stream = NamedNode(stream_iri(base_iri))
    return [
        Triple(stream, NamedNode(RDF + "type"), NamedNode(LDES + "EventStream")),
        Triple(stream, NamedNode(LDES + "timestampPath"), NamedNode(CS + "createdDate")),
        Triple(stream, NamedNode(LDES + "versionOfPath"), NamedNode(DCTERMS + "isVersionOf")),
        Triple(stream, NamedNode(TREE + "view"), NamedNode(root_iri(site))),
    ]


def _relation(site: str, node: NamedNode, to: Release, name: str) -> list[Triple]:
    relation = NamedNode(f"{node.value}#{name}")
    return [
        Triple(node, NamedNode(TREE + "relation"), relation),
        Triple(relation, NamedNode(RDF + "type"), NamedNode(TREE + "GreaterThanOrEqualToRelation")),
        Triple(relation, NamedNode(TREE + "path"), NamedNode(CS + "createdDate")),
        Triple(relation, NamedNode(TREE + "value"), Literal(to.issued, datatype=NamedNode(XSD + "dateTime"))),
        Triple(relation, NamedNode(TREE + "node"), NamedNode(page_iri(site, to.version))),
    ]


def root_page(base_iri: str, site: str, history: Sequence[Release]) -> bytes:
    node = NamedNode(root_iri(site))
    triples = [*_stream(base_iri, site), Triple(node, NamedNode(RDF + "type"), NamedNode(TREE + "Node"))]
    pages = paged(history)
    if pages:
        triples += _relation(site, node, pages[0], "eerste")
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=FEED_PREFIXES) or b""


def release_page(base_iri: str, site: str, history: Sequence[Release], version: str) -> bytes | None:
    """The page of ``version`` (None when it has none); members keep the IRIs their changelog gave them."""
    pages = paged(history)
    at = next((i for i, r in enumerate(pages) if r.version == version), None)
    if at is None:
        return None
    release = pages[at]
    node = NamedNode(page_iri(site, version))
    stream = NamedNode(stream_iri(base_iri))
    triples = [Triple(node, NamedNode(RDF + "type"), NamedNode(TREE + "Node"))]
    log = changelog_iri(release.iri(base_iri))
    change_set = NamedNode(CS + "ChangeSet")
    for triple in parse(path=Path(release.folder) / CHANGELOG_TTL, format=RdfFormat.TURTLE):
        if isinstance(triple.subject, NamedNode) and triple.subject.value == log:
            continue  # the changelog's own description is not a member
        triples.append(triple)
        if triple.predicate.value == RDF + "type" and triple.object == change_set:
            triples.append(Triple(stream, NamedNode(TREE + "member"), triple.subject))
    if at + 1 < len(pages):
        triples += _relation(site, node, pages[at + 1], "volgende")
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=FEED_PREFIXES) or b""
