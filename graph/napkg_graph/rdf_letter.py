"""A letter's graph (the 2025 letter): its paragraphs verbatim, its footnotes, dated events and the citations in it.

The letter gives no status per action point, so none is made up here. Links from paragraphs and events to action
points are an analyst's reading and live in the curated graph (rdf_curated.py, rdf_events.py).
"""

from __future__ import annotations

from rdflib import DCTERMS, RDF, Graph, Literal, URIRef

from .iris import Iris
from .letter import Paragraph
from .rdf_citations import add_citations, add_footnote
from .rdf_events import add_letter_events
from .rdf_terms import integer, label, nl
from .sources import Report, Sources
from .text import strip_markers
from .vocab import NAP


def _paragraph(g: Graph, iris: Iris, source: Report, p: Paragraph, pillar: int | None) -> URIRef:
    letter = iris.report(source.slug)
    node = iris.paragraph(letter, p.number)
    text = strip_markers(p.text)
    g.add((node, RDF.type, NAP.LetterParagraph))
    label(g, node, f"Kamerbrief {source.year}, alinea {p.number}", f"Letter {source.year}, paragraph {p.number}")
    g.add((node, NAP.number, integer(p.number)))
    g.add((node, NAP.text, nl(text)))
    g.add((node, NAP.statedIn, letter))
    g.add((node, NAP.sourceLocation, Literal(f"{source.document.file}, regel {p.line}")))
    if pillar is not None:
        g.add((node, NAP.pillar, iris.pillar(pillar)))
    add_citations(g, iris, node, NAP.text, text, letter)
    for marker, fn_text in p.footnotes.items():
        add_footnote(g, iris, node, marker, fn_text, None, letter)
    return node


def build_letter(g: Graph, iris: Iris, sources: Sources, source: Report) -> None:
    meta = source.letter or {}
    document = source.document
    letter = iris.report(document.slug)
    if document.signatory:
        g.add((letter, DCTERMS.contributor, Literal(document.signatory)))
    pillars = {entry["n"]: entry.get("pillar") for entry in meta["paragraphs"]}
    for p in source.paragraphs:
        _paragraph(g, iris, source, p, pillars.get(p.number))

    # The plan as the letter identifies it: Kamerstuk 32 735, nr. 344 (paragraph 2).
    plan = iris.plan("nap-2022-2026")
    g.add((plan, NAP.publishedAs, iris.kamerstuk(sources.plans[0]["published_as"])))

    statement = meta["overall_statement"]
    assessment = iris.id(f"rapport/{document.slug}/oordeel")
    g.add((assessment, RDF.type, NAP.PlanAssessment))
    label(
        g,
        assessment,
        f"Oordeel van de Kamerbrief {source.year} over het NAP",
        f"Assessment of the NAP in the {source.year} letter",
    )
    g.add((assessment, NAP.text, nl(statement["text"])))
    g.add((assessment, NAP.statedIn, letter))
    g.add((assessment, DCTERMS.subject, plan))
    g.add((assessment, DCTERMS.source, iris.paragraph(letter, statement["paragraph"])))

    add_letter_events(g, iris, sources)
