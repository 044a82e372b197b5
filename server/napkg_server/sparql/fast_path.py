"""``GET``/``POST /sparql`` straight to their handlers, past routing and dependency injection.

``/sparql`` is what machines call, many times a second; everything else (pages, views, downloads)
is for people. Measured with a keep-alive client on loopback (``bench/latency.py``), FastAPI's
router, its dependency solver and the exception middleware around them cost about as much as
answering a cached query. So this pure ASGI middleware, the innermost one, hands the two
methods of ``/sparql`` to :func:`napkg_server.sparql.routes.sparql_get` and
:func:`~napkg_server.sparql.routes.sparql_post` itself, with the context the routes would be given.

Nothing else changes: the same handler functions run (the FastAPI routes stay, for the OpenAPI
document and for every other method), the outer middlewares (access log, CORS, security headers,
per-client limit) still wrap the answer, a :class:`~napkg_server.sparql.protocol.SparqlHttpError` gets
the same plain-text answer as through the router, and any other exception still reaches the
server-error handler (a 500 with an incident id).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from napkg_server.sparql.protocol import SparqlHttpError
from napkg_server.sparql.routes import EndpointContext, sparql_error_response, sparql_get, sparql_post

PATH = "/sparql"


class SparqlFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if (
            scope["type"] != "http"
            or method not in ("GET", "POST")
            or scope["path"] != scope.get("root_path", "") + PATH
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        context: EndpointContext = request.app.state.context
        try:
            if method == "GET":
                response = await sparql_get(request, context)
            else:
                response = await sparql_post(request, context)
        except SparqlHttpError as error:
            response = await sparql_error_response(request, error)
        await response(scope, receive, send)
