"""The competency questions of the build (``napkg_graph/queries/competency/*.rq``) as ready
examples for the query page: the opening comment is the title."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    query: str


def leading_comment(text: str) -> str:
    """The comment the query opens with (its title), its lines joined.

    >>> leading_comment("# Which action points\\n# are late?\\nSELECT ...")
    'Which action points are late?'
    """
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines).strip()


def competency_examples() -> tuple[Example, ...]:
    """Every competency query, in file-name order; none when napkg_graph is not installed."""
    try:
        folder = resources.files("napkg_graph") / "queries" / "competency"
    except ModuleNotFoundError:
        return ()
    examples = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text("utf-8")
        title = leading_comment(text) or entry.name
        examples.append(Example(entry.name.removesuffix(".rq"), title, text))
    return tuple(examples)
