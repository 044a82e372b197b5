"""Dereferencing: every IRI of the dataset and of the ontology, served at its local URL.

The IRI ``{base_iri}{path}`` is served at ``/{path}``, ontology terms at ``/def/{Term}`` and the
ontology at ``/def`` (see :mod:`napkg_server.web.resources`). One resource, five representations:
HTML for people; Turtle, JSON-LD, N-Triples and RDF/XML for programs. The format is chosen by
``?format=ttl|jsonld|nt|rdf|html``, else by a suffix (``/id/plan/nap-2022-2026/actiepunt/17.ttl``), else by the
``Accept`` header (``*/*`` gets Turtle; browsers, which ask for ``text/html`` first, get HTML).

Answers are ``200`` at the IRI's own URL, with ``Content-Location`` naming the document that
was sent (``/id/plan/nap-2022-2026/actiepunt/17.ttl``): this saves the round trip of a ``303 See Other`` and is
equally accepted practice since the W3C TAG's 2012 change to the httpRange-14 resolution.
Every answer carries ``Vary: Accept`` and a ``Link`` header with ``rel="alternate"`` per format.

The RDF of a resource is its outgoing triples plus the triples that point at it
(``queries/resource-description.rq``), run in the worker pool under the query time limit; the
ontology (``/def``) is the whole ontology graph. An IRI that does not occur in the data is a
404 with a body that says where to look; a path that no IRI can have is a 404 as well, and a
``format`` we do not have is a 400. A path that moved is a permanent redirect (:mod:`napkg_server.web.moved`).
No path is ever read from the file system here.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pyoxigraph import NamedNode
from starlette.responses import Response

from napkg_server.formats import (
    BY_KEY,
    CITATION_BY_KEY,
    HTML_CONTENT_TYPE,
    HTML_MEDIA_TYPE,
    RESOURCE_KEYS,
    XHTML_MEDIA_TYPE,
)
from napkg_server.http.negotiation import best_choice
from napkg_server.http.problems import HttpProblem
from napkg_server.http.security import csp_for_page
from napkg_server.web import citations
from napkg_server.web.context import Web
from napkg_server.web.moved import redirect_if_moved
from napkg_server.web.rendering import HTML_VARY, page_language, render
from napkg_server.web.resource_pages import page_kind
from napkg_server.web.resources import ONTOLOGY_IRI, split_suffix

RDF_KEYS = RESOURCE_KEYS
FORMAT_KEYS = (*RDF_KEYS, "html")
MEDIA_TYPES = {**{k: BY_KEY[k].media_type for k in RDF_KEYS}, "html": HTML_MEDIA_TYPE}
FORMAT_LABELS = {**{k: BY_KEY[k].label for k in RDF_KEYS}, "html": "HTML"}
# A dataset resource is also offered as a citation (by ?format= or Accept only: a suffix names an RDF document).
CITATION_KEYS = tuple(CITATION_BY_KEY)

router = APIRouter()


def _candidates() -> list[tuple[str, str]]:
    canonical = [(BY_KEY[k].media_type, k) for k in RDF_KEYS]
    aliases = [(alias, k) for k in RDF_KEYS for alias in BY_KEY[k].aliases]
    cite = [(c.media_type, c.key) for c in CITATION_BY_KEY.values()]
    return [*canonical, (HTML_MEDIA_TYPE, "html"), (XHTML_MEDIA_TYPE, "html"), *aliases, *cite]


def choose_format(request: Request, suffix: str | None) -> str:
    """``?format=`` > suffix > Accept; 400 for an unknown format, 406 when none is acceptable."""
    wanted = request.query_params.get("format")
    if wanted is not None:
        key = wanted.strip().lower()
        if key not in FORMAT_KEYS + CITATION_KEYS:
            raise HttpProblem(400, f"Unknown format {wanted!r}; use one of: {', '.join(FORMAT_KEYS + CITATION_KEYS)}.")
        return key
    if suffix is not None:
        return suffix
    choice = best_choice(request.headers.get("accept"), _candidates())
    if choice is None:
        available = ", ".join([*MEDIA_TYPES.values(), *(c.media_type for c in CITATION_BY_KEY.values())])
        raise HttpProblem(406, f"This resource is available as {available}.", {"Vary": "Accept"})
    return choice


def link_header(document: str) -> str:
    return ", ".join(f'<{document}.{k}>; rel="alternate"; type="{MEDIA_TYPES[k]}"' for k in FORMAT_KEYS)


def not_found(iri: str | None, path: str) -> HttpProblem:
    if iri is None:
        message = f"/{path} is not the local URL of any IRI of this dataset."
    else:
        message = f"There is no resource <{iri}> in this dataset (served at /{path})."
    links = (
        ("/", "home: the 33 action points"),
        ("/zoeken", "search by name or text"),
        ("/about", "which URL serves which IRI"),
    )
    return HttpProblem(404, message, {"Vary": "Accept"}, links)


def resolve(web: Web, path: str) -> tuple[str, str, str | None]:
    """The IRI at ``path``, the document path without suffix, and the suffix's format."""
    iri = web.mapping.iri_for_path(path)
    if iri is not None and web.lookup.exists(iri):
        return iri, path, None
    stem, suffix = split_suffix(path)
    stem_iri = web.mapping.iri_for_path(stem) if suffix else None
    if stem_iri is not None and web.lookup.exists(stem_iri):
        return stem_iri, stem, suffix
    raise not_found(iri, path)


