"""Limits on connections and request heads, enforced where the bytes arrive: uvicorn's HTTP protocol.

uvicorn (0.55, with httptools) has no option for any of these, which is why this subclass exists:

- ``limit_concurrency`` answers 503 only once a request's head has been read whole, and counts
  connections only to decide that; a connection that never finishes its head is never refused,
  and nothing closes it (``timeout_keep_alive`` is armed only *after* a response).
- httptools buffers a header line in full before handing it over, however long, and takes any
  number of them; ``h11_max_incomplete_event_size`` exists only for the slower h11 protocol.

So :func:`guarded_protocol` makes an ``HttpToolsProtocol`` that

- keeps at most ``max_connections`` open, so the server never runs out of file descriptors and
  resets everyone: a connection beyond the cap makes room by closing the connection that has been
  idle longest (no request in flight: waiting for, or still sending, a request head), or, when every
  connection has a request in flight, is refused with ``503`` and ``Retry-After`` before anything
  is read from it; the cap being reached is logged (at once, then a count every 10 s). So a flood of
  idle connections delays no one, and one of slow requests is cut by the deadlines below;
- closes a connection whose request head is not complete ``header_timeout`` seconds after it was
  opened (or after the first byte of a later request on it): ``408``, or silently when it never
  sent a byte;
- answers ``408`` and closes when a request body is not complete ``body_timeout`` seconds after
  its head;
- refuses a head with more than ``max_header_count`` fields or more than ``max_header_bytes``
  bytes of fields with ``431``, and a URL longer than ``max_url_bytes`` with ``414``, counting
  the bytes as they arrive, so an unfinished huge header is refused while it is still coming.

The size of request *bodies* is bounded in the app, whatever the transfer encoding
(:class:`napkg_server.http.limits.BodyLimitMiddleware`): uvicorn already stops reading a body the
app does not consume (64 KiB of flow control).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from dataclasses import dataclass
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from napkg_server.formats import TEXT_CONTENT_TYPE
from napkg_server.http.access_log import TIMED_OUT_KEY

log = logging.getLogger("napkg_server.connections")

LOG_INTERVAL = 10.0  # seconds between log lines while the connection cap is reached


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int = 1000
    max_header_count: int = 100
    max_header_bytes: int = 32_768
    max_url_bytes: int = 308_192
    header_timeout: float = 10.0
    body_timeout: float = 30.0

    @property
    def max_head_bytes(self) -> int:
        """Raw bytes of an unfinished head: URL, fields, and the line ends between them."""
        return self.max_url_bytes + self.max_header_bytes + 4 * self.max_header_count + 1024


class _HeadRefused(Exception):
    """Raised inside a parser callback to stop httptools; the refusal is already written."""


def plain_response(status: int, message: str, extra: bytes = b"") -> bytes:
    body = (message + "\n").encode()
    return b"".join(
        [
            STATUS_LINE[status],
            b"content-type: %s\r\n" % TEXT_CONTENT_TYPE.encode(),
            b"content-length: %d\r\n" % len(body),
            extra,
            b"connection: close\r\n\r\n",
            body,
        ]
    )


class _CapLog:
    """Logs the cap being reached at once, then what it cost, at most every LOG_INTERVAL."""

    def __init__(self) -> None:
        self.closed_idle = 0
        self.refused = 0
        self.last = -LOG_INTERVAL

    def reached(self, open_connections: int, limit: int, *, refused: bool) -> None:
        if refused:
            self.refused += 1
        else:
            self.closed_idle += 1
        now = time.monotonic()
        if now - self.last >= LOG_INTERVAL:
            log.warning(
                "connection limit reached: %d open (--max-connections %d); closed %d idle connection(s), "
                "refused %d new one(s) with 503",
                open_connections,
                limit,
                self.closed_idle,
                self.refused,
            )
            self.last = now
            self.closed_idle = self.refused = 0


def guarded_protocol(limits: ConnectionLimits) -> type[HttpToolsProtocol]:
    """An ``HttpToolsProtocol`` subclass applying ``limits`` (pass it to uvicorn as ``http=``)."""
    cap_log = _CapLog()
    # Connections with no request in flight, longest idle first (a dict keeps insertion order).
    idle: dict[HttpToolsProtocol, None] = {}

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._reading_head = True
            self._head_bytes = 0
            self._header_count = 0
            self._header_bytes = 0
            self._url_bytes = 0
            self._head_timer: asyncio.TimerHandle | None = None
            self._body_timer: asyncio.TimerHandle | None = None
            self._refused = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                longest_idle = next(iter(idle), None)
                cap_log.reached(len(self.connections) - 1, limits.max_connections, refused=longest_idle is None)
                if longest_idle is None:
                    message = "The server has too many open connections; try again shortly."
                    self._refuse(plain_response(503, message, b"retry-after: 1\r\n"))
                    return
                assert isinstance(longest_idle, GuardedHttpToolsProtocol)
                longest_idle._close_idle()
            idle[self] = None
            self._head_timer = self.loop.call_later(limits.header_timeout, self._head_too_slow)

        def connection_lost(self, exc: Exception | None) -> None:
            idle.pop(self, None)
            self._cancel_timers()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            in_pipeline = bool(self.pipeline)
            super().on_response_complete()
            if not in_pipeline and not self._refused and not self.transport.is_closing():
                idle[self] = None  # waits for its next request: the newest idle one

        def _cancel_timers(self) -> None:
            for timer in (self._head_timer, self._body_timer):
                if timer is not None:
                    timer.cancel()
            self._head_timer = self._body_timer = None

        def _refuse(self, response: bytes) -> None:
            self._refused = True
            idle.pop(self, None)
            self._cancel_timers()
            if not self.transport.is_closing():
                self.transport.write(response)
                self.transport.close()

        def _head_too_slow(self) -> None:
            self._head_timer = None
            self._close_idle(f"The request head took longer than {limits.header_timeout:g} s.")

        def _close_idle(self, reason: str = "The server needed the connection for another client.") -> None:
            if self._head_bytes == 0 and self._url_bytes == 0 and self._header_count == 0:
                self._refuse(b"")  # it has not begun a request: nothing to answer
            else:
                self._refuse(plain_response(408, reason))

        def _body_too_slow(self) -> None:
            self._body_timer = None
            cycle = self.cycle
            if cycle is not None and not cycle.response_started:
                # for the access log; the ASGI scope is a TypedDict that knows no extension keys
                cycle.scope[TIMED_OUT_KEY] = 408  # type: ignore[literal-required]
                cycle.disconnected = True  # the app's receive() now says http.disconnect, its send() is a no-op
                cycle.message_event.set()
                self._refuse(plain_response(408, f"The request body took longer than {limits.body_timeout:g} s."))
            else:  # answered already (the app did not need the rest of the body): just stop reading
                self._refuse(b"")

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            # As HttpToolsProtocol.data_received, but a refused head gets its own status, not a 400.
            self._unset_keepalive_if_required()
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                if self._should_upgrade():
                    self.handle_websocket_upgrade()
                else:
                    self._unsupported_upgrade_warning()
                return
            except httptools.HttpParserError:
                if not self._refused:
                    msg = "Invalid HTTP request received."
                    self.logger.warning(msg)
                    self.send_400_response(msg)
                return
            if self._reading_head:
                self._head_bytes += len(data)
                if self._head_bytes > limits.max_head_bytes:
                    self._refuse_head(431)
                elif self._head_timer is None:
                    self._head_timer = self.loop.call_later(limits.header_timeout, self._head_too_slow)

        def _refuse_head(self, status: int) -> None:
            if status == 414:
                message = f"The request URL is longer than {limits.max_url_bytes} bytes; send the query by POST."
            else:
                message = (
                    f"Request header fields too large: at most {limits.max_header_count} header fields "
                    f"of together {limits.max_header_bytes} bytes."
                )
            self._refuse(plain_response(status, message))

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._reading_head = True
            self._header_count = self._header_bytes = self._url_bytes = 0

        def on_url(self, url: bytes) -> None:
            self._url_bytes += len(url)
            if self._url_bytes > limits.max_url_bytes:
                self._refuse_head(414)
                raise _HeadRefused
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._header_count += 1
            self._header_bytes += len(name) + len(value)
            if self._header_count > limits.max_header_count or self._header_bytes > limits.max_header_bytes:
                self._refuse_head(431)
                raise _HeadRefused
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            idle.pop(self, None)  # a request in flight, until its response is complete
            self._reading_head = False
            self._head_bytes = self._url_bytes = self._header_count = self._header_bytes = 0
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None
            super().on_headers_complete()
            self._body_timer = self.loop.call_later(limits.body_timeout, self._body_too_slow)

        def on_message_complete(self) -> None:
            if self._body_timer is not None:
                self._body_timer.cancel()
                self._body_timer = None
            # Not reading a head until the next request begins (on_message_begin): while this one is answered, a
            # head deadline would cut queries that run longer than it. Idle keep-alive has its own timeout.
            self._reading_head = False
            super().on_message_complete()

    return GuardedHttpToolsProtocol


def raise_descriptor_limit(max_connections: int, reserve: int = 256) -> int:
    """The connection cap this process can keep: the soft descriptor limit is raised (up to the hard one)
    to fit ``max_connections`` plus ``reserve`` for the workers' pipes, the data files and the log;
    when it cannot be, the cap is lowered to fit, with a warning (accept() failing would reset clients
    with no word in the log)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = max_connections + reserve
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < needed:
        fitted = max(1, soft - reserve)
        log.warning(
            "--max-connections %d does not fit the descriptor limit of %d (ulimit -n): capping at %d",
            max_connections,
            soft,
            fitted,
        )
        return fitted
    return max_connections
