"""Turn a :class:`~napkg_server.sparql.protocol.QueryRequest` into an HTTP response.

The dataset a query sees:

* with ``default-graph-uri``/``named-graph-uri``: exactly those graphs (FROM and
  FROM NAMED in the query are overridden; a graph the store lacks is empty);
* else with FROM/FROM NAMED in the query: the graphs it names;
* else: the default graph is the UNION of all named graphs plus the store's
  default graph, as a set (a triple in several graphs matches once: the union is
  written into the store's default graph at load time, see napkg_graph.union_graph),
  and every named graph is available to GRAPH.

Graph IRIs are never dereferenced (pyoxigraph does not fetch FROM graphs: a FROM or
FROM NAMED IRI the store lacks is an empty graph) and ``SERVICE`` is refused unless its
endpoint is allow-listed (``--federation-allow``), so no other query makes the server open
a network connection.

Cost limits (see :class:`QueryPolicy`): a query longer than ``max_query_length`` is a 413;
a SELECT answer is cut after ``max_rows`` rows and says so in ``X-Result-Truncated: true``
and a ``Warning`` header; an answer over ``max_response_bytes`` is a 422.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from napkg_server.engine.evaluation import QueryAnswer, QueryExecutor, QueryJob, QueryOutcome, QueryRefused, Refusal
from napkg_server.engine.query_scan import keywords, nesting_depth, refused_services, update_keywords
from napkg_server.engine.remote import RemoteUnavailableError
from napkg_server.engine.workers import QueryMemoryError, QueryTimeoutError, WorkerCrashedError
from napkg_server.formats import BY_KEY, ResultKind, formats_of
from napkg_server.http.negotiation import negotiate
from napkg_server.sparql.protocol import READ_ONLY_MESSAGE, QueryRequest, SparqlHttpError

VARY = {"Vary": "Accept"}


@dataclass(frozen=True)
class QueryPolicy:
    base_iri: str
    timeout: float
    workers: int
    max_rows: int | None = None
    max_response_bytes: int | None = None
    max_query_length: int | None = None
    federation_allow: frozenset[str] = frozenset()
    max_query_depth: int | None = None
    query_memory: int | None = None  # bytes a query may add to its worker, for the 503 message


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
    if policy.max_query_length is not None and len(request.query) > policy.max_query_length:
        raise SparqlHttpError(
            413,
            f"The query is {len(request.query)} characters long; this endpoint accepts at most "
            f"{policy.max_query_length} (--max-query-length, NAPKG_MAX_QUERY_LENGTH).",
        )
    depth = nesting_depth(request.query)  # the engine recurses per level: refuse before a worker overflows
    if policy.max_query_depth is not None and depth > policy.max_query_depth:
        raise SparqlHttpError(
            400,
            f"The query nests brackets {depth} levels deep; this endpoint accepts at most "
            f"{policy.max_query_depth} (--max-query-depth, NAPKG_MAX_QUERY_DEPTH).",
        )
    words = keywords(request.query)
    if "SERVICE" in words:
        refused = refused_services(request.query, policy.federation_allow)
        if refused:
            raise federation_refused(refused, policy)
    dataset = request.dataset
    return QueryJob(
        query=request.query,
        base_iri=policy.base_iri,
        union_default_graph=dataset is None and "FROM" not in words,
        default_graphs=dataset.default_graphs if dataset else None,
        named_graphs=dataset.named_graphs if dataset else None,
        solutions_format=solutions.key if solutions else None,
        graph_format=graph.key if graph else None,
        max_rows=policy.max_rows,
        max_bytes=policy.max_response_bytes,
    )


def federation_refused(refused: list[str], policy: QueryPolicy) -> SparqlHttpError:
    allowed = ", ".join(f"<{iri}>" for iri in sorted(policy.federation_allow)) or "none"
    if not policy.federation_allow:
        return SparqlHttpError(
            400,
            "SERVICE (federated query) is disabled: federation is disabled; allowed endpoints: none. "
            "This endpoint does not call others.",
        )
    return SparqlHttpError(
        400,
        f"SERVICE {', '.join(refused)} is refused: federation is limited; allowed endpoints: {allowed}. "
        "Write the endpoint as one of these IRIs in full (not a variable or a prefixed name).",
    )


def truncation_headers(policy: QueryPolicy, remote_reason: str | None = None) -> dict[str, str]:
    text = f"result truncated to {policy.max_rows} rows, the row limit of this endpoint (NAPKG_MAX_ROWS)"
    if remote_reason is not None:  # the remote endpoint (napkg serve --remote) cut it, maybe before our cap
        text = remote_reason.encode("ascii", "replace").decode().replace("\\", "/").replace('"', "'")
    return {"X-Result-Truncated": "true", "Warning": f'199 - "{text}"'}


def outcome_response(request: QueryRequest, outcome: QueryOutcome, policy: QueryPolicy | None = None) -> Response:
    if isinstance(outcome, QueryAnswer):
        fmt = BY_KEY[outcome.format_key]
        headers = {**VARY, "Content-Type": fmt.content_type}
        if outcome.truncated and policy is not None:
            headers |= truncation_headers(policy, outcome.remote_truncation)
        return Response(outcome.body, headers=headers)
    assert isinstance(outcome, QueryRefused)
    if outcome.reason is Refusal.TOO_LARGE:
        raise SparqlHttpError(
            422,
            f"The answer is larger than {outcome.message} bytes, the response size limit of this endpoint "
            "(NAPKG_MAX_RESPONSE_BYTES). Ask for less: a LIMIT, fewer variables, or more specific patterns.",
        )
    if outcome.reason is Refusal.SYNTAX:
        found = update_keywords(request.query)
        if found:
            raise SparqlHttpError(403, f"{READ_ONLY_MESSAGE} (found {', '.join(found)})")
        raise SparqlHttpError(400, f"Malformed query: {outcome.message}")
    if outcome.reason is Refusal.EVALUATION:
        raise SparqlHttpError(400, f"The query cannot be evaluated: {outcome.message}")
    if outcome.reason is Refusal.NOT_ACCEPTABLE:
        raise not_acceptable(outcome.kind, request.accept)
    if outcome.reason is Refusal.UNSERIALISABLE:
        alternatives = _available(outcome.kind) if outcome.kind else ""
        raise SparqlHttpError(
            406,
            f"These results cannot be written as {outcome.message}\nTry: {alternatives}",
            VARY,
        )
    if outcome.reason is Refusal.MEMORY:
        raise memory_error(policy)
    raise SparqlHttpError(500, f"The query failed: {outcome.message}")


def memory_error(policy: QueryPolicy | None) -> SparqlHttpError:
    limit = policy.query_memory if policy is not None else None
    size = f" of {limit / 2**20:.0f} MiB" if limit else ""
    return SparqlHttpError(
        503,
        f"The query exceeded the memory limit{size} per query of this endpoint, so it was stopped (its "
        "worker was replaced). Make it cheaper (a LIMIT, fewer rows to sort, group or concatenate), or, if you "
        "run the server, raise the limit with --query-memory BYTES (or NAPKG_QUERY_MEMORY).",
        {**VARY, "Retry-After": "5"},
    )


async def run_job(executor: QueryExecutor, job: QueryJob, policy: QueryPolicy) -> QueryOutcome:
    """``job``'s outcome; the executor's failures (time limit, crashed worker, remote endpoint down) as the
    :class:`SparqlHttpError` to answer with, for ``/sparql`` and the pages alike."""
    try:
        return await executor.execute(job, policy.timeout)
    except QueryTimeoutError as error:
        raise timeout_error(error, policy) from None
    except QueryMemoryError:
        raise memory_error(policy) from None
    except WorkerCrashedError as error:
        raise SparqlHttpError(500, str(error)) from None
    except RemoteUnavailableError as error:  # napkg serve --remote: the endpoint we read from failed
        raise SparqlHttpError(502, str(error), {**VARY, "Retry-After": "5"}) from None


async def answer_query(request: QueryRequest, executor: QueryExecutor, policy: QueryPolicy) -> Response:
    job = build_job(request, policy)
    return outcome_response(request, await run_job(executor, job, policy), policy)
