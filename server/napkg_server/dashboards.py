"""Views with pictures (``/views``): the UNGP coverage matrix, the EU-law link map, the status overview,
and a dashboard per EU instrument and per ministry that combines them.

Every picture is computed at request time from the answers of saved questions, run in the worker
pool (so the time limit applies), and drawn by :mod:`napkg_server.svg`; each is inline in its page
and downloadable as ``image/svg+xml`` at the same path plus ``.svg``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from napkg_server import svg
from napkg_server.analysis import json_of, labelled_table, query_url, rows_of, saved
from napkg_server.analysis_text import STRINGS
from napkg_server.problems import HttpProblem
from napkg_server.rendering import page_language, render
from napkg_server.runner import Row, read_solutions
from napkg_server.web import Web, WebContext

router = APIRouter(include_in_schema=False)

NAP = "https://w3id.org/nap-kg/def/"
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
    query_url: str
    query_title: str
    note: str = ""

    @property
    def csv_url(self) -> str:
        return self.query_url + ("&" if "?" in self.query_url else "?") + "format=csv"

    @property
    def json_url(self) -> str:
        return self.query_url + ("&" if "?" in self.query_url else "?") + "format=json"


@dataclass(frozen=True)
class Scope:
    """Which action points a picture shows: all (no filter) or those of one instrument or ministry."""

    params: dict[str, str]
    points: set[int] | None = None


async def matrix(web: WebContext, lang: str, scope: Scope) -> str:
    s = STRINGS[lang]
    coverage = await rows_of(web, "ungp-coverage")
    per_status = await rows_of(web, "action-points-by-status")
    columns = sorted(
        (
            svg.Column(n, int(r["pillar"].value), web.mapping.href(f"{web.base_iri}id/actiepunt/{n}"))
            for r in per_status
            for n in numbers(r["numbers"].value)
            if scope.points is None or n in scope.points
        ),
        key=lambda c: (c.group, c.key),
    )
    rows, explicit, curated = [], set(), set()
    for r in coverage:
        p = int(r["number"].value)
        summary = r["summary"].value if "summary" in r else ""
        rows.append(
            svg.Row(
                p,
                int(r["ungpPillar"].value) if "ungpPillar" in r else 0,
                summary,
                web.mapping.href(r["principle"].value),
                r["covered"].value == "true",
                f"UNGP {p}: {summary}",
            )
        )
        explicit |= {(p, n) for n in numbers(r["explicitActionPoints"].value if "explicitActionPoints" in r else "")}
        curated |= {(p, n) for n in numbers(r["curatedActionPoints"].value if "curatedActionPoints" in r else "")}
    return svg.coverage_matrix(rows, columns, explicit, curated, s)


async def link_map(web: WebContext, lang: str, scope: Scope) -> str:
    s = STRINGS[lang]
    edges_rows = await rows_of(web, "eu-law-links", scope.params)
    kinds = {"cites-instrument": "instrument", "responsible-ministry": "ministry", "cites-kamerstuk": "kamerstuk"}
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
        others.setdefault(node, svg.Node(node, kinds[r["relation"].value], r["nodeKey"].value, web.mapping.href(node)))
        edges.add((n, r["relation"].value, node))
    return svg.link_map(list(points.values()), list(others.values()), sorted(edges), s)


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


async def status(web: WebContext, lang: str, scope: Scope, rows: list[Row] | None = None) -> str:
    counts, labels = await status_counts(web, lang, rows)
    return svg.status_bars(counts, labels, STRINGS[lang])


async def picture(web: WebContext, lang: str, name: str, scope: Scope, rows: list[Row] | None = None) -> str:
    if name == "ungp-matrix":
        return await matrix(web, lang, scope)
    if name == "eu-law-map":
        return await link_map(web, lang, scope)
    return await status(web, lang, scope, rows)


def svg_response(text: str, name: str) -> Response:
    return Response(
        text.encode("utf-8"),
        headers={"Content-Type": SVG_TYPE + "; charset=utf-8", "Content-Disposition": f'inline; filename="{name}.svg"'},
    )


DATA = {"ungp-matrix": "ungp-coverage", "eu-law-map": "eu-law-links", "status": "action-points-by-status"}
TITLES = {"ungp-matrix": "matrix_title", "eu-law-map": "map_title", "status": "status_title"}


def figure(lang: str, name: str, text: str, svg_url: str, data: str, params: dict[str, str], note: str = "") -> Figure:
    s = STRINGS[lang]
    url = query_url(data, params, lang=lang)
    return Figure(name, s[TITLES[name]], text, svg_url, url, saved(data).title[lang], note)


async def picks(web: WebContext) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The instruments cited by action points and the responsible ministries, as (key, label) pairs."""
    instruments = sorted(
        {
            (key_of(r["node"].value), r["nodeKey"].value)
            for r in await rows_of(web, "eu-law-links")
            if r["relation"].value == "cites-instrument"
        }
    )
    ministries = [
        (r["key"].value, r["abbreviation"].value if "abbreviation" in r else r["name"].value)
        for r in await rows_of(web, "responsibility-counts")
        if r["ministry"].value == "true"
    ]
    return instruments, ministries


