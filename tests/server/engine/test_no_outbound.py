"""No query and no data file makes the server open a connection, unless the endpoint is allow-listed.

A plain socket server on a loopback port stands for "the outside world": it must receive
nothing while the real server is sent SERVICE (in every spelling), FROM / FROM NAMED and
protocol datasets naming it, LOAD, a data file whose JSON-LD @context and owl:imports point
at it. Words in comments, strings and prefixed names are not refused. With
``--federation-allow`` the allowed endpoint is called and every other one still refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.listener import Listener
from tests.support.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outside() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(autouse=True)
def nothing_reached_outside(outside: Listener) -> Iterator[None]:
    yield
    assert outside.requests == [], "the server opened a connection to the outside listener"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, outside: Listener) -> Path:
    path = tmp_path_factory.mktemp("outbound") / "data.ttl"
    path.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://example.org/onto> a owl:Ontology ; owl:imports <{outside.url}onto> .\n"
        '<http://example.org/s> <http://example.org/p> "SERVICE" .\n'
    )
    return path


@pytest.fixture(scope="module")
def server(data: Path) -> Iterator[LiveServer]:
    with live_server([data]) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        yield c


def refused_federation(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert "federation is disabled; allowed endpoints: none" in response.text


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "select * {{ service <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ VALUES ?x {{ <{url}> }} SERVICE ?x {{ ?s ?p ?o }} }}",
        "SELECT * {{ BIND(<{url}> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
        "PREFIX out: <{url}> SELECT * {{ SERVICE out: {{ ?s ?p ?o }} }}",
        r"SELECT * {{ \u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        r"SELECT * {{ \U00000053\U00000045RVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ ?a ?b ?c # SERVICE in a comment\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "ASK {{ SERVICE <{url}> {{ }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_service_is_refused_in_every_spelling(
    client: httpx.Client, outside: Listener, template: str, method: str
) -> None:
    query = template.format(url=outside.url)
    if method == "GET":
        response = client.get("/sparql", params={"query": query})
    else:
        response = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    refused_federation(response)


def test_query_page_refuses_service(client: httpx.Client, outside: Listener) -> None:
    response = client.get("/query", params={"query": f"SELECT * {{ SERVICE <{outside.url}> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 400
    assert "federation is disabled" in response.text


def test_remote_from_and_from_named_are_empty_graphs(client: httpx.Client, outside: Listener) -> None:
    for query in [
        f"SELECT * FROM <{outside.url}g> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{outside.url}g> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{outside.url}g> FROM NAMED <{outside.url}h> "
        "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
    ]:
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"] == []
    response = client.get(
        "/sparql",
        params={
            "query": "SELECT * { ?s ?p ?o }",
            "default-graph-uri": outside.url + "g",
            "named-graph-uri": outside.url,
        },
    )
    assert response.status_code == 200 and response.json()["results"]["bindings"] == []


def test_load_is_refused_as_an_update(client: httpx.Client, outside: Listener) -> None:
    load = f"LOAD <{outside.url}data.ttl>"
    for response in [
        client.get("/sparql", params={"query": load}),
        client.post("/sparql", data={"update": load}),
        client.post("/sparql", content=load, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", content=load, headers={"Content-Type": "application/sparql-query"}),
    ]:
        assert response.status_code == 403, response.text
        assert "read-only" in response.text


EX_S = "http://example.org/s"
EX_ONTO = "http://example.org/onto"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('SELECT ?s { ?s ?p "SERVICE" }', [EX_S]),
        ("SELECT ?s { ?s ?p ?o } # SERVICE <http://127.0.0.1:1/> { }", [EX_ONTO, EX_ONTO, EX_S]),
        ("PREFIX ex: <http://example.org/> SELECT ?service { ?service ex:p ?o }", [EX_S]),
        ("PREFIX service: <http://example.org/> SELECT ?s { ?s service:p ?o }", [EX_S]),
        ('SELECT ?s { ?s ?p ?o FILTER(?o != """SERVICE <http://127.0.0.1:1/> { }""") }', [EX_ONTO, EX_ONTO, EX_S]),
        ("SELECT ?s { ?s <http://example.org/SERVICE> ?o }", []),
    ],
)
def test_the_word_in_strings_comments_and_names_is_not_refused(
    client: httpx.Client, query: str, expected: list[str]
) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    answer = response.json()
    (variable,) = answer["head"]["vars"]
    assert sorted(row[variable]["value"] for row in answer["results"]["bindings"]) == expected


def test_owl_imports_in_the_data_are_not_followed(client: httpx.Client, outside: Listener) -> None:
    query = "SELECT ?o { ?s <http://www.w3.org/2002/07/owl#imports> ?o }"
    rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert [r["o"]["value"] for r in rows] == [outside.url + "onto"]


def test_jsonld_with_a_remote_context_fails_to_load_without_fetching(tmp_path: Path, outside: Listener) -> None:
    document = tmp_path / "remote-context.jsonld"
    document.write_text(f'{{"@context": "{outside.url}ctx", "@id": "http://example.org/a", "name": "x"}}')
    result = subprocess.run(
        [sys.executable, "-m", "napkg_cli.serve", "--data", str(document), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert result.returncode == 1
    assert "remote-context.jsonld" in result.stderr and "remote contexts" in result.stderr


def test_workers_cannot_open_sockets_even_if_the_scan_were_fooled(outside: Listener) -> None:
    """The second line of defence: a worker's seccomp filter, tried on pyoxigraph directly."""
    script = f"""
import socket, pyoxigraph
from napkg_server.engine.sandbox import forbid_sockets
assert forbid_sockets()
try:
    socket.socket()
    raise SystemExit("socket() worked")
except PermissionError:
    pass
try:
    list(pyoxigraph.Store().query("SELECT * {{ SERVICE <{outside.url}> {{ ?s ?p ?o }} }}"))
    raise SystemExit("SERVICE worked")
except OSError as error:
    print("refused:", error)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "refused: Operation not permitted" in result.stdout


def test_allow_listed_endpoint_is_called_and_no_other(data: Path, outside: Listener) -> None:
    allowed = Listener(answer=True)
    try:
        with (
            live_server([data], args=["--federation-allow", allowed.url]) as running,
            httpx.Client(base_url=running.base_url, timeout=30) as c,
        ):
            ok = c.get("/sparql", params={"query": f"SELECT ?s {{ SERVICE <{allowed.url}> {{ ?s ?p ?o }} }}"})
            assert ok.status_code == 200, ok.text
            assert ok.json()["results"]["bindings"] == [{"s": {"type": "literal", "value": "remote"}}]
            for query in [
                f"SELECT * {{ SERVICE <{outside.url}> {{ ?s ?p ?o }} }}",
                f"SELECT * {{ SERVICE <{allowed.url}> {{ }} SERVICE <{outside.url}> {{ ?s ?p ?o }} }}",
                f"SELECT * {{ VALUES ?x {{ <{allowed.url}> }} SERVICE ?x {{ ?s ?p ?o }} }}",
                f"PREFIX a: <{allowed.url}> SELECT * {{ SERVICE a: {{ ?s ?p ?o }} }}",
                f"BASE <{allowed.url}> SELECT * {{ SERVICE <> {{ ?s ?p ?o }} }}",
            ]:
                refused = c.get("/sparql", params={"query": query})
                assert refused.status_code == 400, (query, refused.text)
                assert f"allowed endpoints: <{allowed.url}>" in refused.text
    finally:
        allowed.close()
    assert len(allowed.requests) == 1 and allowed.requests[0].startswith(b"POST / HTTP/1.1")
