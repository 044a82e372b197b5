"""Start-up of ``napkg serve --store DIR`` on scaled-up data: load once, then time every reopening.

For each ``--triples`` (data from :mod:`scale_data`): bulk-loads the N-Quads into an on-disk store in
``bench/.cache/store-N`` once (``napkg serve --store DIR --data FILE`` does the same; the load time and the
store's size on disk are printed), then starts ``python -m napkg_cli.serve --store DIR`` ``--opens`` times and
takes the time until ``/health`` answers (most of which is Python importing the web framework, the same at
every scale; the time to open the store itself is printed apart), until a first query (a point lookup)
answers, and the memory of the server and its workers (PSS) once it answers. Nothing is parsed on reopening:
the store and the description beside it (``napkg-store.json``) are read as they are.

    python bench/store_open.py --triples 1000000 --triples 10000000

Loopback only; each start is bounded by ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_data  # noqa: E402
from load import HOST, RESULTS, free_port, memory  # noqa: E402

QUERY = (REPO / "bench" / "queries" / "point-lookup.rq").read_text("utf-8")


def _load(data: Path, store: Path) -> float | None:
    """Load ``data`` into ``store`` unless it already holds it; the seconds it took, or None if reused."""
    sys.path.insert(0, str(REPO / "server"))
    from napkg_server.data.disk_store import is_loaded, load_into, read_info
    from napkg_server.settings import DataSource

    if is_loaded(store) and read_info(store).files == (str(data),):
        return None
    start = time.perf_counter()
    load_into(store, [DataSource(data)], "https://w3id.org/nap-kg/")
    return time.perf_counter() - start


def _answers(port: int, method: str, path: str, body: bytes | None = None) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
        connection.request(method, path, body=body, headers=headers if body else {})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def open_once(store: Path, max_seconds: float) -> dict[str, float]:
    port = free_port()
    command = [sys.executable, "-m", "napkg_cli.serve", "--store", str(store), "--port", str(port)]
    command += ["--log-level", "warning", "--access-log", "off"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        timings: dict[str, float] = {}
        while time.perf_counter() - start < max_seconds:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            if "health_s" not in timings and _answers(port, "GET", "/health"):
                timings["health_s"] = time.perf_counter() - start
            if "health_s" in timings and _answers(port, "POST", "/sparql", QUERY.encode()):
                timings["first_query_s"] = time.perf_counter() - start
                timings |= {f"{k}_after_open": v for k, v in memory(process.pid).items()}
                return timings
            time.sleep(0.02)
        raise RuntimeError(f"no answer after {max_seconds} s")
    finally:
        process.terminate()
        process.wait(timeout=30)


def open_store_only(store: Path) -> float:
    """Seconds to open the store read-only and read its first quad, in this process (no server, no imports)."""
    from pyoxigraph import Store

    start = time.perf_counter()
    next(Store.read_only(str(store)).quads_for_pattern(None, None, None), None)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, action="append", help="scale(s) (default 1000000)")
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--cache", type=Path, default=scale_data.DEFAULT_CACHE)
    parser.add_argument("--source", type=Path, default=scale_data.DEFAULT_SOURCE)
    parser.add_argument("--store", type=Path, help="the store directory (one scale only; default bench/.cache/store-N)")
    args = parser.parse_args(argv)
    if args.store is not None and len(args.triples or [1]) > 1:
        parser.error("--store takes one --triples")
    rows = []
    for triples in args.triples or [1_000_000]:
        data = scale_data.generate(triples, args.cache, args.source)
        store = args.store or args.cache / f"store-{scale_data.quads_in(data)}"
        loaded = _load(data, store)
        size = sum(f.stat().st_size for f in store.rglob("*") if f.is_file())
        opens = [open_once(store, args.max_seconds) for _ in range(max(1, args.opens))]
        store_only = statistics.median(open_store_only(store) for _ in range(3))
        row = {
            "triples": scale_data.quads_in(data),
            "load_s": round(loaded, 1) if loaded is not None else None,
            "store_mib": round(size / 2**20),
            "open_store_s": round(store_only, 3),
            "health_s_median": round(statistics.median(o["health_s"] for o in opens), 2),
            "first_query_s_median": round(statistics.median(o["first_query_s"] for o in opens), 2),
            "pss_mib_after_open": round(statistics.median(o["pss_mib_after_open"] for o in opens)),
            "opens": opens,
        }
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if k != "opens"}), file=sys.stderr, flush=True)
    print(
        "\n| triples | bulk load s | store on disk MiB | open store + first quad s | server reopen: /health s "
        "| server reopen: first query s | PSS MiB |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        load = f"{r['load_s']:.1f}" if r["load_s"] is not None else "(loaded before)"
        print(
            f"| {r['triples']:,} | {load} | {r['store_mib']:,} | {r['open_store_s']:.3f} | "
            f"{r['health_s_median']:.2f} | {r['first_query_s_median']:.2f} | {r['pss_mib_after_open']} |"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"store-open-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"cpus": os.cpu_count(), "rows": rows}, indent=2))
    print(f"\n(saved {out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
