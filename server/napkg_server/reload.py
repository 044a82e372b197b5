"""Reload the data without stopping the server: ``SIGHUP``, or ``POST /admin/reload``.

A reload reads the data files (``--data``, or the ``dist/nap-kg.trig`` that ``napkg serve``
chose) again into a *new* store, forks a new worker pool from it, and then switches the app
to the new store in one step (one assignment per context object, on the event loop: no
request sees half of it). The old pool is retired: queries already running in it finish on
the old data, new ones run on the new data, and its workers stop once they are idle (or
after the query time limit). Then the old pool lets go of its store, and nothing else keeps
it (no chain of retired pools, no reference from the app's start-up): memory after ten
reloads is what it was after one (``tests/server/test_reload.py``, ``bench/hostile.py --probe
reload-x10``). Freeing the store takes the GIL for a moment (about 0.3 to 0.7 s at 300k
triples), once per reload. A file that fails to load leaves everything as it was: the
error is logged (SIGHUP) or returned (``POST``), and the old data stays served.

With ``--remote`` the queries go to the remote endpoint, which has the current data already (no
pool, no result cache): a reload reads its description and the lookup mirror again
(:mod:`napkg_server.remote_dataset`).

``POST /admin/reload`` needs ``Authorization: Bearer <token>`` when ``NAPKG_ADMIN_TOKEN`` is
set; without a token it is accepted only from a loopback address and without proxy
forwarding headers (a request relayed by a proxy on the same host is refused).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from napkg_server.data.store import DataLoadError, LoadedDataset, load_dataset
from napkg_server.engine.remote import RemoteExecutor
from napkg_server.engine.workers import WorkerPool
from napkg_server.remote_dataset import load_remote, remote_executor, scope_of
from napkg_server.settings import Settings

log = logging.getLogger("napkg_server.reload")

Pool = WorkerPool | RemoteExecutor
Install = Callable[[LoadedDataset, Pool], None]
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")

router = APIRouter(include_in_schema=False)


def new_pool(settings: Settings, dataset: LoadedDataset) -> Pool:
    """The worker pool for ``dataset`` (workers without sockets unless federation is on); with
    ``--remote``, the executor that sends the queries there (no workers, so no sandbox to set up)."""
    if settings.remote is not None:
        executor = remote_executor(settings, settings.max_concurrent_queries)
        executor.scope = scope_of(executor, dataset.info)
        return executor
    return WorkerPool(
        dataset.store,
        settings.max_concurrent_queries,
        network=bool(settings.federation_allow),
        memory_limit=settings.query_memory_limit(),
    )


class Reloader:
    """Owns the current pool and the retiring ones; ``install`` points the app at new data."""

    def __init__(self, settings: Settings, install: Install, pool: Pool) -> None:
        self.settings = settings
        self.install = install
        self.pool = pool
        self._lock = asyncio.Lock()
        self._retiring: set[asyncio.Task[None]] = set()
        self._old_pools: set[WorkerPool] = set()

    async def reload(self) -> LoadedDataset:
        """Load, fork, switch, retire; raises :class:`DataLoadError` and changes nothing if loading fails."""
        if isinstance(self.pool, RemoteExecutor):
            return await self._reload_remote(self.pool)
        if self.settings.store is not None:
            # An on-disk store (--store) is open read-only in the workers; loading into it again in
            # place is not the "new store" this needs. Restart the server to serve new data there.
            raise DataLoadError("reloading serves the data from memory; with --store, restart the server instead")
        async with self._lock:
            # In a thread, so /health and running queries keep being answered while it loads.
            dataset = await asyncio.to_thread(load_dataset, self.settings.data, self.settings.base_iri)
            pool = new_pool(self.settings, dataset)
            await pool.start()
            old, self.pool = self.pool, pool
            assert isinstance(old, WorkerPool) and isinstance(pool, WorkerPool)  # a reload of local data files
            self.install(dataset, pool)
            self._old_pools.add(old)
            task = asyncio.create_task(old.retire(pool, self.settings.query_timeout + 1))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)
            task.add_done_callback(lambda _: self._old_pools.discard(old))
            log.warning("reloaded the data: %s triples, %s", dataset.info.statements, dataset.info.checksum)
            return dataset

    async def _reload_remote(self, executor: RemoteExecutor) -> LoadedDataset:
        async with self._lock:
            dataset = await load_remote(executor, self.settings.base_iri)
            self.install(dataset, executor)
            info = dataset.info
            log.warning("reloaded from %s: %s triples, %s", executor.shown, info.statements, info.checksum)
            return dataset

    async def reload_logged(self) -> None:
        try:
            await self.reload()
        except (DataLoadError, ValueError, OSError) as error:
            log.error("reload failed, still serving the previous data: %s", error)

    def on_sighup(self) -> None:
        task = asyncio.create_task(self.reload_logged())
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    def listen_for_sighup(self) -> None:
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.on_sighup)
        except (NotImplementedError, RuntimeError, AttributeError):  # no SIGHUP (Windows), or not the main thread
            log.info("SIGHUP reloading is not available here; use POST /admin/reload")

    async def close(self) -> None:
        for task in list(self._retiring):
            task.cancel()
        for pool in [self.pool, *self._old_pools]:
            await pool.close()


def _authorised(request: Request, token: str | None) -> bool:
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    client = request.client.host if request.client else ""
    return client in LOOPBACK and not any(name in request.headers for name in FORWARDING_HEADERS)


@router.post("/admin/reload")
async def admin_reload(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not _authorised(request, settings.admin_token):
        how = "a valid Authorization: Bearer token" if settings.admin_token else "a request from the server's own host"
        return PlainTextResponse(f"Reloading needs {how}.\n", 403)
    reloader: Reloader = request.app.state.reloader
    previous = request.app.state.context.dataset.checksum
    try:
        dataset = await reloader.reload()
    except (DataLoadError, ValueError, OSError) as error:
        return PlainTextResponse(f"Reload failed; still serving the previous data ({previous}).\n{error}\n", 422)
    body: dict[str, Any] = {
        "status": "reloaded",
        "previous_checksum": previous,
        "checksum": dataset.info.checksum,
        "triples": dataset.info.statements,
    }
    return JSONResponse(body)
