"""Safe data changes: a reload swaps the served data atomically, and a failed build changes nothing.

The server runs on a copy of the data. A slow query is started; the file is replaced and the
server reloaded (``POST /admin/reload``, then ``SIGHUP``); the slow query still answers from the
old data, new queries see the new data, ``/health`` shows the new checksum, and the old query
workers are stopped. A file that does not load leaves the old data served. A ``napkg build``
that fails validation leaves ``dist/`` and the served data as they were.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from napkg_graph.config import REPO_ROOT, BuildSettings
from napkg_graph.pipeline import BuildResult

from tests.support.live_server import LiveServer, live_server
from tests.support.loop_watchdog import log_path, wait_for_log
from tests.support.polling import poll

pytestmark = pytest.mark.slow

P = "<https://example.org/gen/p>"
VERSION = "<https://example.org/gen/version>"
SUBJECTS = 2500
# About 3 s: a pair count over the numbers, grouped by the data's version.
SLOW = f"SELECT ?v (COUNT(*) AS ?n) {{ ?d {VERSION} ?v . ?a {P} ?x . ?b {P} ?y FILTER(?x < ?y) }} GROUP BY ?v"
VERSION_QUERY = f"SELECT ?v {{ ?d {VERSION} ?v }}"


def write_data(path: Path, version: str) -> None:
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    lines = [f'<https://example.org/gen/s{i}> {P} "{i}"^^{integer} .\n' for i in range(SUBJECTS)]
    lines.append(f'<https://example.org/gen/dataset> {VERSION} "{version}" .\n')
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(lines))
    tmp.replace(path)  # as a deployment would: the new file appears whole


def version_of(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(response.json()["results"]["bindings"][0]["v"]["value"])


def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> bool:
    poll(condition, timeout=timeout, what="the reload's effect", interval=0.05)
    return True


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    path = tmp_path / "served.nt"
    write_data(path, "v1")
    return path


@pytest.fixture()
def server(data: Path) -> Iterator[LiveServer]:
    with live_server([data], args=["--max-concurrent-queries", "2", "--query-timeout", "20"]) as running:
        yield running


async def _reload_during_slow_query(server: LiveServer, data: Path) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as c:
        old_health = (await c.get("/health")).json()
        slow = asyncio.create_task(c.get("/sparql", params={"query": SLOW}))
        # The slow query is running in an old worker.
        await asyncio.to_thread(poll, server.computing_workers, what="the slow query running")
        write_data(data, "v2")
        reloaded = await c.post("/admin/reload")
        slow_done_at_reload = slow.done()
        new = await c.get("/sparql", params={"query": VERSION_QUERY})
        health = (await c.get("/health")).json()
        old_answer = await slow
        return {
            "old_health": old_health,
            "reloaded": reloaded,
            "slow_done_at_reload": slow_done_at_reload,
            "new": new,
            "health": health,
            "slow": old_answer,
        }


def test_reload_swaps_data_while_running_queries_finish_on_the_old(server: LiveServer, data: Path) -> None:
    old_workers = server.worker_pids()
    seen = asyncio.run(_reload_during_slow_query(server, data))
    reloaded = seen["reloaded"]
    assert isinstance(reloaded, httpx.Response) and reloaded.status_code == 200, reloaded
    assert not seen["slow_done_at_reload"], "the reload should finish while the slow query runs"
    assert version_of(seen["new"]) == "v2"  # type: ignore[arg-type]
    slow = seen["slow"]
    assert isinstance(slow, httpx.Response) and slow.status_code == 200, slow.text
    assert slow.json()["results"]["bindings"][0]["v"]["value"] == "v1"  # the old data, to the end
    expected = "sha256:" + hashlib.sha256(data.read_bytes()).hexdigest()
    assert seen["health"]["checksum"] == expected != seen["old_health"]["checksum"]  # type: ignore[index]
    assert reloaded.json()["checksum"] == expected
    # The old workers stop once their query is answered; the new pool has the configured size.
    assert wait_for(lambda: not set(server.worker_pids()) & set(old_workers))
    assert len(server.worker_pids()) == 2


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def test_reloads_release_the_old_store(tmp_path: Path) -> None:
    """Issue 13: each reload kept the whole old store alive (old pools chained through ``_successor``,
    the first held by the app), so memory grew by one store per reload."""
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    data = tmp_path / "large.nt"
    data.write_text("".join(f'<https://example.org/gen/s{i}> {P} "{i}"^^{integer} .\n' for i in range(150_000)))
    with live_server([data], args=["--max-concurrent-queries", "2"]) as running, httpx.Client(timeout=60) as c:
        sizes = []
        for _ in range(10):
            workers = running.worker_pids()
            assert c.post(running.base_url + "/admin/reload").status_code == 200
            assert wait_for(lambda workers=workers: not set(running.worker_pids()) & set(workers))
            sizes.append(rss_kib(running.pid))
        assert sizes[-1] <= 1.1 * sizes[0], f"server RSS after each reload (KiB): {sizes}"


def test_sighup_reloads_and_a_broken_file_changes_nothing(server: LiveServer, data: Path) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        write_data(data, "v3")
        os.kill(server.pid, signal.SIGHUP)
        assert wait_for(lambda: version_of(c.get("/sparql", params={"query": VERSION_QUERY})) == "v3")
        checksum = c.get("/health").json()["checksum"]
        data.write_text("this is not N-Triples\n")
        failed = c.post("/admin/reload")
        assert failed.status_code == 422
        assert "Reload failed; still serving the previous data" in failed.text and checksum in failed.text
        since = log_path(server).stat().st_size
        os.kill(server.pid, signal.SIGHUP)  # logged, and ignored
        wait_for_log(server, "reload failed, still serving the previous data", since)
        assert c.get("/health").json()["checksum"] == checksum
        assert version_of(c.get("/sparql", params={"query": VERSION_QUERY})) == "v3"


def test_admin_reload_needs_loopback_or_the_token(data: Path) -> None:
    checksum = "sha256:" + hashlib.sha256(data.read_bytes()).hexdigest()
    with (
        live_server([data], env={"NAPKG_ADMIN_TOKEN": "s3cret"}) as running,
        httpx.Client(base_url=running.base_url, timeout=30) as c,
    ):
        assert c.post("/admin/reload").status_code == 403
        assert c.post("/admin/reload", headers={"Authorization": "Bearer wrong"}).status_code == 403
        accepted = c.post("/admin/reload", headers={"Authorization": "Bearer s3cret"})
        assert accepted.status_code == 200
        assert accepted.json()["checksum"] == checksum
        assert c.get("/admin/reload").status_code in (404, 405)
    with live_server([data]) as running, httpx.Client(base_url=running.base_url, timeout=30) as c:
        forwarded = c.post("/admin/reload", headers={"X-Forwarded-For": "203.0.113.9"})
        assert forwarded.status_code == 403  # relayed by a proxy: not the server's own host
        local = c.post("/admin/reload")
        assert local.status_code == 200
        assert local.json()["checksum"] == checksum


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_failed_build_leaves_dist_and_served_data_unchanged(
    built: BuildResult, settings: BuildSettings, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(settings.dist, dist)
    sources = tmp_path / "sources"
    shutil.copytree(REPO_ROOT / "graph" / "sources", sources)
    organisations = sources / "organisations.yaml"
    text = organisations.read_text("utf-8")
    assert "code: mnre1013" in text
    organisations.write_text(text.replace("code: mnre1013", "code: mnre13", 1), "utf-8")
    before = tree_digest(dist)
    with live_server([dist / "nap-kg.trig"], dist=dist) as running, httpx.Client(base_url=running.base_url) as c:
        health = c.get("/health").json()
        result = subprocess.run(
            [sys.executable, "-m", "napkg_cli", "build", "--sources", str(sources), "--dist", str(dist)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert result.returncode != 0
        assert "mnre13" in result.stdout + result.stderr
        assert tree_digest(dist) == before
        assert c.post("/admin/reload").status_code == 200
        assert c.get("/health").json() == health
