"""Small constructors for literals and labels used by every rdf_* module."""

from __future__ import annotations

from rdflib import RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node


def nl(text: str) -> Literal:
    return Literal(text, lang="nl")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def integer(value: int, minimum: int = 1) -> Literal:
    """``value`` as an ``xsd:integer``, refused below ``minimum``.

    Never a derived type such as ``xsd:positiveInteger``: a SPARQL store may keep those as ``xsd:integer``
    (pyoxigraph does), and then the endpoint would serve another literal than the dumps hold. The bound is
    stated in the shapes instead (``sh:minInclusive``).
    """
    if value < minimum:
        raise ValueError(f"{value} is below the minimum {minimum}")
    return Literal(str(value), datatype=XSD.integer)


def year(value: int) -> Literal:
    return Literal(f"{value:04d}", datatype=XSD.gYear)


def date(value: str) -> Literal:
    """An ISO date, year-month or year, typed as xsd:date, xsd:gYearMonth or xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


def label(g: Graph, node: URIRef, dutch: str, english: str) -> None:
    g.add((node, RDFS.label, nl(dutch)))
    g.add((node, RDFS.label, en(english)))


def add_all(g: Graph, subject: URIRef, pairs: list[tuple[URIRef, Node | None]]) -> None:
    """Add (subject, p, o) for every pair whose object is not None."""
    for p, o in pairs:
        if o is not None:
            g.add((subject, p, o))
