"""Queries answered by a remote SPARQL 1.1 endpoint instead of the embedded store (``napkg serve --remote URL``).

:class:`RemoteExecutor` takes the place of the worker pool behind every query of the server (``/sparql``,
the pages, the saved questions, the views). It sends the job's query the way the remote takes it
(``--remote-method``): by GET while the URL stays short, else as a form (``application/x-www-form-urlencoded``);
a direct POST (``application/sparql-query``) only when set, or when a probe at start finds the remote refuses forms
(``auto``, the default, probes GET and form with ``ASK {}``; Virtuoso 7 never answers a direct POST,
openlink/virtuoso-opensource#842). ``Accept`` names one type per query form, as engines take the first type
listed: SPARQL JSON for SELECT and ASK, N-Triples for CONSTRUCT and DESCRIBE. pyoxigraph parses the answer *while it
downloads* (blank-node labels of any syntax renamed first: :mod:`napkg_server.engine.blank_labels`) and
:func:`~napkg_server.engine.evaluation.serialise_answer`, the code the workers run after evaluating, writes it in
the format negotiated with the client, with the row cap and the byte cap: once those are reached nothing
more is downloaded. The text the remote gets is self-contained: bound values as an inline VALUES block, a
BASE when the query has relative IRIs, and the graphs of its FROM clauses also as protocol parameters
(:mod:`napkg_server.engine.inline_bindings`).

The dataset: a query that names none gets the :class:`RemoteScope` (:mod:`napkg_server.remote_dataset`):
with a union graph, ``default-graph-uri`` is that graph and ``named-graph-uri`` the published graphs, so nothing
else the engine holds is seen; without one, the remote's default graph, which must then be the union of the named
graphs as a set (``napkg publish`` writes it there).

A remote that cut its answer says so (Virtuoso: ``X-SPARQL-MaxRows`` at its row cap, ``X-SQL-State`` with
``X-SQL-Message`` for an "anytime" partial answer); the answer is passed on marked truncated, with the remote's
reason (:attr:`~napkg_server.engine.evaluation.QueryAnswer.remote_truncation`).

Failures: the remote's 400 is the client's 400 (its message passed on); no connection, another status or
an answer that is not SPARQL JSON or N-Triples, or does not parse, raise :class:`RemoteUnavailableError` (a 502
naming the endpoint); the time limit is the client timeout and raises the pool's
:class:`~napkg_server.engine.workers.QueryTimeoutError`. Only the remote can stop a query it runs, so give it a
time limit of its own (``oxigraph serve --timeout-s``, Virtuoso's ``MaxQueryExecutionTime``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import threading
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import IO, cast

import httpx
from pyoxigraph import QueryResultsFormat, QuerySolutions, RdfFormat, parse, parse_query_results

from napkg_server.engine.blank_labels import JsonLabels, NTriplesLabels
from napkg_server.engine.evaluation import (
    QueryAnswer,
    QueryJob,
    QueryOutcome,
    QueryRefused,
    Refusal,
    Results,
    TripleList,
    serialise_answer,
)
from napkg_server.engine.inline_bindings import dataset_of, inline, with_base
from napkg_server.engine.query_scan import token_spans
from napkg_server.engine.workers import QueryTimeoutError
from napkg_server.formats import BY_KEY

SOLUTIONS_TYPE = BY_KEY["json"].media_type
GRAPH_TYPE = BY_KEY["nt"].media_type
DIRECT_TYPE = "application/sparql-query"
ERROR_CHARACTERS = 2000  # of a remote's error message, passed on
# Longer URLs go as a form: 2,048 characters is the conservative URL length every client, proxy and server takes.
GET_URL_LIMIT = 2048
PROBE_TIMEOUT = 10.0
PROBE_QUERY = "ASK {}"
METHODS: tuple[str, ...] = ("auto", "get", "form", "direct")
_GRAPH_FORMS = frozenset({"CONSTRUCT", "DESCRIBE"})
_FORMS = frozenset({"SELECT", "ASK"}) | _GRAPH_FORMS


class RemoteUnavailableError(Exception):
    """The remote endpoint could not be reached or gave no usable answer (a 502 for the client)."""


def shown_url(url: str) -> str:
    """``url`` without user name, password and query string: what error messages may show."""
    return str(httpx.URL(url).copy_with(username=None, password=None, query=None, fragment=None))


def remote_text(job: QueryJob) -> str:
    """The job's query as the remote gets it: bound values inline, relative IRIs against the base."""
    return with_base(inline(job.query, dict(job.substitutions)), job.base_iri)


def query_form(query: str) -> str | None:
    r"""SELECT, ASK, CONSTRUCT or DESCRIBE: the first of these keywords (the form precedes any subquery).

    >>> query_form("PREFIX s: <http://ex/SELECT> # ASK\nconstruct { ?s ?p ?o } WHERE { { SELECT * {} } }")
    'CONSTRUCT'
    """
    for kind, text, _ in token_spans(query):
        if kind == "word" and text.upper() in _FORMS:
            return text.upper()
    return None


