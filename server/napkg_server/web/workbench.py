"""The query workbench ``/query``: a form that runs a query and renders the answer as a table (this works without
JavaScript), upgraded by the bundled editor (``static/workbench/workbench.js``, built from ``tools/workbench/``) with
highlighting, completion, syntax errors as you type, paging, downloads and a chart.

The editor asks this module what the graph holds, as JSON:

- ``/query/vocabulary``: prefixes (``ontology/context.jsonld``, the one table of the prefixes the dumps use), and
  the classes and properties the ontology declares or the data uses, with their labels and counts;
- ``/query/complete?q=...``: resources of the kinds people name (action points, EU acts, principles, ministries,
  Kamerstukken) whose label or text contains ``q``;
- ``/query/labels`` (POST, a JSON list of IRIs): the label and local link of each, for the result table.

Completion and vocabulary run as ``.rq`` files with bound values through the worker pool, whose result cache keeps
each answer until the next reload.

The editor (CodeMirror) injects its styles as a ``<style>`` element, which the site's policy forbids; this page's
Content-Security-Policy therefore adds a fresh nonce per response to ``style-src`` (scripts stay ``'self'`` only).
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from napkg_graph.config import DATA_DIR
from pyoxigraph import Literal
from starlette.responses import JSONResponse, Response

from napkg_server.engine.evaluation import QueryAnswer
from napkg_server.formats import BY_KEY
from napkg_server.http.problems import HttpProblem
from napkg_server.http.security import content_security_policy
from napkg_server.sparql.answers import build_job, outcome_response
from napkg_server.sparql.protocol import QueryRequest, SparqlHttpError
from napkg_server.sparql.runner import read_answer
from napkg_server.web.competency import Example
from napkg_server.web.context import Web
from napkg_server.web.pages import results_table
from napkg_server.web.rendering import page_language, render
from napkg_server.web.resources import is_iri

router = APIRouter(include_in_schema=False)

QUERY_PAGE_ACCEPT = f"{BY_KEY['json'].media_type}, {BY_KEY['ttl'].media_type}"
SOLUTION_DOWNLOADS = ("csv", "tsv", "json", "xml")
GRAPH_DOWNLOADS = ("ttl", "jsonld", "nt", "rdf")
MIN_TERM, MAX_TERM = 2, 100
MAX_LABELS = 2000  # IRIs per /query/labels request: one page of answers has far fewer


def _prefixes() -> dict[str, str]:
    """Prefix -> namespace, as the dumps declare them (``ontology/context.jsonld``)."""
    context = json.loads((DATA_DIR / "ontology" / "context.jsonld").read_text("utf-8"))["@context"]
    return {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}


PREFIXES = _prefixes()

# The editor's own words, per page language (JSON in the page: the bundle holds no text of its own).
STRINGS: dict[str, dict[str, str]] = {
    "nl": {
        "results": "Resultaten",
        "run": "Uitvoeren",
        "running": "Bezig…",
        "rows": "rijen",
        "page": "Pagina",
        "of": "van",
        "previous": "Vorige",
        "next": "Volgende",
        "download": "Downloaden als",
        "chart": "Staafdiagram",
        "table": "Tabel",
        "recent": "Recente query’s",
        "no_recent": "Nog geen query’s uitgevoerd in deze browser.",
        "truncated": "Het antwoord is ingekort",
        "error": "Fout",
        "syntax": "Syntaxfout",
        "resource": "bron",
        "class": "klasse",
        "property": "eigenschap",
        "prefix": "prefix",
    },
    "en": {
        "results": "Results",
        "run": "Run",
        "running": "Running…",
        "rows": "rows",
        "page": "Page",
        "of": "of",
        "previous": "Previous",
        "next": "Next",
        "download": "Download as",
        "chart": "Bar chart",
        "table": "Table",
        "recent": "Recent queries",
        "no_recent": "No queries run in this browser yet.",
        "truncated": "The answer was cut",
        "error": "Error",
        "syntax": "Syntax error",
        "resource": "resource",
        "class": "class",
        "property": "property",
        "prefix": "prefix",
    },
}


def downloads(text: str, keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """Links that have the endpoint answer ``text`` in each format of ``keys``."""
    return [(k, "/sparql?" + urlencode({"query": text, "format": k})) for k in keys]


@router.get("/query")
async def query_page(request: Request, web: Web) -> Response:
    examples: tuple[Example, ...] = request.app.state.examples
    text = request.query_params.get("query") or ""
    language = page_language(request)
    context: dict[str, Any] = {"query": text or examples[0].query if examples else text, "examples": examples}
    context.update(table=None, graph=None, error=None, downloads=[])
    status = 200
    if text.strip():
        context["query"] = text
        try:
            job = build_job(QueryRequest(text, None, QUERY_PAGE_ACCEPT), web.runner.policy)
            outcome = await web.runner.run(job)
            if not isinstance(outcome, QueryAnswer):
                outcome_response(QueryRequest(text, None, QUERY_PAGE_ACCEPT), outcome)  # raises
            assert isinstance(outcome, QueryAnswer)
            if outcome.format_key == "json":
                context["table"] = results_table(read_answer(outcome.body), web)
                context["downloads"] = downloads(text, SOLUTION_DOWNLOADS)
            else:
                context["graph"] = outcome.body.decode("utf-8")
                context["downloads"] = downloads(text, GRAPH_DOWNLOADS)
        except (SparqlHttpError, HttpProblem) as error:
            status, context["error"] = error.status, error.message
    nonce = secrets.token_urlsafe(18)
    setup = {"strings": STRINGS[language.lang], "lang": language.lang, "nonce": nonce}
    return render(
        web.templates,
        request,
        "query.html",
        status=status,
        language=language,
        headers={"Content-Security-Policy": content_security_policy([f"'nonce-{nonce}'"])},
        workbench=json.dumps(setup, ensure_ascii=False),
        **context,
    )


@router.get("/query/vocabulary")
async def vocabulary(request: Request, web: Web) -> JSONResponse:
    """Prefixes, classes and properties for the editor's completion."""
    lang = page_language(request).lang
    terms: dict[str, list[dict[str, Any]]] = {"class": [], "property": []}
    for row in await web.runner.select("workbench-vocabulary"):
        iri = row["term"].value
        terms[row["kind"].value].append(
            {"iri": iri, "label": web.lookup.label(iri, lang), "count": int(row["count"].value)}
        )
    return JSONResponse({"prefixes": PREFIXES, "classes": terms["class"], "properties": terms["property"]})


