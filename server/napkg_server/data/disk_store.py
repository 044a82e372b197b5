"""The dataset in an on-disk pyoxigraph (RocksDB) store: bulk-loaded once, reopened read-only on later starts.

``napkg serve --store DIR --data FILE``  loads FILE into DIR (replacing what DIR held), then serves it;
``napkg serve --store DIR``              reopens DIR without parsing anything (start-up in well under a second
                                          at a million triples, against tens of seconds to parse the file).

What /health says about the data (triple counts per graph, checksum of the loaded files) is written beside
the store in ``napkg-store.json`` when loading, so a reopened store reports the same.

One server at a time: a server holds an exclusive lock (``flock``) on ``napkg-store.lock`` in DIR for as long
as it loads or serves it (the kernel lets go when the process ends, however it ends); a second server is
refused with a message naming the holder's pid, so no store is loaded into while another server reads it.
A load is marked complete: ``napkg-store.loading`` is written before the store is touched and removed only
after ``napkg-store.json`` is in place (written whole, then renamed), so a store whose load was interrupted
(a crash, ``kill -9``) is refused with a message until it is loaded again with ``--data``.

RocksDB handles are not fork-safe, so no handle crosses a fork: :class:`DiskStore` opens
``Store.read_only(DIR)`` in the process that first uses it, the server and each forked query worker
alike (about 50 ms per worker); the operating system's page cache is what they share.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, Store

from napkg_server.data.store import (
    DataLoadError,
    DatasetInfo,
    GraphStats,
    LoadedDataset,
    check_sources,
    describe_files,
    load_store,
    text_index_of,
)
from napkg_server.data.text_index import TextIndex
from napkg_server.settings import DataSource

META = "napkg-store.json"
LOCK = "napkg-store.lock"
LOADING = "napkg-store.loading"
TEXT_INDEX = "napkg-text.sqlite"  # the full-text index of the loaded data (napkg_server.data.text_index)
FORMAT_VERSION = 2  # 2: the default graph holds the union of the named graphs (napkg_graph.union_graph)


class StoreLock:
    """The exclusive hold of one process (and the workers it forks) on a store directory."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / LOCK
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise DataLoadError(
                f"{directory} is in use by another napkg server (pid {holder}); stop it first, "
                "or give another --store directory"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor of the open file lets go of the lock
            self._fd = None


class DiskStore:
    """A read-only on-disk store, opened anew in every process that queries it (see the module docstring)."""

    def __init__(self, path: Path, lock: StoreLock | None = None) -> None:
        self.path = path
        self.lock = lock  # held for as long as this store is served
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
    """Whether ``directory`` holds a store whose load by :func:`load_into` finished (with its description)."""
    return (directory / META).is_file() and not (directory / LOADING).exists()


def is_unused(directory: Path) -> bool:
    """Whether ``directory`` is missing or holds nothing yet (so loading into it replaces no data)."""
    return not directory.exists() or (directory.is_dir() and not any(p.name != LOCK for p in directory.iterdir()))


def unfinished_load_message(directory: Path) -> str:
    return (
        f"{directory}: loading this store did not finish (the loading server stopped before the end); "
        "load it again with --store DIR --data FILE"
    )


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    os.replace(partial, path)


def _stamp(path: Path) -> dict[str, object]:
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def load_into(
    directory: Path, sources: Sequence[DataSource], base_iri: str, lock: StoreLock | None = None
) -> DatasetInfo:
    """Replace the contents of the store in ``directory`` by ``sources``; write and return its description.

    Holds the directory's lock while loading (``lock``, when the caller holds it already, as a server does)."""
    check_sources(sources)
    held = lock or StoreLock(directory)
    try:
        _write_atomically(directory / LOADING, json.dumps({"pid": os.getpid(), "started": time.time()}))
        (directory / META).unlink(missing_ok=True)  # a store without its description is not "loaded"
        (directory / TEXT_INDEX).unlink(missing_ok=True)  # nor is the text index of earlier data kept
        try:
            store = Store(str(directory))
        except OSError as error:
            raise DataLoadError(f"{directory}: cannot open the store for writing: {error}") from error
        try:
            store.clear()
            load_store(sources, base_iri, store)
            store.flush()
            info = describe_files(store, sources)
            text_index_of(store).save(directory / TEXT_INDEX)  # so that reopening does not rebuild it
        finally:
            del store  # closes RocksDB before the read-only opens
        meta = {
            "format": FORMAT_VERSION,
            "base_iri": base_iri,
            "sources": [_stamp(s.path) | {"graph": s.graph} for s in sources],
            "info": asdict(info),
        }
        _write_atomically(directory / META, json.dumps(meta, indent=2))
        (directory / LOADING).unlink()  # the completion mark: only now is the store "loaded"
        return info
    finally:
        if lock is None:
            held.release()


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
    """Load ``sources`` into ``directory`` when given, else reopen the store loaded there; then open it read-only.

    The directory stays locked for as long as the returned dataset's store is alive (see :class:`StoreLock`)."""
    if not sources and not directory.is_dir():
        raise DataLoadError(f"{directory}: no store loaded there yet; give --data FILE with --store to load one")
    start = time.perf_counter()
    lock = StoreLock(directory)
    try:
        if sources:
            info = load_into(directory, sources, base_iri, lock)
            elapsed = time.perf_counter() - start
            print(
                f"napkg serve: loaded {info.statements:,} triples into {directory} in {elapsed:.1f} s", file=sys.stderr
            )
        elif (directory / LOADING).exists():
            raise DataLoadError(unfinished_load_message(directory))
        elif is_loaded(directory):
            info = read_info(directory)
        elif is_unused(directory):
            raise DataLoadError(f"{directory}: no store loaded there yet; give --data FILE with --store to load one")
        else:  # RocksDB files without a description: loaded by a version before the completion mark, or broken
            raise DataLoadError(unfinished_load_message(directory))
        store = DiskStore(directory, lock)
    except BaseException:
        lock.release()
        raise
    saved = directory / TEXT_INDEX
    # Loaded by a version that kept no text index: built from the store at each start instead.
    text = TextIndex.open(saved) if saved.is_file() else text_index_of(store)  # type: ignore[arg-type]
    return LoadedDataset(store, info, text)  # type: ignore[arg-type]  # duck-typed: query, quads_for_pattern, ...
