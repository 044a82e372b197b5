"""Permanent redirects from the IRIs that moved (the table is napkg_graph.iri_moves) to the ones that replace them.

``301 Moved Permanently`` rather than ``308``: only GET and HEAD are served under ``/id/``, for which the two mean
the same, and 301 is followed by every linked-data client, crawler and cache, where 308 is not (Python's urllib,
and so rdflib's ``Graph.parse(url)``, follows 308 only since Python 3.11). The query string is kept
(``?lang=en``, ``?format=ttl``); the Location is a path on this server, as the IRI maps to it.
"""

from __future__ import annotations

from napkg_graph.iri_moves import moved_path
from starlette.requests import Request
from starlette.responses import RedirectResponse

from napkg_server.web.resources import IriMapping

MOVED_STATUS = 301


def redirect_if_moved(request: Request, path: str, mapping: IriMapping) -> RedirectResponse | None:
    """A permanent redirect when ``path`` (no leading slash) is under a moved prefix and no IRI could be refused
    at its new place (``/id/actiepunt/17/..`` stays a 404), else None."""
    new = moved_path(path)
    if new is None or mapping.iri_for_path(new) is None:
        return None
    query = request.url.query
    return RedirectResponse(f"/{new}" + (f"?{query}" if query else ""), status_code=MOVED_STATUS)
