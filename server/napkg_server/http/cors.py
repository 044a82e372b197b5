"""Cross-origin reading of the read-only routes (Starlette's ``CORSMiddleware``, with two changes).

- Any request header is allowed: a preflight is answered with the headers it asks for, named
  one by one (a ``*`` would not cover ``Authorization``, which YASGUI users set for protected
  deployments). Nothing is allowed with credentials (no cookies), so this reveals nothing a
  script could not read anyway.
- A successful preflight is ``204 No Content`` (Starlette answers ``200 OK`` with a body), and
  the admin routes (``/admin/...``) are never open cross-origin: their preflight is a ``403``
  without CORS headers, so a browser on another site cannot call them.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
EXPOSED_HEADERS = ("Content-Type", "Content-Location", "Retry-After", "X-Result-Truncated", "Warning")
CLOSED_PREFIXES = ("/admin/",)


class ReadOnlyCORSMiddleware(CORSMiddleware):
    def __init__(self, app: ASGIApp, allow_origins: Sequence[str]) -> None:
        super().__init__(
            app,
            allow_origins=allow_origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=["*"],
            expose_headers=EXPOSED_HEADERS,
            max_age=3600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CLOSED_PREFIXES):
            headers = Headers(scope=scope)
            if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
                await PlainTextResponse("Not available cross-origin.\n", 403)(scope, receive, send)
                return
            await self.app(scope, receive, send)  # same-origin use only: no CORS headers
            return
        await super().__call__(scope, receive, send)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 200:
            return response
        headers = {k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")}
        return Response(status_code=204, headers=headers)
