"""Namespaces. The nap: terms are read from ontology/nap.ttl, so a term that is not declared there cannot be used."""

from __future__ import annotations

from functools import cache

from rdflib import OWL, RDF, Graph, Namespace
from rdflib.namespace import ClosedNamespace

from .config import REPO_ROOT

NAP_URI = "https://w3id.org/nap-kg/def/"
ONTOLOGY_IRI = "https://w3id.org/nap-kg/def"
ONTOLOGY_FILE = REPO_ROOT / "ontology" / "nap.ttl"

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


@cache
def declared_terms() -> frozenset[str]:
    """Local names of every class and property declared in the ontology."""
    g = ontology()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return frozenset(
        str(s)[len(NAP_URI) :] for kind in kinds for s in g.subjects(RDF.type, kind) if str(s).startswith(NAP_URI)
    )


NAP = ClosedNamespace(NAP_URI, sorted(declared_terms()))
