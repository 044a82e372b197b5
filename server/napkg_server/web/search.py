"""``/zoeken``: full-text search with facets, as action-point cards, and the same result set as CSV.

The text is searched in the server's full-text index (:mod:`napkg_server.data.text_index`, the index
``nap:textSearch`` answers from, so the page and ``/sparql`` find the same texts); each matching text counts for
the action point it belongs to (``queries/search-subjects.rq``). The facets come from
``queries/search-facets.rq`` and are counted by :mod:`napkg_server.web.facets`. Every state of the page is its
URL (``?q=...&pijler=1&ungp=3&ungp=17``); ``&format=csv`` gives the cards as CSV. No JavaScript: the facet
values are links. Texts not belonging to an action point are listed below the cards while no facet is chosen.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from napkg_server.data.text_index import TextHit, TextIndex
from napkg_server.formats import BY_KEY
from napkg_server.http.problems import HttpProblem
from napkg_server.web.context import Web, WebContext
from napkg_server.web.facets import FACETS, Facets, natural, state_url
from napkg_server.web.rendering import page_language, render
from napkg_server.web.resources import Link

router = APIRouter(include_in_schema=False)

MAX_TERM = 200
MAX_SNIPPETS = 3  # matched texts shown per card
MAX_OTHERS = 50  # texts outside the action points
WIDTH = 90  # characters of context either side of the first match
CSV_COLUMNS = ("number", "action_point", "label", "pillar", "status", "score", "match")
Parts = list[tuple[str, bool]]  # a text cut into (part, is a match)


@dataclass
class Snippet:
    source: Link
    parts: Parts

    @property
    def text(self) -> str:
        return "".join(part for part, _ in self.parts)


@dataclass
class Card:
    number: int
    link: Link
    pillar: Link
    status: Link | None
    text: str
    score: float | None = None
    snippets: list[Snippet] = field(default_factory=list)


@dataclass
class FacetValue:
    iri: str
    label: str
    count: int
    href: str
    chosen: bool


def window(parts: Parts, width: int = WIDTH) -> Parts:
    """``parts`` cut to ``width`` characters either side of the first match, with ellipses where cut.

    >>> window([("a" * 200, False), ("x", True), ("b" * 200, False)], 3)
    [('… aaa', False), ('x', True), ('bbb …', False)]
    """
    if not parts:
        return []
    at = 0
    for i, (_, hit) in enumerate(parts):
        if hit:
            at = i
            break
    before = "".join(p for p, _ in parts[:at])
    after = "".join(p for p, _ in parts[at + 1 :])
    if not parts[at][1]:  # no match (only the words of a phrase elsewhere): the start of the text
        return [(_cut_end(before + parts[at][0] + after, 2 * width), False)]
    cut: Parts = []
    if before:
        cut.append((("… " + before[-width:]) if len(before) > width else before, False))
    cut += parts[at : at + 1]
    rest = parts[at + 1 :]
    shown = 0
    for part, hit in rest:
        if shown + len(part) > width and not hit:
            cut.append((part[: width - shown] + " …", False))
            break
        cut.append((part, hit))
        shown += len(part)
    return cut


def _cut_end(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width] + " …"


def clean_term(raw: str | None) -> str:
    # Control characters (NUL ...) are not text: drop them rather than echo them into the page.
    return "".join(ch for ch in raw or "" if ch.isprintable()).strip()[:MAX_TERM]


async def _facets(web: WebContext) -> Facets:
    members: dict[str, set[tuple[str, str]]] = {}
    for row in await web.runner.select("search-facets"):
        members.setdefault(row["ap"].value, set()).add((row["facet"].value, row["value"].value))
    return Facets.of(members)


def _selection(request: Request, facets: Facets) -> dict[str, tuple[str, ...]]:
    """The values chosen in the URL, as IRIs; an unknown value is a 400 naming the known ones."""
    chosen: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        keys = request.query_params.getlist(facet)
        known = facets.values.get(facet, {})
        for key in keys:
            if key not in known:
                names = ", ".join(sorted(known, key=natural))
                raise HttpProblem(400, f"Unknown value {key!r} for the facet {facet!r}; known values: {names}.")
        if keys:
            chosen[facet] = tuple(dict.fromkeys(known[k] for k in keys))
    return chosen


async def _text_hits(index: TextIndex | None, term: str) -> list[TextHit]:
    if not term:
        return []
    if index is None:
        raise HttpProblem(503, "Text search is not available: the data has no text index.")
    return await asyncio.to_thread(index.search, term)  # a common word at scale takes a while: off the loop


async def _cards(web: WebContext, lang: str, term: str, hits: list[TextHit]) -> tuple[list[Card], list[TextHit]]:
    """Every action point as a card, with the hits of ``term`` that belong to it; the hits belonging to none."""
    cards: dict[str, Card] = {}
    for row in await web.runner.select("home-action-points"):
        status = web.lookup.link(row["status"].value, lang) if "status" in row else None
        cards[row["ap"].value] = Card(
            int(row["number"].value),
            web.lookup.link(row["ap"].value, lang),
            web.lookup.link(row["pillar"].value, lang),
            status,
            row["text"].value,
        )
    if not term:
        return list(cards.values()), []
    owner: dict[str, list[str]] = {}
    for row in await web.runner.select("search-subjects"):
        owner.setdefault(row["subject"].value, []).append(row["ap"].value)
    matched: dict[str, Card] = {}
    others: list[TextHit] = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:  # best first
        aps = owner.get(hit.subject)
        if not aps:
            others.append(hit)
            continue
        for ap in aps:
            card = matched.setdefault(ap, cards[ap])
            card.score = hit.score if card.score is None else max(card.score, hit.score)
            if (ap, hit.literal.value) not in seen and len(card.snippets) < MAX_SNIPPETS:
                seen.add((ap, hit.literal.value))
                parts = window(web.text.highlight(hit.literal.value, term)) if web.text else []
                card.snippets.append(Snippet(web.lookup.link(hit.subject, lang), parts))
    return list(matched.values()), others


def _csv(cards: list[Card]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in cards:
        match = c.snippets[0].text if c.snippets else ""
        score = "" if c.score is None else f"{c.score:.6f}"
        writer.writerow(
            (c.number, c.link.iri, c.link.label, c.pillar.iri, c.status.iri if c.status else "", score, match)
        )
    headers = {"Content-Type": BY_KEY["csv"].content_type, "Content-Disposition": 'attachment; filename="zoeken.csv"'}
    return Response(out.getvalue().encode("utf-8"), headers=headers)


@router.get("/zoeken")
async def search(request: Request, web: Web) -> Response:
    language = page_language(request)
    lang = language.lang
    term = clean_term(request.query_params.get("q"))
    facets = await _facets(web)
    chosen = _selection(request, facets)
    hits = await _text_hits(web.text, term)
    cards, others = await _cards(web, lang, term, hits)
    results = set(facets.narrow([c.link.iri for c in cards], chosen))
    cards = [c for c in cards if c.link.iri in results]
    cards.sort(key=lambda c: (-(c.score or 0.0), c.number))
    if request.query_params.get("format") == "csv":
        return _csv(cards)
    keys = {iri: key for values in facets.values.values() for key, iri in values.items()}
    lang_param = lang if request.query_params.get("lang") else None  # kept in links when asked for, as chosen

    def url(selection: dict[str, tuple[str, ...]], fmt: str | None = None) -> str:
        href = state_url("/zoeken", term, selection, keys, lang_param)
        return href + (("&" if "?" in href else "?") + f"format={fmt}" if fmt else "")

    groups: list[dict[str, Any]] = []
    for facet, counts in facets.counts(c.link.iri for c in cards).items():
        entries = []
        for key, iri in facets.values.get(facet, {}).items():
            picked = iri in chosen.get(facet, ())
            if not counts.get(iri) and not picked:
                continue
            values = chosen.get(facet, ())
            toggled = {**chosen, facet: tuple(v for v in values if v != iri) if picked else (*values, iri)}
            label = web.lookup.link(iri, lang).label or key
            entries.append(FacetValue(iri, label, counts.get(iri, 0), url(toggled), picked))
        entries.sort(key=lambda e: natural(e.label))
        title = FACETS[facet][0 if lang == "nl" else 1]
        groups.append({"name": facet, "title": title, "values": entries})
    other_links = [] if chosen else _other_links(web, lang, term, others)
    return render(
        web.templates,
        request,
        "search.html",
        language=language,
        term=term,
        cards=cards,
        facets=groups,
        chosen=bool(chosen),
        clear_url=url({}),
        csv_url=url(chosen, "csv"),
        others=other_links,
        lang_param=lang_param,
    )


def _other_links(web: WebContext, lang: str, term: str, hits: list[TextHit]) -> list[Snippet]:
    shown: dict[str, Snippet] = {}
    for hit in hits:
        if hit.subject not in shown and len(shown) < MAX_OTHERS:
            parts = window(web.text.highlight(hit.literal.value, term)) if web.text else []
            shown[hit.subject] = Snippet(web.lookup.link(hit.subject, lang), parts)
    return list(shown.values())
