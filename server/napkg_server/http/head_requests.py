"""``HEAD`` wherever ``GET`` is: the GET answer's status and headers, without its body.

FastAPI's routes answer only the methods they list, and every read-only route lists ``GET``
alone; so rather than list ``HEAD`` on each (and on the ``/sparql`` fast path, and on every
route added later), this middleware runs the ``GET`` and drops the body. The request keeps
its method outside this middleware, so the access log says ``HEAD`` and uvicorn, which sees
``HEAD`` too, sends the ``Content-Length`` of the GET answer and no body bytes. Published files
(``/downloads/...``) are answered by :class:`HeadAwareFileResponse`, which for a HEAD does not read
the file at all.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAD_KEY = "napkg.head"  # scope key: this GET answers a HEAD (its body is dropped)


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def headers_only(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body" and not finished:
                if not message.get("more_body", False):  # one empty, final body message: the answer is complete
                    finished = True
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await self.app({**scope, "method": "GET", HEAD_KEY: True}, receive, headers_only)


class HeadAwareFileResponse(FileResponse):
    """A file answer that reads no file for a HEAD (Starlette's own test is on the method, GET here)."""

    def __init__(self, path: Path, media_type: str) -> None:
        super().__init__(path, media_type=media_type, filename=None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__({**scope, "method": "HEAD"} if scope.get(HEAD_KEY) else scope, receive, send)
