"""Deterministic synthetic scale-up of the real nap-kg dataset, written as N-Quads to a cache directory.

The real dataset (``dist/nap-kg.trig``) is kept as it is; on top of it come N synthetic plans of the same
shape: each is a copy of the three plan graphs (``voortgangsrapportage-2024``, ``kamerbrief-2025``,
``redactie``, about 5,300 triples) under IRIs of its own (``id/synth/{country}-{year}/plan/nap-2022-2026/actiepunt/17``,
``graph/synth/{country}-{year}/redactie``), plus its plan and report nodes from ``referentie``. What plans
share stays shared: the ontology, the UNGP/OECD/status/pillar schemes, organisations and EU instruments.
Texts (``@nl``/``@en`` literals of 20 characters or more) are replaced by text of the same length drawn
from the words of the real texts in that language; dates move with the plan's year. A seeded RNG per plan
makes every file byte-identical across runs.

    python bench/scale_data.py --triples 1000000            # prints the path of the cached file
    python bench/scale_data.py --triples 10000000 --cache /tmp/napkg-bench
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from napkg_server.data.checksums import CHECKSUMS, read_checksums, sha256_of
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, serialize

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO / "dist" / "nap-kg.trig"
DEFAULT_CACHE = REPO / "bench" / ".cache"
BASE = "https://w3id.org/nap-kg/"
PLAN_GRAPHS = ("voortgangsrapportage-2024", "kamerbrief-2025", "redactie")
# First path segments under id/ that belong to one plan (everything else is shared vocabulary).
PLAN_LOCAL = frozenset(
    [
        "actiepunt",
        "redactie",
        "rapport",
        "thema",
        "gebeurtenis",
        "kamerstuk",
        "kamerstukdossier",
        "staatscourant",
        "tk-document",
        "plan",
    ]
)
COUNTRIES = [
    "be",
    "de",
    "dk",
    "ee",
    "es",
    "fi",
    "fr",
    "gb",
    "ie",
    "it",
    "lt",
    "lu",
    "lv",
    "no",
    "pl",
    "pt",
    "se",
    "ch",
    "at",
    "cz",
    "sk",
    "si",
    "hr",
    "gr",
    "cy",
    "mt",
    "ro",
    "bg",
    "hu",
    "is",
]
YEARS = range(2014, 2031)
DATE_TYPES = frozenset(f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("date", "dateTime", "gYear", "gYearMonth"))
SEED = 20251209
MIN_TEXT = 20
_ID = BASE + "id/"
_GRAPH = BASE + "graph/"
_MARK = "\x00"  # where the plan's path segment goes
_SLOT = "\x01"  # delimits a slot: a text (lang:length) or a year


def plan_slug(k: int) -> str:
    """``{country}-{year}``, with a round suffix once every pair is used."""
    pairs = len(COUNTRIES) * len(YEARS)
    country = COUNTRIES[k % len(COUNTRIES)]
    year = YEARS[(k // len(COUNTRIES)) % len(YEARS)]
    rounds = k // pairs
    return f"{country}-{year}" + (f"-r{rounds}" if rounds else "")


def plan_year(k: int) -> int:
    return YEARS[(k // len(COUNTRIES)) % len(YEARS)]


def _local_iri(iri: str) -> str:
    if iri.startswith(_ID) and iri[len(_ID) :].split("/", 1)[0] in PLAN_LOCAL:
        return _ID + _MARK + iri[len(_ID) :]
    return iri


@dataclass(frozen=True)
class Template:
    """One plan as N-Quads text with marks and slots; ``base`` is the real dataset as N-Quads."""

    parts: list[str]  # even: fixed text; odd: slot "t:nl:123" or "y:2024"
    triples_per_plan: int
    base: bytes
    base_triples: int
    words: dict[str, list[str]]


def _term(term: object) -> str:
    if isinstance(term, NamedNode):
        return f"<{_local_iri(term.value)}>"
    if isinstance(term, Literal):
        if term.language in ("nl", "en") and len(term.value) >= MIN_TEXT:
            return f'"{_SLOT}t:{term.language}:{len(term.value)}{_SLOT}"@{term.language}'
        if term.datatype.value in DATE_TYPES and re.match(r"\d{4}", term.value):
            return f'"{_SLOT}y:{term.value[:4]}{_SLOT}{term.value[4:]}"^^<{term.datatype.value}>'
    return str(term)


def build_template(source: Path) -> Template:
    store = Store()
    store.bulk_load(path=source, format=RdfFormat.TRIG if source.suffix == ".trig" else RdfFormat.N_QUADS)
    quads = sorted(store, key=str)
    base = serialize(quads, format=RdfFormat.N_QUADS) or b""
    lines = []
    words: dict[str, set[str]] = {"nl": set(), "en": set()}
    for quad in quads:
        graph = quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else ""
        name = graph[len(_GRAPH) :] if graph.startswith(_GRAPH) else ""
        from_reference = (
            name == "referentie"
            and quad.subject.value.startswith(_ID)
            and quad.subject.value[len(_ID) :].split("/", 1)[0] in ("plan", "rapport")
        )
        if name not in PLAN_GRAPHS and not from_reference:
            continue
        target = "voortgangsrapportage-2024" if from_reference else name
        g = f"<{_GRAPH}{_MARK}{target}>"
        subject, obj_text = _term(quad.subject), _term(quad.object)
        if _MARK not in subject and _MARK not in obj_text:
            # About shared things only (a year instant, an instrument): the real plan states it already. A copy
            # per plan would put the same triple in hundreds of graphs, and the union default graph, which
            # matches a triple once per graph holding it, would multiply every answer that touches it.
            continue
        lines.append(f"{subject} <{quad.predicate.value}> {obj_text} {g} .\n")
        obj = quad.object
        if isinstance(obj, Literal) and obj.language in words:
            words[obj.language].update(w for w in obj.value.split() if '"' not in w and "\\" not in w)
    parts = "".join(lines).split(_SLOT)
    return Template(parts, len(lines), base, len(quads), {k: sorted(v) for k, v in words.items()})


def _text(rng: random.Random, words: list[str], length: int) -> str:
    out: list[str] = []
    size = -1
    while size < length:
        word = rng.choice(words)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[: max(length, 1)].rstrip()


def render_plan(template: Template, k: int) -> str:
    rng = random.Random(SEED * 1_000_003 + k)
    shift = plan_year(k) - 2024
    pieces = []
    for i, part in enumerate(template.parts):
        if i % 2 == 0:
            pieces.append(part)
        elif part.startswith("t:"):
            _, lang, length = part.split(":")
            pieces.append(_text(rng, template.words[lang], int(length)))
        else:
            pieces.append(str(int(part[2:]) + shift))
    return "".join(pieces).replace(_MARK, f"synth/{plan_slug(k)}/")


def plans_for(template: Template, triples: int) -> int:
    return max(0, math.ceil((triples - template.base_triples) / template.triples_per_plan))


def generate(triples: int, cache: Path = DEFAULT_CACHE, source: Path = DEFAULT_SOURCE) -> Path:
    """The cached N-Quads file of about ``triples`` quads (written when missing)."""
    template = build_template(source)
    plans = plans_for(template, triples)
    total = template.base_triples + plans * template.triples_per_plan
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"nap-kg-{total}.nq"
    if target.exists():
        if target.name not in read_checksums(cache):
            _list_checksum(target)
        return target
    partial = target.with_suffix(".nq.part")
    with partial.open("w", encoding="utf-8") as out:
        out.write(template.base.decode("utf-8"))
        for k in range(plans):
            out.write(render_plan(template, k))
    partial.rename(target)
    _list_checksum(target)
    return target


def quads_in(path: Path) -> int:
    """The number of quads of a file :func:`generate` wrote: its name says it (``nap-kg-N.nq``)."""
    return int(path.stem.removeprefix("nap-kg-"))


def _list_checksum(path: Path) -> None:
    """Add ``path`` to the ``SHA256SUMS`` of its directory: the file is valid N-Quads by construction, so
    nap-kg may load it without re-validating, as it does the dumps of ``napkg build`` (napkg_server.data.checksums);
    the Oxigraph server gets ``--lenient`` in bench/load.py for the same reason."""
    sums = read_checksums(path.parent) | {path.name: sha256_of(path)}
    lines = [f"{digest}  {name}\n" for name, digest in sorted(sums.items()) if (path.parent / name).is_file()]
    (path.parent / CHECKSUMS).write_text("".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True, help="approximate size (quads) to generate")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="directory of the generated files")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="the real dataset (TriG or N-Quads)")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"{args.source}: missing; run `napkg build` first or pass --source", file=sys.stderr)
        return 1
    start = time.perf_counter()
    path = generate(args.triples, args.cache, args.source)
    print(f"{path}  ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
