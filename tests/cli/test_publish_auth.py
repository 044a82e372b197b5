"""`napkg publish`: authentication chosen from the store's challenge, one clear message per failure (exit 2), and the
triple count of every graph checked on the store afterwards (exit 1 with the table when they differ).

Real peers: Virtuoso's Digest-protected Graph Store (/sparql-graph-crud-auth, a user granted SPARQL_UPDATE through
isql by tests/support/virtuoso.py) and the Oxigraph server. Neither asks for Basic credentials or a bearer token,
answers 403, or keeps a request waiting on demand, so those cases run against :class:`Gate`, a small loopback HTTP
server that only checks the Authorization header (or never answers) and is no stand-in for a component of ours.
"""

from __future__ import annotations

import base64
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from napkg_cli.main import main
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish_remote import (
    Credentials,
    GraphPayload,
    PublishError,
    choose_auth,
    publish,
    read_graphs,
    union_payload,
)

from tests.support.live_server import HOST, free_port
from tests.support.oxigraph import oxigraph_server
from tests.support.virtuoso import VirtuosoServer, virtuoso_server

pytestmark = pytest.mark.slow

UNION = "urn:napkg:union"
USER, PASSWORD = "napkg", "s3cret"
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def run_cli(*argv: str) -> int:
    with pytest.raises(SystemExit) as stopped:
        main(["publish", *argv])
    return int(stopped.value.code or 0)


def graph_counts(query_url: str, graphs: list[str]) -> dict[str, int]:
    response = httpx.post(
        query_url,
        data={"query": COUNTS},
        params=[("named-graph-uri", g) for g in graphs],
        headers={"Accept": "application/sparql-results+json"},
    )
    response.raise_for_status()
    return {r["g"]["value"]: int(r["n"]["value"]) for r in response.json()["results"]["bindings"]}


@pytest.fixture
def dist(built: BuildResult, settings: BuildSettings, tmp_path: Path) -> Path:
    copy = tmp_path / "dist"
    copy.mkdir()
    shutil.copy(settings.dist / "nap-kg.trig", copy / "nap-kg.trig")
    return copy


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[VirtuosoServer]:
    with virtuoso_server() as server:
        server.create_user(USER, PASSWORD)
        yield server


