"""The ontology is the single source of nap: terms: everything used is declared, everything declared is labelled."""

from __future__ import annotations

import re

import pytest
from napkg_graph.config import REPO_ROOT
from napkg_graph.pipeline import BuildResult
from napkg_graph.vocab import NAP_URI, ONTOLOGY_FILE, ONTOLOGY_IRI, declared_terms
from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

ONTOLOGY = Graph().parse(ONTOLOGY_FILE)
TERM_IN_TEXT = re.compile(r"\bnap:([A-Za-z_][A-Za-z0-9_]*)|\bNAP\.([A-Za-z_][A-Za-z0-9_]*)")
SCANNED = ["graph/napkg_graph", "server/napkg_server", "shapes", "ontology/vocabularies", "tests"]


def _used_in_files() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for folder in SCANNED:
        for path in (REPO_ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".rq", ".ttl", ".html"} or "data" in path.parts[-3:-1]:
                continue
            for match in TERM_IN_TEXT.finditer(path.read_text(encoding="utf-8")):
                term = match.group(1) or match.group(2)
                used.setdefault(term, set()).add(str(path.relative_to(REPO_ROOT)))
    return used


def test_every_term_used_in_code_queries_and_shapes_is_declared() -> None:
    undeclared = {t: sorted(files) for t, files in _used_in_files().items() if t not in declared_terms()}
    assert not undeclared, f"terms used but not declared in ontology/nap.ttl: {undeclared}"


def test_every_term_used_in_the_data_is_declared(built: BuildResult) -> None:
    used = {
        str(node)[len(NAP_URI) :]
        for triple in built.union
        for node in (triple[1], triple[2] if triple[1] == RDF.type else None)
        if isinstance(node, URIRef) and str(node).startswith(NAP_URI)
    }
    assert used - declared_terms() == set()


def test_every_declared_term_is_used_somewhere(built: BuildResult) -> None:
    data_terms = {str(n)[len(NAP_URI) :] for t in built.union for n in t if str(n).startswith(NAP_URI)}
    unused = declared_terms() - data_terms - set(_used_in_files())
    assert not unused, f"declared but never used: {sorted(unused)}"


@pytest.mark.parametrize("term", sorted(declared_terms()))
def test_every_term_has_dutch_and_english_labels_and_a_definition(term: str) -> None:
    iri = URIRef(NAP_URI + term)
    labels = {lit.language for lit in ONTOLOGY.objects(iri, RDFS.label)}
    definitions = {lit.language for lit in ONTOLOGY.objects(iri, SKOS.definition)}
    assert {"nl", "en"} <= labels, f"{term}: labels in {labels}"
    assert {"nl", "en"} <= definitions, f"{term}: definitions in {definitions}"


def test_ontology_has_a_version() -> None:
    assert ONTOLOGY.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo) is not None
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in ONTOLOGY
