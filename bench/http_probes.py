"""Hostile HTTP clients against one nap-kg server (issue 13, HTTP side), with ``/health`` watched.

Each probe starts a fresh ``python -m napkg_cli.serve`` on loopback on ``--data`` (the built
``dist/nap-kg.trig`` by default), does one hostile thing from raw sockets, and reports what the
server answered, how long the connection stayed open, the server process's RSS (start, peak while
probing, end; from /proc) and the latency of ``/health`` asked every 20 ms by another client
meanwhile (p50/p99/max, failures). Loopback only; every probe is bounded in time.

    python bench/http_probes.py                       # every probe
    python bench/http_probes.py --probe chunked-300mb --probe flood
    PYTHONPATH=/tmp/old/server:/tmp/old/graph python bench/http_probes.py   # the same against other code

Probes: ``chunked-300mb`` (a 300 MB chunked POST to /sparql), ``slow-body`` (a 1 MB body at 1 KB/s),
``unfinished-head`` (a request head never finished), ``many-headers`` (10,000 header fields),
``huge-header`` (one 1 MB header field), ``unfinished-big-heads`` (200 connections, each 1 MB of a
head never finished), ``flood`` (1,100 idle connections against a server limited to 1,024 file
descriptors), ``small`` (HEAD, a 256-character download name, a CORS preflight with Authorization).
The JSON of the run goes to ``--out`` (default ``bench/results/http-probes.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.live_server import HOST, free_port  # noqa: E402

CAP = 40.0  # seconds a probe waits for the server to close a connection


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, data: Path, log: Path, nofile: int | None, args: list[str]) -> None:
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log = log
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) if nofile else None
        command = [sys.executable, "-m", "napkg_cli.serve", "--host", HOST, "--port", str(self.port)]
        command += ["--data", str(data), "--dist", str(data.parent), "--log-level", "warning", "--access-log", "off"]
        command += args
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, preexec_fn=limit)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base_url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not start:\n{log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Watch:
    """/health every 20 ms from its own keep-alive client, and the server's RSS every 50 ms."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.latencies: list[float] = []
        self.failures = 0
        self.statuses: dict[int, int] = {}
        self.rss: list[float] = [rss_mb(server.process.pid)]
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._health), threading.Thread(target=self._memory)]
        for t in self._threads:
            t.start()

    def _health(self) -> None:
        with httpx.Client(base_url=self.server.base_url, timeout=CAP) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    status = client.get("/health").status_code
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status == 200:
                        self.latencies.append((time.perf_counter() - started) * 1000)
                    else:
                        self.failures += 1
                except httpx.HTTPError:
                    self.failures += 1
                self._stop.wait(0.02)

    def _memory(self) -> None:
        while not self._stop.is_set():
            try:
                self.rss.append(rss_mb(self.server.process.pid))
            except OSError:
                return
            self._stop.wait(0.05)

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        for t in self._threads:
            t.join()
        lat = sorted(self.latencies)
        p = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 1)) if lat else (lambda q: None)
        return {
            "health_p50_ms": p(0.5),
            "health_p99_ms": p(0.99),
            "health_max_ms": round(lat[-1], 1) if lat else None,
            "health_ok": len(lat),
            "health_failed": self.failures,
            "health_statuses": self.statuses,
            "rss_start_mb": round(self.rss[0], 1),
            "rss_peak_mb": round(max(self.rss), 1),
            "rss_end_mb": round(self.rss[-1], 1),
        }


def connect(server: Server) -> socket.socket:
    return socket.create_connection((HOST, server.port), timeout=CAP)


def status_of(data: bytes) -> int | str:
    if data.startswith(b"HTTP/1.1 "):
        return int(data.split(b" ", 2)[1])
    return "closed without an answer" if data == b"" else repr(data[:40])


def until_closed(sock: socket.socket, cap: float = CAP) -> tuple[bytes, float | None]:
    """What the server sends until it closes, and after how many seconds (None: still open at ``cap``)."""
    started = time.monotonic()
    received = b""
    sock.settimeout(0.5)
    while time.monotonic() - started < cap:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return received, round(time.monotonic() - started, 1)
        if not chunk:
            return received, round(time.monotonic() - started, 1)
        received += chunk
    return received, None


def chunked_300mb(server: Server) -> dict[str, Any]:
    sock = connect(server)
    sock.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (65536, b"#" * 65536)
    sent = 0
    answer = b""
    started = time.monotonic()
    sock.setblocking(False)
    try:
        while sent < 300 * 2**20 and time.monotonic() - started < CAP:
            readable, writable, _ = select.select([sock], [sock], [], 1)
            if readable:
                answer = sock.recv(65536)
                break
            if writable:
                try:
                    sent += sock.send(chunk) and 65536
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    break
        if not answer:  # the whole body went (or the server stopped taking it): end it and read the answer
            try:
                sock.setblocking(True)
                sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass
            answer, _ = until_closed(sock, 30)
    finally:
        sock.close()
    return {"status": status_of(answer), "mb_sent_before_answer": round(sent / 2**20, 1)}


