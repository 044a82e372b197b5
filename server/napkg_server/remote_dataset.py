"""What the server holds of a remote endpoint's data (``napkg serve --remote``): read at start-up and on reload.

* :class:`~napkg_server.data.store.DatasetInfo` for ``/health`` and the service description: the triples per
  named graph (the server's own ``graph-triple-counts.rq``, run on the remote), their sum, and the triples of the
  remote's default graph, which must be the set union of the named graphs (``napkg publish`` writes it there):
  one whose matches outnumber its distinct triples, or that is empty beside non-empty graphs, stops the start;
* the *mirror*: a local in-memory pyoxigraph store holding what :class:`~napkg_server.web.resources.Lookup`
  reads (``queries/lookup-mirror.rq``: labels, types and the other ``LOOKUP_PREDICATES``, plus a
  statement for every IRI of ours without a type) and the names of the named graphs, so that the
  lookups stay synchronous index reads, as in embedded mode.

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
from napkg_server.engine.remote import RemoteExecutor, RemoteUnavailableError
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


async def _run(executor: RemoteExecutor, name: str, base_iri: str, *, graph: bool = False) -> bytes:
    job = QueryJob(
        query=read_query(name),
        base_iri=base_iri,
        union_default_graph=True,
        solutions_format=None if graph else "json",
        graph_format="nt" if graph else None,
    )
    try:
        outcome = await executor.execute(job, LOAD_TIMEOUT)
    except (RemoteUnavailableError, QueryTimeoutError) as error:
        raise DataLoadError(f"{executor.shown}: {name}.rq: {error}") from None
    if not isinstance(outcome, QueryAnswer):
        raise DataLoadError(f"{executor.shown}: {name}.rq failed: {outcome.message}")
    return outcome.body


def _mirror(statements: bytes, graphs: tuple[GraphStats, ...]) -> Store:
    mirror = Store()
    mirror.bulk_load(statements, RdfFormat.N_TRIPLES)
    for graph in graphs:
        mirror.add_graph(NamedNode(graph.name))  # Lookup.exists() knows the graph names too
    return mirror


async def load_remote(executor: RemoteExecutor, base_iri: str) -> LoadedDataset:
    """The mirror store and the description of the remote's data (raises :class:`DataLoadError`)."""
    per_graph = read_solutions(await _run(executor, "graph-triple-counts", base_iri))
    graphs = tuple(GraphStats(row["graph"].value, int(row["triples"].value)) for row in per_graph)
    (counts,) = read_solutions(await _run(executor, "default-graph-counts", base_iri))
    matches, union = int(counts["matches"].value), int(counts["triples"].value)
    if matches != union:
        raise DataLoadError(
            f"{executor.shown}: its default graph matches {matches:,} triples for {union:,} distinct ones, so it "
            "counts a triple once per graph holding it. Run the engine without a union default graph (Oxigraph: "
            "without --union-default-graph); `napkg publish` writes the union of the graphs into its default graph."
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
        executor = RemoteExecutor(endpoint, 1)
        await executor.start()
        try:
            return await load_remote(executor, settings.base_iri)
        finally:
            await executor.close()

    return asyncio.run(fetch())
