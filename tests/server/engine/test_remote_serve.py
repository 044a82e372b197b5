"""`napkg serve --remote URL`: the whole web layer over a real Oxigraph server, answering as the embedded store does.

An Oxigraph server (the test extra's ``oxigraph``, without ``--union-default-graph``, which would match a triple once
per graph holding it) is filled by `napkg publish`'s Graph Store Protocol code from the session's built dataset: the
named graphs and, as its default graph, their union; our server runs on it with ``--remote`` and is
compared with the embedded server of conftest on the same data: the competency and saved questions, the pages,
the RDF of resources, every result format, the refusals and the limits. Then the failures: a remote that changes
(no cache, a reload re-reads it), a remote that stops (502, not a hang), a remote that is not there at start-up.

The Oxigraph server keeps its data in memory like the embedded store, so rows that the queries leave in no
particular order (ties of ORDER BY, GROUP_CONCAT) come out in the same order and answers compare byte for byte.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from napkg_graph.config import REPO_ROOT, BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish_remote import publish, read_graphs, union_payload
from napkg_graph.saved_queries import library
from napkg_server.engine.evaluation import QueryJob
from napkg_server.engine.remote import RemoteExecutor, RemoteUnavailableError
from napkg_server.remote_dataset import fetch_remote
from napkg_server.settings import Settings
from napkg_server.web.resources import LOOKUP_PREDICATES, ONTOLOGY_IRI, IriMapping, Lookup
from pyoxigraph import NamedNode
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.support.live_server import HOST, LiveServer, free_port, live_server
from tests.support.oxigraph import OxigraphServer, oxigraph_server
from tests.support.polling import poll

pytestmark = pytest.mark.slow

BASE = "https://w3id.org/nap-kg/"
COMPETENCY = sorted((REPO_ROOT / "graph" / "napkg_graph" / "queries" / "competency").glob("*.rq"))
PAGES = [
    "/",
    "/id/plan/nap-2022-2026/actiepunt/17",
    "/id/eu/csddd",
    "/id/ungp/principe/3",
    "/id/organisatie/bz",
    "/id/kamerstuk/22112-3393",
    "/id/oeso/stap/3",
    "/def/ActionPoint",
    "/views",
    "/views/ungp-matrix",
    "/queries",
    "/queries/eu-instrument-trail?instrument=csddd",
    "/zoeken?q=csddd",
    "/catalog",
]
JSON_RESULTS = "application/sparql-results+json"
COUNT_BY_PILLAR = """
PREFIX nap: <https://w3id.org/nap-kg/def/>
SELECT ?pillar (COUNT(?ap) AS ?n) WHERE { ?ap a nap:ActionPoint ; nap:pillar/nap:number ?pillar }
GROUP BY ?pillar ORDER BY ?pillar"""
# A few seconds of work for any engine on this data (a triple cross product, counted).
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def fill(oxigraph: OxigraphServer, trig: Path) -> None:
    """Write the dataset into the Oxigraph server as `napkg publish --to` does (one PUT per named graph, then the
    union into the default graph)."""
    with httpx.Client(timeout=60) as http:
        publish(oxigraph.store_url, [*read_graphs(trig), union_payload(trig)], client=http)


@pytest.fixture(scope="module")
def oxigraph(built: BuildResult, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server holding the built dataset; its query endpoint."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), timeout=10) as server:
        fill(server, settings.dist / "nap-kg.trig")
        yield server.query_url


@pytest.fixture(scope="module")
def remote(oxigraph: str, settings: BuildSettings) -> Iterator[LiveServer]:
    """Our server answering from the Oxigraph server."""
    with live_server(dist=settings.dist, args=["--remote", oxigraph, "--max-concurrent-queries", "2"]) as s:
        yield s


@pytest.fixture(scope="module")
def remote_client(remote: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=remote.base_url, timeout=30) as c:
        yield c


def both(client: httpx.Client, remote_client: httpx.Client, method: str, url: str, **kwargs: object) -> httpx.Response:
    """The remote server's response, after checking that it equals the embedded server's (status, type, body)."""
    embedded = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    answer = remote_client.request(method, url, **kwargs)  # type: ignore[arg-type]
    assert answer.status_code == embedded.status_code, (url, answer.text[:500])
    assert answer.headers.get("content-type") == embedded.headers.get("content-type"), url
    assert answer.content == embedded.content, url
    return answer


def main_content(html: str) -> str:
    found = re.search(r"<main>(.*)</main>", html, re.DOTALL)
    assert found, html[:300]
    return found.group(1)


# --- the same answers ---


def test_health_reports_the_same_data(client: httpx.Client, remote_client: httpx.Client, built: BuildResult) -> None:
    embedded, answer = client.get("/health").json(), remote_client.get("/health").json()
    assert (answer["triples"], answer["graphs"]) == (embedded["triples"], embedded["graphs"]) == (built.triples, 6)
    assert answer["checksum"].startswith("sha256:") and answer["checksum"] != embedded["checksum"]
    # The service description counts the same triples per graph and in the union default graph.
    void_triples = NamedNode("http://rdfs.org/ns/void#triples")
    counts = []
    for http in (client, remote_client):
        turtle = http.get("/sparql", headers={"Accept": "text/turtle"})
        graph = pyoxigraph.parse(turtle.content, pyoxigraph.RdfFormat.TURTLE)
        counts.append(sorted(int(q.object.value) for q in graph if q.predicate == void_triples))
    assert counts[0] == counts[1] and len(counts[0]) == 7


@pytest.mark.parametrize("path", COMPETENCY, ids=lambda p: p.stem)
def test_competency_questions_answer_the_same(client: httpx.Client, remote_client: httpx.Client, path: Path) -> None:
    query = path.read_text("utf-8")
    answer = both(
        client,
        remote_client,
        "POST",
        "/sparql",
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS},
    )
    assert answer.status_code == 200 and answer.json()["results"]["bindings"], path.stem


@pytest.mark.parametrize("name", sorted(library()))
def test_saved_questions_answer_the_same(client: httpx.Client, remote_client: httpx.Client, name: str) -> None:
    for fmt in ("json", "csv"):
        assert both(client, remote_client, "GET", f"/queries/{name}", params={"format": fmt}).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_pages_show_the_same_content(client: httpx.Client, remote_client: httpx.Client, path: str) -> None:
    headers = {"Accept": "text/html"}
    embedded, answer = client.get(path, headers=headers), remote_client.get(path, headers=headers)
    assert answer.status_code == embedded.status_code == 200, (path, answer.text[:500])
    assert main_content(answer.text) == main_content(embedded.text), path


@pytest.mark.parametrize(
    "path",
    [
        "/id/plan/nap-2022-2026/actiepunt/17.ttl",
        "/id/eu/csddd.jsonld",
        "/id/organisatie/bz.nt",
        "/def.ttl",
        "/def/ActionPoint.rdf",
    ],
)
def test_resources_have_the_same_rdf(client: httpx.Client, remote_client: httpx.Client, path: str) -> None:
    assert both(client, remote_client, "GET", path).status_code == 200


LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } ORDER BY ?s ?label"
FORMAT_CASES = [
    (COUNT_BY_PILLAR, "json", 200),
    *((LABELS, fmt, 200) for fmt in ("xml", "csv", "tsv")),
    ("ASK { ?s a <https://w3id.org/nap-kg/def/ActionPoint> }", "json", 200),
    ("ASK { ?s a <https://example.org/Nothing> }", "xml", 200),
    ("DESCRIBE <https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/17>", "ttl", 200),
    ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/nap-kg/graph/vocabulaires> { ?s ?p ?o } }", "nt", 200),
    ("CONSTRUCT WHERE { ?s a <https://w3id.org/nap-kg/def/ActionPoint> }", "jsonld", 200),
    ("CONSTRUCT WHERE { <https://w3id.org/nap-kg/id/eu/csddd> ?p ?o }", "rdf", 200),
    ("SELECT * { ?s ?p ?o } LIMIT 3", "ttl", 406),  # no graph format for solutions: 406 on both
]


@pytest.mark.parametrize(("query", "fmt", "status"), FORMAT_CASES)
def test_every_format_is_served_the_same(
    client: httpx.Client, remote_client: httpx.Client, query: str, fmt: str, status: int
) -> None:
    answer = both(client, remote_client, "GET", "/sparql", params={"query": query, "format": fmt})
    assert answer.status_code == status, answer.text[:500]
    if status == 200:
        assert answer.content.strip(), "an empty answer"


def test_a_protocol_dataset_is_passed_on(
    client: httpx.Client, remote_client: httpx.Client, store: pyoxigraph.Store
) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g ORDER BY ?g"
    for dataset in (
        {"default-graph-uri": BASE + "graph/vocabulaires"},
        {"named-graph-uri": [BASE + "graph/redactie", BASE + "graph/ontologie"]},
        {"default-graph-uri": BASE + "graph/referentie", "named-graph-uri": BASE + "graph/redactie"},
    ):
        params = {"query": query, **dataset}
        assert both(client, remote_client, "GET", "/sparql", params=params).json()["results"]["bindings"]
    from_query = f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/ontologie> WHERE {{ ?s ?p ?o }}"
    counted = both(client, remote_client, "GET", "/sparql", params={"query": from_query})
    assert counted.status_code == 200
    ontology = list(store.quads_for_pattern(None, None, None, NamedNode(BASE + "graph/ontologie")))
    assert ontology
    assert [int(row["n"]["value"]) for row in counted.json()["results"]["bindings"]] == [len(ontology)]


def test_a_real_sparql_client_gets_the_answer(remote: LiveServer) -> None:
    sparql = SPARQLWrapper(remote.sparql_url)
    sparql.setQuery(COUNT_BY_PILLAR)
    sparql.setReturnFormat(JSON)
    rows = sparql.queryAndConvert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert [(r["pillar"]["value"], r["n"]["value"]) for r in rows] == [("1", "16"), ("2", "6"), ("3", "11")]


def test_downloads_are_served_from_dist(client: httpx.Client, remote_client: httpx.Client) -> None:
    for path in ("/downloads/", "/downloads/SHA256SUMS", "/.well-known/void"):
        answer = both(client, remote_client, "GET", path)  # the same status, type and bytes
        assert answer.status_code == 200 and answer.content, path


# --- the same refusals ---


def test_a_syntax_error_is_a_400_with_the_remote_message(remote_client: httpx.Client) -> None:
    answer = remote_client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert answer.status_code == 400
    assert answer.text.startswith("Malformed query: ") and len(answer.text) > len("Malformed query: ") + 5


def test_updates_and_services_are_refused(client: httpx.Client, remote_client: httpx.Client) -> None:
    update = both(
        client,
        remote_client,
        "POST",
        "/sparql",
        data={"query": "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }"},
    )
    assert update.status_code == 403
    service = both(
        client, remote_client, "GET", "/sparql", params={"query": "SELECT * { SERVICE <http://ex/s> { ?s ?p ?o } }"}
    )
    assert service.status_code == 400 and "federation is disabled" in service.text
    too_long = both(client, remote_client, "POST", "/sparql", data={"query": "#" * 100_001})
    assert too_long.status_code == 413


def test_the_row_and_byte_caps_apply(
    oxigraph: str, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    limits = ["--max-rows", "5", "--max-response-bytes", "4000", "--max-concurrent-queries", "1"]
    trig = settings.dist / "nap-kg.trig"
    rows = {"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", "format": "json"}
    big = {"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"}
    with (
        live_server([trig], args=limits) as embedded,
        live_server(args=["--remote", oxigraph, *limits]) as remote,
        httpx.Client(timeout=30) as http,
    ):
        for params in (rows, big):
            local = http.get(embedded.sparql_url, params=params)
            answer = http.get(remote.sparql_url, params=params)
            assert (answer.status_code, answer.content) == (local.status_code, local.content)
            assert answer.headers.get("x-result-truncated") == local.headers.get("x-result-truncated")
        truncated = http.get(remote.sparql_url, params=rows)
        assert truncated.headers["x-result-truncated"] == "true" and len(truncated.json()["results"]["bindings"]) == 5
        assert http.get(remote.sparql_url, params=big).status_code == 422


# --- the lookups over the mirror ---


@pytest.fixture(scope="module")
def mirror(oxigraph: str) -> Lookup:
    dataset = fetch_remote(Settings(remote=oxigraph))
    return Lookup(dataset.store, IriMapping(BASE))


def our_iris(store: pyoxigraph.Store) -> set[str]:
    iris = {g.value for g in store.named_graphs()}
    for quad in store:
        iris |= {t.value for t in (quad.subject, quad.predicate, quad.object) if isinstance(t, NamedNode)}
    return {i for i in iris if i.startswith(BASE) or i.startswith(ONTOLOGY_IRI)}


def test_exists_and_lookups_agree_with_the_embedded_store(store: pyoxigraph.Store, mirror: Lookup) -> None:
    embedded = Lookup(store, IriMapping(BASE))
    iris = our_iris(store)
    assert len(iris) > 800
    made_up = [
        BASE + "id/plan/nap-2022-2026/actiepunt/99",
        BASE + "id/nothing",
        ONTOLOGY_IRI + "/Nothing",
        "https://example.org/x",
    ]
    assert [i for i in sorted(iris) + made_up if mirror.exists(i) != embedded.exists(i)] == []
    assert not any(mirror.exists(i) for i in made_up)
    for iri in sorted(iris):
        for predicate in LOOKUP_PREDICATES:
            assert mirror.objects(iri, predicate) == embedded.objects(iri, predicate), (iri, predicate)
        assert mirror.label(iri, "en") == embedded.label(iri, "en")


def test_the_mirror_holds_less_than_the_data(store: pyoxigraph.Store, mirror: Lookup) -> None:
    held = len(mirror._store)  # the mirror is a plain pyoxigraph store
    assert 0 < held < len(store)


# --- a remote that changes, stops, or is not there ---


@pytest.fixture
def own_remote(built: BuildResult, settings: BuildSettings, tmp_path: Path) -> Iterator[tuple[OxigraphServer, str]]:
    """An Oxigraph server of this test's own (it changes it, or stops it) with our server on it."""
    with oxigraph_server(tmp_path, timeout=5) as oxigraph:
        fill(oxigraph, settings.dist / "nap-kg.trig")
        args = ["--remote", oxigraph.query_url, "--max-concurrent-queries", "2", "--query-timeout", "3"]
        with live_server(args=args) as server:
            yield oxigraph, server.base_url