def slow_body(server: Server) -> dict[str, Any]:
    sock = connect(server)
    sock.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000000\r\n\r\n"
    )
    started = time.monotonic()
    sock.settimeout(1.0)
    answer = b""
    closed_after = None
    while time.monotonic() - started < CAP:
        try:
            sock.sendall(b"#" * 1024)
            data = sock.recv(65536)
            if not data:
                closed_after = round(time.monotonic() - started, 1)
                break
            answer += data
        except TimeoutError:
            continue
        except OSError:
            closed_after = round(time.monotonic() - started, 1)
            break
    sock.close()
    return {"status": status_of(answer), "closed_after_s": closed_after}


def unfinished_head(server: Server) -> dict[str, Any]:
    with connect(server) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        answer, closed = until_closed(sock)
    return {"status": status_of(answer), "closed_after_s": closed}


def many_headers(server: Server) -> dict[str, Any]:
    with connect(server) as sock:
        fields = b"".join(b"X-H%d: v\r\n" % i for i in range(10_000))
        with suppress(OSError):
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + fields + b"\r\n")
        answer, _ = until_closed(sock, 15)
    return {"status": status_of(answer)}


def huge_header(server: Server) -> dict[str, Any]:
    with connect(server) as sock:
        with suppress(OSError):
            sock.sendall(
                b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + b"a" * 2**20 + b"\r\n\r\n"
            )
        answer, _ = until_closed(sock, 15)
    return {"status": status_of(answer)}


def unfinished_big_heads(server: Server) -> dict[str, Any]:
    socks = []
    refused = 0
    for _ in range(200):
        sock = connect(server)
        try:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2**20)
        except OSError:
            refused += 1
        socks.append(sock)
    time.sleep(1)  # let the server read what it will
    after = rss_mb(server.process.pid)
    for sock in socks:
        sock.close()
    return {"rss_with_200_heads_mb": round(after, 1), "connections_refused_while_sending": refused}


def flood(server: Server) -> dict[str, Any]:
    socks = []
    for _ in range(1100):
        try:
            socks.append(connect(server))
        except OSError:
            break
    time.sleep(0.5)
    others: dict[str, int] = {}
    for _ in range(20):
        try:
            key = str(httpx.get(server.base_url + "/health", timeout=5).status_code)
        except httpx.HTTPError as error:
            key = type(error).__name__
        others[key] = others.get(key, 0) + 1
    for sock in socks:
        sock.close()
    logged = [line for line in server.log.read_text().splitlines() if "connection" in line.lower()]
    return {"connections_opened": len(socks), "other_client_health": others, "log_lines": logged[:3]}


def small(server: Server) -> dict[str, Any]:
    url = server.base_url
    preflight = httpx.options(
        url + "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    return {
        "HEAD /health": httpx.head(url + "/health").status_code,
        "HEAD /sparql": httpx.head(url + "/sparql").status_code,
        "HEAD /": httpx.head(url + "/").status_code,
        "GET /downloads/ + 256 characters": httpx.get(url + "/downloads/" + "a" * 256).status_code,
        "preflight with Authorization": preflight.status_code,
    }


PROBES: dict[str, tuple[Callable[[Server], dict[str, Any]], int | None]] = {
    "chunked-300mb": (chunked_300mb, None),
    "slow-body": (slow_body, None),
    "unfinished-head": (unfinished_head, None),
    "many-headers": (many_headers, None),
    "huge-header": (huge_header, None),
    "unfinished-big-heads": (unfinished_big_heads, None),
    "flood": (flood, 1024),
    "small": (small, None),
}


@contextmanager
def running(data: Path, log: Path, nofile: int | None, args: list[str]):  # type: ignore[no-untyped-def]
    server = Server(data, log, nofile, args)
    try:
        yield server
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=REPO / "dist" / "nap-kg.trig")
    parser.add_argument("--probe", action="append", choices=sorted(PROBES), help="repeatable; default all")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "http-probes.json")
    parser.add_argument("server_args", nargs="*", help="extra napkg serve flags (after --)")
    args = parser.parse_args()
    results: dict[str, Any] = {"pythonpath": os.environ.get("PYTHONPATH", "")}
    for name in args.probe or list(PROBES):
        probe, nofile = PROBES[name]
        log = args.out.with_name(f"http-probes-{name}.log")
        log.parent.mkdir(parents=True, exist_ok=True)
        with running(args.data, log, nofile, args.server_args) as server:
            watch = Watch(server)
            started = time.monotonic()
            outcome = probe(server)
            outcome["seconds"] = round(time.monotonic() - started, 1)
            outcome |= watch.stop()
        results[name] = outcome
        print(name, json.dumps(outcome), flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
