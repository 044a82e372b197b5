"""``napkg query NAME``: run a saved question on ``dist/nap-kg.trig`` locally and print its answer.

The table format is for reading in a terminal: IRIs under the base are shown by their path
(``id/plan/nap-2022-2026/actiepunt/17``), columns are aligned, and long texts are cut with an ellipsis so that
the table fits the terminal. ``csv`` and ``json`` are the SPARQL result formats, as the server
gives them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import pyoxigraph
from napkg_graph.saved_queries import ParameterError, SavedQuery, library, run_local, serialise
from napkg_graph.union_graph import union_into_default_graph

MIN_WIDTH = 8
MAX_WIDTH = 60


def add_query_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="the saved question's name (see --list)")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="a parameter value (repeatable), e.g. instrument=csrd",
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    p.add_argument("--list", action="store_true", help="list the saved questions and their parameters")


def list_queries(out: object = None) -> str:
    lines = []
    for query in library().values():
        lines.append(f"{query.name}\n    {query.title['en']}")
        for param in query.params:
            default = f"default {param.default}" if param.default else "optional"
            lines.append(f"    --param {param.name}=...  ({default}; {param.help})")
    return "\n".join(lines) + "\n"


def parse_params(pairs: list[str]) -> dict[str, str]:
    given = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"--param wants NAME=VALUE, got {pair!r}")
        given[key.strip()] = value
    return given


def shown(term: pyoxigraph.NamedNode | pyoxigraph.Literal | pyoxigraph.BlankNode | None, base_iri: str) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value.removeprefix(base_iri)
    return " ".join(term.value.split())  # newlines and runs of spaces as one space


def cut(text: str, width: int) -> str:
    """Cut to ``width`` with an ellipsis: texts at the end, IRI paths in the middle, as their tail names the thing.

    >>> cut("id/plan/nap-2022-2026/actiepunt/17", 19), cut("Doorlopend, met vertraging", 12)
    ('id/pla…actiepunt/17', 'Doorlopend,…')
    """
    if len(text) <= width:
        return text
    if "/" in text and " " not in text:
        head = (width - 1) // 3
        return text[:head] + "…" + text[len(text) - (width - 1 - head) :]
    return text[: width - 1].rstrip() + "…"


def column_widths(header: list[str], rows: list[list[str]], total: int) -> list[int]:
    """Each column as wide as its longest cell (at most MAX_WIDTH), narrowed, widest first, to fit ``total``."""
    widths = [min(MAX_WIDTH, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(header)]
    floor = [min(w, max(MIN_WIDTH, len(h))) for w, h in zip(widths, header, strict=True)]
    while sum(widths) + 2 * (len(widths) - 1) > total:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floor[i])
        if widths[widest] <= floor[widest]:
            break
        widths[widest] -= 1
    return widths


def table(solutions: pyoxigraph.QuerySolutions, base_iri: str, total_width: int) -> str:
    header = [v.value for v in solutions.variables]
    rows = [[shown(row[name], base_iri) for name in header] for row in solutions]
    widths = column_widths(header, rows, total_width)
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    numeric = [all(r[i].isdigit() or not r[i] for r in rows) for i in range(len(header))]  # right-aligned
    for row in rows:
        cells = [cut(c, w) for c, w in zip(row, widths, strict=True)]
        lines.append(
            "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric, strict=True)).rstrip()
        )
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def run_query(args: argparse.Namespace, trig: Path, base_iri: str) -> int:
    """Print the answer of the saved question ``args.name``; 2 for an unknown name or a bad parameter."""
    queries = library()
    query: SavedQuery | None = queries.get(args.name or "")
    if query is None:
        print(f"napkg query: unknown saved question {args.name!r}; known: {', '.join(queries)}", file=sys.stderr)
        return 2
    try:
        bindings = query.bindings(parse_params(args.param), base_iri)
    except ParameterError as error:
        print(f"napkg query: {error}", file=sys.stderr)
        return 2
    store = pyoxigraph.Store()
    store.bulk_load(path=str(trig), format=pyoxigraph.RdfFormat.TRIG)
    union_into_default_graph(store)  # the default graph the endpoint serves: the set union of the graphs
    solutions = run_local(store, query, bindings, base_iri)
    if args.format == "table":
        print(f"# {query.title['en']}")
        width = shutil.get_terminal_size((120, 24)).columns
        sys.stdout.write(table(solutions, base_iri, max(60, width)))
    elif args.format == "json":
        sys.stdout.write(json.dumps(json.loads(serialise(solutions, "json")), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(serialise(solutions, "csv"))
        sys.stdout.buffer.flush()
    return 0
