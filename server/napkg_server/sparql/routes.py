"""HTTP routes: ``/sparql`` (SPARQL 1.1 Protocol, query side) and ``/health``.

The routes reach the data only through :class:`EndpointContext`, which the app puts on
``app.state`` (anew on every reload): FastAPI injects it into ``/health``, and
:mod:`napkg_server.sparql.fast_path` hands it to the ``/sparql`` handlers itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse, Response

from napkg_server.data.store import DatasetInfo
from napkg_server.http.problems import problem_response
from napkg_server.sparql.answers import VARY, QueryExecutor, QueryPolicy, answer_query, not_acceptable
from napkg_server.sparql.openapi import SPARQL_GET_EXTRA, SPARQL_POST_EXTRA, SPARQL_RESPONSES
from napkg_server.sparql.protocol import (
    DescriptionRequest,
    SparqlHttpError,
    SparqlRequest,
    read_get,
    read_post,
)
from napkg_server.sparql.service_description import (
    HTML_PAGE,
    PublishedIdentity,
    ReleasesServed,
    choose_description_format,
    render_description,
    render_page,
)


@dataclass(frozen=True)
class EndpointContext:
    """What a request handler may use: the query executor, the data's facts, the policy."""

    executor: QueryExecutor
    dataset: DatasetInfo
    policy: QueryPolicy
    max_request_bytes: int
    version: str
    identity: PublishedIdentity | None = None  # the catalog's IRIs, when dist/ holds the built dataset's catalog
    releases: ReleasesServed | None = None  # the releases and the change feed, when there are releases


async def endpoint_context(request: Request) -> EndpointContext:
    # async on purpose: a sync dependency would run in a thread, and workers are forked.
    context: EndpointContext = request.app.state.context
    return context


Context = Annotated[EndpointContext, Depends(endpoint_context)]

router = APIRouter()

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


def endpoint_iri(request: Request) -> str:
    """The endpoint IRI as this client reached it (no query string)."""
    return str(request.url.replace(query="", fragment=""))


def describe_service(request: Request, wanted: DescriptionRequest, context: Context) -> Response:
    choice = choose_description_format(wanted.accept)
    endpoint = endpoint_iri(request)
    timeout = context.policy.timeout
    if choice is None:
        raise not_acceptable(None, wanted.accept)
    if choice == HTML_PAGE:
        page = render_page(endpoint, context.dataset, timeout, context.version)
        return HTMLResponse(page, headers=VARY)
    assert not isinstance(choice, str)
    body = render_description(endpoint, context.dataset, timeout, choice, context.identity, context.releases)
    return Response(body, headers={**VARY, "Content-Type": choice.content_type})


async def sparql_error_response(request: Request, error: Exception) -> Response:
    """The answer to a :class:`SparqlHttpError`: the one error renderer (text unless asked otherwise)."""
    return await problem_response(request, error)


async def respond(request: Request, wanted: SparqlRequest, context: Context) -> Response:
    if isinstance(wanted, DescriptionRequest):
        return describe_service(request, wanted, context)
    return await answer_query(wanted, context.executor, context.policy)


@router.get(
    "/sparql",
    summary="SPARQL query (GET), or the service description",
    responses=SPARQL_RESPONSES,
    openapi_extra=SPARQL_GET_EXTRA,
    response_class=Response,
)
async def sparql_get(request: Request, context: Context) -> Response:
    return await respond(request, read_get(request), context)


@router.post(
    "/sparql",
    summary="SPARQL query (POST as a form or as application/sparql-query)",
    responses=SPARQL_RESPONSES,
    openapi_extra=SPARQL_POST_EXTRA,
    response_class=Response,
)
async def sparql_post(request: Request, context: Context) -> Response:
    return await respond(request, await read_post(request, context.max_request_bytes), context)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH", "OPTIONS"], include_in_schema=False)
async def sparql_other_methods(request: Request) -> Response:
    # CORS preflights never get here: the middleware answers them first; nor HEAD, answered as GET
    # (napkg_server.http.head_requests).
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": ALLOWED_METHODS})
    raise SparqlHttpError(
        405,
        f"{request.method} is not a SPARQL Protocol query method: use GET or POST.",
        {"Allow": ALLOWED_METHODS},
    )


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    triples: int
    graphs: int
    checksum: str


@router.get("/health", summary="Liveness and what data is served")
async def health(context: Context) -> Health:
    """``triples`` counts the statements of all graphs; ``checksum`` is sha256 over the
    loaded files in load order."""
    return Health(
        status="ok",
        version=context.version,
        triples=context.dataset.statements,
        graphs=len(context.dataset.named_graphs),
        checksum=context.dataset.checksum,
    )
