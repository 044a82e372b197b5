"""The query workbench's browser flows (issue 17), shared by both engines: :func:`plan` gives what to type and what
must come out, computed from the data; a driver (Playwright for Chromium in test_workbench_browser.py, the node
runner ``tests/server/web/firefox/flows.mjs`` for Firefox) reports what it saw in the shape :func:`check` reads.

The selectors below are the driver's contract with ``static/workbench/workbench.js``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pyoxigraph
from napkg_graph.config import DATA_DIR
from napkg_graph.iris import Iris
from napkg_graph.vocab import NAP_URI

from tests.conftest import select

PAGE_SIZE = 20  # rows per page of the workbench's table
SOLUTIONS = ("csv", "tsv", "json")  # the download links under a table, and under a graph
GRAPHS = ("ttl", "jsonld", "nt", "rdf")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
)
COMPLETION_KINDS = (
    "ActionPoint",
    "EUInstrument",
    "GuidingPrinciple",
    "Ministry",
    "ParliamentaryPaper",
    "ParliamentaryDossier",
    "HouseDocument",
)  # as the server's queries/workbench-resources.rq

SYNTAX_ERROR_QUERY = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = )\n}"
PAGING_QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    'SELECT ?s ?label WHERE {\n  ?s rdfs:label ?label .\n  FILTER(LANG(?label) = "en")\n}\n'
    "ORDER BY ?s ?label\nLIMIT 100"
)
GRAPH_QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "CONSTRUCT {{ <{ap}> rdfs:label ?label }} WHERE {{ <{ap}> rdfs:label ?label }}"
)
CHART_QUERY = (
    f"PREFIX nap: <{NAP_URI}>\n"
    "SELECT ?pillar (COUNT(?ap) AS ?n) WHERE {\n  ?ap a nap:ActionPoint ; nap:pillar ?pillar .\n}\n"
    "GROUP BY ?pillar\nORDER BY ?pillar"
)


def label(store: pyoxigraph.Store, iri: str, lang: str = "en") -> str:
    """The label the pages show for ``iri`` in ``lang`` (the server's Lookup's order; every IRI here has one)."""
    for predicate in LABEL_PROPERTIES:
        texts = {
            q.object.language: q.object.value
            for q in store.quads_for_pattern(pyoxigraph.NamedNode(iri), pyoxigraph.NamedNode(predicate), None)
            if isinstance(q.object, pyoxigraph.Literal)
        }
        for choice in (lang, "nl", None):
            if choice in texts:
                return texts[choice]
    raise AssertionError(f"{iri} has no label")


def _resource_to_find(store: pyoxigraph.Store, base_iri: str) -> tuple[int, str]:
    """An action point and the start of a word of its action text that no other resource of the completion's kinds
    has in any text: typing it must offer that action point."""
    kinds = " ".join(f"<{NAP_URI}{k}>" for k in COMPLETION_KINDS)
    texts = select(
        store,
        f"SELECT ?r ?text WHERE {{ VALUES ?t {{ {kinds} }} ?r a ?t ; ?p ?text . FILTER(isLiteral(?text)) }}",
    )
    iris = Iris(base_iri)
    for n in range(1, 34):
        own = " ".join(r["text"] for r in texts if r["r"] == str(iris.action_point(n)))
        for word in sorted(set(re.findall(r"[^\W\d_]{11,}", own)), key=lambda w: (-len(w), w)):
            fragment = word[:9].lower()
            holders = {r["r"] for r in texts if fragment in r["text"].lower()}
            if holders == {str(iris.action_point(n))}:
                return n, word[:9]
    raise AssertionError("no action point has a word of its own")


def plan(store: pyoxigraph.Store, base_iri: str) -> dict[str, Any]:
    """What each flow types, and what must come out (a plain dict, so the node runner can read it as JSON)."""
    prefixes = json.loads((DATA_DIR / "ontology" / "context.jsonld").read_text("utf-8"))["@context"]
    n, fragment = _resource_to_find(store, base_iri)
    ap = str(Iris(base_iri).action_point(n))
    paging = [row["s"] for row in select(store, PAGING_QUERY)]
    assert len(paging) == 100, "the paging flow needs a 100-row answer"
    bars = [f"{label(store, row['pillar'])}: {row['n']}" for row in select(store, CHART_QUERY)]
    graph_query = GRAPH_QUERY.format(ap=ap)
    triples = sorted({f"<{ap}> <{RDFS_LABEL}> {literal}" for literal in _labels(store, ap)})
    offset = SYNTAX_ERROR_QUERY.index(")")
    return {
        "prefix": {"typed": "PREFIX sk", "option": "skos:", "line": f"PREFIX skos: <{prefixes['skos']}>"},
        "resource": {"typed": f"SELECT * WHERE {{ ?s ?p {fragment}", "option": label(store, ap), "iri": ap},
        "syntax": {
            "query": SYNTAX_ERROR_QUERY,
            "marked": SYNTAX_ERROR_QUERY[offset],
            "line": SYNTAX_ERROR_QUERY[:offset].count("\n") + 1,
        },
        "paging": {"query": PAGING_QUERY, "pages": [paging[i : i + PAGE_SIZE] for i in range(0, 100, PAGE_SIZE)]},
        "chart": {"query": CHART_QUERY, "bars": bars},
        "graph": {"query": graph_query, "triples": triples},
        # most recent first; the link flow reruns the paging query, which moves it to the top
        "recent": [PAGING_QUERY, graph_query, CHART_QUERY],
    }


def _labels(store: pyoxigraph.Store, iri: str) -> list[str]:
    """The rdfs:labels of ``iri`` as N-Triples terms."""
    quads = store.quads_for_pattern(pyoxigraph.NamedNode(iri), pyoxigraph.NamedNode(RDFS_LABEL), None)
    return [str(q.object) for q in quads]


def triples_of(turtle: str) -> list[str]:
    """The triples of a Turtle text, as sorted N-Triples lines."""
    return sorted({str(t).removesuffix(" .") for t in pyoxigraph.parse(turtle, pyoxigraph.RdfFormat.TURTLE)})


def check(observed: dict[str, Any], expected: dict[str, Any], origin: str) -> None:
    """What a driver saw against :func:`plan`."""
    assert observed["prefix"]["options"][0] == expected["prefix"]["option"], observed["prefix"]
    assert observed["prefix"]["text"] == expected["prefix"]["line"]

    resource = expected["resource"]
    assert resource["option"] in observed["resource"]["options"], observed["resource"]
    assert (
        observed["resource"]["text"]
        == resource["typed"][: -len(resource["typed"].split()[-1])] + f"<{resource['iri']}>"
    )
    assert observed["resource"]["shown_label"] == resource["option"]

    assert observed["syntax"]["marked"] == expected["syntax"]["marked"]
    assert observed["syntax"]["line"] == expected["syntax"]["line"]
    assert observed["syntax"]["message"].startswith(("Syntax error: Unexpected ')'", "Syntaxfout: Unexpected ')'"))

    pages = expected["paging"]["pages"]
    assert observed["paging"]["pages"] == pages
    assert observed["paging"]["where"] == [f"Page {i + 1} of {len(pages)}" for i in range(len(pages))]
    assert observed["paging"]["next_disabled_at_end"] is True

    assert observed["chart"]["bars"] == expected["chart"]["bars"]
    downloads = [(k, "/sparql?" + urlencode({"query": expected["paging"]["query"], "format": k})) for k in SOLUTIONS]
    assert [tuple(d) for d in observed["paging"]["downloads"]] == downloads

    assert triples_of(observed["graph"]["turtle"]) == expected["graph"]["triples"]
    assert observed["graph"]["highlighted"] > 0, "the Turtle is not highlighted"
    assert [tuple(d) for d in observed["graph"]["downloads"]] == [
        (k, "/sparql?" + urlencode({"query": expected["graph"]["query"], "format": k})) for k in GRAPHS
    ]

    assert observed["link"]["editor"] == expected["paging"]["query"]
    assert observed["link"]["first_page"] == pages[0]
    assert observed["link"]["heading"] == "Results (100 rows)"
    assert observed["recent"] == expected["recent"]

    assert [u for u in observed["requests"] if not u.startswith((origin + "/", "data:"))] == [], (
        "requests left the host"
    )
    assert observed["errors"] == [], f"console errors (e.g. the Content-Security-Policy): {observed['errors']}"
