"""Views with pictures (``/views``): the UNGP coverage matrix, the EU-law link map, the status overview,
and a dashboard per EU instrument and per ministry that combines them.

Every picture is computed at request time from the answers of saved questions, run in the worker
pool (so the time limit applies), and drawn by :mod:`napkg_server.web.svg`; each is inline in its page
and downloadable as ``image/svg+xml`` at the same path plus ``.svg``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from napkg_server.http.problems import HttpProblem
from napkg_server.sparql.runner import Answer, Row, read_answer
from napkg_server.web import svg
from napkg_server.web.analysis_text import STRINGS
from napkg_server.web.context import Web, WebContext
from napkg_server.web.queries import json_of, labelled_table, query_url, rows_of, saved
from napkg_server.web.rendering import page_language, render
from napkg_server.web.resources import NAP

router = APIRouter(include_in_schema=False)

PICTURES = ("ungp-matrix", "eu-law-map", "status")
SVG_TYPE = "image/svg+xml"


def numbers(value: str) -> list[int]:
    return sorted(int(n) for n in value.split(",") if n.strip().isdigit())


def key_of(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Figure:
    id: str
    title: str
    svg: str
    svg_url: str
    query_url: str  # the saved question of the data, and its answer as CSV and as JSON
    csv_url: str
    json_url: str
    query_title: str
    note: str = ""


@dataclass(frozen=True)
class Scope:
    """Which action points a picture shows: all (no filter) or those of one instrument or ministry."""

    params: dict[str, str]
    points: set[int] | None = None


def principle_text(r: Row, lang: str) -> tuple[str, str]:
    """The paraphrase and short title of a principle in ``lang`` (ungp-coverage has both languages)."""
    suffix = "Nl" if lang == "nl" else ""
    summary = r[f"summary{suffix}"].value if f"summary{suffix}" in r else ""
    return summary, r[f"title{suffix}"].value if f"title{suffix}" in r else summary


# The columns of ungp-coverage that list curated alignments, with the kind and delivery state each stands for.
CURATED_COLUMNS = {
    "implementsDelivered": ("implements", "delivered"),
    "implementsIntended": ("implements", "intended"),
    "supportsDelivered": ("supports", "delivered"),
    "supportsIntended": ("supports", "intended"),
}


async def matrix(web: WebContext, lang: str, scope: Scope, coverage: list[Row] | None = None) -> str:
    """The coverage matrix; ``coverage`` is the answer of ungp-coverage when the caller has it already."""
    s = STRINGS[lang]
    per_status_rows = rows_of(web, "action-points-by-status")
    if coverage is None:
        coverage, per_status = await asyncio.gather(rows_of(web, "ungp-coverage"), per_status_rows)
    else:
        per_status = await per_status_rows
    assert coverage is not None
    columns = sorted(
        (
            svg.Column(n, int(r["pillar"].value), web.mapping.href(str(web.iris.action_point(n))))
            for r in per_status
            for n in numbers(r["numbers"].value)
            if scope.points is None or n in scope.points
        ),
        key=lambda c: (c.group, c.key),
    )
    rows: list[svg.Row] = []
    explicit: set[tuple[int, int]] = set()
    curated: dict[tuple[int, int], tuple[str, str]] = {}
    for r in coverage:
        p = int(r["number"].value)
        summary, title = principle_text(r, lang)
        rows.append(
            svg.Row(
                p,
                int(r["ungpPillar"].value) if "ungpPillar" in r else 0,
                title,
                web.mapping.href(r["principle"].value),
                r["covered"].value == "true",
                f"UNGP {p}: {summary}",
                r["coverage"].value if "coverage" in r else "",
            )
        )
        explicit |= {(p, n) for n in numbers(r["explicitActionPoints"].value if "explicitActionPoints" in r else "")}
        for column, typed in CURATED_COLUMNS.items():
            curated |= {(p, n): typed for n in numbers(r[column].value if column in r else "")}
    return svg.coverage_matrix(rows, columns, explicit, curated, s)


async def link_map(web: WebContext, lang: str, scope: Scope) -> str:
    s = STRINGS[lang]
    edges_rows = await rows_of(web, "eu-law-links", scope.params)
    kinds = {"responsible-ministry": "ministry", "cites-kamerstuk": "kamerstuk"}  # the rest: to an instrument
    points: dict[str, svg.Node] = {}
    others: dict[str, svg.Node] = {}
    edges: set[tuple[str, str, str]] = set()
    for r in edges_rows:
        n = r["number"].value
        points.setdefault(
            n,
            svg.Node(
                n,
                "action-point",
                f"{s['action_point']} {n}",
                web.mapping.href(r["actionPoint"].value),
                int(r["pillar"].value),
            ),
        )
        node = r["node"].value
        kind = kinds.get(r["relation"].value, "instrument")
        others.setdefault(node, svg.Node(node, kind, r["nodeKey"].value, web.mapping.href(node)))
        edges.add((n, r["relation"].value, node))
    # the typed relations are named by their ontology labels (nap:negotiatesAct ...), in the page's language
    relation_labels = {name: web.lookup.label(NAP + name, lang) for name in svg.TYPED_EDGE_STYLE}
    return svg.link_map(list(points.values()), list(others.values()), sorted(edges), s, relation_labels)


async def status_counts(web: WebContext, lang: str, rows: list[Row] | None) -> tuple[dict, dict]:
    """Counts per pillar and status key, with the status labels in ``lang``; all action points when
    ``rows`` is None, else those rows (each an action point with ``pillar`` and ``status``)."""
    counts: dict[int, dict[str, int]] = {}
    labels: dict[str, str] = {}
    if rows is None:
        for r in await rows_of(web, "action-points-by-status"):
            key = r["statusKey"].value
            counts.setdefault(int(r["pillar"].value), {})[key] = int(r["actionPoints"].value)
            labels[key] = web.lookup.label(r["status"].value, lang)
    else:
        for r in rows:
            if "status" not in r:
                continue
            key = key_of(r["status"].value)
            row = counts.setdefault(int(r["pillar"].value), {})
            row[key] = row.get(key, 0) + 1
            labels[key] = web.lookup.label(r["status"].value, lang)
    return counts, labels


async def status(web: WebContext, lang: str, rows: list[Row] | None = None) -> str:
    counts, labels = await status_counts(web, lang, rows)
    return svg.status_bars(counts, labels, STRINGS[lang])


async def picture(web: WebContext, lang: str, name: str, scope: Scope, rows: list[Row] | None = None) -> str:
    if name == "ungp-matrix":
        return await matrix(web, lang, scope)
    if name == "eu-law-map":
        return await link_map(web, lang, scope)
    return await status(web, lang, rows)


def svg_response(text: str, name: str) -> Response:
    return Response(
        text.encode("utf-8"),
        headers={"Content-Type": SVG_TYPE + "; charset=utf-8", "Content-Disposition": f'inline; filename="{name}.svg"'},
    )


DATA = {"ungp-matrix": "ungp-coverage", "eu-law-map": "eu-law-links", "status": "action-points-by-status"}
TITLES = {"ungp-matrix": "matrix_title", "eu-law-map": "map_title", "status": "status_title"}


def figure(lang: str, name: str, text: str, svg_url: str, data: str, params: dict[str, str], note: str = "") -> Figure:
    return Figure(
        name,
        STRINGS[lang][TITLES[name]],
        text,
        svg_url,
        query_url(data, params, lang=lang),
        query_url(data, params, lang=lang, format="csv"),
        query_url(data, params, lang=lang, format="json"),
        saved(data).title[lang],
        note,
    )


async def picks(web: WebContext) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The instruments cited by action points and the responsible ministries, as (key, label) pairs."""
    links, responsibilities = await asyncio.gather(rows_of(web, "eu-law-links"), rows_of(web, "responsibility-counts"))
    instruments = sorted(
        {(key_of(r["node"].value), r["nodeKey"].value) for r in links if r["relation"].value == "cites-instrument"}
    )
    ministries = [
        (r["key"].value, r["abbreviation"].value if "abbreviation" in r else r["name"].value)
        for r in responsibilities
        if r["ministry"].value == "true"
    ]
    return instruments, ministries