@router.get("/query/complete")
async def complete(request: Request, web: Web) -> JSONResponse:
    """Resources whose label or text contains ``q`` (2 to 100 characters), best first, at most 20."""
    lang = page_language(request).lang
    term = "".join(ch for ch in request.query_params.get("q") or "" if ch.isprintable()).strip()
    if not MIN_TERM <= len(term) <= MAX_TERM:
        raise HttpProblem(400, f"q must hold {MIN_TERM} to {MAX_TERM} characters")
    found = []
    for row in await web.runner.select("workbench-resources", q=Literal(term)):
        link = web.lookup.link(row["resource"].value, lang)
        matched = row["matched"].value
        kinds = sorted(web.lookup.types(link.iri))
        found.append(
            {
                "iri": link.iri,
                "label": link.label,
                "href": link.href,
                "matched": "" if matched == link.label else matched,
                "kind": web.lookup.label(kinds[0], lang) if kinds else "",
            }
        )
    return JSONResponse({"q": term, "resources": found})


@router.post("/query/labels")
async def labels(request: Request, web: Web) -> JSONResponse:
    """``{iri: {"label", "href"}}`` for a JSON list of IRIs (those of the dataset and its vocabularies)."""
    lang = page_language(request).lang
    try:
        iris = json.loads(await request.body())
    except ValueError as error:
        raise HttpProblem(400, f"the body must be a JSON list of IRIs: {error}") from None
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris) or len(iris) > MAX_LABELS:
        raise HttpProblem(400, f"the body must be a JSON list of at most {MAX_LABELS} IRIs")
    answer = {}
    for iri in dict.fromkeys(iris):
        if not is_iri(iri):  # a blank node's label or anything else: nothing to name
            continue
        link = web.lookup.link(iri, lang)
        answer[iri] = {"label": link.label, "href": link.href}
    return JSONResponse(answer)
