"""Wait for a condition by asking for it again and again, never for a fixed time: the one polling helper of the
tests (a fixed sleep is either too short on a busy machine or wastes time on an idle one).

>>> calls = []
>>> poll(lambda: calls.append(1) or len(calls) >= 3, what="three calls", interval=0)
True
>>> poll(lambda: None, timeout=0.05, what="nothing")
Traceback (most recent call last):
TimeoutError: waited 0.05 s for nothing; last: None
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

INTERVAL = 0.02


def poll(
    check: Callable[[], T],
    *,
    timeout: float = 5.0,
    what: str = "the condition",
    interval: float = INTERVAL,
    ignore: tuple[type[BaseException], ...] = (),
) -> T:
    """The first true value of ``check()``, asked every ``interval`` seconds; ``TimeoutError`` naming ``what`` and
    the last value after ``timeout`` seconds. Exceptions of the types in ``ignore`` count as a false value (a server
    that does not listen yet)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value: T | None = check()
        except ignore as error:
            value, last = None, repr(error)
        else:
            last = repr(value)
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}; last: {last}")
        time.sleep(interval)


async def poll_async(
    check: Callable[[], Awaitable[T]] | Callable[[], T],
    *,
    timeout: float = 5.0,
    what: str = "the condition",
    interval: float = INTERVAL,
) -> T:
    """:func:`poll` inside an event loop: ``check`` may be a coroutine function, and the loop runs between asks."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if time.monotonic() >= deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}; last: {value!r}")
        await asyncio.sleep(interval)