async def respond(request: Request, web: Web, path: str) -> Response:
    iri, document, suffix = resolve(web, path)
    fmt = choose_format(request, suffix)
    if fmt in CITATION_KEYS and iri != ONTOLOGY_IRI and not iri.startswith(ONTOLOGY_IRI + "/"):
        return cite(request, web, iri, document, fmt)
    if fmt in CITATION_KEYS:
        raise HttpProblem(406, "The ontology is cited by its own IRI; citations are offered for dataset resources.")
    location = f"/{document}.{fmt}"
    headers = {"Link": link_header(f"/{document}"), "Content-Location": location}
    if fmt == "html":
        return await html_page(request, web, iri, document, {**headers, "Vary": HTML_VARY})
    headers["Vary"] = "Accept"
    if iri == ONTOLOGY_IRI:
        graph = NamedNode(str(web.iris.graph("ontologie")))
        body = await web.runner.construct("ontology-document", fmt, graph=graph)
    else:
        body = await web.runner.construct("resource-description", fmt, resource=NamedNode(iri))
    return Response(body, headers={**headers, "Content-Type": BY_KEY[fmt].content_type})


def citation_of(request: Request, web: Web, iri: str) -> citations.Citation:
    lang = page_language(request).lang
    return citations.citation(web.lookup.label(iri, lang) or iri, iri, web.mapping.base_iri, lang, web.cited)


def cite(request: Request, web: Web, iri: str, document: str, key: str) -> Response:
    """The resource's citation in the citation format ``key``, in the language of the request."""
    fmt = CITATION_BY_KEY[key]
    headers = {
        "Content-Type": fmt.content_type,
        "Content-Location": f"/{document}?format={key}",
        "Content-Disposition": f'inline; filename="{document.rsplit("/", 1)[-1]}.{fmt.suffix}"',
        "Link": link_header(f"/{document}"),
        "Vary": "Accept, Accept-Language",
    }
    return Response(citations.render(citation_of(request, web, iri), key), headers=headers)


def cite_links(request: Request, web: Web, iri: str, document: str) -> dict[str, object]:
    """What a page's "cite this" section shows: the citation as text and its downloads."""
    lang = page_language(request).lang
    return {
        "text": citations.text(citation_of(request, web, iri)),
        "downloads": [(c.label, f"/{document}?format={c.key}&lang={lang}") for c in CITATION_BY_KEY.values()],
    }


async def html_page(request: Request, web: Web, iri: str, document: str, headers: dict[str, str]) -> Response:
    language = page_language(request)
    lang = language.lang
    formats = [(FORMAT_LABELS[k], f"/{document}.{k}") for k in FORMAT_KEYS if k != "html"]
    if iri == ONTOLOGY_IRI and web.dist is not None and (web.dist / "ontology.html").is_file():
        body = (web.dist / "ontology.html").read_bytes()
        policy = csp_for_page(body.decode("utf-8", errors="replace"))
        headers = {**headers, "Content-Type": HTML_CONTENT_TYPE, "Content-Security-Policy": policy}
        return Response(body, headers=headers)
    kind = page_kind(web.lookup.types(iri))
    if kind == "action-point":
        template, view = "action_point.html", await web.views.action_point(iri, lang)
        return render(
            web.templates,
            request,
            template,
            headers=headers,
            language=language,
            r=view,
            formats=formats,
            cite=cite_links(request, web, iri, document),
        )
    elif kind != "generic":
        template, view = "inbound.html", await web.views.inbound(iri, kind, lang)
    else:
        template, view = "resource.html", await web.views.generic(iri, lang)
    return render(web.templates, request, template, headers=headers, language=language, r=view, formats=formats)


@router.get("/def", include_in_schema=False)
async def ontology(request: Request, web: Web) -> Response:
    return await respond(request, web, "def")


@router.get("/{path:path}", include_in_schema=False)
async def resource(request: Request, web: Web, path: str) -> Response:
    """Any other path: a resource IRI of the dataset or the ontology (registered last), or one that moved."""
    return redirect_if_moved(request, path, web.mapping) or await respond(request, web, path)
