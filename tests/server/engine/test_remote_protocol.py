"""The remote executor speaks the SPARQL 1.1 Protocol the way servers take it, on real Virtuoso and Oxigraph servers.

* the probe at start picks GET for short queries and a form POST for long ones (never a direct POST, which
  Virtuoso 7 leaves unanswered); ``--remote-method direct`` is kept where the remote takes it (Oxigraph);
* one ``Accept`` type per query form, so Virtuoso answers CONSTRUCT in N-Triples and ASK in SPARQL JSON;
* the remote's row cap (``X-SPARQL-MaxRows``) and partial answers (``X-SQL-State``) become our truncation headers
  (a partial answer from :class:`Misbehaving`, with the headers Virtuoso sent once: it gives none on demand);
* Virtuoso's blank-node labels (``nodeID://b10003``) are renamed, not refused;
* the dataset scope: on Virtuoso, whose default graph holds its own system graphs too, /health, the service
  description and queries see exactly the published graphs;
* answers no engine gives on demand (cut off, not SPARQL, an error status) come from :class:`Misbehaving`, a small
  loopback HTTP server, and are 502s naming the remote, never a 406.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish_remote import GraphPayload, publish, read_graphs, union_payload
from napkg_server.app import create_app
from napkg_server.data.store import DataLoadError
from napkg_server.engine.evaluation import QueryAnswer, QueryJob
from napkg_server.engine.remote import GET_URL_LIMIT, RemoteExecutor
from napkg_server.remote_dataset import fetch_remote
from napkg_server.settings import Settings
from napkg_server.sparql.answers import QueryPolicy, truncation_headers
from pyoxigraph import RdfFormat, parse, serialize

from tests.support.live_server import HOST
from tests.support.oxigraph import oxigraph_server
from tests.support.virtuoso import VirtuosoServer, virtuoso_server

pytestmark = pytest.mark.slow

BASE = "https://w3id.org/nap-kg/"
UNION = "urn:napkg:union"
BLANK = Path(__file__).parents[2] / "data" / "blank-nodes" / "blank-nodes.ttl"
BLANK_GRAPH = BASE + "graph/voorbeeld"
JSON = "application/sparql-results+json"
GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def payloads(trig: Path, union_graph: str | None) -> list[GraphPayload]:
    return [*read_graphs(trig), union_payload(trig, union_graph)]


@pytest.fixture(scope="module")
def virtuoso(built: BuildResult, settings: BuildSettings) -> Iterator[VirtuosoServer]:
    """A Virtuoso holding the built dataset, its union in a graph of its own (Virtuoso has no default graph to
    write), and nothing else but its own system graphs."""
    with virtuoso_server() as server:
        server.grant_update()
        with httpx.Client(timeout=120) as http:
            publish(server.graph_store_url, payloads(settings.dist / "nap-kg.trig", UNION), client=http)
        yield server


@pytest.fixture(scope="module")
def oxigraph(built: BuildResult, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server, httpx.Client(timeout=60) as http:
        publish(server.store_url, payloads(settings.dist / "nap-kg.trig", None), client=http)
        yield server.query_url


def run(coroutine: object) -> object:
    return asyncio.run(coroutine)  # type: ignore[arg-type]


async def started(endpoint: str, method: str = "auto") -> RemoteExecutor:
    executor = RemoteExecutor(endpoint, 2, method=method)
    await executor.start()
    return executor


def select_job(query: str, **kwargs: object) -> QueryJob:
    return QueryJob(query=query, base_iri=BASE, union_default_graph=True, solutions_format="json", **kwargs)  # type: ignore[arg-type]


def in_process(settings: Settings, *requests: tuple[str, dict]) -> list[httpx.Response]:
    """Our app over the remote, in this process: the responses to ``requests`` (path, httpx keyword arguments)."""
    app = create_app(settings)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return [await c.request(kw.pop("method", "GET"), path, **kw) for path, kw in requests]

    return run(go())  # type: ignore[return-value]


# --- how queries are sent ---


def test_the_probe_picks_get_then_form_on_both_engines(virtuoso: VirtuosoServer, oxigraph: str) -> None:
    async def methods(endpoint: str) -> tuple[str, str, str, str]:
        executor = await started(endpoint)
        assert executor.probed == {"get": "", "form": ""}  # no direct POST: Virtuoso would leave it unanswered
        try:
            long_query = "ASK { VALUES ?x { " + " ".join(f'"{i}"' for i in range(GET_URL_LIMIT // 4)) + " } }"
            return (
                executor.short_method,
                executor.long_method,
                executor.method_for("ASK {}", []),
                executor.method_for(long_query, []),
            )
        finally:
            await executor.close()

    assert run(methods(virtuoso.sparql_url)) == ("get", "form", "get", "form")
    assert run(methods(oxigraph)) == ("get", "form", "get", "form")


@pytest.mark.parametrize("method", ["auto", "get", "form"])
def test_short_and_long_queries_answer_alike_on_virtuoso(virtuoso: VirtuosoServer, method: str) -> None:
    # A long query: the action points' numbers, each listed in a VALUES block padded past the GET limit.
    numbers = (
        " ".join(str(n) for n in range(1, 34)) + " " + " ".join(str(n) for n in range(1000, 1000 + GET_URL_LIMIT // 4))
    )
    query = (
        "PREFIX nap: <https://w3id.org/nap-kg/def/> SELECT (COUNT(DISTINCT ?ap) AS ?n) "
        f"WHERE {{ VALUES ?number {{ {numbers} }} ?ap a nap:ActionPoint ; nap:number ?number }}"
    )
    assert len(query) > GET_URL_LIMIT

    async def answer() -> bytes:
        executor = await started(virtuoso.sparql_url, method)
        try:
            outcome = await executor.execute(select_job(query), 30)
            assert isinstance(outcome, QueryAnswer), outcome
            return outcome.body
        finally:
            await executor.close()

    assert run(answer()) == (
        b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"33",'
        b'"datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]}}'
    )


def test_a_direct_post_is_used_only_when_set_and_the_remote_takes_it(oxigraph: str) -> None:
    async def answer() -> tuple[str, bytes]:
        executor = await started(oxigraph, "direct")
        try:
            outcome = await executor.execute(select_job("ASK { ?s ?p ?o }"), 10)
            assert isinstance(outcome, QueryAnswer)
            return executor.method_for("ASK {}", []), outcome.body
        finally:
            await executor.close()

    assert run(answer()) == ("direct", b'{"head":{},"boolean":true}')


def test_every_query_form_gets_the_type_it_asks_for_from_virtuoso(virtuoso: VirtuosoServer) -> None:
    settings = Settings(remote=virtuoso.sparql_url, remote_union_graph=UNION, access_log="off")
    ap17 = "<https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/17>"
    ask, construct, resource = in_process(
        settings,
        ("/sparql", {"params": {"query": f"ASK {{ {ap17} ?p ?o }}"}, "headers": {"Accept": JSON}}),
        (
            "/sparql",
            {
                "params": {"query": f"CONSTRUCT {{ {ap17} <urn:p> ?n }} WHERE {{ {ap17} <{BASE}def/number> ?n }}"},
                "headers": {"Accept": "application/n-triples"},
            },
        ),
        ("/id/plan/nap-2022-2026/actiepunt/17.nt", {}),
    )
    assert (ask.status_code, ask.text) == (200, '{"head":{},"boolean":true}')
    assert (construct.status_code, construct.text) == (
        200,
        f'{ap17} <urn:p> "17"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
    )
    assert resource.status_code == 200 and resource.headers["content-type"].startswith("application/n-triples")
    assert len(list(parse(resource.content, RdfFormat.N_TRIPLES))) > 20


# --- what the remote says about its answer ---


def test_the_remote_row_cap_is_passed_on_as_our_truncation(built: BuildResult, settings: BuildSettings) -> None:
    with virtuoso_server(sparql={"ResultSetMaxRows": "30"}) as server:
        server.grant_update()
        triples = list(parse(path=BLANK, format=RdfFormat.TURTLE))
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        with httpx.Client(timeout=60) as http:
            written = [GraphPayload(BLANK_GRAPH, len(triples), body), GraphPayload(UNION, len(triples), body)]
            publish(server.graph_store_url, written, client=http)
        served = Settings(remote=server.sparql_url, remote_union_graph=UNION, access_log="off")
        query = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r }"  # 15 x 15 rows, cut at 30
        (cut,) = in_process(served, ("/sparql", {"params": {"query": query}, "headers": {"Accept": JSON}}))
    assert cut.status_code == 200
    assert len(cut.json()["results"]["bindings"]) == 30
    assert cut.headers["x-result-truncated"] == "true"
    assert cut.headers["warning"] == '199 - "result truncated to 30 rows by the remote endpoint (X-SPARQL-MaxRows)"'


def test_virtuoso_blank_node_labels_are_renamed_not_refused(virtuoso: VirtuosoServer) -> None:
    virtuoso.isql(
        'SPARQL INSERT { GRAPH <urn:napkg:bnodes> { <urn:s> <urn:p> _:b . _:b <urn:q> "nodeID://b1" } } WHERE { }'
    )
    raw = httpx.get(
        virtuoso.sparql_url,
        params={"query": "SELECT ?o WHERE { GRAPH <urn:napkg:bnodes> { <urn:s> <urn:p> ?o } }"},
        headers={"Accept": JSON},
    )
    label = raw.json()["results"]["bindings"][0]["o"]["value"]
    assert label.startswith("nodeID://")
    query = "SELECT ?o ?v WHERE { <urn:s> <urn:p> ?o . ?o <urn:q> ?v }"
    settings = Settings(remote=virtuoso.sparql_url, remote_union_graph=UNION, access_log="off")

    async def answer() -> bytes:
        executor = await started(virtuoso.sparql_url)
        try:
            job = select_job(query, default_graphs=("urn:napkg:bnodes",), named_graphs=())
            outcome = await executor.execute(job, 10)
            assert isinstance(outcome, QueryAnswer), outcome
            return outcome.body
        finally:
            await executor.close()

    hexed = "x" + label.encode().hex()
    assert run(answer()).decode() == (
        '{"head":{"vars":["o","v"]},"results":{"bindings":[{"o":{"type":"bnode","value":"' + hexed + '"},'
        '"v":{"type":"literal","value":"nodeID://b1"}}]}}'
    )
    # Through /sparql, in a format whose labels are written by us (N-Triples of a CONSTRUCT), too.
    (graph,) = in_process(
        settings,
        (
            "/sparql",
            {
                "params": {
                    "query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                    "default-graph-uri": "urn:napkg:bnodes",
                },
                "headers": {"Accept": "application/n-triples"},
            },
        ),
    )
    assert graph.status_code == 200
    assert len(list(parse(graph.content, RdfFormat.N_TRIPLES))) == 2
    virtuoso.isql("SPARQL CLEAR GRAPH <urn:napkg:bnodes>")


# --- the dataset scope ---


def test_virtuoso_is_seen_through_the_published_graphs_only(
    virtuoso: VirtuosoServer, built: BuildResult, settings: BuildSettings
) -> None:
    expected = {g.iri: g.triples for g in read_graphs(settings.dist / "nap-kg.trig")}
    union = union_payload(settings.dist / "nap-kg.trig").triples
    everything = httpx.get(virtuoso.sparql_url, params={"query": GRAPHS_QUERY}, headers={"Accept": JSON}).json()
    assert len(everything["results"]["bindings"]) > len(expected) + 1  # Virtuoso's own graphs are there too
    served = Settings(remote=virtuoso.sparql_url, remote_union_graph=UNION, access_log="off")
    health, graphs, count = in_process(
        served,
        ("/health", {}),
        ("/sparql", {"params": {"query": GRAPHS_QUERY}, "headers": {"Accept": JSON}}),
        ("/sparql", {"params": {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, "headers": {"Accept": JSON}}),
    )
    assert (health.json()["triples"], health.json()["graphs"]) == (sum(expected.values()), 6)
    rows = graphs.json()["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == expected
    assert int(count.json()["results"]["bindings"][0]["n"]["value"]) == union


def test_virtuoso_without_a_union_graph_is_refused_with_the_way_out(virtuoso: VirtuosoServer) -> None:
    with pytest.raises(DataLoadError) as refused:
        fetch_remote(Settings(remote=virtuoso.sparql_url, access_log="off"))
    message = str(refused.value)
    assert "matches" in message and "--remote-union-graph IRI" in message and "--union-graph IRI" in message


def test_named_graphs_to_serve_can_be_given_and_must_exist(virtuoso: VirtuosoServer) -> None:
    redactie = BASE + "graph/redactie"
    info = fetch_remote(
        Settings(remote=virtuoso.sparql_url, remote_union_graph=UNION, remote_graphs=(redactie,), access_log="off")
    ).info
    assert [g.name for g in info.named_graphs] == [redactie]
    with pytest.raises(DataLoadError, match=r"holds no graph urn:nowhere \(--remote-graphs\)"):
        fetch_remote(Settings(remote=virtuoso.sparql_url, remote_graphs=("urn:nowhere",), access_log="off"))
    with pytest.raises(DataLoadError, match=r"holds no graph urn:nowhere \(--remote-union-graph\); write it with"):
        fetch_remote(Settings(remote=virtuoso.sparql_url, remote_union_graph="urn:nowhere", access_log="off"))


# --- answers no engine gives on demand ---


class Misbehaving(ThreadingHTTPServer):
    """Answers every query with ``status``, ``content_type``, ``headers`` and ``body`` (``ASK {}`` probes: true)."""

    def __init__(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status, self.content_type, self.body, self.headers = status, content_type, body, headers or {}
        super().__init__((HOST, 0), _MisbehavingHandler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/sparql"


class _MisbehavingHandler(BaseHTTPRequestHandler):
    server: Misbehaving

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        probe = "query=ASK" in (self.path or "")
        status, kind = (200, JSON) if probe else (self.server.status, self.server.content_type)
        body = b'{"head":{},"boolean":true}' if probe else self.server.body
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in ({} if probe else self.server.headers).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def misbehaving(request: pytest.FixtureRequest) -> Iterator[Misbehaving]:
    server = Misbehaving(*request.param)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


CUT_OFF = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"urn:a"}},{"s":{"type":"ur'


@pytest.mark.parametrize(
    ("misbehaving", "said"),
    [
        ((200, JSON, CUT_OFF), "sent an answer that does not parse:"),
        ((200, "text/html", b"<html>busy</html>"), "answered with text/html, not application/sparql-results+json"),
        ((500, "text/plain", b"Virtuoso 42000 Error SR171: Transaction timed out"), "answered 500: Virtuoso 42000"),
    ],
    indirect=["misbehaving"],
)
def test_an_answer_we_cannot_use_is_a_502_naming_the_remote(misbehaving: Misbehaving, said: str) -> None:
    async def answer() -> str:
        executor = await started(misbehaving.url)
        try:
            await executor.execute(select_job("SELECT ?s WHERE { ?s ?p ?o }"), 10)
        except Exception as error:  # the type is checked below
            return f"{type(error).__name__}: {error}"
        finally:
            await executor.close()
        return "answered"

    got = run(answer())
    assert got.startswith(  # type: ignore[union-attr]
        f"RemoteUnavailableError: The SPARQL endpoint this server reads its data from ({misbehaving.url}) {said}"
    )


# Virtuoso's "anytime" answer: what it sent for a slow join asked with its own ``timeout`` parameter (50 ms): an empty,
# partial answer after 2 s. The same request completed on later runs, so no test can ask a real Virtuoso for one.
ANYTIME = {
    "X-SQL-State": "S1TAT",
    "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout.  Activity:   21.3K rnd"
    "  713.1K seq  20.48K same seg     567 same pg      0 same par      0 disk      0 spec disk      0B /      0 me",
    "X-Exec-Milliseconds": "2034",
}
EMPTY = (
    b'{ "head": { "link": [], "vars": ["a", "d"] },\n'
    b'  "results": { "distinct": false, "ordered": true, "bindings": [ ] } }'
)


@pytest.mark.parametrize("misbehaving", [(200, JSON, EMPTY, ANYTIME)], indirect=True)
def test_a_partial_answer_is_passed_on_as_truncated(misbehaving: Misbehaving) -> None:
    async def answer() -> QueryAnswer:
        executor = await started(misbehaving.url)
        # It takes no POST at all: the probe tried a direct POST too, and sends everything by GET.
        assert executor.probed == {
            "get": "",
            "form": "501 Unsupported method ('POST')",
            "direct": "501 Unsupported method ('POST')",
        }
        assert (executor.short_method, executor.long_method) == ("get", "get")
        try:
            outcome = await executor.execute(select_job("SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?c }"), 10)
            assert isinstance(outcome, QueryAnswer), outcome
            return outcome
        finally:
            await executor.close()

    outcome = run(answer())
    reason = (
        "partial result from the remote endpoint (X-SQL-State S1TAT: RC...: Returning incomplete results, query "
        "interrupted by result timeout. Activity: 21.3K rnd 713.1K seq 20.48K same seg 567 same pg 0 same par 0 "
        "disk 0 spec disk 0B / 0 me)"
    )
    assert (outcome.truncated, outcome.remote_truncation, outcome.body) == (  # type: ignore[union-attr]
        True,
        reason,
        b'{"head":{"vars":["a","d"]},"results":{"bindings":[]}}',
    )
    policy = QueryPolicy(base_iri=BASE, timeout=10, workers=1, max_rows=100)
    assert truncation_headers(policy, reason) == {"X-Result-Truncated": "true", "Warning": f'199 - "{reason}"'}
