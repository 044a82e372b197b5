"""Structured access log: one JSON object per request, one per line (JSON Lines).

Fields: ``time`` (UTC, ISO 8601, when the request arrived), ``client``, ``method``, ``path``
(without the query string, which may hold a query), ``status``, ``duration_ms``, ``bytes``
(of the response body), ``query_hash`` (``sha256:`` and the first 16 hex digits of the
SPARQL text's digest, or null) and, for a 500, ``incident`` (the id the client was given;
the traceback is in the server's log under the same id). The query text itself is logged
only with ``--access-log-queries`` (``NAPKG_ACCESS_LOG_QUERIES=1``), as ``query``.

Where: ``--access-log -`` (stderr, the default), ``--access-log FILE`` (appended), or ``off``.

>>> query_hash("SELECT * { ?s ?p ?o }")
'sha256:b78a1c39c7b21585'
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

QUERY_KEY = "napkg.query"  # scope key where the protocol layer leaves the query text it read
INCIDENT_KEY = "napkg.incident"  # scope key where the internal-error handler leaves its id
TIMED_OUT_KEY = "napkg.timed_out"  # scope key where napkg_server.http.http_guard leaves the 408 it sent itself
MAX_PATH = 2000


def new_incident_id() -> str:
    return secrets.token_hex(6)


def query_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


def _query_of(scope: Scope) -> str | None:
    """The query text: as the protocol layer read it, else the ``query`` URL parameter."""
    text = scope.get(QUERY_KEY)
    if isinstance(text, str):
        return text
    raw = scope.get("query_string", b"")
    if b"query=" not in raw:
        return None
    with contextlib.suppress(ValueError):
        for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
            if name == "query":
                return value
    return None


def open_log(where: str) -> IO[str] | None:
    """The stream for ``--access-log``: stderr for ``-``, None for ``off``, else the file."""
    if where.strip().lower() in ("off", "none", ""):
        return None
    if where == "-":
        return sys.stderr
    return open(where, "a", encoding="utf-8", buffering=1)


class AccessLogMiddleware:
    """Pure ASGI middleware: outermost, so that it sees every answer, 429s and 500s included."""

    def __init__(self, app: ASGIApp, stream: IO[str], *, log_queries: bool = False) -> None:
        self.app = app
        self.stream = stream
        self.log_queries = log_queries

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        arrived = datetime.now(UTC)
        start = time.perf_counter()
        status = 0
        sent = 0
        logged = False

        async def counting_send(message: Message) -> None:
            nonlocal status, sent, logged
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
                if not message.get("more_body", False):  # logged before the client has it all
                    logged = True
                    self._write(scope, arrived, start, status, sent)
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        except BaseException:
            status = status or 500
            # The 500 is written outside this middleware, after this entry: name the incident
            # here, and the error handler (napkg_server.http.security) tells the client the same id.
            scope.setdefault(INCIDENT_KEY, new_incident_id())
            raise
        finally:
            if not logged:
                self._write(scope, arrived, start, status, sent)

    def _write(self, scope: Scope, arrived: datetime, start: float, status: int, sent: int) -> None:
        text = _query_of(scope)
        entry: dict[str, Any] = {
            "time": arrived.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "client": (scope.get("client") or ("unknown", 0))[0],
            "method": scope.get("method"),
            "path": scope.get("path", "")[:MAX_PATH],
            "status": status or scope.get(TIMED_OUT_KEY, 0),
            "duration_ms": round((time.perf_counter() - start) * 1000, 1),
            "bytes": sent,
            "query_hash": query_hash(text) if text is not None else None,
        }
        if scope.get(INCIDENT_KEY):
            entry["incident"] = scope[INCIDENT_KEY]
        if self.log_queries and text is not None:
            entry["query"] = text
        with contextlib.suppress(OSError, ValueError):  # a full disk must not fail the request
            self.stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.stream.flush()
