"""The keyword scan in front of every query (:mod:`napkg_server.engine.query_scan`) is linear in the text.

Before issue 13 the prefixed-name branch of the scan rescanned from every position: 99 KB of dots
took 36 s. Time ratios, not wall-clock limits: the same text repeated to a quarter of the length
limit and to the limit itself must take at most 8 times as long (linear: 4; quadratic: 16).
The scan must still find what the old one found, which a copy of the old tokenizer checks.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from napkg_server.engine.query_scan import _scan, nesting_depth, scan, service_endpoints
from napkg_server.settings import Settings

LIMIT = Settings().max_query_length
# Pieces that made some branch of the old scan look far ahead and fail, first.
HOSTILE = [".", "1", "'\\", '"\\', "a.", "x1.", "-", "<a", "?", "@a-", "'''\\'", "{", "a ", "\\u0041", "ex:"]


def cpu_times(texts: list[str], repeats: int) -> list[float]:
    """The least CPU time of this thread (not wall-clock: other processes do not count) to scan each
    text, measured in turns so that a busy moment of the machine falls on all of them alike."""
    best = [float("inf")] * len(texts)
    for _ in range(repeats):
        for at, text in enumerate(texts):
            start = time.thread_time()
            _scan(text)  # the uncached scan
            best[at] = min(best[at], time.thread_time() - start)
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HOSTILE) | st.text(alphabet=".:1a'\"\\<>?@#{ -_\n", min_size=1, max_size=6))
@example(".")  # 99 KB of these took 36 s before
@example("9")  # a 40,000-digit number, 19.6 s
def test_scan_time_grows_linearly_up_to_the_length_limit(unit: str) -> None:
    long = unit * (LIMIT // len(unit))
    short = long[: len(long) // 4]
    short_time, long_time = cpu_times([short, long], 5)
    ratio = long_time / max(short_time, 1e-4)
    assert ratio < 8, f"{unit!r}: {ratio:.1f}x the time for 4x the text"


# The tokenizer before issue 13 (quadratic, so only for short texts): the reference for what is a keyword.
_OLD = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<variable>[?$]\w+)
    | (?P<prefixed>[\w.-]*:(?:[\w.:%-]|\\.)*)
    | (?P<language>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<word>[A-Za-z_]\w*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


def old_tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "", m.group()) for m in _OLD.finditer(text) if m.lastgroup != "comment"]


PIECES = st.sampled_from(
    [
        "SELECT",
        "SERVICE",
        "service",
        "SILENT",
        "FROM",
        "NAMED",
        "WHERE",
        "INSERT",
        "<http://a/>",
        "<http://b/x>",
        "?x",
        "$y",
        "?from",
        "ex:",
        "ex:service",
        ":a",
        "a.b",
        "1.5",
        "-",
        ".",
        "'s'",
        '"SERVICE"',
        "'''x'''",
        '"""y"""',
        "@en",
        "@en-GB",
        "#c\n",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        " ",
        "\n",
        "x1",
        "_a",
        "\\",
        "<",
        ">",
        ";",
        ",",
        "*",
        "é",
        "^^",
        "'",
        '"',
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_scan_finds_what_the_old_scan_found(text: str) -> None:
    tokens = old_tokens(text)
    # Where a quote opened no string the old scan read on after it; the engine refuses such texts.
    assume(not any(kind == "other" and token in "'\"" for kind, token in tokens))
    found = scan(text)
    assert found.keywords == {token.upper() for kind, token in tokens if kind == "word"}
    old_services = []
    for at, (kind, token) in enumerate(tokens):
        if kind == "word" and token.upper() == "SERVICE":
            rest = tokens[at + 1 : at + 3]
            if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
                rest = rest[1:]
            old_services.append(rest[0][1][1:-1] if rest and rest[0][0] == "iri" else None)
    assert service_endpoints(text) == old_services
    depth = deepest = 0
    for kind, token in tokens:
        if kind == "other" and token in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and token in "})]":
            depth -= 1
    assert found.depth == deepest


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("ASK {}", 1),
        ("SELECT * WHERE " + "{" * 2200 + "}" * 2200, 2200),
        ("SELECT * { ?s ?p ?o FILTER(STR(?o) = '{{{' && ?o != <x{y>) } # ((((", 3),
        ("SELECT * { [ <p> ( 1 2 ( 3 ) ) ] }", 4),
        ("}}} {", 0),  # never negative (the engine refuses it at the first "}")
        ("SELECT * { " + " UNION ".join(["{}"] * 7000) + " }", 2),  # long, but not deep
    ],
)
def test_nesting_depth(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_an_unterminated_string_ends_at_its_line() -> None:
    """The engine refuses a string without its closing quote; the scan reads past it at the line's end
    (and not from every later position, as the old scan did)."""
    assert scan("SELECT * { ?s ?p 'SERVICE <http://a/> }\n FROM <g>").keywords == {"SELECT", "FROM"}
    assert scan('ASK { """ SERVICE } ').keywords == {"ASK"}
