"""Queries answered by a remote SPARQL 1.1 endpoint instead of the embedded store (``napkg serve --remote URL``).

:class:`RemoteExecutor` takes the place of the worker pool behind every query of the server (``/sparql``,
the pages, the saved questions, the views). It POSTs the job's query (``application/sparql-query``, with
``default-graph-uri``/``named-graph-uri`` when the request named a dataset) and asks for SPARQL JSON
(SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE). pyoxigraph parses the answer *while it downloads* and
:func:`~napkg_server.engine.evaluation.serialise_answer`, the code the workers run after evaluating, writes it in
the format negotiated with the client, with the row cap and the byte cap: once those are reached nothing
more is downloaded. The text the remote gets is self-contained: bound values as an inline VALUES block, a
BASE when the query has relative IRIs, and the graphs of its FROM clauses also as protocol parameters
(:mod:`napkg_server.engine.inline_bindings`).

The remote must use the union of its named graphs as default graph (``oxigraph serve
--union-default-graph``), which the embedded store does per query.

Failures: the remote's 400 is the client's 400 (its message passed on); no connection, another status or
an answer that is not SPARQL JSON or N-Triples raise :class:`RemoteUnavailableError` (a 502 naming the
endpoint); the time limit is the client timeout and raises the pool's
:class:`~napkg_server.engine.workers.QueryTimeoutError`. Only the remote can stop a query it runs, so give it a
time limit of its own (``oxigraph serve --timeout-s``).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Future
from typing import IO, cast

import httpx
from pyoxigraph import QueryResultsFormat, QuerySolutions, RdfFormat, parse, parse_query_results

from napkg_server.engine.evaluation import (
    QueryJob,
    QueryOutcome,
    QueryRefused,
    Refusal,
    Results,
    TripleList,
    serialise_answer,
)
from napkg_server.engine.inline_bindings import dataset_of, inline, with_base
from napkg_server.engine.workers import QueryTimeoutError
from napkg_server.formats import BY_KEY

SOLUTIONS_TYPE = BY_KEY["json"].media_type
GRAPH_TYPE = BY_KEY["nt"].media_type
ERROR_CHARACTERS = 2000  # of a remote's error message, passed on


class RemoteUnavailableError(Exception):
    """The remote endpoint could not be reached or gave no usable answer (a 502 for the client)."""


def shown_url(url: str) -> str:
    """``url`` without user name, password and query string: what error messages may show."""
    return str(httpx.URL(url).copy_with(username=None, password=None, query=None, fragment=None))


def remote_text(job: QueryJob) -> str:
    """The job's query as the remote gets it: bound values inline, relative IRIs against the base."""
    return with_base(inline(job.query, dict(job.substitutions)), job.base_iri)


