"""Turn a :class:`~napkg_server.protocol.QueryRequest` into an HTTP response.

The dataset a query sees:

* with ``default-graph-uri``/``named-graph-uri``: exactly those graphs (FROM and
  FROM NAMED in the query are overridden; a graph the store lacks is empty);
* else with FROM/FROM NAMED in the query: the graphs it names;
* else: the default graph is the UNION of all named graphs plus the store's
  default graph (a triple in several graphs matches once per graph), and every
  named graph is available to GRAPH.

Graph IRIs are never dereferenced (pyoxigraph does not fetch FROM graphs) and
``SERVICE`` is refused, so no query makes the server open a network connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from starlette.responses import Response

from napkg_server.evaluation import QueryAnswer, QueryJob, QueryOutcome, QueryRefused, Refusal
from napkg_server.formats import BY_KEY, ResultKind, formats_of
from napkg_server.negotiation import negotiate
from napkg_server.protocol import READ_ONLY_MESSAGE, QueryRequest, SparqlHttpError
from napkg_server.query_scan import keywords, update_keywords
from napkg_server.workers import QueryTimeoutError, WorkerCrashedError

VARY = {"Vary": "Accept"}


class QueryExecutor(Protocol):
    """The narrow interface the routes use to run queries (a worker pool in production)."""

    async def execute(self, job: QueryJob, timeout: float) -> QueryOutcome: ...


@dataclass(frozen=True)
class QueryPolicy:
    base_iri: str
    timeout: float
    workers: int


def _available(kind: ResultKind) -> str:
    return ", ".join(f.media_type for f in formats_of(kind))


def not_acceptable(kind: ResultKind | None, accept: str | None) -> SparqlHttpError:
    kinds = [kind] if kind else list(ResultKind)
    lines = [f"None of the requested media types ({accept}) can be served."]
    for k in kinds:
        forms = "SELECT/ASK" if k is ResultKind.SOLUTIONS else "CONSTRUCT/DESCRIBE"
        lines.append(f"{forms} results are available as: {_available(k)}.")
    lines.append("Set the Accept header or the format parameter (" + ", ".join(BY_KEY) + ").")
    return SparqlHttpError(406, "\n".join(lines), VARY)


def timeout_error(error: QueryTimeoutError, policy: QueryPolicy) -> SparqlHttpError:
    if error.waiting:
        message = (
            f"All {policy.workers} query workers stayed busy for {error.limit:g} s "
            "(the time limit), so the query was not started. Try again later; "
            "whoever runs the server can raise --max-concurrent-queries."
        )
    else:
        message = (
            f"The query was stopped after {error.limit:g} s, the time limit of this "
            "endpoint. Make it cheaper (a LIMIT, more specific patterns), or, if you run "
            "the server, raise the limit with --query-timeout SECONDS "
            "(or the NAPKG_QUERY_TIMEOUT environment variable)."
        )
    return SparqlHttpError(503, message, {**VARY, "Retry-After": "5"})


def build_job(request: QueryRequest, policy: QueryPolicy) -> QueryJob:
    solutions = negotiate(request.accept, ResultKind.SOLUTIONS)
    graph = negotiate(request.accept, ResultKind.GRAPH)
    if solutions is None and graph is None:
        raise not_acceptable(None, request.accept)
    words = keywords(request.query)
    if "SERVICE" in words:
        raise SparqlHttpError(400, "SERVICE (federated query) is disabled: this endpoint does not call others.")
    dataset = request.dataset
    return QueryJob(
        query=request.query,
        base_iri=policy.base_iri,
        union_default_graph=dataset is None and "FROM" not in words,
        default_graphs=dataset.default_graphs if dataset else None,
        named_graphs=dataset.named_graphs if dataset else None,
        solutions_format=solutions.key if solutions else None,
        graph_format=graph.key if graph else None,
    )


def outcome_response(request: QueryRequest, outcome: QueryOutcome) -> Response:
    if isinstance(outcome, QueryAnswer):
        fmt = BY_KEY[outcome.format_key]
        return Response(outcome.body, headers={**VARY, "Content-Type": fmt.content_type})
    assert isinstance(outcome, QueryRefused)
    if outcome.reason is Refusal.SYNTAX:
        found = update_keywords(request.query)
        if found:
            raise SparqlHttpError(403, f"{READ_ONLY_MESSAGE} (found {', '.join(found)})")
        raise SparqlHttpError(400, f"Malformed query: {outcome.message}")
    if outcome.reason is Refusal.NOT_ACCEPTABLE:
        raise not_acceptable(outcome.kind, request.accept)
    if outcome.reason is Refusal.UNSERIALISABLE:
        alternatives = _available(outcome.kind) if outcome.kind else ""
        raise SparqlHttpError(
            406,
            f"These results cannot be written as {outcome.message}\nTry: {alternatives}",
            VARY,
        )
    raise SparqlHttpError(500, f"The query failed: {outcome.message}")


async def answer_query(request: QueryRequest, executor: QueryExecutor, policy: QueryPolicy) -> Response:
    job = build_job(request, policy)
    try:
        outcome = await executor.execute(job, policy.timeout)
    except QueryTimeoutError as error:
        raise timeout_error(error, policy) from None
    except WorkerCrashedError:
        raise SparqlHttpError(500, "The query worker stopped unexpectedly (out of memory?); it was replaced.") from None
    return outcome_response(request, outcome)
