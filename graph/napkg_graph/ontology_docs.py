"""The ontology's documentation page (dist/ontology.html), generated from ontology/nap.ttl.

One self-contained page (``templates/ontology.html``): styles inline, no scripts, nothing fetched from another
host, so it works offline and behind any proxy. Every class and property has an element whose id is its local
name, so {ontology IRI}#ActionPoint (and a redirect of the term IRI) lands on it. The page is well-formed XML
(polyglot HTML5), so any parser reads it. This module gathers the terms; the template writes the markup.

A small generator rather than pyLODE: pyLODE's templates pull a stylesheet and scripts from CDNs, and its output
order depends on its own version; this one is deterministic and has no further dependency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup
from rdflib import OWL, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from .rendering import make_environment
from .vocab import NAP_URI, ONTOLOGY_IRI, declared

KINDS = (
    (OWL.Class, "classes", "Classes", "class"),
    (OWL.ObjectProperty, "object-properties", "Object properties", "object property"),
    (OWL.DatatypeProperty, "datatype-properties", "Datatype properties", "datatype property"),
    (OWL.AnnotationProperty, "annotation-properties", "Annotation properties", "annotation property"),
)
#: Relations shown for a term, in this order: (predicate, heading).
RELATIONS = (
    (RDFS.subClassOf, "Subclass of"),
    (OWL.equivalentClass, "Equivalent to"),
    (RDFS.subPropertyOf, "Subproperty of"),
    (OWL.inverseOf, "Inverse of"),
    (RDFS.domain, "Domain"),
    (RDFS.range, "Range"),
)
NOTES = ((RDFS.comment, "Comment"), (SKOS.scopeNote, "Scope note"), (SKOS.example, "Example"), (SKOS.note, "Note"))

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
       color: #1a1a1a; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
section.term { border: 1px solid #ddd; border-radius: 4px; padding: 0.5rem 1rem; margin: 1rem 0; }
section.term:target { border-color: #0b5cad; box-shadow: 0 0 0 2px #0b5cad33; }
h3 { margin: 0.3rem 0; font-size: 1.15rem; } .kind { font-size: 0.8rem; color: #555; font-weight: normal; }
dl { display: grid; grid-template-columns: 9rem 1fr; gap: 0.2rem 1rem; margin: 0.5rem 0; }
dt { font-weight: 600; color: #444; } dd { margin: 0; } dd + dd { grid-column: 2; }
code { font-size: 0.9em; }
dd[lang]::before { content: attr(lang); font-size: 0.75em; color: #666; margin-right: 0.4em; }
nav ul { columns: 3; list-style: none; padding: 0; }
"""


@dataclass(frozen=True)
class Ref:
    """A term as a link: ``href`` None for an anonymous class expression."""

    href: str | None
    label: str


@dataclass(frozen=True)
class Text:
    """One language's text of a term (a ``<dd>`` marked with its language); ``css`` names what it is."""

    css: str
    lang: str | None
    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Refs:
    kind: str = "refs"
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Plain:
    """A literal value (a version number)."""

    text: str
    kind: str = "plain"


Value = Text | Refs | Plain


@dataclass(frozen=True)
class Field:
    heading: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Term:
    local: str
    iri: str
    kind: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class _Page:
    g: Graph

    def ref(self, node: Node) -> Ref:
        """nap: terms link to their anchor on this page, other IRIs show their prefixed name."""
        if not isinstance(node, URIRef):
            return Ref(None, "(anonymous class expression)")
        iri = str(node)
        if iri.startswith(NAP_URI):
            local = iri[len(NAP_URI) :]
            return Ref(f"#{local}", f"nap:{local}")
        try:
            prefix, _, local = self.g.namespace_manager.compute_qname(iri, generate=False)
            label = f"{prefix}:{local}"
        except (KeyError, ValueError):
            label = iri
        return Ref(iri, label)

    def texts(self, node: URIRef, predicate: URIRef, css: str) -> tuple[Text, ...]:
        """One value per language, English first."""
        values = sorted(
            (o for o in self.g.objects(node, predicate) if isinstance(o, Literal)),
            key=lambda lit: (lit.language != "en", lit.language or "", str(lit)),
        )
        return tuple(Text(css, v.language, str(v)) for v in values)

    def term(self, node: URIRef, kind: str) -> Term:
        fields = [Field("Label", self.texts(node, RDFS.label, "label"))]
        fields.append(Field("Definition", self.texts(node, SKOS.definition, "definition")))
        for predicate, heading in NOTES:
            fields += _optional(heading, self.texts(node, predicate, "note"))
        for predicate, heading in RELATIONS:
            targets = sorted(self.g.objects(node, predicate), key=str)
            fields += _optional(heading, tuple(Refs(refs=(self.ref(t),)) for t in targets))
        if kind == "class":
            for predicate, heading in ((RDFS.domain, "Domain of"), (RDFS.range, "Range of")):
                users = sorted(self.g.subjects(predicate, node), key=str)
                fields += _optional(heading, (Refs(refs=tuple(self.ref(u) for u in users)),) if users else ())
        return Term(str(node)[len(NAP_URI) :], str(node), kind, tuple(fields))


def _optional(heading: str, values: tuple[Value, ...]) -> list[Field]:
    """A field shown only when it has values (labels and definitions are shown even when missing)."""
    return [Field(heading, values)] if values else []


def _first(values: Iterable[Node], language: str) -> str:
    for value in values:
        if isinstance(value, Literal) and value.language == language:
            return str(value)
    return ""


def ontology_html(g: Graph) -> str:
    """The whole page, deterministic for a given ontology graph (``vocab.ontology()``: ontology/nap.ttl)."""
    page = _Page(g)
    onto = URIRef(ONTOLOGY_IRI)
    terms = declared(g)
    head = [
        Field("Title", page.texts(onto, RDFS.label, "title")),
        Field("Description", page.texts(onto, SKOS.definition, "definition")),
    ]
    for predicate, heading in (
        (OWL.versionInfo, "Version"),
        (OWL.versionIRI, "Version IRI"),
        (URIRef("http://purl.org/dc/terms/license"), "Licence"),
    ):
        values = sorted(g.objects(onto, predicate), key=str)
        head += _optional(
            heading, tuple(Refs(refs=(page.ref(v),)) if isinstance(v, URIRef) else Plain(str(v)) for v in values)
        )
    sections = [
        {
            "anchor": anchor,
            "heading": heading,
            "refs": [page.ref(t) for t in terms[kind]],
            "terms": [page.term(t, label) for t in terms[kind]],
        }
        for kind, anchor, heading, label in KINDS
        if terms[kind]
    ]
    return (
        make_environment()
        .get_template("ontology.html")
        .render(
            title=_first(g.objects(onto, RDFS.label), "en") or "Ontology",
            style=Markup(STYLE),  # a constant of this module, not data
            ontology_iri=ONTOLOGY_IRI,
            namespace=NAP_URI,
            head=head,
            sections=sections,
        )
    )