class RemoteExecutor:
    """A :class:`~napkg_server.engine.evaluation.QueryExecutor` over HTTP; at most ``size`` queries at once."""

    def __init__(self, endpoint: str, size: int) -> None:
        self.endpoint = endpoint
        self.shown = shown_url(endpoint)
        self._size = size
        self._slots = asyncio.Semaphore(size)
        self._client: httpx.AsyncClient | None = None

    @property
    def size(self) -> int:
        return self._size

    @property
    def pids(self) -> list[int]:
        """No worker processes: the remote evaluates."""
        return []

    async def start(self) -> None:
        limits = httpx.Limits(max_connections=self._size, max_keepalive_connections=self._size)
        self._client = httpx.AsyncClient(limits=limits, follow_redirects=False)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def execute(self, job: QueryJob, timeout: float) -> QueryOutcome:
        """Answer ``job`` from the remote within ``timeout`` seconds (waiting for a slot is bounded apart)."""
        try:
            async with asyncio.timeout(timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise QueryTimeoutError(timeout, waiting=True) from None
        try:
            async with asyncio.timeout(timeout):
                return await self._answer(job, timeout)
        except (TimeoutError, httpx.TimeoutException):
            raise QueryTimeoutError(timeout, waiting=False) from None
        except httpx.HTTPError as error:
            raise RemoteUnavailableError(f"{self._endpoint_is} cannot be reached: {_reason(error)}.") from None
        finally:
            self._slots.release()

    @property
    def _endpoint_is(self) -> str:
        return f"The SPARQL endpoint this server reads its data from ({self.shown})"

    async def _answer(self, job: QueryJob, timeout: float) -> QueryOutcome:
        assert self._client is not None, "start() the executor first"
        default_graphs: Sequence[str] | None = job.default_graphs
        named_graphs: Sequence[str] | None = job.named_graphs
        if default_graphs is None and named_graphs is None and not job.union_default_graph:
            try:  # the query names its dataset with FROM: see inline_bindings.dataset_of for why it is moved
                default_graphs, named_graphs = dataset_of(job.query, job.base_iri)
            except ValueError as error:
                return QueryRefused(Refusal.SYNTAX, str(error))
        params: list[tuple[str, str | int | float | bool | None]]
        params = [("default-graph-uri", g) for g in default_graphs or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        headers = {"Content-Type": "application/sparql-query", "Accept": f"{SOLUTIONS_TYPE}, {GRAPH_TYPE}"}
        request = self._client.build_request(
            "POST", self.endpoint, params=params, content=remote_text(job).encode(), headers=headers, timeout=timeout
        )
        response = await self._client.send(request, stream=True)
        try:
            if response.status_code != 200:
                message = (await _start_of(response.aiter_bytes(), ERROR_CHARACTERS)).decode("utf-8", "replace")
                if response.status_code == 400:  # the remote's parser refused it: the client's mistake
                    return QueryRefused(Refusal.SYNTAX, message.strip())
                raise RemoteUnavailableError(f"{self._endpoint_is} answered {response.status_code}: {message.strip()}")
            media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            body = _StreamedBody(response.aiter_bytes(), asyncio.get_running_loop())
            # Parsing and serialising is CPU work: in a thread, pulling the download along as it reads.
            work = asyncio.get_running_loop().run_in_executor(None, self._serialise, media_type, body, job)
            try:
                return await asyncio.shield(work)
            finally:
                if not work.done():  # out of time, or the client left: stop the parser, let the thread end
                    body.stop()
                    with contextlib.suppress(BaseException):
                        await work
        finally:
            await response.aclose()

    def _serialise(self, media_type: str, body: _StreamedBody, job: QueryJob) -> QueryOutcome:
        """In a worker thread: parse the streamed answer and write it as the job asks."""
        try:
            results: Results
            if media_type == SOLUTIONS_TYPE:
                results = cast(QuerySolutions, parse_query_results(cast(IO[bytes], body), QueryResultsFormat.JSON))
            elif media_type == GRAPH_TYPE:
                results = TripleList(parse(cast(IO[bytes], body), RdfFormat.N_TRIPLES))
            else:
                raise RemoteUnavailableError(
                    f"{self._endpoint_is} answered with {media_type or 'no media type'}, "
                    f"not {SOLUTIONS_TYPE} or {GRAPH_TYPE}."
                )
            outcome = serialise_answer(results, job)
        except SyntaxError as error:  # not even the start of the answer parses
            body.raise_download_error()
            raise RemoteUnavailableError(f"{self._endpoint_is} sent an answer that does not parse: {error}") from None
        except Exception:
            body.raise_download_error()
            raise
        body.raise_download_error()  # a refusal caused by a failed download is no refusal of the query
        return outcome


class _StreamedBody(io.RawIOBase):
    """The remote's answer as a blocking binary file for pyoxigraph's parsers, read in a worker thread.

    Each read waits for the next chunk of the download on the event loop, so the parser sets the pace:
    once the serialiser has what it needs (the row cap, or past the byte cap) nothing more is fetched.
    """

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._chunks = chunks
        self._loop = loop
        self._chunk = memoryview(b"")
        self._lock = threading.Lock()
        self._pending: Future[bytes] | None = None
        self._stopped = False
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._chunk:
            with self._lock:  # so that stop() either comes first or cancels this very read
                if self._stopped:
                    raise OSError("the download was stopped")
                self._pending = asyncio.run_coroutine_threadsafe(_next(self._chunks), self._loop)
            try:
                chunk = self._pending.result()
            except BaseException as error:
                self.error = error
                raise OSError(f"the download failed: {_reason(error)}") from error
            if not chunk:
                return 0
            self._chunk = memoryview(chunk)
        count = min(len(buffer), len(self._chunk))
        buffer[:count] = self._chunk[:count]
        self._chunk = self._chunk[count:]
        return count

    def stop(self) -> None:
        """On the event loop: make the parser's next read fail (the query ran out of time)."""
        with self._lock:
            self._stopped = True
            if self._pending is not None:
                self._pending.cancel()

    def raise_download_error(self) -> None:
        if self.error is not None:
            raise self.error


async def _next(chunks: AsyncIterator[bytes]) -> bytes:
    return await anext(chunks, b"")


async def _start_of(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    data = bytearray()
    async for chunk in chunks:
        data += chunk
        if len(data) >= limit:
            break
    return bytes(data[:limit])


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
