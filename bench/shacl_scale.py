"""Time of SHACL validation (``napkg_graph.shacl.validate.check`` with ``shapes/``) on scaled-up data, per engine.

For each size, reads the N-Quads of :mod:`scale_data`, takes the union of its graphs into an rdflib Graph (as
``napkg validate FILES`` does) and validates it with each engine (``fast``, ``pyshacl``) in a child process of
its own: parse and validation seconds, peak RSS of the child, the number of findings and a digest of them (the
engines must agree). A child still running after ``--max-seconds`` is killed and reported as stopped.

    nice -n 10 python bench/shacl_scale.py --triples 7000 --triples 60000 --triples 250000 --triples 1000000

Profile of pySHACL at 60k triples (py-spy, before the fast engine; 114 s unprofiled): 80% in sh:sparql
constraints, 69% of all time in rdflib re-parsing the query text for each focus node (pyparsing); the rest is
SHACL-Core: the copy that mixes the ontology in (7%), building result nodes and messages (13%), sh:or (9%),
sh:class (8%), qualified shapes (6%), value-node lookups (5%).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_data
from load import _kib

ENGINES = ("fast", "pyshacl")


def _measure(path: str, engine: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from napkg_graph.config import BuildSettings
    from napkg_graph.dataset import union as union_of
    from napkg_graph.shacl.validate import check, load_shapes
    from napkg_graph.vocab import ontology
    from rdflib import Dataset

    start = time.perf_counter()
    ds = Dataset()
    ds.parse(path, format="nquads")
    union = union_of(ds)
    del ds
    queue.put({"triples": len(union), "parse_s": round(time.perf_counter() - start, 1)})
    start = time.perf_counter()
    report = check(union, load_shapes(BuildSettings()), ontology(), engine=engine)
    digest = hashlib.sha256(repr(report.findings).encode()).hexdigest()[:12]
    queue.put(
        {
            "validate_s": round(time.perf_counter() - start, 1),
            "violations": len(report.violations),
            "warnings": len(report.warnings),
            "findings_sha": digest,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }
    )


def _peak_rss_mb(pid: int) -> int | None:
    """VmHWM of a live process (for one about to be killed), in MB."""
    return _kib(Path(f"/proc/{pid}/status"), "VmHWM") // 1024 or None


def run(path: Path, engine: str, max_seconds: float) -> dict[str, object]:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    child = multiprocessing.Process(target=_measure, args=(str(path), engine, queue))
    child.start()
    child.join(max_seconds)
    result: dict[str, object] = {"file": path.name, "engine": engine}
    if child.is_alive():
        result["peak_rss_mb"] = _peak_rss_mb(child.pid or 0)
        child.kill()
        child.join()
        result["stopped_after_s"] = max_seconds
    while not queue.empty():
        result |= queue.get()
    return result


def table(results: list[dict[str, object]]) -> str:
    head = "| triples | engine | parse s | validate s | peak RSS MB | violations | warnings | findings sha |"
    lines = [head, "|" + " --- |" * 8]
    for r in results:
        validate = r.get("validate_s", f"> {r['stopped_after_s']} (killed)" if "stopped_after_s" in r else "?")
        cells = [r.get("triples", "?"), r["engine"], r.get("parse_s", "?"), validate, r.get("peak_rss_mb", "?")]
        cells += [r.get("violations", "-"), r.get("warnings", "-"), r.get("findings_sha", "-")]
        lines.append("| " + " | ".join(f"{c:,}" if isinstance(c, int) else str(c) for c in cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, action="append", required=True)
    parser.add_argument("--engine", choices=ENGINES, action="append", help="engines to time (default: both)")
    parser.add_argument("--cache", type=Path, default=scale_data.DEFAULT_CACHE)
    parser.add_argument("--source", type=Path, default=scale_data.DEFAULT_SOURCE)
    parser.add_argument("--max-seconds", type=float, default=600.0, help="per size and engine, parse and validation")
    args = parser.parse_args()
    results = []
    for triples in args.triples:
        path = scale_data.generate(triples, args.cache, args.source)
        for engine in args.engine or ENGINES:
            results.append(run(path, engine, args.max_seconds))
            print(json.dumps(results[-1]), flush=True)
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
