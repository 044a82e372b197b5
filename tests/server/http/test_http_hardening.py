"""Hostile and unlucky HTTP clients against the real server (issue 13, HTTP side): bodies cut at the
limit whatever the transfer encoding, deadlines for headers and bodies, header count and size, a cap
on open connections, the proxy-reported client address, HEAD, impossible download names, CORS
preflights. Slow, chunked and huge-header clients are raw sockets; nothing sleeps a fixed time where
it can poll."""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult

from tests.support.live_server import LiveServer, live_server
from tests.support.polling import poll

pytestmark = pytest.mark.slow

LIMIT_ENV = {
    "NAPKG_MAX_REQUEST_BYTES": "100000",
    "NAPKG_HEADER_TIMEOUT": "2",
    "NAPKG_BODY_TIMEOUT": "2",
    "NAPKG_MAX_HEADER_COUNT": "50",
    "NAPKG_MAX_HEADER_BYTES": "8192",
    "NAPKG_MAX_CONNECTIONS": "30",
}


@pytest.fixture(scope="module")
def access_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hardening") / "access.jsonl"


@pytest.fixture(scope="module")
def hardened(built: BuildResult, settings: BuildSettings, access_log: Path) -> Iterator[LiveServer]:
    # Many requests in flight from the one test address: the per-client limit must not answer them first.
    args = ["--max-concurrent-queries", "2", "--max-queries-per-client", "64", "--access-log", str(access_log)]
    with live_server([settings.dist / "nap-kg.trig"], dist=settings.dist, args=args, env=LIMIT_ENV) as running:
        yield running


def _connect(server: LiveServer, source: str = "127.0.0.1") -> socket.socket:
    host, port = server.base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10, source_address=(source, 0))
    return sock


def _read_response(sock: socket.socket, timeout: float = 10) -> bytes:
    """Everything the server sends until it closes (or ``timeout`` passes: then what came so far)."""
    sock.settimeout(timeout)
    received = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    return received


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.1 ") else 0


