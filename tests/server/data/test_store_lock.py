"""On-disk stores cannot be changed underneath a server (issue 13 item 6): one server at a time holds a
store directory (a second is refused, naming the holder), a store whose loading did not finish is
refused with a message, and ``--store`` never falls back to other data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult

from tests.support.live_server import live_server
from tests.support.polling import poll

pytestmark = pytest.mark.slow

SERVER = [sys.executable, "-m", "napkg_cli.serve", "--host", "127.0.0.1", "--port", "0"]
NAPKG = str(Path(sys.executable).with_name("napkg"))


def _run(command: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to its end; one that is still running (serving) after ``timeout`` is a failure."""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"{command[2:]} did not stop: it serves instead of refusing\n{expired.stderr!r}"[:2000])


def _other_data(tmp_path: Path) -> Path:
    other = tmp_path / "other.nt"
    other.write_text('<https://example.org/s> <https://example.org/p> "other data" .\n', "utf-8")
    return other


def test_a_served_store_is_refused_to_a_second_server(
    built: BuildResult, settings: BuildSettings, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    with live_server([settings.dist / "nap-kg.trig"], args=["--store", str(store)]) as first:
        before = httpx.get(first.base_url + "/health").json()
        loading = _run([*SERVER, "--store", str(store), "--data", str(_other_data(tmp_path))])
        reopening = _run([*SERVER, "--store", str(store)])
        for second in (loading, reopening):
            assert second.returncode == 1, second.stderr
            assert f"in use by another napkg server (pid {first.pid})" in second.stderr
        after = httpx.get(first.base_url + "/health").json()
        count = httpx.get(
            first.sparql_url, params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}
        ).json()
    assert after == before
    assert int(count["results"]["bindings"][0]["n"]["value"]) == built.triples
    with live_server(args=["--store", str(store)]) as later:  # released when the first stopped
        assert httpx.get(later.base_url + "/health").json()["triples"] == built.triples


def test_a_store_whose_holder_was_killed_can_be_served_again(
    built: BuildResult, settings: BuildSettings, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    with live_server([settings.dist / "nap-kg.trig"], args=["--store", str(store)]) as first:
        os.kill(first.pid, signal.SIGKILL)
        # Gone or a zombie (reaped by live_server's Popen only at exit): a zombie holds no lock.
        poll(lambda: _gone_or_zombie(first.pid), timeout=10, what=f"server {first.pid} dead")
        with live_server(args=["--store", str(store)]) as second:
            assert httpx.get(second.base_url + "/health").json()["triples"] == built.triples


def _gone_or_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _kill_during_load(store: Path, data: Path) -> None:
    """Start loading ``data`` into ``store`` and SIGKILL the server once the store exists on disk."""
    loader = subprocess.Popen([*SERVER, "--store", str(store), "--data", str(data)], stderr=subprocess.PIPE)
    try:

        def begun() -> bool:  # RocksDB's first file is there: the load has begun
            assert loader.poll() is None, loader.stderr.read() if loader.stderr else ""
            return (store / "CURRENT").exists()

        poll(begun, timeout=60, what="the load to begin", interval=0.01)
    finally:
        loader.kill()
        loader.wait()


def test_a_half_loaded_store_is_refused_and_nothing_else_is_served(
    built: BuildResult, settings: BuildSettings, tmp_path: Path
) -> None:
    big = tmp_path / "big.nt"
    with big.open("w", encoding="utf-8") as out:
        for i in range(300_000):
            out.write(f'<https://example.org/s{i}> <https://example.org/p> "value {i}" .\n')
    store = tmp_path / "store"
    _kill_during_load(store, big)
    served = _run([*SERVER, "--store", str(store)])
    # `napkg serve --store DIR` used to load the built dataset into DIR instead, and serve that
    built_cli = _run([NAPKG, "serve", "--store", str(store), "--dist", str(settings.dist), "--port", "0"])
    for refused in (served, built_cli):
        assert refused.returncode == 1, refused.stderr
        assert f"{store}: loading this store did not finish" in refused.stderr
        assert "--data" in refused.stderr
    with live_server([settings.dist / "nap-kg.trig"], args=["--store", str(store)]) as reloaded:  # --data repairs it
        assert httpx.get(reloaded.base_url + "/health").json()["triples"] == built.triples


def test_napkg_serve_loads_the_built_dataset_into_a_new_store_and_says_so(
    built: BuildResult, settings: BuildSettings, tmp_path: Path
) -> None:
    store = tmp_path / "new-store"
    process = subprocess.Popen(
        [NAPKG, "serve", "--store", str(store), "--dist", str(settings.dist), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if not line or "loaded" in line:
                break
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    text = "".join(lines)
    assert f"{store} holds no store yet: loading {settings.dist / 'nap-kg.trig'} into it" in text
