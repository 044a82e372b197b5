"""Per-client concurrency: at most N requests that run queries at once from one client address.

The worker pool bounds the queries of *all* clients together (``--max-concurrent-queries``);
this bounds one client's share, so that a single script firing requests in parallel cannot
keep every worker busy while others wait. A request beyond the limit is answered at once
with ``429 Too Many Requests`` and ``Retry-After``, before it reads its body or queues.

Counted are the requests that can run SPARQL: ``/sparql``, the pages and the dereferenced
IRIs. Not counted: ``/health``, static assets, downloads, the catalogue, VoID and the API
documentation, which never reach the workers, and CORS preflights.

The client is the peer address of the connection (behind a reverse proxy, run uvicorn with
``--forwarded-allow-ips`` so that it is the address the proxy reports).

>>> limiter = ClientLimiter(2)
>>> limiter.acquire("a"), limiter.acquire("a"), limiter.acquire("a"), limiter.acquire("b")
(True, True, False, True)
>>> limiter.release("a"); limiter.acquire("a")
True
>>> counts_toward_limit("/sparql"), counts_toward_limit("/health"), counts_toward_limit("/static/style.css")
(True, False, False)
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

RETRY_AFTER_SECONDS = 1
EXEMPT_PATHS = frozenset({"/health", "/docs", "/redoc", "/openapi.json", "/catalog", "/.well-known/void", "/downloads"})
EXEMPT_PREFIXES = ("/static/", "/downloads/", "/admin/", "/docs/")


def counts_toward_limit(path: str) -> bool:
    """Whether a request for ``path`` may run queries (and so counts toward the limit)."""
    return path not in EXEMPT_PATHS and not path.startswith(EXEMPT_PREFIXES)


class ClientLimiter:
    """Counts the requests in flight per client; no locks: it runs on the event loop only."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._active: dict[str, int] = {}

    def acquire(self, client: str) -> bool:
        count = self._active.get(client, 0)
        if count >= self.limit:
            return False
        self._active[client] = count + 1
        return True

    def release(self, client: str) -> None:
        count = self._active.get(client, 0) - 1
        if count > 0:
            self._active[client] = count
        else:
            self._active.pop(client, None)


class ClientLimitMiddleware:
    """Pure ASGI middleware applying a :class:`ClientLimiter` to the requests that count."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limiter = ClientLimiter(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "OPTIONS" or not counts_toward_limit(scope["path"]):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        if not self.limiter.acquire(client):
            message = (
                f"Too many requests at once from {client}: at most {self.limiter.limit} queries may run "
                f"per client. Wait for an answer before sending the next request "
                f"(whoever runs the server can raise --max-queries-per-client)."
            )
            response = PlainTextResponse(message + "\n", 429, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.limiter.release(client)


class BodyTooLarge(Exception):
    """Raised by the guarded ``receive`` once a request body passes the limit."""


class BodyLimitMiddleware:
    """Request bodies stop at ``max_bytes``, whatever the transfer encoding (issue 13).

    A declared ``Content-Length`` over the limit is refused before the app runs; a chunked body
    (no length given) is counted as it is received, and the read that passes the limit ends the
    request with ``413``. At most the limit plus one read (64 KiB) is ever held, and the answer
    closes the connection, so the rest of the body is never read.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> PlainTextResponse:
        message = f"The request body is larger than {self.max_bytes} bytes."
        return PlainTextResponse(message + "\n", 413, headers={"Connection": "close"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large()(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self._too_large()(scope, receive, send)
        except ClientDisconnect:
            # The client went, or its body was too slow (napkg_server.http.http_guard answered 408): not a server error.
            if started:
                raise
