"""Evaluate one query against the store and serialise the answer with pyoxigraph.

This is what a worker process runs (:mod:`napkg_server.engine.workers`); the job and the
outcome are small picklable values, so the process hop carries only the query text,
its options, and the serialised bytes. :func:`serialise_answer` is the part after
evaluation (the job's format, row cap and byte cap); answers read back from a remote
endpoint (:mod:`napkg_server.engine.remote`) go through it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any, Protocol, cast

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse_query_results,
    serialize,
)

from napkg_server.formats import BY_KEY, ResultKind


@dataclass(frozen=True)
class QueryJob:
    """A query with its dataset and the format chosen for each result kind.

    ``default_graphs``/``named_graphs`` are None unless the protocol request gave
    ``default-graph-uri``/``named-graph-uri``; then both replace FROM/FROM NAMED.
    """

    query: str
    base_iri: str
    union_default_graph: bool
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    solutions_format: str | None = None
    graph_format: str | None = None
    # Values bound to variables (SEP-0007 substitution), never pasted into the query text.
    substitutions: tuple[tuple[str, NamedNode | Literal], ...] = ()
    # Cost limits: SELECT rows beyond max_rows are cut off; an answer over max_bytes is refused.
    max_rows: int | None = None
    max_bytes: int | None = None


@dataclass(frozen=True)
class QueryAnswer:
    format_key: str
    body: bytes
    truncated: bool = False  # SELECT rows were cut at the job's max_rows, or by a remote endpoint
    remote_truncation: str | None = None  # a remote endpoint cut its answer: its reason, for the Warning header


class Refusal(StrEnum):
    SYNTAX = "syntax"
    NOT_ACCEPTABLE = "not-acceptable"
    UNSERIALISABLE = "unserialisable"
    TOO_LARGE = "too-large"
    EVALUATION = "evaluation"  # the query parsed but cannot be evaluated (unknown function, ...)
    MEMORY = "memory"  # Python ran out of the worker's memory limit (the engine aborts instead: workers.py)
    FAILED = "failed"


@dataclass(frozen=True)
class QueryRefused:
    reason: Refusal
    message: str
    kind: ResultKind | None = None


QueryOutcome = QueryAnswer | QueryRefused


class QueryExecutor(Protocol):
    """The narrow interface the routes use to run queries (a worker pool in production)."""

    async def execute(self, job: QueryJob, timeout: float) -> QueryOutcome: ...


def _dataset_options(job: QueryJob) -> dict[str, object]:
    if job.default_graphs is not None or job.named_graphs is not None:
        # A protocol dataset is complete: graphs not named in it are not in it.
        return {
            "default_graph": [NamedNode(g) for g in job.default_graphs or ()],
            "named_graphs": [NamedNode(g) for g in job.named_graphs or ()],
        }
    # Without one, the store's own default graph: the set union of the named graphs, written there at load time
    # (napkg_graph.union_graph), or the query's FROM. pyoxigraph's use_default_graph_as_union would match a
    # triple once per graph holding it, the union copy included.
    return {}


@dataclass(frozen=True)
class TripleList:
    """A graph answer that did not come from ``Store.query`` (the triples of a remote endpoint's
    answer, parsed as they are serialised), serialisable as :class:`~pyoxigraph.QueryTriples` is."""

    triples: Iterable[Triple] | Iterable[Quad]

    def serialize(self, output: IO[bytes], format: RdfFormat) -> None:  # as QueryTriples.serialize is called
        serialize(self.triples, output, format)


Results = QuerySolutions | QueryBoolean | QueryTriples | TripleList


def evaluate(store: Store, job: QueryJob) -> QueryOutcome:
    """Run ``job`` on ``store``; every failure comes back as a :class:`QueryRefused`."""
    try:
        bound = {Variable(name): value for name, value in job.substitutions}
        options: dict[str, Any] = _dataset_options(job) | ({"substitutions": bound} if bound else {})
        results = store.query(job.query, base_iri=job.base_iri, **options)
    except SyntaxError as error:
        return QueryRefused(Refusal.SYNTAX, str(error))
    except MemoryError:  # Python's own allocations under the worker's limit (the engine's abort instead)
        return QueryRefused(Refusal.MEMORY, "")
    except RuntimeError as error:  # pyoxigraph's evaluation errors
        return QueryRefused(Refusal.EVALUATION, str(error))
    except Exception as error:  # evaluation errors must reach the client, not kill the worker
        return QueryRefused(Refusal.FAILED, f"{type(error).__name__}: {error}")
    return serialise_answer(results, job)


def serialise_answer(results: Results, job: QueryJob, *, parse_errors: bool = False) -> QueryOutcome:
    """``results`` in the job's format for their kind, cut at its row cap, refused past its byte cap.

    ``parse_errors``: ``results`` are parsed as they are read (a remote's answer), so a :class:`SyntaxError` is the
    answer's fault, not the format's: it is raised, not turned into a refusal."""
    if isinstance(results, QueryTriples | TripleList):
        kind, key = ResultKind.GRAPH, job.graph_format
    else:
        kind, key = ResultKind.SOLUTIONS, job.solutions_format
    if key is None:
        return QueryRefused(Refusal.NOT_ACCEPTABLE, "", kind)
    fmt = BY_KEY[key]
    truncated = False
    try:
        if isinstance(results, QuerySolutions) and job.max_rows is not None:
            results, truncated = _at_most(results, job.max_rows, job.max_bytes)
        body = _serialize(results, fmt.serializer, job.max_bytes)
    except _TooLarge:
        return QueryRefused(Refusal.TOO_LARGE, f"{job.max_bytes}", kind)
    except (ValueError, SyntaxError) as error:
        if parse_errors and isinstance(error, SyntaxError):
            raise
        return QueryRefused(Refusal.UNSERIALISABLE, f"{fmt.label}: {error}", kind)
    except MemoryError:
        return QueryRefused(Refusal.MEMORY, "", kind)
    except RuntimeError as error:  # solutions are computed lazily, so evaluation errors surface here too
        return QueryRefused(Refusal.EVALUATION, str(error))
    except Exception as error:
        return QueryRefused(Refusal.FAILED, f"{type(error).__name__}: {error}")
    return QueryAnswer(fmt.key, body, truncated)


class _TooLarge(Exception):
    """The serialised answer grew past the byte limit."""


class _CappedBuffer:
    """A binary sink for pyoxigraph's serialisers that stops them past ``limit`` bytes."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        if self.limit is not None and len(self.data) > self.limit:
            raise _TooLarge
        return len(chunk)

    def flush(self) -> None:
        pass


def _serialize(results: Results, serializer: object, limit: int | None) -> bytes:
    sink = _CappedBuffer(limit)
    results.serialize(sink, format=serializer)  # type: ignore[arg-type]
    return bytes(sink.data)


def _at_most(solutions: QuerySolutions, rows: int, max_bytes: int | None) -> tuple[QuerySolutions, bool]:
    """The first ``rows`` solutions, and whether there were more.

    pyoxigraph cannot cut an iterator of solutions and still serialise it, so the solutions
    go through SPARQL TSV (one line per row, every term in its full RDF syntax, so nothing
    is lost) and are read back, cut, with pyoxigraph's own parser. The TSV is written
    natively, and stops growing as soon as it holds more than ``rows`` rows or
    ``max_bytes`` bytes (then the answer is too large to send in any format).
    """

    class RowCounter(_CappedBuffer):
        lines = 0

        def write(self, chunk: bytes) -> int:
            self.lines += chunk.count(b"\n")
            if self.lines > rows + 1:  # the header line, then one line per row
                self.data += chunk
                raise _EnoughRows
            return super().write(chunk)

    sink = RowCounter(max_bytes)
    try:
        solutions.serialize(cast(IO[bytes], sink), format=QueryResultsFormat.TSV)  # a write()-only sink
        tsv, truncated = bytes(sink.data), False
    except _EnoughRows:
        tsv, truncated = b"\n".join(bytes(sink.data).split(b"\n", rows + 1)[: rows + 1]) + b"\n", True
    return parse_query_results(tsv, format=QueryResultsFormat.TSV), truncated  # type: ignore[return-value]


class _EnoughRows(Exception):
    """More than the row limit has been written."""
