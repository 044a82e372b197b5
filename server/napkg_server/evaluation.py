"""Evaluate one query against the store and serialise the answer with pyoxigraph.

This is what a worker process runs (:mod:`napkg_server.workers`); the job and the
outcome are small picklable values, so the process hop carries only the query text,
its options, and the serialised bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pyoxigraph import (
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
    Variable,
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


@dataclass(frozen=True)
class QueryAnswer:
    format_key: str
    body: bytes


class Refusal(StrEnum):
    SYNTAX = "syntax"
    NOT_ACCEPTABLE = "not-acceptable"
    UNSERIALISABLE = "unserialisable"
    FAILED = "failed"


@dataclass(frozen=True)
class QueryRefused:
    reason: Refusal
    message: str
    kind: ResultKind | None = None


QueryOutcome = QueryAnswer | QueryRefused


def _dataset_options(job: QueryJob) -> dict[str, object]:
    if job.default_graphs is not None or job.named_graphs is not None:
        # A protocol dataset is complete: graphs not named in it are not in it.
        return {
            "default_graph": [NamedNode(g) for g in job.default_graphs or ()],
            "named_graphs": [NamedNode(g) for g in job.named_graphs or ()],
        }
    return {"use_default_graph_as_union": job.union_default_graph}


def evaluate(store: Store, job: QueryJob) -> QueryOutcome:
    """Run ``job`` on ``store``; every failure comes back as a :class:`QueryRefused`."""
    try:
        bound = {Variable(name): value for name, value in job.substitutions}
        options = _dataset_options(job) | ({"substitutions": bound} if bound else {})
        results = store.query(job.query, base_iri=job.base_iri, **options)
    except SyntaxError as error:
        return QueryRefused(Refusal.SYNTAX, str(error))
    except Exception as error:  # evaluation errors must reach the client, not kill the worker
        return QueryRefused(Refusal.FAILED, f"{type(error).__name__}: {error}")
    if isinstance(results, QueryTriples):
        kind, key = ResultKind.GRAPH, job.graph_format
    else:
        kind, key = ResultKind.SOLUTIONS, job.solutions_format
    if key is None:
        return QueryRefused(Refusal.NOT_ACCEPTABLE, "", kind)
    fmt = BY_KEY[key]
    try:
        assert isinstance(results, QuerySolutions | QueryBoolean | QueryTriples)
        body = results.serialize(format=fmt.serializer)  # type: ignore[arg-type]
    except (ValueError, SyntaxError) as error:
        return QueryRefused(Refusal.UNSERIALISABLE, f"{fmt.label}: {error}", kind)
    except Exception as error:
        return QueryRefused(Refusal.FAILED, f"{type(error).__name__}: {error}")
    return QueryAnswer(fmt.key, body or b"")
