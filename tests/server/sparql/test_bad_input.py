"""Malformed and hostile requests get a 4xx with a message: never a 5xx, a hang or a crash.

Against the real app on the real data, in this process; raw bytes, where httpx would refuse to send
them (invalid UTF-8 in a path, a 100 kB request line), go over a socket to a real server, which reads
them as uvicorn does. Every request is followed by a check that the app (or server) still answers
/health.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult

from tests.support.in_process import in_process
from tests.support.live_server import HOST, LiveServer, live_server

pytestmark = pytest.mark.slow

ANY = "SELECT * { ?s ?p ?o } LIMIT 1"


@pytest.fixture(scope="module")
def access_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("log") / "access.jsonl"


def _args(settings: BuildSettings) -> list[str]:
    data = ["--data", str(settings.dist / "nap-kg.trig"), "--dist", str(settings.dist)]
    return [*data, "--max-concurrent-queries", "2"]


@pytest.fixture(scope="module")
def server(built: BuildResult, settings: BuildSettings) -> Iterator[LiveServer]:
    with live_server(args=_args(settings)) as s:
        yield s


@pytest.fixture(scope="module")
def client(built: BuildResult, settings: BuildSettings, access_log: Path) -> Iterator[httpx.Client]:
    with in_process([*_args(settings), "--access-log", str(access_log)]) as c:
        yield c


@pytest.fixture(autouse=True)
def still_healthy(request: pytest.FixtureRequest) -> Iterator[None]:
    if "server" in request.fixturenames:  # the raw requests go to the real server
        health = request.getfixturevalue("server").base_url + "/health"
        yield
        assert httpx.get(health).status_code == 200
    else:
        client: httpx.Client = request.getfixturevalue("client")
        yield
        assert client.get("/health").status_code == 200


def assert_client_error(response: httpx.Response, *statuses: int) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if statuses:
        assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.text.strip(), "a refusal must say why"
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"query": "SELECT * WHERE {"}, 400),
        ({"query": "SELECT ?x { BIND(<http://example.org/no-such-function>(1) AS ?x) }"}, 400),  # was a 500
        ({"query": "SELECT * { } LIMIT 1", "format": "x" * 10_000}, 400),
        ({"query": ANY, "default-graph-uri": "not an iri"}, 400),
        ({"query": ANY, "default-graph-uri": "http://a\x00b"}, 400),
        ({"query": ANY, "named-graph-uri": ""}, 400),
        ({"query": "SELECT \x00 * { }"}, 400),
        ({"query": 'SELECT * { ?s ?p "\\uD800" }'}, 400),
        ({"query": "DESCRIBE <http://\u0000>"}, 400),
        ({"query": "SELECT * { }", "format": "rdf"}, 406),
        ({"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "format": "csv"}, 406),
    ],
)
def test_bad_queries_and_parameters(client: httpx.Client, params: dict[str, str], status: int) -> None:
    assert_client_error(client.get("/sparql", params=params), status)


@pytest.mark.parametrize(
    "accept",
    ["*/*;q=abc", "text/html;level=1;;;", ";;;,,,;q=1", "*/*;q=1e400", "*/*;q=nan", "*/*;q=-1", "a/b," * 2500],
)
@pytest.mark.parametrize(
    "path", ["/sparql?query=ASK%7B%7D", "/id/plan/nap-2022-2026/actiepunt/1", "/", "/catalog", "/downloads/"]
)
def test_odd_accept_headers_never_fail(client: httpx.Client, accept: str, path: str) -> None:
    response = client.get(path, headers={"Accept": accept, "Accept-Language": accept})
    assert response.status_code in (200, 406), (response.status_code, response.text[:300])
    if response.status_code == 406:
        # The refusal says what can be served instead.
        assert "/" in response.text and response.headers["content-type"].startswith("text/")
    else:
        # A served answer is a real representation: a known media type and a body that is not empty.
        media = response.headers["content-type"].split(";")[0]
        assert media in {
            "application/sparql-results+json",
            "text/html",
            "text/turtle",
            "application/ld+json",
            "application/n-triples",
            "application/rdf+xml",
            "application/sparql-results+xml",
        }, media
        assert response.content


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("SELECT * { } ".encode("utf-16"), "application/sparql-query", 400),
        ("SELECT * { } ".encode("utf-16"), "application/sparql-query; charset=utf-16", 415),
        (b"query=%ff%fe", "application/x-www-form-urlencoded", 400),
        (b"\xff\xfe\x00", "application/x-www-form-urlencoded", 400),
        (b"query=SELECT%00", "application/x-www-form-urlencoded", 400),
        (b"SELECT * { }", "text/plain", 415),
        (b"SELECT * { }", ";;;", 415),
    ],
)
def test_bad_bodies(client: httpx.Client, body: bytes, content_type: str, status: int) -> None:
    response = client.post("/sparql", content=body, headers={"Content-Type": content_type})
    assert_client_error(response, status)


@pytest.mark.parametrize(
    "path",
    [
        "/downloads/..%2f..%2fetc%2fpasswd",
        "/downloads/%2e%2e/%2e%2e/etc/passwd",
        "/downloads/%252e%252e%252fetc%252fpasswd",
        "/downloads/..%5c..%5cetc%5cpasswd",
        "/downloads/nap-kg.trig%00.txt",
        "/downloads/%2fetc%2fpasswd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/%252e%252e%252fx",
        "/id/..%2f..%2fetc%2fpasswd",
        "/id/plan/nap-2022-2026/actiepunt/1%00",
        "/id/plan/nap-2022-2026/actiepunt/1%00.ttl",
        "/def/%00",
        "/id/%ff%fe",
        "/id/a%20b",
        "/id/" + "a" * 20_000,
        "/id/plan/nap-2022-2026/actiepunt/1.ttl.ttl",
        "/static/..%2f..%2fsecurity.py",
        "/static/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_traversal_and_odd_paths_are_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert_client_error(response, 404)
    assert "root:" not in response.text


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/id/plan/nap-2022-2026/actiepunt/1.ttl", {"format": "x\x00"}),
        ("/catalog", {"format": "\x00"}),
        ("/id/plan/nap-2022-2026/actiepunt/1", {"format": "../../etc/passwd"}),
    ],
)
def test_bad_format_parameters_are_400(client: httpx.Client, path: str, params: dict[str, str]) -> None:
    assert_client_error(client.get(path, params=params), 400)


@pytest.mark.parametrize(
    "params", [{"q": "\x00" * 300}, {"q": "(((("}, {"q": "x" * 50_000}, {"lang": "x" * 5000}, {"q": "\\"}]
)
def test_search_takes_any_text(client: httpx.Client, params: dict[str, str]) -> None:
    response = client.get("/zoeken", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    # Whatever was typed comes back escaped, never as markup, and NUL bytes never reach the page.
    assert "\x00" not in response.text and "<script" not in response.text.lower()
    if params.get("q") == "((((":
        assert "((((" in response.text


def status_of(server: LiveServer, request: bytes) -> int:
    """Send ``request`` as it is (no client library in between) and return the answer's status."""
    port = int(server.base_url.rsplit(":", 1)[1])
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b"\r\n", 1)[0].split()[1])


