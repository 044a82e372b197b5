"""The library of saved questions over HTTP: ``/queries`` lists them, ``/queries/{name}`` answers one.

An answer comes in every SPARQL result format of the endpoint's table (:mod:`napkg_server.formats`),
chosen by ``?format=`` or ``Accept`` as on ``/sparql``, or as an HTML page for browsers. Parameters
come from the query string, are validated against their declared kind (a bad value is a 400 with a
message) and are bound as values through the worker pool, under the endpoint's time limit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from napkg_graph.saved_queries import ParameterError, SavedQuery, Term, library
from starlette.responses import JSONResponse, Response

from napkg_server.engine.evaluation import QueryAnswer
from napkg_server.engine.inline_bindings import inline
from napkg_server.formats import BY_KEY, CITATION_BY_KEY, HTML_MEDIA_TYPE, ResultKind, formats_of
from napkg_server.http.negotiation import best_choice, format_candidates
from napkg_server.http.problems import HttpProblem
from napkg_server.sparql.runner import Answer, Row, read_answer, read_solutions
from napkg_server.web import citations
from napkg_server.web.context import Web, WebContext
from napkg_server.web.pages import Table, results_table
from napkg_server.web.rendering import page_language, render

router = APIRouter(include_in_schema=False)

RESULT_KEYS = tuple(f.key for f in formats_of(ResultKind.SOLUTIONS))  # json, xml, csv, tsv
# Accept negotiation: the endpoint's SELECT formats (media types, then aliases), then the HTML page.
CANDIDATES = [
    *((media, f.key) for media, f in format_candidates(ResultKind.SOLUTIONS)),
    (HTML_MEDIA_TYPE, "html"),
    *((c.media_type, c.key) for c in CITATION_BY_KEY.values()),  # the question cited ("cite this")
]
CITATION_KEYS = tuple(CITATION_BY_KEY)
LIST_LINKS = (("/queries", "saved questions"), ("/views", "views"), ("/", "home"))


def saved(name: str) -> SavedQuery:
    query = library().get(name)
    if query is None:
        raise HttpProblem(
            404, f"There is no saved question {name[:80]!r}; see /queries for the list.", links=LIST_LINKS
        )
    return query


def given_params(request: Request, query: SavedQuery) -> dict[str, str]:
    """The query string's values for the question's parameters (other keys, like format and lang, ignored)."""
    names = {p.name for p in query.params}
    return {k: v for k, v in request.query_params.items() if k in names}


def bind(query: SavedQuery, given: dict[str, str], base_iri: str) -> dict[str, Term]:
    try:
        return query.bindings(given, base_iri)
    except ParameterError as error:
        raise HttpProblem(400, str(error), links=((f"/queries/{query.name}", query.title["en"]), *LIST_LINKS)) from None


async def answer(web: WebContext, query: SavedQuery, bindings: dict[str, Term], fmt: str) -> bytes:
    """The serialised answer of ``query`` (format key ``fmt``), run in the worker pool."""
    outcome = await web.runner.run(web.runner.job(query.sparql, dict(bindings), solutions=fmt, graph=None))
    if not isinstance(outcome, QueryAnswer):
        raise HttpProblem(500, f"Saved question {query.name} failed: {outcome.message}")
    return outcome.body


async def json_of(web: WebContext, name: str, given: dict[str, str] | None = None) -> bytes:
    """The SPARQL JSON answer of the saved question ``name`` with the values ``given``."""
    query = saved(name)
    return await answer(web, query, bind(query, given or {}, web.mapping.base_iri), "json")


async def rows_of(web: WebContext, name: str, given: dict[str, str] | None = None) -> list[Row]:
    """The rows of the saved question ``name`` (for the views)."""
    return read_solutions(await json_of(web, name, given))


def labelled_table(answer: Answer, web: WebContext, lang: str, hide: tuple[str, ...] = ()) -> Table | str:
    """An answer as a table whose IRIs show their labels in ``lang`` and link to their pages
    (the columns in ``hide`` left out)."""
    shown = replace(answer, columns=[c for c in answer.columns if c not in hide])
    return results_table(shown, web, label=lambda iri: web.lookup.label(iri, lang))


def query_url(name: str, params: dict[str, str], **extra: str) -> str:
    items = {k: v for k, v in params.items() if v} | extra
    return f"/queries/{name}" + (f"?{urlencode(items)}" if items else "")


def choose_format(request: Request) -> str:
    """``format=`` (json, xml, csv, tsv, html, or a citation format) or else ``Accept``; 406 when nothing fits."""
    value = (request.query_params.get("format") or "").strip().lower()
    if value:
        if value in RESULT_KEYS or value == "html" or value in CITATION_KEYS:
            return value
        known = ", ".join([*RESULT_KEYS, "html", *CITATION_KEYS])
        raise HttpProblem(400, f"Unknown format {value[:20]!r}; use one of: {known}.")
    chosen = best_choice(request.headers.get("accept"), CANDIDATES)
    if chosen is None:
        cite = (c.media_type for c in CITATION_BY_KEY.values())
        media = ", ".join([*(BY_KEY[k].media_type for k in RESULT_KEYS), HTML_MEDIA_TYPE, *cite])
        raise HttpProblem(406, f"A saved question's answer is available as: {media}.", {"Vary": "Accept"})
    return chosen


@dataclass(frozen=True)
class Listed:
    name: str
    title: str
    description: str
    params: list[tuple[str, str, str]]


@router.get("/queries")
async def list_questions(request: Request, web: Web) -> Response:
    language = page_language(request)
    lang = language.lang
    if (request.query_params.get("format") or "") == "json":
        return JSONResponse(
            [
                {
                    "name": q.name,
                    "url": f"/queries/{q.name}",
                    "title": q.title,
                    "description": q.description,
                    "parameters": [{"name": p.name, "default": p.default, "help": p.help} for p in q.params],
                }
                for q in library().values()
            ]
        )
    items = [
        Listed(q.name, q.title[lang], q.description[lang], [(p.name, p.default, p.help) for p in q.params])
        for q in library().values()
    ]
    return render(web.templates, request, "saved_queries.html", language=language, items=items)


@router.get("/queries/{name}")
async def question(name: str, request: Request, web: Web) -> Response:
    query = saved(name)
    fmt = choose_format(request)
    given = given_params(request, query)
    bindings = bind(query, given, web.mapping.base_iri)
    values = query.values(given)
    if fmt in CITATION_KEYS:
        return cite(request, web, query, values, fmt)
    if fmt != "html":
        media = BY_KEY[fmt]
        headers = {
            "Content-Type": media.content_type,
            "Vary": "Accept",
            "Content-Disposition": f'inline; filename="{query.name}.{fmt}"',
        }
        return Response(await answer(web, query, bindings, fmt), headers=headers)
    language = page_language(request)
    lang = language.lang
    body = await answer(web, query, bindings, "json")
    portable = inline(query.sparql, bindings)
    return render(
        web.templates,
        request,
        "saved_query.html",
        language=language,
        query=query,
        title=query.title[lang],
        description=query.description[lang],
        values=values,
        sparql=portable,
        table=labelled_table(read_answer(body), web, lang),
        query_page="/query?" + urlencode({"query": portable}),
        downloads=[(k.upper(), query_url(query.name, values, format=k)) for k in ("csv", "tsv", "json", "xml")],
        cite={
            "text": citations.text(citation_of(web, query, values, lang)),
            "downloads": [
                (c.label, query_url(query.name, values, format=c.key, lang=lang)) for c in CITATION_BY_KEY.values()
            ],
        },
    )


def citation_of(web: WebContext, query: SavedQuery, values: dict[str, str], lang: str) -> citations.Citation:
    """The saved question, with the values asked, cited at its public URL under the base IRI."""
    url = web.mapping.base_iri + query_url(query.name, values).lstrip("/")
    title = query.title[lang] + "".join(f", {k} = {v}" for k, v in values.items() if v)
    return citations.citation(title, url, web.mapping.base_iri, lang, web.cited)


def cite(request: Request, web: WebContext, query: SavedQuery, values: dict[str, str], key: str) -> Response:
    fmt = CITATION_BY_KEY[key]
    lang = page_language(request).lang
    headers = {
        "Content-Type": fmt.content_type,
        "Vary": "Accept, Accept-Language",
        "Content-Disposition": f'inline; filename="{query.name}.{fmt.suffix}"',
    }
    return Response(citations.render(citation_of(web, query, values, lang), key), headers=headers)