@router.get("/views")
async def views_index(request: Request, web: Web) -> Response:
    (instruments, ministries), coverage = await asyncio.gather(picks(web), rows_of(web, "ungp-coverage"))
    uncovered = [r["number"].value for r in coverage if r["covered"].value != "true"]
    return render(
        web.templates,
        request,
        "views_index.html",
        instruments=instruments,
        ministries=ministries,
        uncovered=uncovered,
    )


def _view_args(name: str, request: Request) -> dict[str, str]:
    """The parameters of the view ``name`` (the link map's instrument or ministry filter); a 404 for no such view."""
    if name not in PICTURES:
        raise HttpProblem(404, f"There is no view {name[:40]!r}; see /views.")
    return {k: v for k, v in request.query_params.items() if k in ("instrument", "ministry") and name == "eu-law-map"}


@router.get("/views/{name}.svg")
async def picture_svg(name: str, request: Request, web: Web) -> Response:
    params = _view_args(name, request)
    return svg_response(await picture(web, page_language(request).lang, name, Scope(params)), name)


@router.get("/views/{name}")
async def picture_page(name: str, request: Request, web: Web) -> Response:
    params = _view_args(name, request)
    language = page_language(request)
    lang = language.lang
    extra: dict[str, Any] = {}
    if name == "ungp-matrix":  # the page lists the uncovered principles of the same answer
        coverage = await rows_of(web, "ungp-coverage")
        text = await matrix(web, lang, Scope(params), coverage)
        extra["uncovered"] = [
            (r["number"].value, web.mapping.href(r["principle"].value), principle_text(r, lang)[0])
            for r in coverage
            if r["covered"].value != "true"
        ]
    else:
        text = await picture(web, lang, name, Scope(params))
    svg_url = f"/views/{name}.svg?" + urlencode({**params, "lang": lang})
    fig = figure(lang, name, text, svg_url, DATA[name], params)
    return render(web.templates, request, "view.html", language=language, fig=fig, name=name, **extra)