def test_digest_credentials_publish_to_virtuoso_and_the_counts_are_checked(
    virtuoso: VirtuosoServer, dist: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    to = ["--to", virtuoso.graph_store_auth_url, "--dist", str(dist), "--union-graph", UNION]
    monkeypatch.delenv("NAPKG_PUBLISH_USER", raising=False)
    monkeypatch.delenv("NAPKG_PUBLISH_PASSWORD", raising=False)
    assert run_cli(*to) == 2
    err = capsys.readouterr().err
    assert f"the store at {virtuoso.graph_store_auth_url}?graph=" in err
    assert "asks for Digest: set NAPKG_PUBLISH_USER and NAPKG_PUBLISH_PASSWORD" in err
    assert "Traceback" not in err

    monkeypatch.setenv("NAPKG_PUBLISH_USER", USER)
    monkeypatch.setenv("NAPKG_PUBLISH_PASSWORD", "wrong")
    assert run_cli(*to) == 2
    err = capsys.readouterr().err
    assert "401 Unauthorized (the store did not accept the Digest credentials of NAPKG_PUBLISH_USER='napkg'" in err
    assert "0 graph(s) were replaced before this; 7 were not written." in err

    monkeypatch.setenv("NAPKG_PUBLISH_PASSWORD", PASSWORD)
    assert run_cli(*to) == 0
    out, err = capsys.readouterr()
    expected = {g.iri: g.triples for g in read_graphs(dist / "nap-kg.trig")}
    union = union_payload(dist / "nap-kg.trig", UNION)
    assert "napkg publish: authentication: digest" in err
    assert f"the store reports the same triple count for all 7 ({virtuoso.sparql_url})" in out
    assert graph_counts(virtuoso.sparql_url, [*expected, UNION]) == {**expected, UNION: union.triples}


MANY = 600


def many_graphs(folder: Path) -> Path:
    """A dataset of MANY one-or-two-triple graphs with long IRIs, as the 1M benchmark's ~570 graphs are many."""
    lines = []
    for n in range(MANY):
        graph = f"https://w3id.org/nap-kg/graph/synth/country-{n:04d}-with-a-long-name/redactie"
        shared = '<urn:o:shared> <urn:p:label> "shared" .' if n % 2 else ""
        lines.append(f'<{graph}> {{ <urn:s:{n}> <urn:p:label> "graph {n}" . {shared} }}')
    folder.mkdir()
    (folder / "nap-kg.trig").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("engine", ["virtuoso", "oxigraph"])
def test_the_count_check_reads_every_one_of_many_graphs(
    engine: str,
    virtuoso: VirtuosoServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: every graph went into one query's URL as a named-graph-uri; Virtuoso counted 93 of the 600 only.
    dist = many_graphs(tmp_path / "dist")
    monkeypatch.setenv("NAPKG_PUBLISH_USER", USER)
    monkeypatch.setenv("NAPKG_PUBLISH_PASSWORD", PASSWORD)
    if engine == "virtuoso":
        assert run_cli("--to", virtuoso.graph_store_auth_url, "--dist", str(dist), "--union-graph", UNION) == 0
        query_url = virtuoso.sparql_url
    else:
        with oxigraph_server(tmp_path) as oxigraph:
            assert run_cli("--to", oxigraph.store_url, "--dist", str(dist)) == 0
            query_url = oxigraph.query_url
    out, err = capsys.readouterr()
    assert f"the store reports the same triple count for all {MANY + 1} ({query_url})" in out, err


def test_virtuoso_refuses_the_default_graph_and_says_so(
    virtuoso: VirtuosoServer, dist: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NAPKG_PUBLISH_USER", USER)
    monkeypatch.setenv("NAPKG_PUBLISH_PASSWORD", PASSWORD)
    assert run_cli("--to", virtuoso.graph_store_auth_url, "--dist", str(dist)) == 2
    err = capsys.readouterr().err
    assert "the default graph: the store answered 500" in err
    assert 'contains "default" param but the endpoint is not configured to have default graph' in err
    assert "6 graph(s) were replaced before this; 1 were not written." in err


def test_a_count_the_store_reports_otherwise_is_exit_1_with_the_table(
    dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Oxigraph's --union-default-graph: the default graph a query sees is every graph, so it holds more than written.
    with oxigraph_server(tmp_path, union_default_graph=True) as oxigraph:
        assert run_cli("--to", oxigraph.store_url, "--dist", str(dist)) == 1
    err = capsys.readouterr().err
    union = union_payload(dist / "nap-kg.trig")
    total = sum(g.triples for g in read_graphs(dist / "nap-kg.trig"))
    assert f"the store reports other triple counts than were written ({oxigraph.query_url}):" in err
    assert f"{union.triples:>9,}  {total + union.triples:>9,}  (default graph)   <- differs" in err
    assert "--union-graph IRI" in err
    for graph in read_graphs(dist / "nap-kg.trig"):
        assert f"{graph.triples:>9,}  {graph.triples:>9,}  {graph.iri}\n" in err


def test_a_store_that_is_not_there_is_one_line(dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://{HOST}:{free_port()}/store"
    assert run_cli("--to", url, "--dist", str(dist)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"napkg publish: cannot connect to {url}?graph=")
    assert "is the store running, and is this its address?" in err and "Traceback" not in err
    assert run_cli("--to", f"http://{HOST}:1/elsewhere", "--dist", str(dist)) == 2
    assert "cannot tell the query endpoint of" in capsys.readouterr().err


class Gate(ThreadingHTTPServer):
    """Takes a PUT when its Authorization header is ``expected``, else answers 401 with ``challenge`` (or 403 when
    ``forbid``); with ``silent`` it reads the request and never answers."""

    def __init__(self, challenge: str, expected: str, *, forbid: bool = False, silent: bool = False) -> None:
        self.challenge, self.expected, self.forbid, self.silent = challenge, expected, forbid, silent
        self.seen: list[tuple[str, str | None]] = []
        self.release = threading.Event()
        super().__init__((HOST, 0), _GateHandler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/gsp"


class _GateHandler(BaseHTTPRequestHandler):
    server: Gate

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.seen.append((self.command, self.headers.get("Authorization")))
        if self.server.silent:
            self.server.release.wait(30)
            return
        given = self.headers.get("Authorization")
        status = 204 if given == self.server.expected else 403 if self.server.forbid and given else 401
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", self.server.challenge)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_HEAD = _answer


@pytest.fixture
def gate(request: pytest.FixtureRequest) -> Iterator[Gate]:
    server = Gate(*request.param[:2], **request.param[2])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
GRAPHS = [GraphPayload("https://example.org/g1", 1, b"<urn:a> <urn:b> <urn:c> .\n")]


@pytest.mark.parametrize("gate", [('Basic realm="store"', BASIC, {})], indirect=True)
def test_basic_is_chosen_when_the_store_asks_for_it(gate: Gate) -> None:
    credentials = Credentials(USER, PASSWORD)
    with httpx.Client(timeout=5) as client:
        auth = choose_auth(client, gate.url, "auto", credentials)
        assert auth.scheme == "basic"
        publish(gate.url, GRAPHS, client=client, auth=auth)
    assert gate.seen == [("HEAD", None), ("PUT", BASIC)]


@pytest.mark.parametrize("gate", [('Bearer realm="store"', "Bearer t0ken", {})], indirect=True)
def test_a_bearer_token_is_chosen_when_the_store_asks_for_it(gate: Gate) -> None:
    with httpx.Client(timeout=5) as client:
        with pytest.raises(PublishError) as missing:
            choose_auth(client, gate.url, "auto", Credentials(USER, PASSWORD))
        assert str(missing.value) == (
            f"the store at {gate.url} asks for Bearer (given: NAPKG_PUBLISH_USER='napkg' and NAPKG_PUBLISH_PASSWORD): "
            "set NAPKG_PUBLISH_TOKEN"
        )
        auth = choose_auth(client, gate.url, "auto", Credentials.from_env({"NAPKG_PUBLISH_TOKEN": "t0ken"}))
        assert auth.scheme == "bearer"
        publish(gate.url, GRAPHS, client=client, auth=auth)
        forced = choose_auth(client, gate.url, "bearer", Credentials(token="other"))
        with pytest.raises(PublishError) as refused:
            publish(gate.url, GRAPHS, client=client, auth=forced)
    assert gate.seen[-2:] == [("PUT", "Bearer t0ken"), ("PUT", "Bearer other")]
    assert "401 Unauthorized (the store did not accept the Bearer credentials of NAPKG_PUBLISH_TOKEN)" in str(
        refused.value
    )


@pytest.mark.parametrize("gate", [('Basic realm="store"', "Basic nobody", {"forbid": True})], indirect=True)
def test_credentials_that_may_not_write_are_a_403_message(gate: Gate) -> None:
    with httpx.Client(timeout=5) as client, pytest.raises(PublishError) as refused:
        publish(gate.url, GRAPHS, client=client, auth=choose_auth(client, gate.url, "basic", Credentials(USER, "x")))
    assert "403 Forbidden (the user of NAPKG_PUBLISH_USER='napkg' and NAPKG_PUBLISH_PASSWORD may not write" in str(
        refused.value
    )


@pytest.mark.parametrize("gate", [("", "", {"silent": True})], indirect=True)
def test_a_store_that_does_not_answer_is_a_timeout_message(gate: Gate) -> None:
    with httpx.Client(timeout=0.5) as client, pytest.raises(PublishError) as stopped:
        publish(gate.url, GRAPHS, client=client, auth=choose_auth(client, gate.url, "bearer", Credentials(token="t")))
    assert f"https://example.org/g1: no answer from {gate.url} within 0.5 s (--timeout)" in str(stopped.value)


def test_forced_schemes_need_their_credentials() -> None:
    with httpx.Client() as client:
        for scheme, needed in (("basic", "NAPKG_PUBLISH_USER"), ("digest", "NAPKG_PUBLISH_USER"), ("bearer", "TOKEN")):
            with pytest.raises(PublishError, match=f"--auth {scheme} needs .*{needed}"):
                choose_auth(client, "http://unused.invalid/", scheme, Credentials())
    with pytest.raises(PublishError, match="set both NAPKG_PUBLISH_USER and NAPKG_PUBLISH_PASSWORD"):
        Credentials.from_env({"NAPKG_PUBLISH_USER": "ana"})
