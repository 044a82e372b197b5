"""HTML pages that are not one resource: home ``/``, ``/about``, and the result table the query pages share
(``/query`` itself is :mod:`napkg_server.web.workbench`, search ``/zoeken`` :mod:`napkg_server.web.search`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from napkg_server.sparql.runner import Answer, Value
from napkg_server.web.context import Web, WebContext
from napkg_server.web.rendering import page_language, render

router = APIRouter(include_in_schema=False)

MAX_ROWS = 1000


@router.get("/")
async def home(request: Request, web: Web) -> Response:
    language = page_language(request)
    lang = language.lang
    counts = {k: v.value for k, v in (await web.runner.select("home-counts") or [{}])[0].items()}
    pillars: dict[str, dict[str, Any]] = {}
    for row in await web.runner.select("home-action-points"):
        pillar = pillars.setdefault(
            row["pillar"].value, {"link": web.lookup.link(row["pillar"].value, lang), "points": []}
        )
        status = web.lookup.link(row["status"].value, lang) if "status" in row else None
        pillar["points"].append(
            (web.lookup.link(row["ap"].value, lang), row["number"].value, row["text"].value, status)
        )
    return render(web.templates, request, "home.html", language=language, counts=counts, pillars=list(pillars.values()))


@router.get("/about")
async def about(request: Request, web: Web) -> Response:
    return render(
        web.templates, request, "about.html", base_iri=web.mapping.base_iri, timeout=web.runner.policy.timeout
    )


@dataclass
class Table:
    columns: list[str]
    rows: list[list[tuple[str, str | None]]]  # (text, href) per cell
    total: int


def results_table(answer: Answer, web: WebContext, label: Callable[[str], str] = str) -> Table | str:
    """A SELECT answer as a table whose IRIs link to their pages, shown as ``label`` gives them (by default
    the IRI itself); an ASK answer as "true"/"false"."""
    if answer.boolean is not None:
        return str(answer.boolean).lower()

    def cell(value: Value | None) -> tuple[str, str | None]:
        if value is None:
            return ("", None)
        return (label(value.value), web.mapping.href(value.value)) if value.is_iri else (value.value, None)

    rows = [[cell(row.get(c)) for c in answer.columns] for row in answer.rows[:MAX_ROWS]]
    return Table(answer.columns, rows, len(answer.rows))
