"""Size and time of a release, its changelog and its LDES feed page, at the real size and scaled up.

For each size, release 1.0.0 is the data as it is (the real build, or bench/scale_data.py's synthetic scale-up
of it), and 2.0.0 the same data with an edit: every 10th status assessment moved to another status and every
10th explanation given a longer text. Dumps are written with pyoxigraph (TriG, N-Quads sorted and gzipped,
Turtle and N-Triples of the union), as the release copies whatever dist/ holds.

    .venv/bin/napkg build --dist /tmp/napkg-bench-dist
    .venv/bin/python bench/release_scale.py --source /tmp/napkg-bench-dist/nap-kg.trig --triples 0 --triples 1000000

``--triples 0`` is the real data. Prints one JSON object per size and writes them to bench/results/.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

from napkg_graph.catalog import load_catalog_source
from napkg_graph.changelog import diff_dumps
from napkg_graph.config import BuildSettings
from napkg_graph.ldes import release_page
from napkg_graph.release import make_release, releases
from napkg_graph.vocab import NAP
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse, serialize

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_data import generate

RESULTS = Path(__file__).resolve().parent / "results"
STATUS = NamedNode(str(NAP.status))
TEXT = NamedNode(str(NAP.text))
OTHER_STATUS = NamedNode("https://w3id.org/nap-kg/id/status/voltooid")
ALT_STATUS = NamedNode("https://w3id.org/nap-kg/id/status/doorlopend")


def edited(quads: list[Quad]) -> list[Quad]:
    out: list[Quad] = []
    statuses = texts = 0
    for q in quads:
        if q.predicate == STATUS:
            statuses += 1
            if statuses % 10 == 0:
                moved = ALT_STATUS if q.object == OTHER_STATUS else OTHER_STATUS
                q = Quad(q.subject, q.predicate, moved, q.graph_name)
        elif q.predicate == TEXT and isinstance(q.object, Literal) and "toelichting" in str(q.subject):
            texts += 1
            if texts % 10 == 0:
                q = Quad(q.subject, q.predicate, Literal(q.object.value + " (bijgewerkt)", language="nl"), q.graph_name)
        out.append(q)
    return out


def write_dist(quads: list[Quad], dist: Path) -> None:
    dist.mkdir(parents=True)
    store = Store()
    store.bulk_extend(quads)
    nq = serialize(quads, format=RdfFormat.N_QUADS) or b""
    lines = sorted(line for line in nq.decode("utf-8").splitlines() if line.strip())
    (dist / "nap-kg.nq.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    (dist / "nap-kg.trig").write_bytes(serialize(quads, format=RdfFormat.TRIG) or b"")
    union = sorted({(q.subject, q.predicate, q.object) for q in quads}, key=str)
    from pyoxigraph import Triple

    triples = [Triple(*t) for t in union]
    (dist / "nap-kg.ttl").write_bytes(serialize(triples, format=RdfFormat.TURTLE) or b"")
    nt = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    (dist / "nap-kg.nt.gz").write_bytes(gzip.compress(nt, mtime=0))


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir())


def run(source: Path, triples: int, work: Path) -> dict[str, object]:
    data = source if triples == 0 else generate(triples, source=source)
    fmt = RdfFormat.TRIG if data.suffix == ".trig" else RdfFormat.N_QUADS
    quads = list(parse(path=data, format=fmt))
    write_dist(quads, work / "dist1")
    write_dist(edited(quads), work / "dist2")
    catalog = load_catalog_source(BuildSettings().sources_dir)
    base = "https://w3id.org/nap-kg/"
    folder = work / "releases"
    make_release("1.0.0", work / "dist1", folder, base, catalog, issued="2026-12-01T10:00:00Z")
    started = time.perf_counter()
    diff = diff_dumps(work / "dist1" / "nap-kg.nq.gz", work / "dist2" / "nap-kg.nq.gz")
    changelog_seconds = time.perf_counter() - started
    started = time.perf_counter()
    make_release("2.0.0", work / "dist2", folder, base, catalog, issued="2026-12-02T10:00:00Z")
    release_seconds = time.perf_counter() - started
    page = release_page(base, "http://127.0.0.1:8000/", releases(folder), "2.0.0") or b""
    second = folder / "2.0.0"
    return {
        "quads": len(quads),
        "changed_resources": len(diff.changes),
        "kinds": diff.per_kind(),
        "triples_added": sum(diff.added_per_graph.values()),
        "triples_removed": sum(diff.removed_per_graph.values()),
        "changelog_seconds": round(changelog_seconds, 2),
        "release_seconds": round(release_seconds, 2),
        "release_bytes": folder_bytes(second),
        "changelog_ttl_bytes": (second / "changelog.ttl").stat().st_size,
        "feed_page_bytes": len(page),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="the real dataset (TriG) to release and scale")
    parser.add_argument("--triples", type=int, action="append", required=True, help="0 for the real data")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    for triples in args.triples:
        with tempfile.TemporaryDirectory(prefix="napkg-release-bench-") as tmp:
            result = run(args.source, triples, Path(tmp))
        print(json.dumps(result), flush=True)
        (RESULTS / f"release-scale-{triples}.json").write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
