"""``create_app(settings)``: the FastAPI application of the SPARQL endpoint.

The data is bulk-loaded when the app is created (so a bad file fails before the
server listens); the query workers are forked in the lifespan, before the server
opens its socket, and stopped at shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from napkg_server import reload
from napkg_server.data.disk_store import open_disk_dataset
from napkg_server.data.store import LoadedDataset, load_dataset
from napkg_server.engine.result_cache import ResultCache
from napkg_server.engine.text_search import TextSearchExecutor
from napkg_server.http.access_log import AccessLogMiddleware, open_log
from napkg_server.http.cors import ReadOnlyCORSMiddleware
from napkg_server.http.head_requests import HeadAsGetMiddleware
from napkg_server.http.limits import BodyLimitMiddleware, ClientLimitMiddleware
from napkg_server.http.problems import HttpProblem, problem_response
from napkg_server.http.security import SecurityHeadersMiddleware, internal_error_response
from napkg_server.remote_dataset import fetch_remote
from napkg_server.settings import Settings
from napkg_server.sparql.answers import QueryPolicy
from napkg_server.sparql.fast_path import SparqlFastPath
from napkg_server.sparql.protocol import SparqlHttpError
from napkg_server.sparql.routes import EndpointContext, router, sparql_error_response
from napkg_server.sparql.runner import QueryRunner
from napkg_server.sparql.service_description import published_identity
from napkg_server.templating import make_environment
from napkg_server.web import dereference, downloads, feed, pages, release_endpoints, releases, search, workbench
from napkg_server.web.competency import competency_examples
from napkg_server.web.context import WebContext
from napkg_server.web.queries import router as analysis_router  # saved questions: /queries
from napkg_server.web.rendering import STATIC_DIR
from napkg_server.web.resource_pages import Views
from napkg_server.web.resources import IriMapping, Lookup
from napkg_server.web.views import router as dashboards_router  # views: /views

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


def create_app(settings: Settings) -> FastAPI:
    """Load the data of ``settings`` and return the app serving it (workers start with it)."""
    if settings.remote is not None:
        dataset = fetch_remote(settings)  # the description and lookup mirror; an unreachable remote fails here
    elif settings.store is not None:
        dataset = open_disk_dataset(settings.store, settings.data, settings.base_iri)
    else:
        dataset = load_dataset(settings.data, settings.base_iri)
    policy = QueryPolicy(
        base_iri=settings.base_iri,
        timeout=settings.query_timeout,
        workers=settings.max_concurrent_queries,
        max_rows=settings.max_rows,
        max_response_bytes=settings.max_response_bytes,
        max_query_length=settings.max_query_length,
        federation_allow=frozenset(settings.federation_allow),
        max_query_depth=settings.max_query_depth,
        query_memory=None if settings.remote is not None else settings.query_memory_limit(),
    )

    mapping = IriMapping(settings.base_iri)

    # One cache per pool: a reload starts empty. None over a remote, whose data can change under us.
    cache_bytes = 0 if settings.remote is not None else settings.result_cache_bytes
    templates = make_environment()
    app_version = package_version()

    def install(dataset: LoadedDataset, pool: reload.Pool) -> None:
        """Point the app at ``dataset`` and its pool (at start-up, and on every reload)."""
        served = releases.served_release(settings)
        templates.globals["served_release"] = served  # the footer's release line
        lookup = Lookup(dataset.store, mapping)
        # nap:textSearch is rewritten from this dataset's text index before the cache and the pool see it.
        cached = ResultCache(TextSearchExecutor(pool, dataset.text), cache_bytes)
        app.state.context = EndpointContext(
            executor=cached,
            dataset=dataset.info,
            policy=policy,
            max_request_bytes=settings.max_request_bytes,
            version=app_version,
            identity=published_identity(settings.base_iri, settings.dist),
            releases=releases.releases_served(settings, served),
        )
        runner = QueryRunner(cached, policy)
        app.state.web = WebContext(
            mapping=mapping,
            lookup=lookup,
            runner=runner,
            views=Views(runner, lookup),
            templates=templates,
            dist=settings.dist,
            text=dataset.text,
            cited=releases.cited_release(settings, served),
        )

    # Handed to the lifespan once and let go, so that a reload frees the first data too (issue 13): a
    # closure over ``dataset``, or a local pool in the lifespan, would keep them for the server's life.
    initial = [dataset]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        first = initial.pop()
        reloader = reload.Reloader(settings, install, reload.new_pool(settings, first))
        await reloader.pool.start()
        install(first, reloader.pool)
        del first
        app.state.reloader = reloader
        reloader.listen_for_sighup()
        try:
            yield
        finally:
            await app.state.release_endpoints.close()
            await reloader.close()

    app = FastAPI(
        title="nap-kg SPARQL endpoint",
        version=app_version,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.examples = competency_examples()
    app.state.release_endpoints = release_endpoints.ReleaseEndpoints(settings)
    app.include_router(router)
    app.include_router(pages.router)
    app.include_router(workbench.router)
    app.include_router(search.router)  # /zoeken
    app.include_router(analysis_router)
    app.include_router(dashboards_router)
    app.include_router(downloads.router)
    app.include_router(release_endpoints.router)  # before releases: /releases/{version}/sparql is no file
    app.include_router(releases.router)
    app.include_router(feed.router)
    app.include_router(reload.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(dereference.router)  # last: its /{path} catches every IRI path
    app.add_exception_handler(SparqlHttpError, sparql_error_response)
    app.add_exception_handler(HttpProblem, problem_response)
    app.add_exception_handler(Exception, internal_error_response)
    app.add_middleware(SparqlFastPath)  # innermost: inside the limits and headers, past the router
    app.add_middleware(HeadAsGetMiddleware)  # outside the fast path, so HEAD /sparql takes it too
    app.add_middleware(ClientLimitMiddleware, limit=settings.max_queries_per_client)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(ReadOnlyCORSMiddleware, allow_origins=list(settings.cors_origins))
    access_log = open_log(settings.access_log)
    if access_log is not None:
        app.add_middleware(AccessLogMiddleware, stream=access_log, log_queries=settings.access_log_queries)
    return app
