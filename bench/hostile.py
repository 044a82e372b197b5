"""Hostile queries against one nap-kg server (issue 13), while another client watches it.

Each probe starts a fresh ``python -m napkg_cli.serve`` on loopback, sends one hostile thing from one
client, and meanwhile a second client asks ``/health`` and a third a point lookup over SPARQL (the
label of action point 17; answered from the result cache after the first time, as in a deployment)
every 20 ms. Reported per probe: what the hostile client got and how long it took, p50/p99/max of
``/health`` and of the point lookup, their failures, and the server process's RSS over time
(every 100 ms: start, peak, end and the series; its query workers are apart, each with its own
memory limit). Loopback only; every probe is bounded in time.

Query probes (this script): ``dots-99kb`` (99 KB of dots), ``number-40000`` (a valid query holding a
40,000-digit number), ``dots-x4`` (four 99 KB texts at once), ``quotes-90kb`` (``'\\`` repeated),
``nesting-2200`` (2,200 nested groups), ``union-7000`` (7,000 UNIONs), ``memory-bomb`` (ORDER BY over a
cross product), ``memory-bombs-x2`` (two at once), ``group-concat-bomb``, ``dead-idle-worker`` (an
idle worker killed, then queries), ``stopped-idle-worker`` (an idle worker SIGSTOPped, then queries),
``reload-x10`` (ten reloads of ``--reload-data``: RSS after the first and after the tenth).
HTTP probes (``bench/http_probes.py``, the HTTP side of issue 13) run here too, by their names.

    python bench/hostile.py                                   # every query probe
    python bench/hostile.py --probe dots-99kb --probe chunked-300mb
    python bench/hostile.py --probe reload-x10 --reload-data "$(python bench/scale_data.py --triples 300000)"
    PYTHONPATH=/tmp/old/server python bench/hostile.py        # the same against other code

The JSON of the run goes to ``--out`` (default ``bench/results/hostile.json``). Extra ``napkg serve``
flags go after ``--`` (the default time limit is 30 s, as deployed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_spec = importlib.util.spec_from_file_location("http_probes", REPO / "bench" / "http_probes.py")
assert _spec is not None and _spec.loader is not None
http_probes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(http_probes)
Server = http_probes.Server
CAP = 120.0  # seconds a hostile request may take before the probe gives up on it
POINT = (
    "SELECT ?label WHERE { <https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/17> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)
CROSS = "?a ?p ?x . ?b ?q ?y . ?c ?r ?z"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (the query workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if int(parent) == pid and state != "Z":
            found.append(int(stat.parent.name))
    return sorted(found)


class Watch:
    """/health and the point lookup every 20 ms, each from its own keep-alive client; RSS every 100 ms."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.pid = server.process.pid
        self.latencies: dict[str, list[float]] = {"health": [], "point": []}
        self.failures: dict[str, int] = {"health": 0, "point": 0}
        self.started = time.monotonic()
        self.rss: list[tuple[float, float]] = [(0.0, rss_mb(self.pid))]
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._ask, args=("health", "/health", None)),
            threading.Thread(target=self._ask, args=("point", "/sparql", {"query": POINT})),
            threading.Thread(target=self._memory),
        ]
        for thread in self._threads:
            thread.start()

    def _ask(self, name: str, path: str, params: dict[str, str] | None) -> None:
        with httpx.Client(base_url=self.server.base_url, timeout=CAP) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    if client.get(path, params=params).status_code == 200:
                        self.latencies[name].append((time.perf_counter() - started) * 1000)
                    else:
                        self.failures[name] += 1
                except httpx.HTTPError:
                    self.failures[name] += 1
                self._stop.wait(0.02)

    def _memory(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self.rss.append((round(time.monotonic() - self.started, 1), rss_mb(self.pid)))
            except OSError:
                return

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        report: dict[str, Any] = {}
        for name, values in self.latencies.items():
            ordered = sorted(values)
            report |= {
                f"{name}_p50_ms": percentile(ordered, 0.5),
                f"{name}_p99_ms": percentile(ordered, 0.99),
                f"{name}_max_ms": round(ordered[-1], 1) if ordered else None,
                f"{name}_ok": len(ordered),
                f"{name}_failed": self.failures[name],
            }
        sizes = [size for _, size in self.rss]
        report |= {
            "rss_start_mb": round(sizes[0], 1),
            "rss_peak_mb": round(max(sizes), 1),
            "rss_end_mb": round(sizes[-1], 1),
            "rss_series_mb": [(at, round(size)) for at, size in self.rss[:: max(1, len(self.rss) // 40)]],
        }
        return report


def percentile(ordered: list[float], q: float) -> float | None:
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else None


def post(server: Any, query: str) -> tuple[int | str, float, str]:
    """Status (or the error's name), seconds, and the start of the answer."""
    started = time.monotonic()
    try:
        response = httpx.post(
            server.base_url + "/sparql",
            content=query.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            timeout=CAP,
        )
        status, text = response.status_code, response.text[:160]
    except httpx.HTTPError as error:
        status, text = type(error).__name__, ""
    return status, round(time.monotonic() - started, 2), text


def at_once(server: Any, queries: list[str]) -> list[tuple[int | str, float, str]]:
    async def send() -> list[tuple[int | str, float, str]]:
        return list(await asyncio.gather(*(asyncio.to_thread(post, server, query) for query in queries)))

    return asyncio.run(send())


def answered(outcomes: list[tuple[int | str, float, str]]) -> dict[str, Any]:
    return {
        "statuses": [status for status, _, _ in outcomes],
        "seconds": [seconds for _, seconds, _ in outcomes],
        "answer": outcomes[0][2],
    }


def one(query: str) -> Callable[[Any], dict[str, Any]]:
    return lambda server: answered([post(server, query)])


def several(query: str, count: int) -> Callable[[Any], dict[str, Any]]:
    return lambda server: answered(at_once(server, [query] * count))


def dead_idle_worker(server: Any, how: signal.Signals = signal.SIGKILL) -> dict[str, Any]:
    workers = children(server.process.pid)
    os.kill(workers[0], how)
    time.sleep(0.2)
    # Different texts, so that the result cache does not answer them.
    outcomes = [post(server, f"SELECT ({n} AS ?n) WHERE {{}}") for n in range(len(workers) + 1)]
    with_pause = answered(outcomes)
    if how is signal.SIGSTOP:
        with contextlib.suppress(ProcessLookupError):  # in case it is still there
            os.kill(workers[0], signal.SIGCONT)
    return with_pause


def reload_x10(server: Any) -> dict[str, Any]:
    sizes = []
    seconds = []
    for _ in range(10):
        old = set(children(server.process.pid))
        started = time.monotonic()
        response = httpx.post(server.base_url + "/admin/reload", timeout=CAP)
        seconds.append(round(time.monotonic() - started, 2))
        if response.status_code != 200:
            return {"status": response.status_code, "answer": response.text[:200]}
        deadline = time.monotonic() + 40  # the old pool retires once idle (at the latest after the time limit)
        while old & set(children(server.process.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        sizes.append(round(rss_mb(server.process.pid)))
    return {
        "rss_after_each_reload_mb": sizes,
        "reload_seconds": seconds,
        "growth_1_to_10": round(sizes[-1] / sizes[0] - 1, 3),
    }


PROBES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "dots-99kb": one("." * 99_000),
    "number-40000": one("SELECT ?n WHERE { BIND(" + "9" * 40_000 + " AS ?n) }"),
    "dots-x4": several("." * 99_000, 4),
    "quotes-90kb": one("SELECT * WHERE { " + "'\\" * 45_000 + " }"),
    "nesting-2200": one("SELECT * WHERE " + "{" * 2200 + "}" * 2200),
    "union-7000": one("SELECT (COUNT(*) AS ?n) WHERE { " + " UNION ".join(["{}"] * 7000) + " }"),
    "memory-bomb": one(f"SELECT * WHERE {{ {CROSS} }} ORDER BY ?x ?y ?z"),
    "memory-bombs-x2": several(f"SELECT * WHERE {{ {CROSS} }} ORDER BY ?x ?y ?z", 2),
    "group-concat-bomb": one(f"SELECT (STRLEN(GROUP_CONCAT(STR(?x))) AS ?n) WHERE {{ {CROSS} }}"),
    "dead-idle-worker": dead_idle_worker,
    "stopped-idle-worker": lambda server: dead_idle_worker(server, signal.SIGSTOP),
    "reload-x10": reload_x10,
}


def main() -> int:
    names = sorted(PROBES) + sorted(http_probes.PROBES)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=REPO / "dist" / "nap-kg.trig")
    parser.add_argument("--reload-data", type=Path, help="the data of reload-x10 (300k triples in the issue)")
    parser.add_argument("--probe", action="append", choices=names, help="repeatable; default every query probe")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "hostile.json")
    parser.add_argument("server_args", nargs="*", help="extra napkg serve flags (after --)")
    args = parser.parse_args()
    results: dict[str, Any] = {"pythonpath": os.environ.get("PYTHONPATH", ""), "server_args": args.server_args}
    for name in args.probe or sorted(PROBES):
        if name in PROBES:
            probe, nofile = PROBES[name], None
        else:
            probe, nofile = http_probes.PROBES[name]
        data = args.reload_data if name == "reload-x10" and args.reload_data else args.data
        log = args.out.with_name(f"hostile-{name}.log")
        log.parent.mkdir(parents=True, exist_ok=True)
        server = Server(data, log, nofile, args.server_args)
        try:
            time.sleep(0.5)  # the first point lookup fills the cache before the probe starts
            watch = Watch(server)
            time.sleep(0.5)
            started = time.monotonic()
            outcome = probe(server)
            outcome["probe_seconds"] = round(time.monotonic() - started, 1)
            time.sleep(0.5)
            outcome |= watch.stop()
            outcome["server_alive"] = server.process.poll() is None
        finally:
            server.stop()
        results[name] = outcome
        shown = {key: value for key, value in outcome.items() if key != "rss_series_mb"}
        print(name, json.dumps(shown), flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
