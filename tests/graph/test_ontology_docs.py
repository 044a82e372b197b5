"""dist/ontology.html: a readable page for the ontology with one element per term (id = local name), each with its
Dutch and English labels and definitions, and nothing loaded from another host."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.ontology_docs import ontology_html
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish import ONTOLOGY_HTML
from napkg_graph.vocab import NAP_URI, declared_terms
from rdflib import RDFS, SKOS, Graph, Literal, URIRef

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def page(built: BuildResult, settings: BuildSettings) -> str:
    return (settings.dist / ONTOLOGY_HTML).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sections(page: str) -> dict[str, ET.Element]:
    root = ET.fromstring(page)  # well-formed: any XML or HTML parser reads it
    return {el.get("id", ""): el for el in root.iter(f"{XHTML}section")}


def _texts(section: ET.Element, css: str) -> set[str]:
    return {"".join(dd.itertext()) for dd in section.iter(f"{XHTML}dd") if dd.get("class") == css}


def test_page_is_html_that_parses(page: str) -> None:
    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

    parser = Collect()
    parser.feed(page)
    parser.close()
    assert page.startswith("<!DOCTYPE html>")
    assert {"html", "head", "title", "body", "section"} <= set(parser.tags)


@pytest.mark.parametrize("term", sorted(declared_terms()))
def test_every_term_has_an_anchor_with_both_labels_and_definitions(
    sections: dict[str, ET.Element], ontology: Graph, term: str
) -> None:
    assert term in sections, f"no element with id={term}"
    section = sections[term]
    iri = URIRef(NAP_URI + term)
    for prop, css in ((RDFS.label, "label"), (SKOS.definition, "definition")):
        for language in ("nl", "en"):
            values = ontology.objects(iri, prop)
            expected = {str(o) for o in values if isinstance(o, Literal) and o.language == language}
            assert expected, f"{term}: the ontology has no {css}@{language}"
            assert _texts(section, f"{css}-{language}") == expected, f"{term}: {css}@{language}"


def test_no_scripts_or_stylesheets_from_other_hosts(page: str) -> None:
    root = ET.fromstring(page)
    assert not list(root.iter(f"{XHTML}script")), "the page needs no scripts"
    for link in root.iter(f"{XHTML}link"):
        assert not (link.get("href") or "").startswith(("http:", "https:", "//")), link.attrib
    for el in root.iter():
        for attr in ("src", "srcset", "data"):
            assert not (el.get(attr) or "").startswith(("http:", "https:", "//")), el.attrib
    styles = " ".join("".join(s.itertext()) for s in root.iter(f"{XHTML}style"))
    assert not re.search(r"@import|url\(", styles)


def test_page_is_generated_deterministically_from_the_ontology(page: str, ontology: Graph) -> None:
    assert ontology_html(ontology) == page  # a parse of ontology/nap.ttl of its own, not the build's
    assert "Generated from ontology/nap.ttl" in page
