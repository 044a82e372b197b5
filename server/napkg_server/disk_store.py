"""The dataset in an on-disk pyoxigraph (RocksDB) store: bulk-loaded once, reopened read-only on later starts.

``napkg serve --store DIR --data FILE``  loads FILE into DIR (replacing what DIR held), then serves it;
``napkg serve --store DIR``              reopens DIR without parsing anything (start-up in well under a second
                                          at a million triples, against tens of seconds to parse the file).

What /health says about the data (triple counts per graph, checksum of the loaded files) is written beside
the store in ``napkg-store.json`` when loading, so a reopened store reports the same.

RocksDB handles are not fork-safe, so no handle crosses a fork: :class:`DiskStore` opens
``Store.read_only(DIR)`` in the process that first uses it, the server and each forked query worker
alike (about 50 ms per worker); the operating system's page cache is what they share.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, Store

from napkg_server.settings import DataSource
from napkg_server.store import (
    DataLoadError,
    DatasetInfo,
    GraphStats,
    LoadedDataset,
    check_sources,
    describe_files,
    load_store,
)

META = "napkg-store.json"
FORMAT_VERSION = 1


class DiskStore:
    """A read-only on-disk store, opened anew in every process that queries it (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = -1
        self._store: Store | None = None
        self._inherited: list[Store] = []  # handles from the parent, kept so that no destructor runs here
        self._handle()

    def _handle(self) -> Store:
        if self._pid != os.getpid():
            if self._store is not None:
                self._inherited.append(self._store)
            try:
                self._store = Store.read_only(str(self.path))
            except OSError as error:
                raise DataLoadError(f"{self.path}: cannot open the store: {error}") from error
            self._pid = os.getpid()
        assert self._store is not None
        return self._store

    def query(self, query: str, **options: Any) -> object:
        return self._handle().query(query, **options)

    def quads_for_pattern(self, *pattern: Any) -> Iterator[Quad]:
        return self._handle().quads_for_pattern(*pattern)

    def contains_named_graph(self, graph: NamedNode) -> bool:
        return self._handle().contains_named_graph(graph)

    def __len__(self) -> int:
        return len(self._handle())


def is_loaded(directory: Path) -> bool:
    """Whether ``directory`` holds a store loaded by :func:`load_into` (with its description)."""
    return (directory / META).is_file()


def _stamp(path: Path) -> dict[str, object]:
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def load_into(directory: Path, sources: Sequence[DataSource], base_iri: str) -> DatasetInfo:
    """Replace the contents of the store in ``directory`` by ``sources``; write and return its description."""
    check_sources(sources)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / META).unlink(missing_ok=True)  # a store without its description is not "loaded"
    try:
        store = Store(str(directory))
    except OSError as error:
        raise DataLoadError(f"{directory}: cannot open the store for writing: {error}") from error
    try:
        store.clear()
        load_store(sources, base_iri, store)
        store.flush()
        info = describe_files(store, sources)
    finally:
        del store  # closes RocksDB before the read-only opens
    meta = {
        "format": FORMAT_VERSION,
        "base_iri": base_iri,
        "sources": [_stamp(s.path) | {"graph": s.graph} for s in sources],
        "info": asdict(info),
    }
    (directory / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return info


def read_info(directory: Path) -> DatasetInfo:
    meta = json.loads((directory / META).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT_VERSION:
        raise DataLoadError(f"{directory}: store written by another version; load it again with --data")
    for stamp in meta["sources"]:
        path = Path(stamp["path"])
        if path.is_file() and (path.stat().st_size, path.stat().st_mtime_ns) != (stamp["size"], stamp["mtime_ns"]):
            print(
                f"napkg serve: warning: {path} changed since {directory} was loaded from it; "
                "give --data with --store to load it again",
                file=sys.stderr,
            )
    info = dict(meta["info"])
    info["named_graphs"] = tuple(GraphStats(**g) for g in info["named_graphs"])
    info["files"] = tuple(info["files"])
    return DatasetInfo(**info)


def open_disk_dataset(directory: Path, sources: Sequence[DataSource], base_iri: str) -> LoadedDataset:
    """Load ``sources`` into ``directory`` when given (or when it holds no store yet), then open it read-only."""
    start = time.perf_counter()
    if sources:
        info = load_into(directory, sources, base_iri)
        print(
            f"napkg serve: loaded {info.statements:,} triples into {directory} in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
    elif is_loaded(directory):
        info = read_info(directory)
    else:
        raise DataLoadError(f"{directory}: no store loaded there yet; give --data FILE with --store to load one")
    store = DiskStore(directory)
    return LoadedDataset(store, info)  # type: ignore[arg-type]  # duck-typed: query, quads_for_pattern, ...
