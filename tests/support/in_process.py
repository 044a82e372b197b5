"""The real app in the test's own process: ``create_app`` with the settings ``napkg serve`` makes of the same flags
(and the same ``NAPKG_*`` environment), its lifespan run (the query workers forked, stopped at the end), and a plain
synchronous ``httpx.Client`` on it, without a socket.

For every HTTP test whose behaviour lives in the app: routes, negotiation, pages, errors, the middleware (limits on
bodies and per client, security headers, CORS, HEAD). What lives outside the app needs a real process
(:mod:`tests.support.live_server`): uvicorn's connection handling (``http_guard``: connection and header limits,
slow clients, timeouts, ``--forwarded-allow-ips``), signals, killing workers from outside, the browser and clients
that open their own socket (SPARQLWrapper, rdflib's SPARQLStore, schemathesis), and a wheel installed elsewhere.

How: the app runs on an event loop in a thread of its own (anyio's blocking portal), behind ``httpx.ASGITransport``;
each request of the synchronous client is handed to that loop and its answer, bytes as the app sent them, handed
back. (starlette's ``TestClient`` does the same, but its use of ``httpx`` is deprecated in favour of another package
whose client is not an ``httpx.Client``.) The client behaves as the httpx clients of the live tests did: redirects
are not followed, a server error is a ``500`` response (not an exception in the test), and requests come from a
loopback address.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from unittest.mock import patch

import anyio.from_thread
import httpx
from napkg_cli.serve import add_serve_arguments, settings_from_args
from napkg_server.app import create_app

BASE_URL = "http://127.0.0.1:8000"
CLIENT = ("127.0.0.1", 50000)


class _PortalTransport(httpx.BaseTransport):
    """Sends each request through ``httpx.ASGITransport`` on the app's event loop."""

    def __init__(self, portal: anyio.from_thread.BlockingPortal, app: httpx.ASGITransport) -> None:
        self._portal = portal
        self._app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def send() -> tuple[int, httpx.Headers, bytes]:
            forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._app.handle_async_request(forwarded)
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
            return response.status_code, response.headers, raw

        status, headers, raw = self._portal.call(send)
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(raw), request=request)


@contextmanager
def in_process(
    args: Sequence[str] = (), *, env: Mapping[str, str] | None = None, headers: dict[str, str] | None = None
) -> Iterator[httpx.Client]:
    """A client on the app ``napkg serve ARGS`` would serve with ``env`` added to the environment, for the length of
    the block (the settings are read once, here, as ``napkg serve`` reads them at start)."""
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    with patch.dict(os.environ, env or {}):
        settings = settings_from_args(parser.parse_args(list(args)))
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=CLIENT)
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(app.router.lifespan_context(app)),  # workers start, and stop at the end
        httpx.Client(transport=_PortalTransport(portal, transport), base_url=BASE_URL, headers=headers) as client,
    ):
        yield client