CLOSE = b"Host: x\r\nConnection: close\r\n\r\n"


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (b"GET /sparql?query=%ZZ HTTP/1.1\r\n" + CLOSE, 400),
        (b"GET /id/\xff\xfe HTTP/1.1\r\n" + CLOSE, 400),
        (b"GET /sparql?query=ASK%7B%7D&format=%ff HTTP/1.1\r\n" + CLOSE, 400),
        (b"GET /id/plan/nap-2022-2026/actiepunt/1?format=%ff HTTP/1.1\r\n" + CLOSE, 400),
        (b"GET /query?query=%ff HTTP/1.1\r\n" + CLOSE, 400),
        (b"GET / HTTP/1.1\r\nAccept-Language: \xff\xfe\r\n" + CLOSE, 200),
        (
            b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 99999999999999999999\r\n" + CLOSE,
            400,
        ),
        (
            b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 5000000\r\n" + CLOSE,
            413,
        ),
        (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n" + CLOSE, 400),
        (b"GET /sparql?query=ASK%7B%7D%23" + b"x" * 120_000 + b" HTTP/1.1\r\n" + CLOSE, 400),
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nAccept: " + b"a" * 10_000 + b"\r\n" + CLOSE, 200),  # ignored
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nAccept: " + b"a/b," * 2_500 + b"\r\n" + CLOSE, 406),
    ],
)
def test_raw_requests(server: LiveServer, request_bytes: bytes, expected: int) -> None:
    assert status_of(server, request_bytes) == expected


# --- Headers, logs, and what a 500 says -------------------------------------------------------

