"""Time of SHACL validation (the build's ``napkg_graph.validate.check`` with ``shapes/``) on scaled-up data.

Reads the N-Quads of :mod:`scale_data`, takes the union of its graphs into an rdflib Graph (as
``napkg validate FILES`` does) and validates it; prints parse and validation seconds per size. A size whose
validation would exceed ``--max-seconds`` is stopped (run in a child process) and reported as such.

    python bench/shacl_scale.py --triples 5000 --triples 60000 --triples 250000 --triples 1000000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_data


def _measure(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from napkg_graph.config import BuildSettings
    from napkg_graph.validate import check, load_shapes
    from napkg_graph.vocab import ONTOLOGY_FILE
    from rdflib import Dataset, Graph

    start = time.perf_counter()
    ds = Dataset()
    ds.parse(path, format="nquads")
    union = Graph()
    for quad in ds.quads((None, None, None, None)):
        union.add(quad[:3])
    parsed = time.perf_counter() - start
    queue.put({"triples": len(union), "parse_s": round(parsed, 1)})
    start = time.perf_counter()
    report = check(union, load_shapes(BuildSettings()), Graph().parse(ONTOLOGY_FILE))
    queue.put(
        {
            "validate_s": round(time.perf_counter() - start, 1),
            "conforms": report.conforms,
            "violations": len(report.violations),
            "warnings": len(report.warnings),
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, action="append", required=True)
    parser.add_argument("--cache", type=Path, default=scale_data.DEFAULT_CACHE)
    parser.add_argument("--source", type=Path, default=scale_data.DEFAULT_SOURCE)
    parser.add_argument("--max-seconds", type=float, default=600.0, help="per size, parse and validation")
    args = parser.parse_args()
    for triples in args.triples:
        path = scale_data.generate(triples, args.cache, args.source)
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        child = multiprocessing.Process(target=_measure, args=(str(path), queue))
        child.start()
        child.join(args.max_seconds)
        result: dict[str, object] = {"file": path.name}
        while not queue.empty():
            result |= queue.get()
        if child.is_alive():
            child.kill()
            child.join()
            result["stopped_after_s"] = args.max_seconds
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
