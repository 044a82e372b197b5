"""Bulk-load RDF files into an embedded, in-memory pyoxigraph store, once, and describe it.

The last step of loading writes the set union of the named graphs into the store's own default graph
(:mod:`napkg_graph.union_graph`), so that a query without a dataset of its own counts each triple once, as an RDF
merge does; queries then run with ``use_default_graph_as_union`` off. The store is never written after loading:
the endpoint only ever calls ``query`` on it (in forked worker processes, see :mod:`napkg_server.engine.workers`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from napkg_graph.union_graph import union_into_default_graph
from pyoxigraph import DefaultGraph, Literal, NamedNode, QuerySolutions, QueryTriples, RdfFormat, Store

from napkg_server.data.checksums import sha256_of, written_by_us
from napkg_server.data.text_index import TextIndex
from napkg_server.formats import ResultKind, formats_of
from napkg_server.settings import DataSource

# By file extension; RDF/XML also under the extensions ontologies are published with.
EXTENSION_FORMATS: dict[str, RdfFormat] = {
    **{f".{f.suffix}": f.serializer for f in formats_of(ResultKind.GRAPH) if isinstance(f.serializer, RdfFormat)},
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
}


class DataLoadError(Exception):
    """A data file that is missing, of an unknown kind, or not valid RDF."""


@dataclass(frozen=True)
class GraphStats:
    name: str
    triples: int


@dataclass(frozen=True)
class DatasetInfo:
    """What /health and the service description say about the loaded data."""

    statements: int  # quads as loaded (named graphs plus what the files put in the default graph)
    named_graphs: tuple[GraphStats, ...]
    store_default_graph_triples: int  # what the files put in the default graph themselves
    union_default_graph_triples: int  # distinct triples of the default graph queries see: the union
    checksum: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class LoadedDataset:
    store: Store
    info: DatasetInfo
    text: TextIndex | None = None  # the full-text index of its text (napkg_server.data.text_index)


@cache
def read_query(name: str) -> str:
    """The text of ``queries/<name>.rq`` beside this module (read once per process)."""
    return (resources.files("napkg_server.data") / "queries" / f"{name}.rq").read_text("utf-8")


def rdf_format_for(path: Path) -> RdfFormat:
    fmt = EXTENSION_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(EXTENSION_FORMATS))
        raise DataLoadError(f"{path}: unknown RDF file extension (known: {known})")
    return fmt


def file_checksum(paths: Sequence[Path]) -> str:
    """sha256 over the bytes of the files, in load order, as ``sha256:<hex>``."""
    if len(paths) == 1:
        return "sha256:" + sha256_of(paths[0])
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def check_sources(sources: Sequence[DataSource]) -> None:
    """Refuse, before anything is loaded, a missing file, an unknown kind, or graphs put where they cannot go."""
    for source in sources:
        fmt = rdf_format_for(source.path)
        if not source.path.is_file():
            raise DataLoadError(f"{source.path}: no such file")
        if source.graph is not None and fmt.supports_datasets:
            raise DataLoadError(
                f"{source.path}: a {fmt.name} file holds its own graphs; "
                "only triples files can be put into a named graph"
            )


def load_store(sources: Sequence[DataSource], base_iri: str, store: Store | None = None) -> Store:
    """``store`` (a new in-memory one by default) with every source loaded into it; relative IRIs resolve
    against ``base_iri``."""
    check_sources(sources)
    store = Store() if store is None else store
    for source in sources:
        try:
            target = NamedNode(source.graph) if source.graph is not None else None
            # A dump this project wrote and checksummed is not validated again (see napkg_server.data.checksums).
            store.bulk_load(
                path=source.path,
                format=rdf_format_for(source.path),
                base_iri=base_iri,
                to_graph=target,
                lenient=written_by_us(source.path),
            )
        except (SyntaxError, ValueError, OSError) as error:
            raise DataLoadError(f"{source.path}: {error}") from error
    return store


def describe_files(store: Store, sources: Sequence[DataSource], *, in_memory: bool = False) -> DatasetInfo:
    """:func:`finish_store` for a store just loaded from ``sources``, with their checksum (``in_memory``: not an
    on-disk store, so the union is written by one SPARQL Update rather than through the bulk loader)."""
    paths = [s.path for s in sources]
    return finish_store(store, file_checksum(paths), [str(p) for p in paths], bulk=not in_memory)


def _count(solutions: object) -> int:
    assert isinstance(solutions, QuerySolutions)
    value = next(iter(solutions))["triples"]
    assert isinstance(value, Literal)
    return int(value.value)


def finish_store(store: Store, checksum: str, files: Sequence[str], *, bulk: bool) -> DatasetInfo:
    """Count triples per graph with the server's own ``.rq`` queries, then write the union of the graphs into the
    default graph (run once, right after loading)."""
    per_graph = store.query(read_query("graph-triple-counts"))
    assert isinstance(per_graph, QuerySolutions)
    graphs = []
    for row in per_graph:
        count = row["triples"]
        assert isinstance(count, Literal)
        graphs.append(GraphStats(row["graph"].value, int(count.value)))
    # Named graphs declared without triples still belong to the dataset.
    listed = {g.name for g in graphs}
    graphs += [GraphStats(g.value, 0) for g in store.named_graphs() if g.value not in listed]
    own_default_graph = _count(store.query(read_query("triple-count"), default_graph=DefaultGraph()))
    statements = len(store)
    union_into_default_graph(store, bulk=bulk)
    in_named_graphs = sum(g.triples for g in graphs)
    return DatasetInfo(
        statements=statements,
        named_graphs=tuple(sorted(graphs, key=lambda g: g.name)),
        store_default_graph_triples=own_default_graph,
        # The store now holds the named graphs plus the union: no counting pass over the union itself.
        union_default_graph_triples=len(store) - in_named_graphs,
        checksum=checksum,
        files=tuple(files),
    )


def load_dataset(sources: Sequence[DataSource], base_iri: str) -> LoadedDataset:
    """Load, checksum and describe the data files (the one-time start-up work)."""
    store = load_store(sources, base_iri)
    info = describe_files(store, sources, in_memory=True)
    return LoadedDataset(store, info, text_index_of(store))


def text_index_of(store: Store) -> TextIndex:
    """The full-text index of the text in ``store``'s default graph (the union, once loading is finished)."""
    triples = store.query(read_query("text-literals"))
    assert isinstance(triples, QueryTriples)
    return TextIndex.from_triples(triples)
