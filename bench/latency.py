"""Latency of the SPARQL endpoint: median and p95 of a point lookup and of a join.

Starts the real server (``python -m napkg_cli.serve``) on loopback with the given data,
sends each query N times over HTTP (keep-alive, one client, sequentially), and prints
a table. The same queries are also timed in this process directly on pyoxigraph
("engine") and through the worker pool without HTTP ("worker hop"), so the table
shows what the process hop and the HTTP layer each cost.

    python bench/latency.py --data dist/nap-kg.trig --repetitions 300
    python bench/latency.py --generate 20000          # synthetic data, no files needed

Bounded: at most 10,000 repetitions and --max-seconds per measurement; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from napkg_server.data.store import load_dataset  # noqa: E402
from napkg_server.engine.evaluation import QueryJob, evaluate  # noqa: E402
from napkg_server.engine.workers import WorkerPool  # noqa: E402
from napkg_server.settings import DataSource  # noqa: E402

from tests.support.live_server import live_server  # noqa: E402

sys.path.insert(0, str(REPO / "bench"))
from load import Connection  # noqa: E402

SPARQL_HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}

MAX_REPETITIONS = 10_000
BASE_IRI = "https://w3id.org/nap-kg/"
FIRST_SUBJECT = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1"
JOIN = "SELECT ?s ?p2 ?o2 WHERE { ?s ?p ?o . ?o ?p2 ?o2 } LIMIT 100"


def generate(path: Path, subjects: int) -> None:
    """Synthetic data with links between subjects, so the join query has work to do."""
    ex = "https://example.org/bench/"
    with path.open("w") as out:
        for i in range(subjects):
            out.write(f'<{ex}s{i}> <{ex}value> "{i}" .\n')
            out.write(f"<{ex}s{i}> <{ex}next> <{ex}s{(i * 7919 + 1) % subjects}> .\n")


def measure(call: Callable[[], object], repetitions: int, max_seconds: float) -> list[float]:
    """Milliseconds per call, after 5 warm-up calls; stops early at ``max_seconds``."""
    for _ in range(5):
        call()
    timings: list[float] = []
    stop = time.perf_counter() + max_seconds
    while len(timings) < repetitions and time.perf_counter() < stop:
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def summary(timings: list[float]) -> tuple[int, float, float]:
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
    return len(timings), statistics.median(timings), p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", type=Path, default=[], help="RDF files to serve")
    parser.add_argument(
        "--generate",
        type=int,
        metavar="N",
        default=0,
        help="serve N synthetic subjects (2N triples) instead",
    )
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=30.0, help="time budget of each measurement")
    parser.add_argument("--point-query", help="default: all triples of the first subject")
    parser.add_argument("--join-query", default=JOIN)
    args = parser.parse_args()
    repetitions = max(1, min(args.repetitions, MAX_REPETITIONS))

    with tempfile.TemporaryDirectory(prefix="napkg-bench-") as tmp:
        files: list[Path] = list(args.data)
        if args.generate:
            files.append(Path(tmp) / "generated.nt")
            generate(files[-1], args.generate)
        if not files:
            parser.error("give --data FILE ... or --generate N")
        dataset = load_dataset([DataSource(p) for p in files], BASE_IRI)
        store = dataset.store
        point = args.point_query
        if point is None:
            subject = next(iter(store.query(FIRST_SUBJECT, use_default_graph_as_union=True)))["s"]  # type: ignore[call-overload]
            point = f"SELECT ?p ?o WHERE {{ <{subject.value}> ?p ?o }}"
        queries = {"point lookup": point, "join": args.join_query}
        rows: list[tuple[str, str, tuple[int, float, float]]] = []

        jobs = {
            name: QueryJob(query, BASE_IRI, union_default_graph=True, solutions_format="json", graph_format="ttl")
            for name, query in queries.items()
        }
        for name, job in jobs.items():
            rows.append(
                (
                    name,
                    "engine (in process)",
                    summary(measure(lambda job=job: evaluate(store, job), repetitions, args.max_seconds)),
                )
            )

        async def pool_timings() -> None:
            pool = WorkerPool(store, 2)
            await pool.start()
            try:
                for name, job in jobs.items():
                    timings: list[float] = []
                    for _ in range(5):
                        await pool.execute(job, 30)
                    stop = time.perf_counter() + args.max_seconds
                    while len(timings) < repetitions and time.perf_counter() < stop:
                        start = time.perf_counter()
                        await pool.execute(job, 30)
                        timings.append((time.perf_counter() - start) * 1000)
                    rows.append((name, "worker hop (no HTTP)", summary(timings)))
            finally:
                await pool.close()

        asyncio.run(pool_timings())

        connection = Connection()  # keep-alive http.client, as bench/load.py uses; reconnects per server
        for label, env in (("HTTP", {}), ("HTTP, cache off", {"NAPKG_RESULT_CACHE_BYTES": "0"})):
            with live_server(files, env=env) as server:
                if not env:  # the HTTP floor: a request that runs no query at all
                    health = measure(
                        lambda: connection.request("GET", server.base_url + "/health", None, {}, 60),
                        repetitions,
                        args.max_seconds,
                    )
                    rows.append(("(no query)", "HTTP /health", summary(health)))
                for name, query in queries.items():

                    def call(query: str = query) -> None:
                        status, _ = connection.post(server.sparql_url, query.encode(), SPARQL_HEADERS, 60)
                        assert status == 200, status

                    rows.append((name, f"{label} /sparql", summary(measure(call, repetitions, args.max_seconds))))
        connection.close()
        triples = dataset.info.statements

    print(f"\n{triples} triples from {len(files)} file(s); up to {repetitions} repetitions each\n")
    print(f"{'query':<14} {'path':<28} {'n':>6} {'median ms':>10} {'p95 ms':>9}")
    order = ["(no query)", *queries]
    for name, path, (count, median, p95) in sorted(rows, key=lambda row: order.index(row[0])):
        print(f"{name:<14} {path:<28} {count:>6} {median:>10.2f} {p95:>9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
