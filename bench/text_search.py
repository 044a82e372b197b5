"""Full-text search in SPARQL: ``nap:textSearch`` (rewritten into VALUES from the text index) against ``REGEX`` and
``CONTAINS`` over every literal, and against the same index behind an extension function called per literal.

The data is loaded as the server loads it (:func:`napkg_server.data.store.load_dataset`: the union default graph,
then the index); each form runs on the same store in this process, interleaved, so the figures are the engine's
plus, for ``nap:textSearch``, the rewrite (index lookup and VALUES text). Row counts are printed beside the times:
the index matches whole words in any inflection, REGEX and CONTAINS any substring, so they differ where the word
is part of a longer one (``anti-dwangarbeidverordening``).

    .venv/bin/python bench/text_search.py --triples 7000 --triples 1000000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import scale_data  # noqa: E402
from napkg_server.data.store import load_dataset, text_index_of  # noqa: E402
from napkg_server.data.text_index import TextIndex  # noqa: E402
from napkg_server.engine.text_search import rewrite  # noqa: E402
from napkg_server.settings import DataSource  # noqa: E402
from pyoxigraph import Literal, NamedNode, Store  # noqa: E402

PREFIX = "PREFIX nap: <https://w3id.org/nap-kg/def/>\nPREFIX fn: <urn:napkg-bench:>\n"
WORDS = ("dwangarbeid", "ketenverantwoordelijkheid", "mensenrechten")
# Every statement whose text holds the word, in four forms; {w} is the word.
FORMS = {
    "textSearch": 'SELECT ?s ?text { (?s ?score ?text) nap:textSearch "{w}" }',
    "function": 'SELECT ?s ?text { ?s ?p ?text FILTER(fn:textMatch(?text, "{w}")) }',
    "REGEX": 'SELECT ?s ?text { ?s ?p ?text FILTER(isLiteral(?text) && REGEX(?text, "{w}", "i")) }',
    "CONTAINS": 'SELECT ?s ?text { ?s ?p ?text FILTER(isLiteral(?text) && CONTAINS(LCASE(STR(?text)), "{w}")) }',
}
# The same with a join: the action points whose 2024 explanation holds the word.
JOINED = {
    "textSearch": 'SELECT DISTINCT ?ap { ?e nap:textSearch "{w}" ; a nap:Explanation ; nap:actionPoint ?ap }',
    "REGEX": "SELECT DISTINCT ?ap { ?e a nap:Explanation ; nap:text ?t ; nap:actionPoint ?ap "
    'FILTER(REGEX(?t, "{w}", "i")) }',
}


def text_match(index: TextIndex) -> Callable[[object, object], Literal | None]:
    """The index behind an extension function: the matching texts of each query string, looked up per literal."""
    found: dict[str, frozenset[Literal]] = {}
    yes = Literal("true", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))

    def function(text: object, query: object) -> Literal | None:
        if not isinstance(text, Literal) or not isinstance(query, Literal):
            return None
        hits = found.get(query.value)
        if hits is None:
            hits = found[query.value] = frozenset(h.literal for h in index.search(query.value))
        return yes if text in hits else None

    return function


def run(store: Store, index: TextIndex, form: str, query: str) -> tuple[float, int]:
    options: dict[str, object] = {}
    start = time.perf_counter()
    if form == "textSearch":
        query = rewrite(query, index)
    if form == "function":
        options["custom_functions"] = {NamedNode("urn:napkg-bench:textMatch"): text_match(index)}
    rows = len(list(store.query(query, **options)))  # type: ignore[arg-type, union-attr]
    return (time.perf_counter() - start) * 1000, rows


def measure(data: Path, repetitions: int) -> dict[str, object]:
    start = time.perf_counter()
    dataset = load_dataset([DataSource(data)], "https://w3id.org/nap-kg/")
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    index = text_index_of(dataset.store)  # again, timed on its own
    built = time.perf_counter() - start
    (pages,) = index._db.execute("PRAGMA page_count").fetchone()
    (page_size,) = index._db.execute("PRAGMA page_size").fetchone()
    result: dict[str, object] = {
        "triples": len(dataset.store),
        "texts_indexed": index.size,
        "load_with_index_s": round(loaded, 2),
        "index_build_s": round(built, 2),
        "index_mib": round(pages * page_size / 2**20, 1),
        "queries": [],
    }
    for table_name, table in (("all texts", FORMS), ("explanations of action points", JOINED)):
        for word in WORDS:
            times: dict[str, list[float]] = {form: [] for form in table}
            rows: dict[str, int] = {}
            for _ in range(repetitions):
                for form, template in table.items():
                    elapsed, count = run(dataset.store, index, form, PREFIX + template.replace("{w}", word))
                    times[form].append(elapsed)
                    rows[form] = count
            result["queries"].append(  # type: ignore[attr-defined]
                {
                    "set": table_name,
                    "word": word,
                    **{
                        form: {"p50_ms": round(statistics.median(t), 2), "rows": rows[form]}
                        for form, t in times.items()
                    },
                }
            )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, action="append", help="7000 is the real data; repeatable")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=scale_data.DEFAULT_CACHE)
    parser.add_argument("--source", type=Path, default=scale_data.DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    runs = []
    for triples in args.triples or [7000]:
        data = args.source if triples <= 10_000 else scale_data.generate(triples, args.cache, args.source)
        result = measure(data, max(1, args.repetitions))
        runs.append(result)
        print(
            f"\n## {result['triples']:,} quads: {result['texts_indexed']:,} texts indexed in "
            f"{result['index_build_s']} s ({result['index_mib']} MiB)\n"
        )
        forms = list(FORMS)
        print("| texts | word | " + " | ".join(f"{f} ms (rows)" for f in forms) + " |")
        print("|---|---|" + "---|" * len(forms))
        for q in result["queries"]:  # type: ignore[attr-defined]
            cells = [f"{q[f]['p50_ms']} ({q[f]['rows']})" if f in q else "" for f in forms]
            print(f"| {q['set']} | {q['word']} | " + " | ".join(cells) + " |")
    out = REPO / "bench" / "results" / f"text_search-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(runs, indent=2))
    print(f"\n{out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
