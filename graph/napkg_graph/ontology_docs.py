"""The ontology's documentation page (dist/ontology.html), generated from ontology/nap.ttl.

One self-contained page: styles inline, no scripts, nothing fetched from another host, so it works offline and
behind any proxy. Every class and property has an element whose id is its local name, so {ontology IRI}#ActionPoint
(and a redirect of the term IRI) lands on it. The page is well-formed XML (polyglot HTML5), so any parser reads it.

A small generator rather than pyLODE: pyLODE's templates pull a stylesheet and scripts from CDNs, and its output
order depends on its own version; this one is deterministic and has no further dependency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from rdflib import OWL, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

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
class _Page:
    g: Graph

    def name(self, node: Node) -> str:
        """A term as a link: nap: terms to their anchor on this page, other IRIs by prefixed name."""
        if not isinstance(node, URIRef):
            return "<em>(anonymous class expression)</em>"
        iri = str(node)
        if iri.startswith(NAP_URI):
            local = iri[len(NAP_URI) :]
            return f'<a href="#{escape(local)}"><code>nap:{escape(local)}</code></a>'
        try:
            prefix, _, local = self.g.namespace_manager.compute_qname(iri, generate=False)
            label = f"{prefix}:{local}"
        except (KeyError, ValueError):
            label = iri
        return f'<a href="{escape(iri)}"><code>{escape(label)}</code></a>'

    def texts(self, node: URIRef, predicate: URIRef, css: str) -> list[str]:
        """One <dd> per language, English first, each marked with its language."""
        values = sorted(
            (o for o in self.g.objects(node, predicate) if isinstance(o, Literal)),
            key=lambda lit: (lit.language != "en", lit.language or "", str(lit)),
        )
        return [f'<dd class="{css}-{v.language or "none"}"{_lang(v)}>{escape(str(v))}</dd>' for v in values]

    def term(self, node: URIRef, kind: str) -> str:
        local = str(node)[len(NAP_URI) :]
        rows: list[str] = []
        rows += ["<dt>Label</dt>", *self.texts(node, RDFS.label, "label")]
        rows += ["<dt>Definition</dt>", *self.texts(node, SKOS.definition, "definition")]
        for predicate, heading in NOTES:
            rows += self._optional(heading, self.texts(node, predicate, "note"))
        for predicate, heading in RELATIONS:
            targets = sorted(self.g.objects(node, predicate), key=str)
            rows += self._optional(heading, [f"<dd>{self.name(t)}</dd>" for t in targets])
        if kind == "class":
            for predicate, heading in ((RDFS.domain, "Domain of"), (RDFS.range, "Range of")):
                users = sorted(self.g.subjects(predicate, node), key=str)
                rows += self._optional(heading, [f"<dd>{', '.join(self.name(u) for u in users)}</dd>"] if users else [])
        return (
            f'<section class="term" id="{escape(local)}" data-iri="{escape(str(node))}">\n'
            f'<h3><a href="#{escape(local)}">nap:{escape(local)}</a> <span class="kind">{kind}</span></h3>\n'
            f'<p class="iri"><code>{escape(str(node))}</code></p>\n'
            f"<dl>\n{chr(10).join(rows)}\n</dl>\n</section>"
        )

    @staticmethod
    def _optional(heading: str, values: list[str]) -> list[str]:
        return [f"<dt>{heading}</dt>", *values] if values else []


def _lang(lit: Literal) -> str:
    return f' lang="{escape(lit.language)}"' if lit.language else ""


def _first(values: Iterable[Node], language: str) -> str:
    for value in values:
        if isinstance(value, Literal) and value.language == language:
            return str(value)
    return ""


def ontology_html(g: Graph) -> str:
    """The whole page, deterministic for a given ontology graph (``vocab.ontology()``: ontology/nap.ttl)."""
    page = _Page(g)
    onto = URIRef(ONTOLOGY_IRI)
    title_en = _first(g.objects(onto, RDFS.label), "en") or "Ontology"
    terms = declared(g)
    head = [
        "<dt>IRI</dt>",
        f"<dd><code>{escape(ONTOLOGY_IRI)}</code></dd>",
        "<dt>Namespace</dt>",
        f"<dd><code>{escape(NAP_URI)}</code> (prefix <code>nap:</code>)</dd>",
    ]
    head += ["<dt>Title</dt>", *page.texts(onto, RDFS.label, "title")]
    head += ["<dt>Description</dt>", *page.texts(onto, SKOS.definition, "definition")]
    for predicate, heading in (
        (OWL.versionInfo, "Version"),
        (OWL.versionIRI, "Version IRI"),
        (URIRef("http://purl.org/dc/terms/license"), "Licence"),
    ):
        values = sorted(g.objects(onto, predicate), key=str)
        head += _Page._optional(
            heading,
            [f"<dd>{page.name(v) if isinstance(v, URIRef) else escape(str(v))}</dd>" for v in values],
        )
    body: list[str] = []
    nav: list[str] = []
    for kind, anchor, heading, label in KINDS:
        if not terms[kind]:
            continue
        nav.append(f'<li><a href="#{anchor}">{heading}</a> ({len(terms[kind])})</li>')
        body.append(f'<h2 id="{anchor}">{heading}</h2>')
        body.append("<nav><ul>" + "".join(f"<li>{page.name(t)}</li>" for t in terms[kind]) + "</ul></nav>")
        body += [page.term(t, label) for t in terms[kind]]
    return (
        "<!DOCTYPE html>\n"
        "<!-- Generated from ontology/nap.ttl by napkg_graph/ontology_docs.py (napkg build); do not edit. -->\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{escape(title_en)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{escape(title_en)}</h1>\n<dl>\n{chr(10).join(head)}\n</dl>\n"
        f"<nav><ul>{''.join(nav)}</ul></nav>\n</header>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )
