"""``/feed/``: the change feed, a Linked Data Event Stream (napkg_graph.ldes) of the releases' changes, in Turtle.

``/feed/`` is the stream's view (the root node), ``/feed/{version}`` a release's page of members, ``/feed/stream``
(the stream's IRI) redirects to the view. The pages are made from the releases' changelog files on request.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from napkg_graph.ldes import release_page, root_page
from starlette.responses import RedirectResponse, Response

from napkg_server.formats import BY_KEY
from napkg_server.http.problems import HttpProblem
from napkg_server.web.releases import _history, _settings

router = APIRouter(include_in_schema=False)


def _turtle(body: bytes) -> Response:
    return Response(body, headers={"Content-Type": BY_KEY["ttl"].content_type})


@router.get("/feed")
async def feed_redirect() -> Response:
    return RedirectResponse("/feed/", 308)


@router.get("/feed/stream")
async def stream() -> Response:
    return RedirectResponse("/feed/", 303)


@router.get("/feed/")
async def feed_root(request: Request) -> Response:
    return _turtle(root_page(_settings(request).base_iri, str(request.base_url), _history(request)))


@router.get("/feed/{version}")
async def feed_page(request: Request, version: str) -> Response:
    body = release_page(_settings(request).base_iri, str(request.base_url), _history(request), version)
    if body is None:
        raise HttpProblem(404, f"The feed has no page {version!r}.", links=(("/feed/", "the feed"),))
    return _turtle(body)