def _send_quietly(sock: socket.socket, data: bytes) -> bool:
    """Send ``data``; False when the server has closed the connection meanwhile."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


# --- request bodies: cut at the limit whatever the transfer encoding ---


def test_chunked_body_over_the_limit_is_refused_before_it_ends(hardened: LiveServer) -> None:
    """The final chunk is never sent: only a server that stops reading at the limit can answer."""
    with _connect(hardened) as sock:
        head = (
            b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sock.sendall(head)
        chunk = b"%x\r\n%s\r\n" % (16384, b"#" * 16384)
        sent = 0
        while sent < 400_000 and _send_quietly(sock, chunk):  # four times the limit, never finished
            sent += 16384
        response = _read_response(sock)
    assert _status(response) == 413, response[:300]
    assert b"larger than 100000 bytes" in response
    assert b"connection: close" in response.lower()


def test_declared_body_over_the_limit_is_refused_at_once(hardened: LiveServer) -> None:
    with _connect(hardened) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 300000000\r\n\r\n" + b"#" * 1000
        )
        response = _read_response(sock)
    assert _status(response) == 413


def test_body_within_the_limit_still_answers(hardened: LiveServer) -> None:
    query = "ASK { ?s ?p ?o }" + " " * 90_000
    response = httpx.post(
        hardened.sparql_url, content=query, headers={"Content-Type": "application/sparql-query"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True


# --- deadlines: a slow client cannot hold a connection ---


def test_slow_headers_are_cut_at_the_header_deadline(hardened: LiveServer) -> None:
    with _connect(hardened) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n")  # and never the blank line
        started = time.monotonic()
        response = _read_response(sock, timeout=8)
        waited = time.monotonic() - started
    assert _status(response) == 408, response[:300]
    assert 1.5 < waited < 5


def test_a_query_running_past_the_header_deadline_is_not_cut(built: BuildResult, settings: BuildSettings) -> None:
    """Regression: a request that arrived whole in one read started the next head's deadline while it was being
    answered, so every query running longer than the header timeout got a 408 instead of its answer."""
    args = ["--header-timeout", "1", "--query-timeout", "4"]
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with live_server([settings.dist / "nap-kg.trig"], args=args) as server, _connect(server) as sock:
        query = urllib.parse.quote(endless)
        sock.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        started = time.monotonic()
        response = _read_response(sock, timeout=15)
        waited = time.monotonic() - started
    assert _status(response) == 503, response[:300]  # the query time limit, not the head deadline
    assert b"took longer than" not in response and 3.5 < waited < 12


def test_idle_new_connection_is_closed_at_the_header_deadline(hardened: LiveServer) -> None:
    with _connect(hardened) as sock:
        started = time.monotonic()
        response = _read_response(sock, timeout=8)
        waited = time.monotonic() - started
    assert response == b""  # closed without a word: it never asked anything
    assert 1.5 < waited < 5


def test_slow_body_is_cut_at_the_body_deadline(hardened: LiveServer, access_log: Path) -> None:
    with _connect(hardened) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 50000\r\n\r\nASK {"
        )
        started = time.monotonic()
        for _ in range(3):  # a byte now and then, as slowloris does
            time.sleep(0.5)  # the slow client is the behaviour under test
            if not _send_quietly(sock, b" "):
                break
        response = _read_response(sock, timeout=8)
        waited = time.monotonic() - started
    assert _status(response) == 408, response[:300]
    assert waited < 5
    assert poll(lambda: _logged(access_log, "POST", 408), what="the 408 in the access log") == ["/sparql"]
    assert hardened.log is not None and "incident" not in hardened.log.read_text()  # not a server error


def _logged(log: Path, method: str, status: int) -> list[str]:
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [e["path"] for e in entries if e["method"] == method and e["status"] == status]


# --- header count and size ---


def test_too_many_headers_get_431(hardened: LiveServer) -> None:
    with _connect(hardened) as sock:
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(10_000))
        _send_quietly(sock, b"GET /health HTTP/1.1\r\nHost: t\r\n" + many + b"\r\n")
        response = _read_response(sock)
    assert _status(response) == 431, response[:300]
    assert b"at most 50 header fields" in response


def test_one_huge_header_gets_431_before_it_ends(hardened: LiveServer) -> None:
    with _connect(hardened) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Big: ")
        sent = 0
        while sent < 1_000_000 and _send_quietly(sock, b"a" * 65536):  # never ended: only a refusal answers
            sent += 65536
        response = _read_response(sock)
    assert _status(response) == 431, response[:300]


def test_pipelined_and_keep_alive_requests_still_work(hardened: LiveServer) -> None:
    with _connect(hardened) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\nHEAD /health HTTP/1.1\r\nHost: t\r\n\r\n")
        received = b""
        sock.settimeout(10)
        while received.count(b"HTTP/1.1 200 OK") < 2:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
        time.sleep(1)  # idle, within the keep-alive time: the connection is still served
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        assert _status(_read_response(sock)) == 200


def test_a_url_longer_than_any_query_gets_414(hardened: LiveServer) -> None:
    """Three bytes per character of a query at the length limit (percent-encoding), plus 8 KiB, and no more."""
    with _connect(hardened) as sock:
        _send_quietly(sock, b"GET /sparql?query=" + b"a" * 400_000)  # the URL never ends
        response = _read_response(sock)
    assert _status(response) == 414, response[:300]
    assert b"longer than 308192 bytes; send the query by POST" in response


def test_ordinary_requests_pass_the_header_limits(hardened: LiveServer) -> None:
    headers = {f"X-H{i}": "v" * 50 for i in range(40)}
    assert httpx.get(hardened.base_url + "/health", headers=headers).status_code == 200
    long_query = "ASK { ?s ?p ?o }" + " " * 60_000  # a GET query near the body limit fits the URL
    response = httpx.get(hardened.sparql_url, params={"query": long_query}, timeout=30)
    assert response.status_code == 200, response.text[:300]


# --- a cap on open connections ---


def _health_answers(server: LiveServer) -> bool:
    try:
        return httpx.get(server.base_url + "/health", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def test_at_the_cap_the_longest_idle_connection_makes_room(hardened: LiveServer) -> None:
    idle = [_connect(hardened) for _ in range(30)]  # the cap: 30 open, none asking anything
    try:
        # The first one only after the rest are accepted; 30 are open now, so the next one is over the cap.
        assert _status(_request(idle[-1], b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")) == 200
        assert _health_answers(hardened)  # admitted: the longest idle connection was closed for it
        assert _read_response(idle[0], timeout=5) == b""  # closed without a word: it never asked anything
    finally:
        for sock in idle:
            sock.close()
    assert hardened.log is not None
    assert "connection limit reached: 30 open (--max-connections 30); closed 1 idle" in hardened.log.read_text()


def test_at_the_cap_with_every_connection_busy_new_ones_get_503(hardened: LiveServer) -> None:
    busy = [_connect(hardened) for _ in range(30)]
    try:
        for sock in busy:  # each with a request in flight: its body still coming
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 100\r\n\r\nASK"
            )
        # Let the server read the heads (the body deadline is 2 s). Not a poll: nothing outside the server shows
        # that it has read them, and a probe connection would change what is tested.
        time.sleep(0.3)
        with _connect(hardened) as refused:
            response = _read_response(refused)
        assert _status(response) == 503, response[:300]
        assert b"retry-after: 1" in response.lower()
    finally:
        for sock in busy:
            sock.close()
    # The closed ones are noticed, and the server answers again.
    poll(lambda: _health_answers(hardened), timeout=10, what="the server to recover after the busy ones closed")
    assert hardened.log is not None
    assert "connection limit reached: 30 open" in hardened.log.read_text()  # counts follow, at most every 10 s


def _request(sock: socket.socket, request: bytes) -> bytes:
    """Send one keep-alive request and read its answer (a small one: it comes in one piece)."""
    sock.sendall(request)
    sock.settimeout(10)
    return sock.recv(65536)


# --- the client address behind a reverse proxy ---


def _logged_clients(log: Path, path: str) -> list[str]:
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [e["client"] for e in entries if e["path"] == path]


def test_forwarded_for_is_believed_only_from_trusted_proxies(
    built: BuildResult, settings: BuildSettings, tmp_path: Path
) -> None:
    log = tmp_path / "access.jsonl"
    args = ["--forwarded-allow-ips", "127.0.0.2", "--access-log", str(log)]
    with live_server([settings.dist / "nap-kg.trig"], args=args) as server:
        for source, path in [("127.0.0.2", "/trusted"), ("127.0.0.1", "/untrusted")]:
            with _connect(server, source) as sock:
                forwarded = "X-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n"
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n{forwarded}".encode())
                assert _status(_read_response(sock)) == 404
        poll(lambda: _logged_clients(log, "/untrusted"), what="the last request in the access log")
    assert _logged_clients(log, "/trusted") == ["203.0.113.7"]
    assert _logged_clients(log, "/untrusted") == ["127.0.0.1"]


def test_no_proxy_is_trusted_by_default(hardened: LiveServer, access_log: Path) -> None:
    with _connect(hardened) as sock:
        sock.sendall(b"GET /spoofed HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n")
        assert _status(_read_response(sock)) == 404
    assert _logged_clients(access_log, "/spoofed") == ["127.0.0.1"]


# --- HEAD everywhere GET is; impossible download names; CORS preflights ---

HEAD_PATHS = [
    "/",
    "/health",
    "/sparql",
    "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
    "/id/plan/nap-2022-2026/actiepunt/17",
    "/id/plan/nap-2022-2026/actiepunt/17.ttl",
    "/queries",
    "/downloads/",
    "/downloads/SHA256SUMS",
    "/downloads/nap-kg.trig",
    "/catalog",
    "/static/style.css",
    "/no/such/page",
]
VOLATILE = {"date", "content-length", "transfer-encoding"}


@pytest.mark.parametrize("path", HEAD_PATHS)
def test_head_answers_as_get_without_a_body(hardened: LiveServer, path: str) -> None:
    with httpx.Client(base_url=hardened.base_url, timeout=30) as c:
        got = c.get(path)
        head = c.head(path)
    assert head.status_code == got.status_code, head.text
    assert head.content == b""
    same = {k: v for k, v in head.headers.items() if k not in VOLATILE}
    assert same == {k: v for k, v in got.headers.items() if k not in VOLATILE}
    if "content-length" in got.headers and path != "/sparql":  # the service description's blank nodes vary
        assert head.headers["content-length"] == got.headers["content-length"]


@pytest.mark.parametrize("name", ["a" * 256, "a" * 5000, "x%00y", "%2e%2e%2f" + "b" * 300])
def test_impossible_download_names_are_404(hardened: LiveServer, name: str) -> None:
    response = httpx.get(hardened.base_url + "/downloads/" + name)
    assert response.status_code == 404, response.text[:300]


@pytest.mark.parametrize(
    "path", ["/sparql", "/id/plan/nap-2022-2026/actiepunt/17", "/queries", "/health", "/downloads/SHA256SUMS"]
)
def test_preflight_for_any_header_is_204(hardened: LiveServer, path: str) -> None:
    response = httpx.options(
        hardened.base_url + path,
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST" if path == "/sparql" else "GET",
            "Access-Control-Request-Headers": "authorization, content-type, x-custom-thing",
        },
    )
    assert response.status_code == 204, response.text
    assert response.content == b""
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].lower().split(",")}
    assert {"authorization", "content-type", "x-custom-thing"} <= allowed
    assert response.headers["access-control-allow-origin"] == "*"
    assert "HEAD" in response.headers["access-control-allow-methods"]


def test_preflight_for_the_admin_route_is_refused(hardened: LiveServer) -> None:
    response = httpx.options(
        hardened.base_url + "/admin/reload",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers


# --- the settings ---


def test_connection_limits_are_settings_with_environment_and_flags() -> None:
    from napkg_cli.serve import add_serve_arguments, connection_limits, settings_from_args
    from napkg_server.settings import Settings

    defaults = Settings()
    assert (defaults.max_connections, defaults.max_header_count, defaults.max_header_bytes) == (1000, 100, 32_768)
    assert (defaults.header_timeout, defaults.body_timeout, defaults.forwarded_allow_ips) == (10.0, 30.0, ())
    env = {**LIMIT_ENV, "NAPKG_FORWARDED_ALLOW_IPS": "10.0.0.1, 10.1.0.0/16"}
    s = Settings.from_env(env)
    assert (s.max_connections, s.max_header_count, s.max_header_bytes) == (30, 50, 8192)
    assert (s.header_timeout, s.body_timeout, s.forwarded_allow_ips) == (2.0, 2.0, ("10.0.0.1", "10.1.0.0/16"))
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    flags = ["--max-connections", "7", "--header-timeout", "1.5", "--forwarded-allow-ips", "127.0.0.1,::1"]
    flagged = settings_from_args(parser.parse_args([*flags, "--max-request-bytes", "5000"]))
    assert (flagged.max_connections, flagged.header_timeout, flagged.max_request_bytes) == (7, 1.5, 5000)
    assert flagged.forwarded_allow_ips == ("127.0.0.1", "::1")
    limits = connection_limits(flagged.replace(max_query_length=1000))
    assert (limits.max_connections, limits.header_timeout, limits.max_url_bytes) == (7, 1.5, 3 * 1000 + 8192)
    with pytest.raises(ValueError, match="max_connections"):
        Settings(max_connections=0)
    with pytest.raises(ValueError, match="body_timeout"):
        Settings(body_timeout=0)


def test_the_connection_cap_is_fitted_to_the_descriptor_limit() -> None:
    """Under ``ulimit -n 1024`` (soft and hard) a cap of 1000 cannot be kept: it is lowered, with a warning."""
    script = (
        "import resource, logging\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))\n"
        "from napkg_server.http.http_guard import raise_descriptor_limit\n"
        "print(raise_descriptor_limit(1000), raise_descriptor_limit(500))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["768", "500"], result.stderr
    assert "--max-connections 1000 does not fit the descriptor limit of 1024 (ulimit -n): capping at 768" in (
        result.stderr
    )
