"""Markup is written by templates only (issue 14, item 7): no module of the three packages builds HTML or SVG
in Python strings, and the templates escape what they print, SVG included."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import napkg_cli
import napkg_graph
import napkg_server
import pytest
from napkg_server.templating import make_environment
from napkg_server.web import svg

from tests.support.code_literals import literals_outside_docstrings

PACKAGES = [Path(package.__file__).parent for package in (napkg_server, napkg_graph, napkg_cli)]
TAG = re.compile(
    r"</?(?:svg|html|head|body|div|table|thead|tbody|tr|td|th|p|ul|ol|li|a|span|em|strong|code|pre|dl|dt|dd|"
    r"section|nav|main|header|form|option|select|textarea|h[1-6]|rect|text|line|path|g|title)[\s>/]"
)


def markup_in(source: str) -> list[str]:
    return [
        f"line {line}: {text[:60]!r}"
        for line, text in literals_outside_docstrings(ast.parse(source))
        if TAG.search(text)
    ]


def test_the_check_finds_markup() -> None:
    assert markup_in("x = f'<rect x=\"{x}\"/>'") == ["line 1: '<rect x=\"'"]
    assert markup_in('def f():\n    """A ``<dd>`` per value."""\n    return "<p>" + s') == ["line 3: '<p>'"]
    assert markup_in('q = "SELECT * { <a> ?p ?o }"') == ["line 1: 'SELECT * { <a> ?p ?o }'"]
    assert markup_in('"""Writes <svg> pictures."""\nQUERY = "<http://ex/a>"') == []


@pytest.mark.parametrize("module", sorted(p for package in PACKAGES for p in package.rglob("*.py")), ids=str)
def test_no_markup_outside_templates(module: Path) -> None:
    assert markup_in(module.read_text("utf-8")) == []


def test_svg_templates_are_autoescaped() -> None:
    env = make_environment()
    assert env.autoescape("svg/status_bars.svg.j2") is True  # type: ignore[operator]
    strings = {"status_axis": "A <b>", "nap_pillar": "P&", "status_title": 'T "q"', "nothing": "-"}
    picture = svg.status_bars({1: {"k<1>": 2}}, {"k<1>": "x <script>"}, strings)
    assert 'aria-label="T &quot;q&quot;"' in picture
    assert 'data-status="k&lt;1&gt;"' in picture
    assert ">x &lt;script&gt; (2)</text>" in picture
    assert ">A &lt;b&gt;</text>" in picture
    assert "<script>" not in picture and "<b>" not in picture
