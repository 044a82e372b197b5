"""`napkg serve --store DIR`: the dataset bulk-loaded once into an on-disk store, reopened without --data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_server.data.disk_store import DiskStore, is_loaded, load_into
from napkg_server.settings import DataSource

from tests.support.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow

QUERIES = {
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "per-graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "action-points": (
        "SELECT ?n ?text WHERE { ?ap a <https://w3id.org/nap-kg/def/ActionPoint> ; "
        "<https://w3id.org/nap-kg/def/number> ?n ; <https://w3id.org/nap-kg/def/actionText> ?text } ORDER BY ?n"
    ),
}


def answers(base_url: str) -> dict[str, object]:
    """/health and the answers to QUERIES (each evaluated in a forked worker)."""
    health = httpx.get(base_url + "/health").json()
    out: dict[str, object] = {"health": {k: health[k] for k in ("triples", "graphs", "checksum")}}
    for name, query in QUERIES.items():
        r = httpx.post(
            base_url + "/sparql",
            content=query,
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/sparql-results+json")
        out[name] = r.json()["results"]["bindings"]
    return out


def test_store_loaded_once_then_reopened_without_data(
    built: BuildResult, settings: BuildSettings, tmp_path: Path, server: LiveServer
) -> None:
    trig = settings.dist / "nap-kg.trig"
    store_dir = tmp_path / "store"
    expected = answers(server.base_url)  # conftest's in-memory server on the same file
    with live_server([trig], args=["--store", str(store_dir)]) as loading:
        first = answers(loading.base_url)
    assert is_loaded(store_dir)
    with live_server(args=["--store", str(store_dir)]) as reopened:
        assert len(reopened.worker_pids()) >= 2
        second = answers(reopened.base_url)
    assert first == expected
    assert second == expected
    assert second["health"]["triples"] == built.triples  # type: ignore[index]
    # The default graph is the set union of the graphs: a triple stated in two graphs counts once.
    assert int(second["count"][0]["n"]["value"]) == len(built.union) < built.triples  # type: ignore[index]
    assert len(second["action-points"]) == 33  # type: ignore[arg-type]


def test_store_opens_anew_after_fork(built: BuildResult, settings: BuildSettings, tmp_path: Path) -> None:
    """A forked process opens its own read-only handle (RocksDB handles must not cross a fork)."""
    info = load_into(tmp_path / "s", [DataSource(settings.dist / "nap-kg.trig")], "https://w3id.org/nap-kg/")
    store = DiskStore(tmp_path / "s")
    parent_handle = store._handle()
    assert len(store) == info.statements + info.union_default_graph_triples  # the graphs, then their union
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a new handle, same answers
        ok = store._handle() is not parent_handle and len(store) == info.statements + info.union_default_graph_triples
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
    assert store._handle() is parent_handle


def test_empty_store_without_data_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    result = subprocess.run(
        [sys.executable, "-m", "napkg_cli.serve", "--store", str(empty), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "no store loaded there yet" in result.stderr and "--data" in result.stderr
