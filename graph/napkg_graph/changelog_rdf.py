"""A release's changelog as RDF (``changelog.ttl``) and as the summary its page shows (``changelog.json``).

Vocabulary: the Talis Changeset vocabulary (``cs:``, http://purl.org/vocab/changeset/schema#), an established
vocabulary made for exactly this: one ``cs:ChangeSet`` per changed resource (``cs:subjectOfChange``) with its
added and removed triples as reified statements (``cs:addition`` / ``cs:removal``, each an ``rdf:Statement``),
a date (``cs:createdDate``) and a reason (``cs:changeReason``: the kind of change, in Dutch and English). RDF
reification has no graph, so each statement names its named graph with ``nap:inGraph``. ActivityStreams was the
alternative; it describes activities on objects, not triples, so it cannot say which triples changed. The change
set is also the LDES member of the change (ldes.py): ``dcterms:isVersionOf`` names the resource, ``cs:createdDate``
is the member's timestamp, ``dcterms:subject`` the action point it concerns.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from .changelog import KINDS, Diff, ResourceChange
from .vocab import NAP

CS = "http://purl.org/vocab/changeset/schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "cs": CS,
    "rdf": RDF,
    "rdfs": RDFS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "xsd": XSD,
    "nap": str(NAP),
}


def changelog_iri(release: str) -> str:
    return f"{release}/changelog"


def member_iri(release: str, change: ResourceChange) -> str:
    """The IRI of the change set of one resource in one release (also its LDES member IRI)."""
    return f"{changelog_iri(release)}/{change.key}"


def _node(term: str) -> NamedNode | BlankNode:
    return BlankNode(term[2:]) if term.startswith("_:") else NamedNode(term[1:-1])


def _statement(change_set: NamedNode, link: str, quad: Quad) -> list[Triple]:
    st = BlankNode()
    return [
        Triple(change_set, NamedNode(CS + link), st),
        Triple(st, NamedNode(RDF + "type"), NamedNode(RDF + "Statement")),
        Triple(st, NamedNode(RDF + "subject"), quad.subject),
        Triple(st, NamedNode(RDF + "predicate"), quad.predicate),
        Triple(st, NamedNode(RDF + "object"), quad.object),
        Triple(st, NamedNode(str(NAP.inGraph)), quad.graph_name),  # type: ignore[arg-type]
    ]


def change_set_triples(release: str, issued: str, change: ResourceChange) -> list[Triple]:
    """The ``cs:ChangeSet`` of one resource's change in ``release``, issued at ``issued`` (xsd:dateTime)."""
    node = NamedNode(member_iri(release, change))
    subject = _node(change.subject)
    triples = [
        Triple(node, NamedNode(RDF + "type"), NamedNode(CS + "ChangeSet")),
        Triple(node, NamedNode(CS + "subjectOfChange"), subject),
        Triple(node, NamedNode(DCTERMS + "isVersionOf"), subject),
        Triple(node, NamedNode(CS + "createdDate"), Literal(issued, datatype=NamedNode(XSD + "dateTime"))),
        Triple(node, NamedNode(CS + "creatorName"), Literal("napkg release")),
        Triple(node, NamedNode(DCTERMS + "isPartOf"), NamedNode(changelog_iri(release))),
    ]
    for kind in change.kinds:
        label_nl, label_en = KINDS[kind]
        triples.append(Triple(node, NamedNode(CS + "changeReason"), Literal(label_nl, language="nl")))
        triples.append(Triple(node, NamedNode(CS + "changeReason"), Literal(label_en, language="en")))
    if change.action_point:
        triples.append(Triple(node, NamedNode(DCTERMS + "subject"), _node(change.action_point)))
    for quad in change.added:
        triples += _statement(node, "addition", quad)
    for quad in change.removed:
        triples += _statement(node, "removal", quad)
    return triples


def changelog_triples(release: str, previous: str | None, issued: str, diff: Diff) -> list[Triple]:
    log = NamedNode(changelog_iri(release))
    triples = [
        Triple(log, NamedNode(RDF + "type"), NamedNode(PROV + "Entity")),
        Triple(log, NamedNode(RDFS + "label"), Literal(f"Wijzigingen in {release}", language="nl")),
        Triple(log, NamedNode(RDFS + "label"), Literal(f"Changes in {release}", language="en")),
        Triple(log, NamedNode(DCTERMS + "issued"), Literal(issued, datatype=NamedNode(XSD + "dateTime"))),
        Triple(log, NamedNode(PROV + "wasDerivedFrom"), NamedNode(release)),
    ]
    if previous:
        triples.append(Triple(log, NamedNode(PROV + "wasDerivedFrom"), NamedNode(previous)))
    for change in diff.changes:
        triples += change_set_triples(release, issued, change)
    return triples


def changelog_turtle(release: str, previous: str | None, issued: str, diff: Diff) -> bytes:
    triples = changelog_triples(release, previous, issued, diff)
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def changelog_summary(version: str, previous: str | None, issued: str, diff: Diff) -> dict[str, Any]:
    """What the readable page shows: counts per graph and per kind, and the changes per action point."""
    return {
        "version": version,
        "previous": previous,
        "issued": issued,
        "quads_before": diff.triples_before,
        "quads_after": diff.triples_after,
        "graphs": [
            {"graph": g, "added": diff.added_per_graph[g], "removed": diff.removed_per_graph[g]}
            for g in diff.added_per_graph
        ],
        "kinds": [{"kind": k, "nl": KINDS[k][0], "en": KINDS[k][1], "count": n} for k, n in diff.per_kind().items()],
        "action_points": [
            {
                "action_point": point[1:-1] if point.startswith("<") else point,
                "changes": [
                    {
                        "subject": c.subject[1:-1] if c.subject.startswith("<") else c.subject,
                        "kinds": list(c.kinds),
                        "added": len(c.added),
                        "removed": len(c.removed),
                    }
                    for c in changes
                ],
            }
            for point, changes in diff.per_action_point().items()
        ],
    }
