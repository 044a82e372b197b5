"""``/releases/{version}/sparql``: the SPARQL 1.1 endpoint of an earlier release, with the same protocol, limits
and service description as ``/sparql`` (which serves the current data).

A release's data is loaded on its first query, into a store of its own with one query worker (a time-limited,
sandboxed process as for ``/sparql``); at most ``KEPT`` releases are kept loaded, the least recently used is
let go. Loading runs off the event loop.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from pathlib import Path

from fastapi import APIRouter, Request
from napkg_graph.publish import TRIG
from starlette.responses import Response

from napkg_server.data.store import load_dataset
from napkg_server.engine.result_cache import ResultCache
from napkg_server.engine.workers import WorkerPool
from napkg_server.settings import DataSource, Settings
from napkg_server.sparql.protocol import read_get, read_post
from napkg_server.sparql.routes import EndpointContext, respond
from napkg_server.web.releases import find_release

KEPT = 2
router = APIRouter(include_in_schema=False)


class ReleaseEndpoints:
    """The loaded earlier releases: version -> (context, pool)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loaded: OrderedDict[str, tuple[EndpointContext, WorkerPool]] = OrderedDict()
        self._lock = asyncio.Lock()

    async def context(self, version: str, trig_path: Path, current: EndpointContext) -> EndpointContext:
        async with self._lock:
            if version in self._loaded:
                self._loaded.move_to_end(version)
                return self._loaded[version][0]
            dataset = await asyncio.to_thread(
                load_dataset,
                [DataSource(trig_path)],
                self.settings.base_iri,
            )
            pool = WorkerPool(dataset.store, 1, memory_limit=self.settings.query_memory_limit())
            await pool.start()
            context = EndpointContext(
                executor=ResultCache(pool, 0),
                dataset=dataset.info,
                policy=current.policy,
                max_request_bytes=current.max_request_bytes,
                version=current.version,
            )
            self._loaded[version] = (context, pool)
            while len(self._loaded) > KEPT:
                _, (_, old) = self._loaded.popitem(last=False)
                await old.close()
            return context

    async def close(self) -> None:
        for _, pool in self._loaded.values():
            await pool.close()
        self._loaded.clear()


async def _context(request: Request, version: str) -> EndpointContext:
    release = find_release(request, version)
    endpoints: ReleaseEndpoints = request.app.state.release_endpoints
    return await endpoints.context(version, release.folder / TRIG, request.app.state.context)


@router.get("/releases/{version}/sparql")
async def release_sparql_get(request: Request, version: str) -> Response:
    return await respond(request, read_get(request), await _context(request, version))


@router.post("/releases/{version}/sparql")
async def release_sparql_post(request: Request, version: str) -> Response:
    context = await _context(request, version)
    return await respond(request, await read_post(request, context.max_request_bytes), context)
