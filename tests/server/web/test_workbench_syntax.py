"""The editor's syntax check (tools/workbench/src/syntax.js, sparqljs) against the engine's parser: every saved and
competency question passes both, and each broken query below fails both, marked at the token the parser refused.
Needs node and ``npm ci --prefix tools/workbench`` (as tests/bootstrap.sh does); without them the test fails."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pyoxigraph
import pytest

WORKBENCH = Path(__file__).resolve().parents[3] / "tools" / "workbench"

# (query, the text the editor must mark): the refused token, or for an unknown prefix the prefixed name's prefix.
BROKEN = [
    ("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = )\n}", ")"),
    ("SELECT ?s WHERE { ?s ?p ?o }}", "}"),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMT 3", "LIMT"),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT ?x", "?x"),
    ("SELECT ?s WHERE { ?s foo:bar ?o }", "foo:"),
    (
        "PREFIX nap: <https://w3id.org/nap-kg/def/>\n"
        "SELECT ?s WHERE {\n  ?s a nap:ActionPoint ;\n    nap:number ?n ..\n}",
        ".",
    ),
    ("SELECT (COUNT(?s) ?n) WHERE { ?s ?p ?o }", "?n"),
]


def marks(texts: list[str]) -> list[dict[str, object] | None]:
    node = shutil.which("node")
    if node is None or not (WORKBENCH / "node_modules" / "sparqljs").is_dir():
        pytest.fail(f"needs node and `npm ci --prefix {WORKBENCH}`", pytrace=False)
    done = subprocess.run(
        [node, str(WORKBENCH / "test" / "syntax_errors.mjs")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer: list[dict[str, object] | None] = json.loads(done.stdout)
    return answer


def engine_accepts(text: str) -> bool:
    try:
        pyoxigraph.Store().query(text)
    except SyntaxError:
        return False
    return True


def test_no_saved_or_competency_question_is_marked() -> None:
    folder = resources.files("napkg_graph") / "queries"
    texts = {
        f"{kind}/{entry.name}": entry.read_text("utf-8")
        for kind in ("competency", "saved")
        for entry in (folder / kind).iterdir()
        if entry.name.endswith(".rq")
    }
    assert len(texts) >= 30
    marked = dict(zip(texts, marks(list(texts.values())), strict=True))
    assert {name: m for name, m in marked.items() if m is not None} == {}


def test_broken_queries_are_marked_at_the_token_the_parser_refused() -> None:
    for (text, token), mark in zip(BROKEN, marks([t for t, _ in BROKEN]), strict=True):
        assert not engine_accepts(text), text
        assert mark is not None, text
        assert text[int(str(mark["from"])) : int(str(mark["to"]))] == token, (text, mark)
