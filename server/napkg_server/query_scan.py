"""Find the bare keywords of a SPARQL text without parsing it.

pyoxigraph exposes no query algebra to Python, yet the endpoint must know three
things before evaluating: whether the query uses ``SERVICE`` (pyoxigraph would
open a network connection, so it is refused), whether it names its own dataset
with ``FROM``/``FROM NAMED`` (then the union default graph must not override it),
and whether a text that failed to parse as a query is a SPARQL Update.

Strings, IRIs, comments, variables, prefixed names and language tags are skipped,
so ``"SERVICE"``, ``?from`` or ``ex:service`` are not keywords.

>>> sorted(keywords('SELECT ?from { ?s ex:service "SERVICE" } # FROM'))
['SELECT']
>>> sorted(keywords("ask from <http://ex/g> { }"))
['ASK', 'FROM']
>>> "SERVICE" in keywords(r"SELECT * { \\u0053ERVICE <http://ex/s> { ?s ?p ?o } }")
True
>>> update_keywords("PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:b ex:c }")
['INSERT']
"""

from __future__ import annotations

import re

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

# SPARQL 1.1 §19.2: \u and \U escapes are decoded before the grammar applies.
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_TOKEN = re.compile(
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


def _decode_codepoints(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:  # beyond U+10FFFF: leave it for the parser to reject
            return match.group(0)

    return _CODEPOINT_ESCAPE.sub(decode, text)


def keywords(text: str) -> frozenset[str]:
    """The upper-cased bare words of ``text`` (keywords such as SELECT, FROM, SERVICE)."""
    found = set()
    for match in _TOKEN.finditer(_decode_codepoints(text)):
        if match.lastgroup == "word":
            found.add(match.group().upper())
    return frozenset(found)


def update_keywords(text: str) -> list[str]:
    """The SPARQL Update keywords in ``text``, sorted; empty for a query."""
    return sorted(keywords(text) & UPDATE_KEYWORDS)
