"""`napkg serve` as the README runs it: it serves the built dataset (building it first when dist/ is missing)
on the embedded store, and a real SPARQL client gets the 33 action points back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from napkg_graph.config import REPO_ROOT, BuildSettings
from napkg_graph.pipeline import BuildResult
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.support.live_server import free_port
from tests.support.polling import poll

COUNT_BY_PILLAR = """
PREFIX nap: <https://w3id.org/nap-kg/def/>
SELECT ?pillar (COUNT(?ap) AS ?n) WHERE { ?ap a nap:ActionPoint ; nap:pillar/nap:number ?pillar }
GROUP BY ?pillar ORDER BY ?pillar"""


def _serve(dist: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "napkg_cli", "serve", "--dist", str(dist), "--port", str(port)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _wait_healthy(url: str, process: subprocess.Popen[str], timeout: float = 120) -> dict:

    def health() -> dict | None:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        response = httpx.get(url + "/health", timeout=1)
        return response.json() if response.status_code == 200 else None

    return poll(health, timeout=timeout, what="napkg serve healthy", interval=0.1, ignore=(httpx.TransportError,))


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=20)
    return out


def test_serve_answers_from_the_built_dataset(built: BuildResult, settings: BuildSettings) -> None:
    port = free_port()
    process = _serve(settings.dist, port)
    try:
        health = _wait_healthy(f"http://127.0.0.1:{port}", process)
        assert health["triples"] == built.triples
        client = SPARQLWrapper(f"http://127.0.0.1:{port}/sparql")
        client.setQuery(COUNT_BY_PILLAR)
        client.setReturnFormat(JSON)
        rows = client.queryAndConvert()["results"]["bindings"]
        assert [(r["pillar"]["value"], r["n"]["value"]) for r in rows] == [("1", "16"), ("2", "6"), ("3", "11")]
    finally:
        output = _stop(process)
    assert "building first" not in output, "a fresh dist/ is served as it is"


def test_serve_builds_when_dist_is_missing(tmp_path: Path) -> None:
    port = free_port()
    dist = tmp_path / "dist"
    process = _serve(dist, port)
    try:
        health = _wait_healthy(f"http://127.0.0.1:{port}", process)
        assert health["triples"] > 5000
    finally:
        output = _stop(process)
    assert "building first" in output
    assert (dist / "nap-kg.trig").exists() and (dist / "SHA256SUMS").exists()
