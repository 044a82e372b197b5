"""What the server holds of a remote endpoint's data (``napkg serve --remote``): read at start-up and on reload.

* :class:`~napkg_server.data.store.DatasetInfo` for ``/health`` and the service description: the triples per
  named graph (the server's own ``graph-triple-counts.rq``, run on the remote), their sum, and the triples of the
  remote's default graph, which must be the set union of the named graphs (``napkg publish`` writes it there):
  one whose matches outnumber its distinct triples, or that is empty beside non-empty graphs, stops the start;
* the *mirror*: a local in-memory pyoxigraph store holding what :class:`~napkg_server.web.resources.Lookup`
  reads (``queries/lookup-mirror.rq``: labels, types and the other ``LOOKUP_PREDICATES``, plus a
  statement for every IRI of ours without a type) and the names of the named graphs, so that the
  lookups stay synchronous index reads, as in embedded mode.

The *scope*: the named graphs served are ``--remote-graphs``, or else the remote's graphs under
``{base_iri}graph/`` (the graphs ``napkg publish`` writes; the union graph excepted): /health counts only these.
With ``--remote-union-graph`` every query without a dataset of its own gets that graph as default graph and the
served graphs as named graphs (:class:`~napkg_server.engine.remote.RemoteScope`), so an engine's other graphs
(Virtuoso's system graphs, which its default graph includes) are never seen; without it the remote's default
graph is used, and must be the union of the served graphs.

Both are copies: data written to the remote later is seen by queries at once, by the labels, the
existence of resources and ``/health`` after a reload (``SIGHUP`` or ``POST /admin/reload``).
"""

from __future__ import annotations

import asyncio
import hashlib

from pyoxigraph import NamedNode, RdfFormat, Store, parse

from napkg_server.data.store import DataLoadError, DatasetInfo, GraphStats, LoadedDataset, read_query
from napkg_server.data.text_index import TextIndex
from napkg_server.engine.evaluation import QueryAnswer, QueryJob
from napkg_server.engine.remote import RemoteExecutor, RemoteScope, RemoteUnavailableError
from napkg_server.engine.workers import QueryTimeoutError
from napkg_server.settings import Settings
from napkg_server.sparql.runner import read_solutions

# Start-up work rather than a visitor's query: the mirror query reads every statement once.
LOAD_TIMEOUT = 300.0


def remote_checksum(endpoint: str, graphs: tuple[GraphStats, ...]) -> str:
    """``sha256:<hex>`` over the endpoint URL and the sorted ``graph count`` lines: not a digest of the
    data (that would mean reading all of it), but it changes when a graph's size does."""
    lines = [endpoint, *(f"{g.name} {g.triples}" for g in sorted(graphs, key=lambda g: g.name))]
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def remote_executor(settings: Settings, size: int) -> RemoteExecutor:
    """The executor for ``settings.remote``, with its method and scope settings."""
    assert settings.remote is not None
    return RemoteExecutor(
        settings.remote,
        size,
        method=settings.remote_method,
        graphs=settings.remote_graphs,
        union_graph=settings.remote_union_graph,
    )


def scope_of(executor: RemoteExecutor, info: DatasetInfo) -> RemoteScope:
    """The scope of the graphs ``info`` describes (as :func:`load_remote` found them)."""
    return RemoteScope(tuple(g.name for g in info.named_graphs), executor.union_graph)


def served_graphs(executor: RemoteExecutor, found: dict[str, int], base_iri: str) -> tuple[GraphStats, ...]:
    """Of the remote's graphs (IRI: triples), the ones served (see the module docstring)."""
    if executor.union_graph is not None and executor.union_graph not in found:
        raise DataLoadError(
            f"{executor.shown}: holds no graph {executor.union_graph} (--remote-union-graph); write it with "
            f"`napkg publish --to STORE-URL --union-graph {executor.union_graph}`"
        )
    if executor.configured_graphs:
        missing = [g for g in executor.configured_graphs if g not in found]
        if missing:
            raise DataLoadError(f"{executor.shown}: holds no graph {', '.join(missing)} (--remote-graphs)")
        return tuple(GraphStats(g, found[g]) for g in sorted(set(executor.configured_graphs)))
    prefix = base_iri + "graph/"
    ours = tuple(
        GraphStats(g, n) for g, n in sorted(found.items()) if g.startswith(prefix) and g != executor.union_graph
    )
    if not ours:
        raise DataLoadError(
            f"{executor.shown}: holds no named graph under {prefix} (`napkg publish --to STORE-URL` writes them); "
            "name the graphs to serve with --remote-graphs IRI ..."
        )
    return ours


