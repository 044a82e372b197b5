"""Overload benchmark of one nap-kg server: a realistic mix at rising concurrency, with /health watched.

Starts ``python -m napkg_cli.serve`` on loopback on the published data (``--dist``, built with
``napkg build`` when missing), then for each client count (1, 2, 4, 8, 16, 32 by default) runs
a mix of the competency queries (``graph/napkg_graph/queries/competency/*.rq``), point lookups
(one action point by number, over SPARQL and as Turtle at its IRI) and page requests (home, an
action point's page, search) from that many httpx async clients, for at most ``--seconds`` and
``--max-requests`` per level. Meanwhile a separate client asks ``/health`` every 100 ms and times
it: liveness under overload. Reports per level the throughput, latency p50/p95/p99, errors by
status, /health latency, and the RSS and PSS of the server with its query workers (from /proc, by
``bench/load.py``'s ``memory``) at start and end. Loopback only; bounded in time and count. Not a
test: a script to run and read.

    python bench/overload.py                      # all levels, 8 s each
    python bench/overload.py --levels 1 8 32 --seconds 5 --per-client-limit 4

All clients share one address (127.0.0.1), so the per-client query limit is raised for the run
(``--per-client-limit``, default 1000); pass 4 to see the production default answer 429s.

(``bench/load.py`` compares nap-kg with other SPARQL servers; this one looks at one server
under overload.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from load import memory, percentile  # noqa: E402

from tests.support.live_server import HOST, live_server  # noqa: E402

COMPETENCY = REPO / "graph" / "napkg_graph" / "queries" / "competency"
POINT_QUERY = """PREFIX nap: <https://w3id.org/nap-kg/def/>
SELECT ?p ?o WHERE { <https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/%d> ?p ?o }"""


@dataclass
class Level:
    clients: int
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    health: list[float] = field(default_factory=list)
    health_failures: int = 0
    seconds: float = 0.0


def mix() -> list[tuple[str, str, dict[str, str]]]:
    """(label, path, params) of every request kind; picked uniformly at random."""
    requests = [(f"cq:{p.stem}", "/sparql", {"query": p.read_text("utf-8")}) for p in sorted(COMPETENCY.glob("*.rq"))]
    for n in (1, 7, 17, 25, 33):
        requests.append((f"point:{n}", "/sparql", {"query": POINT_QUERY % n}))
        requests.append((f"ttl:{n}", f"/id/plan/nap-2022-2026/actiepunt/{n}.ttl", {}))
        requests.append((f"page:{n}", f"/id/plan/nap-2022-2026/actiepunt/{n}", {"lang": "en"}))
    requests += [("home", "/", {}), ("search", "/zoeken", {"q": "due diligence"}), ("query-page", "/query", {})]
    return requests


def ms(values: list[float], q: float) -> float:
    """The q-quantile of ``values`` (seconds) in milliseconds, NaN when there are none."""
    return percentile(values, q) * 1000 if values else float("nan")


async def run_level(base: str, level: Level, seconds: float, max_requests: int, timeout: float) -> None:
    requests = mix()
    deadline = time.perf_counter() + seconds
    budget = [max_requests]
    stop = asyncio.Event()

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as c:
            while time.perf_counter() < deadline and budget[0] > 0:
                budget[0] -= 1
                _, path, params = rng.choice(requests)
                start = time.perf_counter()
                try:
                    response = await c.get(path, params=params, headers={"Accept-Language": "en"})
                    level.statuses[response.status_code] += 1
                except httpx.TransportError:
                    level.transport_errors += 1
                    continue
                level.latencies.append(time.perf_counter() - start)

    async def watch_health() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=5) as c:
            while not stop.is_set():
                start = time.perf_counter()
                try:
                    ok = (await c.get("/health")).status_code == 200
                except httpx.TransportError:
                    ok = False
                if ok:
                    level.health.append(time.perf_counter() - start)
                else:
                    level.health_failures += 1
                await asyncio.sleep(0.1)

    watcher = asyncio.create_task(watch_health())
    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(level.clients)))
    level.seconds = time.perf_counter() - started
    stop.set()
    await watcher


def ensure_dist(dist: Path) -> Path:
    trig = dist / "nap-kg.trig"
    if not trig.is_file():
        subprocess.run([sys.executable, "-m", "napkg_cli", "build", "--dist", str(dist)], check=True)
    return trig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dist", type=Path, default=Path("/tmp/napkg-overload-dist"))
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32])
    parser.add_argument("--seconds", type=float, default=8.0, help="per level (default 8)")
    parser.add_argument("--max-requests", type=int, default=5000, help="per level (default 5000)")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per request")
    parser.add_argument("--per-client-limit", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="--max-concurrent-queries of the server")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    trig = ensure_dist(args.dist)
    server_args = ["--max-queries-per-client", str(args.per_client_limit), "--access-log", "off"]
    if args.workers:
        server_args += ["--max-concurrent-queries", str(args.workers)]
    report: dict[str, object] = {"levels": []}
    with live_server([trig], dist=args.dist, args=server_args) as server:
        assert server.base_url.startswith(f"http://{HOST}:")
        report["memory_start"] = start_memory = memory(server.pid)
        print(
            f"server pid {server.pid}: {start_memory['processes']} processes (server and query workers), "
            f"RSS {start_memory['rss_mib']:.0f} MiB, PSS {start_memory['pss_mib']:.0f} MiB "
            "(RSS counts pages shared copy-on-write once per process, PSS splits them)"
        )
        header = (
            f"{'clients':>7} {'req':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  "
            f"{'health p50/p99/max ms':>22}  statuses"
        )
        print(header)
        for clients in args.levels:
            level = Level(clients)
            asyncio.run(run_level(server.base_url, level, args.seconds, args.max_requests, args.timeout))
            done = len(level.latencies)
            health_max = max(level.health, default=float("nan")) * 1000
            statuses = dict(sorted(level.statuses.items()))
            if level.transport_errors:
                statuses["transport"] = level.transport_errors  # type: ignore[index]
            health = f"{ms(level.health, 0.5):.1f}/{ms(level.health, 0.99):.1f}/{health_max:.1f}"
            if level.health_failures:
                health += f" ({level.health_failures} failed)"
            print(
                f"{clients:>7} {done:>6} {done / level.seconds:>7.1f} {ms(level.latencies, 0.5):>8.1f} "
                f"{ms(level.latencies, 0.95):>8.1f} {ms(level.latencies, 0.99):>8.1f}  {health:>22}  {statuses}"
            )
            report["levels"].append(  # type: ignore[attr-defined]
                {
                    "clients": clients,
                    "requests": done,
                    "seconds": round(level.seconds, 2),
                    "throughput": round(done / level.seconds, 1),
                    "p50_ms": round(ms(level.latencies, 0.5), 1),
                    "p95_ms": round(ms(level.latencies, 0.95), 1),
                    "p99_ms": round(ms(level.latencies, 0.99), 1),
                    "mean_ms": round(statistics.fmean(level.latencies) * 1000, 1) if level.latencies else None,
                    "statuses": {str(k): v for k, v in statuses.items()},
                    "health_p50_ms": round(ms(level.health, 0.5), 1),
                    "health_p99_ms": round(ms(level.health, 0.99), 1),
                    "health_max_ms": round(health_max, 1),
                    "health_failures": level.health_failures,
                }
            )
        report["memory_end"] = end_memory = memory(server.pid)
        print(
            f"end: {end_memory['processes']} processes, "
            f"RSS {end_memory['rss_mib']:.0f} MiB, PSS {end_memory['pss_mib']:.0f} MiB"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