@dataclass(frozen=True)
class Subject:
    """The instrument or ministry of a dashboard, with the answer of its own saved question and the
    scope of its pictures (its action points)."""

    iri: str
    data: str
    params: dict[str, str]
    answer: Answer
    scope: Scope


async def subject_of(web: WebContext, kind: str, key: str) -> Subject:
    if kind == "instrument":
        iri, data, params = str(web.iris.instrument(key)), "eu-instrument-trail", {"instrument": key}
        wanted = NAP + "EUInstrument"
    elif kind == "ministry":
        iri, data, params = str(web.iris.organisation(key)), "ministry-responsibilities", {"organisation": key}
        wanted = NAP + "Ministry"
    else:
        raise HttpProblem(404, f"There is no view {kind[:40]!r}; see /views.")
    answer = read_answer(await json_of(web, data, params))  # validates the key first: 400 for a malformed one
    if wanted not in web.lookup.types(iri):
        raise HttpProblem(
            404,
            f"There is no {kind} with key {key!r}; see /views for the list.",
            links=(("/views", "views"), ("/queries", "saved questions")),
        )
    return Subject(iri, data, params, answer, Scope({kind: key}, {int(r["number"].value) for r in answer.rows}))


@router.get("/views/{kind}/{key}/{name}.svg")
async def dashboard_svg(kind: str, key: str, name: str, request: Request, web: Web) -> Response:
    if name not in PICTURES:
        raise HttpProblem(404, "No such picture; see /views.")
    lang = page_language(request).lang
    subject = await subject_of(web, kind, key)
    return svg_response(await picture(web, lang, name, subject.scope, subject.answer.rows), f"{kind}-{key}-{name}")


@router.get("/views/{kind}/{key}")
async def dashboard(kind: str, key: str, request: Request, web: Web) -> Response:
    language = page_language(request)
    lang = language.lang
    subject = await subject_of(web, kind, key)  # first: it checks the key, and its answer scopes the pictures
    names = ("eu-law-map", "status", "ungp-matrix")
    *texts, (instruments, ministries) = await asyncio.gather(
        *(picture(web, lang, name, subject.scope, subject.answer.rows) for name in names), picks(web)
    )
    figures = []
    for name, text in zip(names, cast(list[str], texts), strict=True):
        fig_data: str = DATA[name]
        fig_params = subject.scope.params if name == "eu-law-map" else {}
        if name == "status":  # a dashboard's status counts come from its own question
            fig_data, fig_params = subject.data, subject.params
        note = language.a["matrix_restricted"] if name == "ungp-matrix" else ""
        figures.append(
            figure(lang, name, text, f"/views/{kind}/{key}/{name}.svg?lang={lang}", fig_data, fig_params, note)
        )
    return render(
        web.templates,
        request,
        "dashboard.html",
        language=language,
        kind=kind,
        key=key,
        subject=web.lookup.link(subject.iri, lang),
        abbreviation=web.lookup.literal(subject.iri, NAP + "abbreviation", lang) or key.upper(),
        table=labelled_table(
            subject.answer, web, lang, hide=(kind if kind == "instrument" else "organisation", "status2024")
        ),
        data=saved(subject.data),
        data_url=query_url(subject.data, subject.params, lang=lang),
        data_csv=query_url(subject.data, subject.params, lang=lang, format="csv"),
        data_json=query_url(subject.data, subject.params, lang=lang, format="json"),
        figures=figures,
        instruments=instruments,
        ministries=ministries,
    )
