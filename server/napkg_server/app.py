"""``create_app(settings)``: the FastAPI application of the SPARQL endpoint.

The data is bulk-loaded when the app is created (so a bad file fails before the
server listens); the query workers are forked in the lifespan, before the server
opens its socket, and stopped at shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles

from napkg_server import dereference, downloads, pages
from napkg_server.answers import QueryPolicy
from napkg_server.competency import competency_examples
from napkg_server.problems import HttpProblem, problem_response
from napkg_server.protocol import SparqlHttpError
from napkg_server.rendering import STATIC_DIR, make_environment
from napkg_server.resources import IriMapping, Lookup
from napkg_server.routes import EndpointContext, router
from napkg_server.runner import QueryRunner
from napkg_server.security import SecurityHeadersMiddleware
from napkg_server.settings import Settings
from napkg_server.store import load_dataset
from napkg_server.views import Views
from napkg_server.web import WebContext
from napkg_server.workers import WorkerPool

DESCRIPTION = """\
Read-only SPARQL 1.1 endpoint of nap-kg, the knowledge graph of the Dutch National
Action Plan on Business and Human Rights.

Without `default-graph-uri`/`named-graph-uri` (or FROM in the query) the default graph
is the union of all named graphs plus the store's default graph.
"""


def package_version() -> str:
    try:
        return version("nap-kg")
    except PackageNotFoundError:
        return "unknown"


async def sparql_error_response(request: Request, error: Exception) -> Response:
    assert isinstance(error, SparqlHttpError)
    return PlainTextResponse(error.message + "\n", error.status, headers=error.headers)


def create_app(settings: Settings) -> FastAPI:
    """Load the data of ``settings`` and return the app serving it (workers start with it)."""
    dataset = load_dataset(settings.data, settings.base_iri)
    policy = QueryPolicy(
        base_iri=settings.base_iri,
        timeout=settings.query_timeout,
        workers=settings.max_concurrent_queries,
    )

    mapping = IriMapping(settings.base_iri)
    lookup = Lookup(dataset.store, mapping)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = WorkerPool(dataset.store, settings.max_concurrent_queries)
        await pool.start()
        app.state.workers = pool
        app.state.context = EndpointContext(
            executor=pool,
            dataset=dataset.info,
            policy=policy,
            max_request_bytes=settings.max_request_bytes,
            version=package_version(),
        )
        runner = QueryRunner(pool, policy)
        app.state.web = WebContext(
            mapping=mapping,
            lookup=lookup,
            runner=runner,
            views=Views(runner, lookup),
            templates=make_environment(),
            dist=settings.dist,
            base_iri=settings.base_iri,
            timeout=settings.query_timeout,
        )
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="nap-kg SPARQL endpoint",
        version=package_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.examples = competency_examples()
    app.include_router(router)
    app.include_router(pages.router)
    app.include_router(downloads.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(dereference.router)  # last: its /{path} catches every IRI path
    app.add_exception_handler(SparqlHttpError, sparql_error_response)
    app.add_exception_handler(HttpProblem, problem_response)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Content-Type", "Retry-After"],
        max_age=3600,
    )
    return app
