"""Namespaces. The nap: terms are read from ontology/nap.ttl, so a term that is not declared there cannot be used."""

from __future__ import annotations

from functools import cache

from rdflib import OWL, RDF, Graph, Namespace, URIRef
from rdflib.namespace import ClosedNamespace

from .config import DATA_DIR

NAP_URI = "https://w3id.org/nap-kg/def/"
ONTOLOGY_IRI = "https://w3id.org/nap-kg/def"
ONTOLOGY_FILE = DATA_DIR / "ontology" / "nap.ttl"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
OP_RESOURCE_TYPE = Namespace("http://publications.europa.eu/resource/authority/resource-type/")
TOOI_MINISTERIE = Namespace("https://identifier.overheid.nl/tooi/id/ministerie/")
# Catalog metadata (catalog.py): DCAT-AP's own namespace, SPDX checksums and vCard, which rdflib.namespace lacks.
DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


@cache
def ontology() -> Graph:
    """ontology/nap.ttl, parsed once per process (read-only: callers must not add to it)."""
    return Graph().parse(ONTOLOGY_FILE)


#: The kinds of term the ontology declares: OWL classes and property types.
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def declared(g: Graph) -> dict[URIRef, list[URIRef]]:
    """nap: terms of ``g`` by kind (each of TERM_KINDS), sorted by local name."""
    return {
        kind: sorted(
            (s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(NAP_URI)),
            key=str,
        )
        for kind in TERM_KINDS
    }


@cache
def declared_terms() -> frozenset[str]:
    """Local names of every class and property declared in the ontology."""
    return frozenset(str(term)[len(NAP_URI) :] for terms in declared(ontology()).values() for term in terms)


NAP = ClosedNamespace(NAP_URI, sorted(declared_terms()))
