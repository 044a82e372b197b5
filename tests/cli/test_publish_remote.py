"""`napkg publish`: the dataset's named graphs written into a real Oxigraph server over the Graph Store Protocol."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from napkg_cli.main import main
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish_remote import read_graphs
from pyoxigraph import RdfFormat, parse, serialize

from tests.support.oxigraph import oxigraph_server

REDACTIE = "https://w3id.org/nap-kg/graph/redactie"
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """A fresh Oxigraph server (on disk) on a free loopback port; its base URL."""
    with oxigraph_server(tmp_path, location=tmp_path / "store") as server:
        yield server.base


def graph_counts(base: str) -> dict[str, int]:
    response = httpx.get(
        base + "/query", params={"query": COUNTS}, headers={"Accept": "application/sparql-results+json"}
    )
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def run_cli(*argv: str) -> int:
    with pytest.raises(SystemExit) as stopped:
        main(["publish", *argv])
    return int(stopped.value.code or 0)


@pytest.fixture
def dist(built: BuildResult, settings: BuildSettings, tmp_path: Path) -> Path:
    """A copy of the built dist/ that a test may change."""
    copy = tmp_path / "dist"
    copy.mkdir()
    shutil.copy(settings.dist / "nap-kg.trig", copy / "nap-kg.trig")
    return copy


def test_publish_writes_every_graph_then_replaces_a_changed_one(
    oxigraph: str, dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = {g.iri: g.triples for g in read_graphs(dist / "nap-kg.trig")}
    assert len(expected) == 6

    assert run_cli("--to", oxigraph + "/store", "--dist", str(dist)) == 0
    assert graph_counts(oxigraph) == expected
    assert "published 6 graph(s)" in capsys.readouterr().out

    # Change one graph: drop its alignments, add one triple; publish again.
    quads = list(parse(path=dist / "nap-kg.trig", format=RdfFormat.TRIG))
    dropped = [q for q in quads if q.graph_name.value == REDACTIE and q.predicate.value.endswith("/alignedWith")]
    assert dropped
    kept = [q for q in quads if q not in set(dropped)]
    marker = f'<{REDACTIE}> {{ <https://example.org/s> <https://example.org/p> "changed" . }}\n'
    (dist / "nap-kg.trig").write_bytes((serialize(kept, format=RdfFormat.TRIG) or b"") + marker.encode())

    assert run_cli("--to", oxigraph + "/store", "--dist", str(dist)) == 0
    after = graph_counts(oxigraph)
    assert after[REDACTIE] == expected[REDACTIE] - len(dropped) + 1  # replaced, not appended
    assert {g: n for g, n in after.items() if g != REDACTIE} == {g: n for g, n in expected.items() if g != REDACTIE}
    ask = f"ASK {{ GRAPH <{REDACTIE}> {{ ?ap <https://w3id.org/nap-kg/def/alignedWith> ?x }} }}"
    answer = httpx.get(
        oxigraph + "/query", params={"query": ask}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.json()["boolean"] is False


def test_publish_only_the_graphs_asked_for_and_dry_run_writes_nothing(
    oxigraph: str, dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--to", oxigraph + "/store", "--dist", str(dist), "--dry-run") == 0
    out = capsys.readouterr().out
    expected = read_graphs(dist / "nap-kg.trig")
    for graph in expected:
        assert f"{graph.triples:>9,}  {graph.iri}" in out
    assert "in 6 graph(s)" in out and "dry run" in out
    assert graph_counts(oxigraph) == {}

    assert run_cli("--to", oxigraph + "/store", "--dist", str(dist), "--graph", REDACTIE) == 0
    assert list(graph_counts(oxigraph)) == [REDACTIE]


def test_http_errors_are_explained_and_exit_non_zero(
    oxigraph: str, dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--to", oxigraph + "/no-such-endpoint", "--dist", str(dist), "--query-endpoint", oxigraph) == 2
    err = capsys.readouterr().err
    assert "404" in err and "Graph Store endpoint" in err and "0 graph(s) were replaced" in err
    assert run_cli("--to", oxigraph + "/store", "--dist", str(dist), "--graph", "https://example.org/none") == 2
    assert "not a named graph of the dataset" in capsys.readouterr().err
    assert run_cli("--to", oxigraph + "/store", "--dist", str(dist / "missing")) == 2
    assert "no such file" in capsys.readouterr().err
    assert graph_counts(oxigraph) == {}