async def _run(
    executor: RemoteExecutor, name: str, base_iri: str, *, graph: bool = False, scoped: bool = True
) -> bytes:
    job = QueryJob(
        query=read_query(name),
        base_iri=base_iri,
        union_default_graph=True,
        solutions_format=None if graph else "json",
        graph_format="nt" if graph else None,
    )
    try:
        outcome = await executor.execute(job, LOAD_TIMEOUT, scoped=scoped)
    except (RemoteUnavailableError, QueryTimeoutError) as error:
        raise DataLoadError(f"{executor.shown}: {name}.rq: {error}") from None
    if not isinstance(outcome, QueryAnswer):
        raise DataLoadError(f"{executor.shown}: {name}.rq failed: {outcome.message}")
    if outcome.remote_truncation is not None:  # a cut description or mirror would be served as if complete
        raise DataLoadError(
            f"{executor.shown}: {name}.rq: {outcome.remote_truncation}; raise the engine's row limit "
            "(Virtuoso: ResultSetMaxRows in virtuoso.ini)"
        )
    return outcome.body


def _mirror(statements: bytes, graphs: tuple[GraphStats, ...]) -> Store:
    mirror = Store()
    mirror.bulk_load(statements, RdfFormat.N_TRIPLES)
    for graph in graphs:
        mirror.add_graph(NamedNode(graph.name))  # Lookup.exists() knows the graph names too
    return mirror


async def load_remote(executor: RemoteExecutor, base_iri: str) -> LoadedDataset:
    """The mirror store and the description of the remote's data (raises :class:`DataLoadError`)."""
    per_graph = read_solutions(await _run(executor, "graph-triple-counts", base_iri, scoped=False))
    found = {row["graph"].value: int(row["triples"].value) for row in per_graph}
    graphs = served_graphs(executor, found, base_iri)
    scope = RemoteScope(tuple(g.name for g in graphs), executor.union_graph)
    executor.scope = scope
    (counts,) = read_solutions(await _run(executor, "default-graph-counts", base_iri))
    matches, union = int(counts["matches"].value), int(counts["triples"].value)
    if matches != union:
        raise DataLoadError(
            f"{executor.shown}: its default graph matches {matches:,} triples for {union:,} distinct ones, so it "
            "counts a triple once per graph holding it. Run the engine without a union default graph (Oxigraph: "
            "without --union-default-graph); `napkg publish` writes the union of the graphs into its default graph. "
            "On an engine whose default graph is all its graphs (Virtuoso), publish the union into a graph of its "
            "own (`napkg publish --union-graph IRI`) and serve with --remote-union-graph IRI."
        )
    if union == 0 and any(g.triples for g in graphs):
        raise DataLoadError(
            f"{executor.shown}: its default graph is empty; `napkg publish --to STORE-URL` (without --graph) writes "
            "the union of the named graphs into it."
        )
    statements = await _run(executor, "lookup-mirror", base_iri, graph=True)
    mirror = await asyncio.to_thread(_mirror, statements, graphs)  # off the event loop: it may be large
    # The full-text index, local as in embedded mode: text search is rewritten into VALUES before the remote sees it.
    texts = await _run(executor, "text-literals", base_iri, graph=True)
    text = await asyncio.to_thread(TextIndex.from_triples, parse(texts, RdfFormat.N_TRIPLES))
    info = DatasetInfo(
        statements=sum(g.triples for g in graphs),
        named_graphs=tuple(sorted(graphs, key=lambda g: g.name)),
        # `napkg publish` puts nothing of its own there: the remote's default graph is the union it wrote.
        store_default_graph_triples=0,
        union_default_graph_triples=union,
        checksum=remote_checksum(executor.shown, graphs),
        files=(),
    )
    return LoadedDataset(mirror, info, text)


def fetch_remote(settings: Settings) -> LoadedDataset:
    """:func:`load_remote` before the server runs, so an unreachable endpoint stops it from starting."""
    endpoint = settings.remote
    assert endpoint is not None

    async def fetch() -> LoadedDataset:
        executor = remote_executor(settings, 1)
        try:
            await executor.start()
        except RemoteUnavailableError as error:
            raise DataLoadError(str(error)) from None
        try:
            return await load_remote(executor, settings.base_iri)
        finally:
            await executor.close()

    return asyncio.run(fetch())
