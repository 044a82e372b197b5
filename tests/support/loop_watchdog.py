"""Fail a test when any request blocks the server's event loop for more than 100 ms.

The server is started with asyncio's debug mode (``PYTHONASYNCIODEBUG=1``, honoured by uvloop
too), which logs every callback or task step that holds the loop longer than
``slow_callback_duration`` (100 ms by default) as ``Executing <...> took 0.123 seconds``. The
watchdog reads the lines the server logged while its block ran, so it measures the loop
itself, not a client's view of it that a busy machine would blur.

    with live_server([data], env=WATCHDOG_ENV) as server, loop_watchdog(server):
        ...  # requests; leaving the block fails the test if the loop was blocked

:func:`server_log` gives the text the server logged (its stdout and stderr), for other checks.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.live_server import LiveServer
from tests.support.polling import poll

WATCHDOG_ENV = {"PYTHONASYNCIODEBUG": "1"}
LIMIT = 0.1  # asyncio's slow_callback_duration
_SLOW = re.compile(r"Executing (.*?) took (\d+\.\d+) seconds")


def log_path(server: LiveServer) -> Path:
    """The file the server writes its log to (its stdout, read from /proc: Linux)."""
    return Path(os.readlink(f"/proc/{server.pid}/fd/1"))


def server_log(server: LiveServer, since: int = 0) -> str:
    """What the server logged from byte ``since`` on."""
    with log_path(server).open("rb") as stream:
        stream.seek(since)
        return stream.read().decode("utf-8", errors="replace")


def wait_for_log(server: LiveServer, pattern: str, since: int = 0, timeout: float = 5.0) -> re.Match[str]:
    """The first match of ``pattern`` in what the server logs from ``since`` on, waiting for it."""
    try:
        return poll(lambda: re.search(pattern, server_log(server, since)), timeout=timeout, what=repr(pattern))
    except TimeoutError:
        pytest.fail(f"the server did not log {pattern!r}:\n{server_log(server, since)[-2000:]}")


def slow_callbacks(text: str) -> list[tuple[float, str]]:
    """(seconds, what) of every loop-blocking step asyncio's debug mode reported in ``text``."""
    return [(float(found.group(2)), found.group(1)[:200]) for found in _SLOW.finditer(text)]


@contextmanager
def loop_watchdog(server: LiveServer, limit: float = LIMIT) -> Iterator[None]:
    """Fail if the server's loop was blocked more than ``limit`` seconds while the block ran.

    The server must run with :data:`WATCHDOG_ENV`; asyncio reports steps over 100 ms, so
    ``limit`` can only be raised from there.
    """
    start = log_path(server).stat().st_size
    yield
    # Not a poll: a report is written as the slow step ends, and nothing tells that none is still coming; this
    # grace period is what "the block's last step has reported" means here.
    time.sleep(0.05)
    blocked = [(seconds, what) for seconds, what in slow_callbacks(server_log(server, start)) if seconds > limit]
    if blocked:
        worst = "\n".join(f"  {seconds * 1000:.0f} ms: {what}" for seconds, what in sorted(blocked, reverse=True)[:5])
        pytest.fail(f"the event loop was blocked {len(blocked)} time(s) over {limit * 1000:.0f} ms:\n{worst}")