HTML_PAGES = [
    *("/", "/id/plan/nap-2022-2026/actiepunt/17", "/query", "/zoeken?q=due", "/downloads/", "/about", "/sparql"),
    "/def",
]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_pages_carry_security_headers_and_only_self_served_assets(client: httpx.Client, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-resource-policy"] == "same-origin"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert csp["default-src"] == "'self'" and csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    html = response.text
    # What the CSP allows is all the page needs: no inline script (only the workbench's, by src from this server),
    # no style attribute, no foreign asset.
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL | re.IGNORECASE):
        assert body.strip() == "" and re.search(r'\ssrc="/(?!/)', attributes), attributes
    assert html.lower().count("<script") == (1 if path == "/query" else 0)
    assert not re.search(r"\sstyle\s*=", html)
    for asset in re.findall(r'<link[^>]+href="([^"]+)"', html) + re.findall(r'<img[^>]+src="([^"]+)"', html):
        assert asset.startswith("data:") or (asset.startswith("/") and not asset.startswith("//")), asset
    for style in re.findall(r"<style>(.*?)</style>", html, re.DOTALL):
        digest = __import__("base64").b64encode(__import__("hashlib").sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["style-src"]


def test_rdf_and_results_are_not_framed_pages(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": ANY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert len(response.json()["results"]["bindings"]) == 1  # ANY has LIMIT 1
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "x-frame-options" not in response.headers and "cross-origin-resource-policy" not in response.headers


def test_access_log_is_json_lines_with_a_query_hash_and_no_query_text(client: httpx.Client, access_log: Path) -> None:
    secret = "SELECT ?secretVariable { ?s ?p ?o } LIMIT 1"
    assert client.get("/sparql", params={"query": secret}).status_code == 200
    posted = client.post("/sparql", content=secret, headers={"Content-Type": "application/sparql-query"})
    assert posted.status_code == 200
    assert client.get("/id/no-such-thing").status_code == 404
    text = access_log.read_text("utf-8")
    assert "secretVariable" not in text
    entries = [json.loads(line) for line in text.splitlines()]
    fields = {"time", "client", "method", "path", "status", "duration_ms", "bytes", "query_hash"}
    assert all(fields <= set(e) for e in entries)
    from napkg_server.http.access_log import query_hash

    queried = [e for e in entries if e["query_hash"] == query_hash(secret)]
    assert [(e["method"], e["path"], e["status"]) for e in queried[-2:]] == [
        ("GET", "/sparql", 200),
        ("POST", "/sparql", 200),
    ]
    assert queried[-1]["bytes"] > 0 and queried[-1]["client"] == "127.0.0.1" and queried[-1]["time"].endswith("Z")
    missing = [e for e in entries if e["path"] == "/id/no-such-thing"]
    assert missing and missing[-1]["status"] == 404 and missing[-1]["query_hash"] is None


class _FailingExecutor:
    """Fault injection: the query executor breaks as an engine bug would."""

    async def execute(self, job: object, timeout: float) -> object:
        raise RuntimeError("secret internal detail")


@pytest.mark.parametrize("path", ["/boom", "/sparql"])
def test_an_unhandled_error_is_a_plain_500_with_an_incident_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    """No route is known to fail, so one is added that does (``/boom``), or the executor fails under ``/sparql``
    (answered past the router, by napkg_server.sparql.fast_path); the app is the real one."""
    import asyncio
    import dataclasses

    from napkg_server.app import create_app
    from napkg_server.settings import Settings
    from napkg_server.sparql.routes import EndpointContext

    data = tmp_path / "one.nt"
    data.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    log_file = tmp_path / "access.jsonl"
    app = create_app(Settings(data=(Settings.from_env({"NAPKG_DATA": str(data)}).data), access_log=str(log_file)))

    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    from fastapi.routing import APIRoute

    app.router.routes.insert(0, APIRoute("/boom", boom))  # before the catch-all IRI route

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://test") as c,
        ):
            context: EndpointContext = app.state.context
            app.state.context = dataclasses.replace(context, executor=_FailingExecutor())
            return await c.get(path, params={"query": "ASK {}"} if path == "/sparql" else None)

    with caplog.at_level(logging.ERROR, logger="napkg_server.errors"):
        response = asyncio.run(call())
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"
    incident = re.search(r"incident ([0-9a-f]{12})", response.text)
    assert incident, response.text
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    logged = [r for r in caplog.records if incident.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback stays on the server
    entry = json.loads(log_file.read_text().splitlines()[-1])
    assert (entry["path"], entry["status"], entry["incident"]) == (path, 500, incident.group(1))