def test_changes_are_seen_at_once_by_queries_and_after_a_reload_by_pages(
    own_remote: tuple[OxigraphServer, str],
) -> None:
    oxigraph, base_url = own_remote
    new = BASE + "id/test/herladen"
    ask = {"query": f"ASK {{ <{new}> ?p ?o }}", "format": "json"}
    triples = f'<{new}> <http://www.w3.org/2000/01/rdf-schema#label> "Herladen"@nl .\n'
    triples += f"<{new}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/nap-kg/def/Event> .\n"
    with httpx.Client(base_url=base_url, timeout=30) as http:
        before = http.get("/health").json()
        assert http.get("/sparql", params=ask).json()["boolean"] is False
        assert http.get("/id/test/herladen").status_code == 404
        put = httpx.put(
            oxigraph.store_url,
            params={"graph": BASE + "graph/test"},
            content=triples,
            headers={"Content-Type": "application/n-triples"},
        )
        assert put.status_code in (200, 201, 204)
        # A writer keeps the default graph the union of the graphs, as `napkg publish` does.
        headers = {"Content-Type": "application/n-triples"}
        post = httpx.post(oxigraph.store_url, params={"default": ""}, content=triples, headers=headers)
        assert post.status_code in (200, 201, 204)
        assert http.get("/sparql", params=ask).json()["boolean"] is True  # no cached answer
        assert http.get("/health").json() == before  # the description is read at start-up and on reload
        reloaded = http.post("/admin/reload")
        assert reloaded.status_code == 200, reloaded.text
        assert reloaded.json()["triples"] == before["triples"] + 2
        after = http.get("/health").json()
        assert (after["triples"], after["graphs"]) == (before["triples"] + 2, before["graphs"] + 1)
        assert after["checksum"] != before["checksum"]
        page = http.get("/id/test/herladen", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Herladen" in page.text


def test_a_remote_that_stops_gives_a_clear_502(own_remote: tuple[OxigraphServer, str]) -> None:
    oxigraph, base_url = own_remote
    oxigraph.stop()
    with httpx.Client(base_url=base_url, timeout=30) as http:
        started = time.monotonic()
        answer = http.get("/sparql", params={"query": COUNT_BY_PILLAR})
        assert answer.status_code == 502 and answer.headers.get("retry-after")
        assert oxigraph.query_url in answer.text and "cannot be reached" in answer.text
        page = http.get("/id/plan/nap-2022-2026/actiepunt/17", headers={"Accept": "text/html"})
        assert page.status_code == 502 and oxigraph.query_url in page.text
        assert time.monotonic() - started < 5
        assert http.get("/health").status_code == 200
        reload = http.post("/admin/reload")
        assert reload.status_code == 422 and "still serving the previous data" in reload.text


def test_a_remote_that_is_not_there_stops_the_start() -> None:
    url = f"http://{HOST}:{free_port()}/query"
    done = subprocess.run(
        [sys.executable, "-m", "napkg_cli.serve", "--remote", url, "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert url in done.stderr and "cannot be reached" in done.stderr and "Traceback" not in done.stderr


def test_remote_excludes_data_files(settings: BuildSettings) -> None:
    trig = settings.dist / "nap-kg.trig"
    done = subprocess.run(
        [sys.executable, "-m", "napkg_cli.serve", "--remote", "http://127.0.0.1:9/query", "--data", str(trig)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "cannot be combined with --data" in done.stderr


def test_napkg_serve_remote_builds_nothing(oxigraph: str, tmp_path: Path, built: BuildResult) -> None:
    port = free_port()
    dist = tmp_path / "dist"  # missing: without --remote, `napkg serve` would build it first
    process = subprocess.Popen(
        [sys.executable, "-m", "napkg_cli", "serve", "--remote", oxigraph, "--dist", str(dist), "--port", str(port)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:

        def health() -> httpx.Response | None:
            assert process.poll() is None, "napkg serve --remote exited"
            response = httpx.get(f"http://{HOST}:{port}/health", timeout=1)
            return response if response.status_code == 200 else None

        healthy = poll(health, timeout=60, what="/health", interval=0.1, ignore=(httpx.TransportError,))
        assert healthy.json()["triples"] == built.triples
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert "building first" not in output and not dist.exists()


class _HtmlEndpoint(BaseHTTPRequestHandler):
    """A "SPARQL endpoint" that answers every query with a web page (a misconfigured proxy, say)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<html><body>Log in first</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_answer_that_is_no_sparql_is_refused_as_the_remotes_fault() -> None:
    with ThreadingHTTPServer((HOST, 0), _HtmlEndpoint) as http:
        threading.Thread(target=http.serve_forever, daemon=True).start()
        url = f"http://user:secret@{HOST}:{http.server_address[1]}/sparql"
        job = QueryJob("SELECT * { ?s ?p ?o }", BASE, True, solutions_format="json")

        async def ask() -> None:
            executor = RemoteExecutor(url, 1)
            await executor.start()
            try:
                await executor.execute(job, 5)
            finally:
                await executor.close()

        with pytest.raises(RemoteUnavailableError) as refused:
            asyncio.run(ask())
        http.shutdown()
    assert "text/html" in str(refused.value) and "secret" not in str(refused.value)
    assert f"http://{HOST}:{http.server_address[1]}/sparql" in str(refused.value)


def test_the_remote_comes_from_a_flag_or_the_environment() -> None:
    assert Settings.from_env({"NAPKG_REMOTE": "http://db:7878/query"}).remote == "http://db:7878/query"
    with pytest.raises(ValueError, match="http"):
        Settings.from_env({"NAPKG_REMOTE": "db:7878"})
    with pytest.raises(ValueError, match="cannot be combined"):
        Settings.from_env({"NAPKG_REMOTE": "http://db:7878/query", "NAPKG_STORE": "/tmp/store"})


# Last in the module on purpose: the Oxigraph server goes on with the abandoned query up to its own limit (10 s),
# a busy core for whatever asks it next; at the end of the module it is stopped instead, query and all.
def test_a_slow_query_meets_the_time_limit(oxigraph: str) -> None:
    with live_server(args=["--remote", oxigraph, "--max-concurrent-queries", "2", "--query-timeout", "3"]) as server:
        started = time.monotonic()
        answer = httpx.get(server.sparql_url, params={"query": SLOW}, timeout=30)
        assert answer.status_code == 503 and "time limit" in answer.text
        assert time.monotonic() - started < 8
