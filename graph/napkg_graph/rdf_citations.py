"""Turns the extractor's references into links with provenance: a nap:Citation per match, with the exact span,
plus a direct dcterms:references for simple queries, and a description of every cited paper or publication."""

from __future__ import annotations

from rdflib import DCTERMS, PROV, RDF, RDFS, Graph, Literal, URIRef

from .extract import Reference, extract
from .iris import Iris
from .rdf_terms import integer, label, nl, year
from .vocab import NAP

OFFICIELE_BEKENDMAKINGEN = "https://zoek.officielebekendmakingen.nl/{}.html"
OECD_TARGETS = {"guidelines": "oeso", "due-diligence-steps": "oeso/stappen"}


def extraction_activity(iris: Iris) -> URIRef:
    return iris.id("activiteit/verwijzingen-extraheren")


def target(ref: Reference, iris: Iris) -> URIRef:
    """The IRI a reference points at."""
    kind, key = ref.kind, ref.key
    if kind == "kamerstuk":
        return iris.kamerstuk(key)
    if kind == "kamerstukdossier":
        return iris.dossier(key)
    if kind == "staatscourant":
        return iris.gazette(key)
    if kind == "tk-document":
        return iris.house_document(key)
    if kind == "eu-instrument":
        return iris.instrument(key)
    if kind == "dutch-law":
        return iris.dutch_law(key)
    if kind == "ungp":
        return iris.id("ungp") if key == "ungp" else iris.ungp_principle(int(key.split("-")[1]))
    if kind == "oecd":
        if key == "ncp":
            return iris.organisation("ncp")
        if key.startswith("step-"):
            return iris.oecd_step(int(key.split("-")[1]))
        return iris.id(OECD_TARGETS[key])
    raise ValueError(f"unknown reference kind {kind!r}")


def _describe_dossier(g: Graph, iris: Iris, number: str) -> URIRef:
    node = iris.dossier(number)
    g.add((node, RDF.type, NAP.ParliamentaryDossier))
    label(g, node, f"Kamerstukdossier {number}", f"Parliamentary dossier {number}")
    main, _, addition = number.partition("-")
    g.add((node, NAP.dossierNumber, Literal(main)))
    if addition:
        g.add((node, NAP.dossierAddition, Literal(addition)))
    return node


def describe_target(g: Graph, ref: Reference, iris: Iris) -> None:
    """Type and identify papers and publications; instruments and frameworks are described elsewhere."""
    node = target(ref, iris)
    if ref.kind == "kamerstuk":
        *dossier_parts, number = ref.key.split("-")
        dossier = "-".join(dossier_parts)
        ident = f"kst-{ref.key}"
        g.add((node, RDF.type, NAP.ParliamentaryPaper))
        label(
            g,
            node,
            f"Kamerstuk {dossier}, nr. {number}",
            f"Parliamentary paper {dossier}, no. {number}",
        )
        g.add((node, NAP.dossier, _describe_dossier(g, iris, dossier)))
        g.add((node, NAP.documentNumber, Literal(number)))
    elif ref.kind == "kamerstukdossier":
        _describe_dossier(g, iris, ref.key)
        return
    elif ref.kind == "staatscourant":
        pub_year, number = ref.key.split("-")
        ident = f"stcrt-{ref.key}"
        g.add((node, RDF.type, NAP.GazettePublication))
        label(
            g,
            node,
            f"Staatscourant {pub_year}, {number}",
            f"Government Gazette {pub_year}, {number}",
        )
        g.add((node, NAP.publicationYear, year(int(pub_year))))
        g.add((node, NAP.documentNumber, Literal(number)))
    elif ref.kind == "tk-document":
        ident = ref.key
        g.add((node, RDF.type, NAP.HouseDocument))
        label(g, node, f"Tweede Kamer-document {ref.key}", f"House document {ref.key}")
        g.add((node, NAP.publicationYear, year(int(ref.key[:4]))))
        g.add((node, DCTERMS.identifier, Literal(ident)))
        return
    else:
        return
    g.add((node, DCTERMS.identifier, Literal(ident)))
    g.add((node, RDFS.seeAlso, URIRef(OFFICIELE_BEKENDMAKINGEN.format(ident))))


def add_citation(
    g: Graph,
    node: URIRef,
    citing: URIRef,
    cited: URIRef,
    span: tuple[str, int, int, URIRef],
    stated_in: URIRef,
    activity: URIRef,
) -> None:
    """One nap:Citation ``node``: ``citing`` quotes ``span`` (text, start, end, the property holding the text) and so
    cites ``cited``, as the document ``stated_in`` says and ``activity`` found."""
    quote, start, end, text_property = span
    g.add((node, RDF.type, NAP.Citation))
    g.add((node, RDFS.label, nl(quote)))
    g.add((node, NAP.citingResource, citing))
    g.add((node, NAP.cites, cited))
    g.add((node, NAP.textProperty, text_property))
    g.add((node, NAP.matchedText, Literal(quote)))
    g.add((node, NAP.spanStart, integer(start, minimum=0)))
    g.add((node, NAP.spanEnd, integer(end, minimum=0)))
    g.add((node, NAP.statedIn, stated_in))
    g.add((node, PROV.wasGeneratedBy, activity))


def add_citations(
    g: Graph, iris: Iris, citing: URIRef, text_property: URIRef, text: str, stated_in: URIRef
) -> list[Reference]:
    """Extract the references in `text` (the value of `text_property` on `citing`) and add them to `g`."""
    refs = extract(text)
    for ref in refs:
        node = iris.citation(citing, ref.start, ref.key)
        cited = target(ref, iris)
        span = (str(ref.text), ref.start, ref.end, text_property)
        add_citation(g, node, citing, cited, span, stated_in, extraction_activity(iris))
        g.add((citing, DCTERMS.references, cited))
        describe_target(g, ref, iris)
    return refs


def add_footnote(
    g: Graph, iris: Iris, owner: URIRef, marker: str, text: str, url: str | None, stated_in: URIRef
) -> None:
    """A footnote to `owner`'s text, with the references found in the footnote itself."""
    node = iris.footnote(owner, marker)
    g.add((owner, NAP.footnote, node))
    g.add((node, RDF.type, NAP.Footnote))
    label(g, node, f"Voetnoot {marker}", f"Footnote {marker}")
    g.add((node, NAP.marker, Literal(marker)))
    g.add((node, NAP.text, Literal(text, lang="nl")))
    g.add((node, NAP.statedIn, stated_in))
    if url:
        g.add((node, RDFS.seeAlso, URIRef(url)))
    add_citations(g, iris, node, NAP.text, text, stated_in)
