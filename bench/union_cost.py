"""What the set-union default graph costs (issue 12, item 8): load time, memory and query latency, before and after.

"Before" is the store as loaded, queried with pyoxigraph's ``use_default_graph_as_union`` (a triple matches once
per graph holding it); "after" is the same store with the union written into its default graph
(``napkg_graph.union_graph``), queried on that graph, as the endpoint now does. Each step runs in a child process
of its own, so its peak memory is its own; the queries (competency questions and ``bench/queries``, without
``NOT EXISTS``, which takes minutes at this scale) run interleaved before/after in one process, on two stores.

    .venv/bin/python bench/union_cost.py --triples 1000000            # in memory
    .venv/bin/python bench/union_cost.py --triples 1000000 --disk     # on-disk (RocksDB) stores, as --store

Bounded: each query at most --repetitions times and --max-seconds per query.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import scale_data  # noqa: E402
from napkg_graph.union_graph import union_into_default_graph  # noqa: E402
from pyoxigraph import RdfFormat, Store  # noqa: E402

QUERIES = sorted((REPO / "graph" / "napkg_graph" / "queries" / "competency").glob("*.rq"))
QUERIES += sorted((REPO / "bench" / "queries").glob("*.rq"))
Row = tuple[str, float, float]  # query, median ms before, median ms after


def _mib(key: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(status.split(key + ":")[1].split()[0]) // 1024


def _open(data: Path, location: str | None, union: bool) -> tuple[Store, dict[str, float]]:
    store = Store(location) if location else Store()
    start = time.perf_counter()
    store.bulk_load(path=data, format=RdfFormat.N_QUADS, lenient=True)
    loaded = time.perf_counter()
    if union:
        union_into_default_graph(store, bulk=location is not None)
    return store, {"load_s": round(loaded - start, 2), "union_s": round(time.perf_counter() - loaded, 2)}


def child(data: Path, location: str | None, union: bool) -> None:
    """One load, in its own process: times, then RSS and peak RSS."""
    _, timings = _open(data, location, union)
    print(json.dumps(timings | {"rss_mib": _mib("VmRSS"), "peak_mib": _mib("VmHWM")}))


def measure_load(data: Path, disk: bool, work: Path) -> dict[str, dict[str, float]]:
    out = {}
    for name, union in (("before", False), ("after", True)):
        location = str(work / f"load-{name}") if disk else None
        command = [sys.executable, __file__, "--child", str(data), "--union" if union else "--no-union"]
        command += ["--location", location] if location else []
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        out[name] = json.loads(done.stdout.strip().splitlines()[-1])
        if location:
            out[name]["disk_mib"] = sum(f.stat().st_size for f in Path(location).rglob("*") if f.is_file()) >> 20
            shutil.rmtree(location)
    return out


def measure_queries(data: Path, disk: bool, work: Path, repetitions: int, limit: float) -> list[Row]:
    before, _ = _open(data, str(work / "q-before") if disk else None, union=False)
    after, _ = _open(data, str(work / "q-after") if disk else None, union=True)
    rows = []
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        if "NOT EXISTS" in text:
            continue
        times: dict[bool, list[float]] = {False: [], True: []}
        started = time.monotonic()
        for _ in range(repetitions):
            for union, store in ((False, before), (True, after)):
                start = time.perf_counter()
                for _row in store.query(text, use_default_graph_as_union=not union):
                    pass
                times[union].append((time.perf_counter() - start) * 1000)
            if time.monotonic() - started > limit:
                break
        rows.append((path.stem, statistics.median(times[False]), statistics.median(times[True])))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--disk", action="store_true", help="on-disk (RocksDB) stores instead of in-memory ones")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=20.0, help="time budget of each query")
    parser.add_argument("--cache", type=Path, default=scale_data.DEFAULT_CACHE)
    parser.add_argument("--source", type=Path, default=scale_data.DEFAULT_SOURCE)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--union", action=argparse.BooleanOptionalAction, help=argparse.SUPPRESS)
    parser.add_argument("--location", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.location, bool(args.union))
        return 0
    data = scale_data.generate(args.triples, args.cache, args.source)
    with tempfile.TemporaryDirectory(prefix="napkg-union-cost-") as tmp:
        loads = measure_load(data, args.disk, Path(tmp))
        rows = measure_queries(data, args.disk, Path(tmp), max(1, min(args.repetitions, 100)), args.max_seconds)
    kind = "on disk" if args.disk else "in memory"
    print(f"\n## {scale_data.quads_in(data):,} quads, {kind}\n")
    print("| | bulk load s | writing the union s | RSS MiB | peak RSS MiB |" + (" on disk MiB |" if args.disk else ""))
    print("|---|---|---|---|---|" + ("---|" if args.disk else ""))
    for name, m in loads.items():
        disk = f" {m['disk_mib']} |" if args.disk else ""
        print(f"| {name} | {m['load_s']} | {m['union_s']} | {m['rss_mib']} | {m['peak_mib']} |{disk}")
    print("\n| query | before ms (p50) | after ms (p50) | after / before |\n|---|---|---|---|")
    for name, old, new in rows:
        print(f"| {name} | {old:.1f} | {new:.1f} | {new / old:.2f} |")
    ratios = [new / old for _, old, new in rows if old > 0]
    print(f"\ngeometric mean after / before: {math.exp(sum(map(math.log, ratios)) / len(ratios)):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