@router.get("/views")
async def views_index(request: Request, web: Web) -> Response:
    lang = page_language(request).lang
    instruments, ministries = await picks(web)
    coverage = await rows_of(web, "ungp-coverage")
    uncovered = [r["number"].value for r in coverage if r["covered"].value != "true"]
    return render(
        web.templates,
        request,
        "views_index.html",
        a=STRINGS[lang],
        instruments=instruments,
        ministries=ministries,
        uncovered=uncovered,
    )


@router.get("/views/{name}.svg")
async def picture_svg(name: str, request: Request, web: Web) -> Response:
    if name not in PICTURES:
        raise HttpProblem(404, f"There is no view {name[:40]!r}; see /views.")
    lang = page_language(request).lang
    params = {k: v for k, v in request.query_params.items() if k in ("instrument", "ministry") and name == "eu-law-map"}
    return svg_response(await picture(web, lang, name, Scope(params)), name)


@router.get("/views/{name}")
async def picture_page(name: str, request: Request, web: Web) -> Response:
    if name not in PICTURES:
        raise HttpProblem(404, f"There is no view {name[:40]!r}; see /views.")
    lang = page_language(request).lang
    params = {k: v for k, v in request.query_params.items() if k in ("instrument", "ministry") and name == "eu-law-map"}
    text = await picture(web, lang, name, Scope(params))
    svg_url = f"/views/{name}.svg?" + urlencode({**params, "lang": lang})
    fig = figure(lang, name, text, svg_url, DATA[name], params)
    extra = {}
    if name == "ungp-matrix":
        extra["uncovered"] = [
            (r["number"].value, web.mapping.href(r["principle"].value), r["summary"].value if "summary" in r else "")
            for r in await rows_of(web, "ungp-coverage")
            if r["covered"].value != "true"
        ]
    return render(web.templates, request, "view.html", a=STRINGS[lang], fig=fig, name=name, **extra)


@dataclass(frozen=True)
class Subject:
    """The instrument or ministry of a dashboard, with the answer of its own saved question."""

    iri: str
    data: str
    params: dict[str, str]
    body: bytes
    rows: list[Row]

    @property
    def scope(self) -> Scope:
        kind = "instrument" if self.data == "eu-instrument-trail" else "ministry"
        return Scope({kind: next(iter(self.params.values()))}, {int(r["number"].value) for r in self.rows})


async def subject_of(web: WebContext, kind: str, key: str) -> Subject:
    if kind == "instrument":
        iri, data, params = f"{web.base_iri}id/eu/{key}", "eu-instrument-trail", {"instrument": key}
        wanted = NAP + "EUInstrument"
    elif kind == "ministry":
        iri, data, params = f"{web.base_iri}id/organisatie/{key}", "ministry-responsibilities", {"organisation": key}
        wanted = NAP + "Ministry"
    else:
        raise HttpProblem(404, f"There is no view {kind[:40]!r}; see /views.")
    body = await json_of(web, data, params)  # validates the key first: 400 for a malformed one
    if wanted not in web.lookup.types(iri):
        raise HttpProblem(
            404,
            f"There is no {kind} with key {key!r}; see /views for the list.",
            links=(("/views", "views"), ("/queries", "saved questions")),
        )
    return Subject(iri, data, params, body, read_solutions(body))


@router.get("/views/{kind}/{key}/{name}.svg")
async def dashboard_svg(kind: str, key: str, name: str, request: Request, web: Web) -> Response:
    if name not in PICTURES:
        raise HttpProblem(404, "No such picture; see /views.")
    lang = page_language(request).lang
    subject = await subject_of(web, kind, key)
    return svg_response(await picture(web, lang, name, subject.scope, subject.rows), f"{kind}-{key}-{name}")


@router.get("/views/{kind}/{key}")
async def dashboard(kind: str, key: str, request: Request, web: Web) -> Response:
    lang = page_language(request).lang
    s = STRINGS[lang]
    subject = await subject_of(web, kind, key)
    figures = []
    for name in ("eu-law-map", "status", "ungp-matrix"):
        text = await picture(web, lang, name, subject.scope, subject.rows)
        fig_data, fig_params = DATA[name], subject.scope.params if name == "eu-law-map" else {}
        if name == "status":  # a dashboard's status counts come from its own question
            fig_data, fig_params = subject.data, subject.params
        note = s["matrix_restricted"] if name == "ungp-matrix" else ""
        figures.append(
            figure(lang, name, text, f"/views/{kind}/{key}/{name}.svg?lang={lang}", fig_data, fig_params, note)
        )
    instruments, ministries = await picks(web)
    return render(
        web.templates,
        request,
        "dashboard.html",
        a=s,
        kind=kind,
        key=key,
        subject=web.lookup.link(subject.iri, lang),
        abbreviation=web.lookup.literal(subject.iri, NAP + "abbreviation", lang) or key.upper(),
        table=labelled_table(
            subject.body, web, lang, hide=(kind if kind == "instrument" else "organisation", "status2024")
        ),
        data=saved(subject.data),
        data_url=query_url(subject.data, subject.params, lang=lang),
        data_csv=query_url(subject.data, subject.params, lang=lang, format="csv"),
        data_json=query_url(subject.data, subject.params, lang=lang, format="json"),
        figures=figures,
        instruments=instruments,
        ministries=ministries,
    )