def accept_for(query: str) -> str:
    """The one media type to ask for: N-Triples for graphs, SPARQL JSON for the rest (and for what does not
    parse, so the remote's parser says what is wrong)."""
    return GRAPH_TYPE if query_form(query) in _GRAPH_FORMS else SOLUTIONS_TYPE


@dataclass(frozen=True)
class RemoteScope:
    """What a query without a dataset of its own sees on the remote (see the module docstring)."""

    graphs: tuple[str, ...]
    union_graph: str | None = None

    def dataset(self) -> tuple[list[str] | None, list[str] | None]:
        if self.union_graph is None:
            return None, None
        return [self.union_graph], list(self.graphs)


def truncation_of(headers: httpx.Headers) -> str | None:
    """The remote's own words when it says its answer is cut, else None."""
    if "x-sparql-maxrows" in headers:
        return f"result truncated to {headers['x-sparql-maxrows']} rows by the remote endpoint (X-SPARQL-MaxRows)"
    state = headers.get("x-sql-state")
    if state:  # Virtuoso's anytime query: a partial answer after its time limit (S1TAT)
        message = " ".join(headers.get("x-sql-message", "").split())
        return f"partial result from the remote endpoint (X-SQL-State {state}{': ' + message if message else ''})"
    return None


class RemoteExecutor:
    """A :class:`~napkg_server.engine.evaluation.QueryExecutor` over HTTP; at most ``size`` queries at once."""

    def __init__(
        self,
        endpoint: str,
        size: int,
        *,
        method: str = "auto",
        graphs: Sequence[str] = (),
        union_graph: str | None = None,
    ) -> None:
        if method not in METHODS:
            raise ValueError(f"remote method must be one of {', '.join(METHODS)}, not {method!r}")
        self.endpoint = endpoint
        self.shown = shown_url(endpoint)
        self.method = method
        self.configured_graphs = tuple(graphs)  # empty: the remote's graphs under the base IRI's graph/
        self.union_graph = union_graph
        self.scope: RemoteScope | None = None  # set once the remote's graphs are known (remote_dataset)
        # How short and long queries are sent; "auto" is settled by the probe in start().
        self.short_method = self.long_method = "form" if method == "auto" else method
        self.probed: dict[str, str] = {}  # method: what went wrong ("" when it answered), by start() in auto
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
        """Open the connection pool; with method ``auto``, probe which ways of sending the remote answers."""
        limits = httpx.Limits(max_connections=self._size, max_keepalive_connections=self._size)
        self._client = httpx.AsyncClient(limits=limits, follow_redirects=False)
        if self.method == "auto":
            try:
                await self._probe()
            except BaseException:
                await self.close()
                raise

    async def _probe(self) -> None:
        failures = self.probed
        for method in ("get", "form", "direct"):  # direct only when forms fail: Virtuoso never answers it
            if method == "direct" and not failures["form"]:
                break
            failures[method] = await self._try(method)
        works = [m for m, failure in failures.items() if not failure]
        if not works:
            tried = "; ".join(f"{m.upper() if m == 'get' else m + ' POST'}: {why}" for m, why in failures.items())
            raise RemoteUnavailableError(f"{self._endpoint_is} answers no SPARQL query ({PROBE_QUERY}): {tried}")
        self.long_method = "form" if "form" in works else "direct" if "direct" in works else "get"
        self.short_method = "get" if "get" in works else self.long_method

    async def _try(self, method: str) -> str:
        """Empty when ``method`` gets an answer to the probe query, else what went wrong."""
        assert self._client is not None
        request = self._request(method, PROBE_QUERY, [], SOLUTIONS_TYPE, PROBE_TIMEOUT)
        try:
            response = await self._client.send(request)
        except httpx.TimeoutException:
            return f"no answer within {PROBE_TIMEOUT:.0f} s"
        except httpx.HTTPError as error:
            raise RemoteUnavailableError(f"{self._endpoint_is} cannot be reached: {_reason(error)}.") from None
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code != 200:
            return f"{response.status_code} {response.reason_phrase}"
        if media_type != SOLUTIONS_TYPE:
            return f"answered with {media_type or 'no media type'}"
        return ""

    def _request(
        self, method: str, query: str, params: list[tuple[str, str]], accept: str, timeout: float
    ) -> httpx.Request:
        assert self._client is not None
        headers = {"Accept": accept}
        if method == "get":
            return self._client.build_request(
                "GET", self.endpoint, params=[("query", query), *params], headers=headers, timeout=timeout
            )
        if method == "form":
            return self._client.build_request(
                "POST", self.endpoint, data={"query": query}, params=tuple(params), headers=headers, timeout=timeout
            )
        headers["Content-Type"] = DIRECT_TYPE
        return self._client.build_request(
            "POST", self.endpoint, params=tuple(params), content=query.encode(), headers=headers, timeout=timeout
        )

    def method_for(self, query: str, params: list[tuple[str, str]]) -> str:
        """GET while the URL stays within :data:`GET_URL_LIMIT`, else the way long queries go."""
        if self.method in ("get", "form", "direct"):
            return self.method
        if self.short_method == "get":
            length = len(str(httpx.URL(self.endpoint, params=[("query", query), *params])))
            if length <= GET_URL_LIMIT:
                return "get"
        return self.long_method

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def execute(self, job: QueryJob, timeout: float, *, scoped: bool = True) -> QueryOutcome:
        """Answer ``job`` from the remote within ``timeout`` seconds (waiting for a slot is bounded apart);
        ``scoped=False``: over all the remote holds, to find its graphs."""
        try:
            async with asyncio.timeout(timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise QueryTimeoutError(timeout, waiting=True) from None
        try:
            async with asyncio.timeout(timeout):
                return await self._answer(job, timeout, scoped)
        except (TimeoutError, httpx.TimeoutException):
            raise QueryTimeoutError(timeout, waiting=False) from None
        except httpx.HTTPError as error:
            raise RemoteUnavailableError(f"{self._endpoint_is} cannot be reached: {_reason(error)}.") from None
        finally:
            self._slots.release()

    @property
    def _endpoint_is(self) -> str:
        return f"The SPARQL endpoint this server reads its data from ({self.shown})"

    async def _answer(self, job: QueryJob, timeout: float, scoped: bool) -> QueryOutcome:
        assert self._client is not None, "start() the executor first"
        default_graphs: Sequence[str] | None = job.default_graphs
        named_graphs: Sequence[str] | None = job.named_graphs
        if default_graphs is None and named_graphs is None:
            if not job.union_default_graph:
                try:  # the query names its dataset with FROM: see inline_bindings.dataset_of for why it is moved
                    default_graphs, named_graphs = dataset_of(job.query, job.base_iri)
                except ValueError as error:
                    return QueryRefused(Refusal.SYNTAX, str(error))
            elif self.scope is not None and scoped:
                default_graphs, named_graphs = self.scope.dataset()
        params = [("default-graph-uri", g) for g in default_graphs or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        text = remote_text(job)
        request = self._request(self.method_for(text, params), text, params, accept_for(text), timeout)
        response = await self._client.send(request, stream=True)
        try:
            if response.status_code != 200:
                message = (await _start_of(response.aiter_bytes(), ERROR_CHARACTERS)).decode("utf-8", "replace")
                if response.status_code == 400:  # the remote's parser refused it: the client's mistake
                    return QueryRefused(Refusal.SYNTAX, message.strip())
                raise RemoteUnavailableError(f"{self._endpoint_is} answered {response.status_code}: {message.strip()}")
            media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            labels = JsonLabels() if media_type == SOLUTIONS_TYPE else NTriplesLabels()
            body = _StreamedBody(_relabelled(response.aiter_bytes(), labels), asyncio.get_running_loop())
            # Parsing and serialising is CPU work: in a thread, pulling the download along as it reads.
            work = asyncio.get_running_loop().run_in_executor(None, self._serialise, media_type, body, job)
            try:
                outcome = await asyncio.shield(work)
                cut = truncation_of(response.headers)
                if cut is not None and isinstance(outcome, QueryAnswer):
                    outcome = dataclasses.replace(outcome, truncated=True, remote_truncation=cut)
                return outcome
            finally:
                if not work.done():  # out of time, or the client left: stop the parser, let the thread end
                    body.stop()
                    with contextlib.suppress(BaseException):
                        await work
        finally:
            await response.aclose()

    def _serialise(self, media_type: str, body: _StreamedBody, job: QueryJob) -> QueryOutcome:
        """In a worker thread: parse the streamed answer and write it as the job asks."""
        problem: str | None = None
        try:
            outcome = self._parse_and_write(media_type, body, job)
        except SyntaxError as error:  # the answer (its start, or a later part) does not parse
            # Only its text leaves this thread: without its traceback (whose frames hold the parser, which must be
            # dropped on this thread) the parser goes at once, not in a later garbage collection elsewhere.
            problem = str(error)
            error.__traceback__ = None
        except Exception:
            body.raise_download_error()
            raise
        if problem is not None:
            body.raise_download_error()
            raise RemoteUnavailableError(f"{self._endpoint_is} sent an answer that does not parse: {problem}")
        body.raise_download_error()  # a refusal caused by a failed download is no refusal of the query
        return outcome

    def _parse_and_write(self, media_type: str, body: _StreamedBody, job: QueryJob) -> QueryOutcome:
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
        return serialise_answer(results, job, parse_errors=True)


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


async def _relabelled(chunks: AsyncIterator[bytes], labels: JsonLabels | NTriplesLabels) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        out = labels.feed(chunk)
        if out:
            yield out
    rest = labels.end()
    if rest:
        yield rest


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
