"""Find the bare keywords of a SPARQL text without parsing it.

pyoxigraph exposes no query algebra to Python, yet the endpoint must know three
things before evaluating: whether the query uses ``SERVICE`` and to which endpoints
(pyoxigraph would open a network connection, so only allow-listed IRIs pass; see
:func:`service_endpoints`), whether it names its own dataset
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
>>> service_endpoints("SELECT * { SERVICE SILENT <http://a/> {} SERVICE ?e {} SERVICE ex:b {} }")
['http://a/', None, None]
>>> refused_services("SELECT * { SERVICE <http://a/> {} }", frozenset({"http://a/"}))
[]
>>> refused_services("SELECT * { SERVICE <http://b/> {} SERVICE ?x {} }", frozenset({"http://a/"}))
['<http://b/>', '?x']
"""

from __future__ import annotations

import re
from functools import lru_cache

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


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of every token but comments, after decoding ``\\u`` escapes."""
    return [
        (match.lastgroup or "other", match.group())
        for match in _TOKEN.finditer(_decode_codepoints(text))
        if match.lastgroup != "comment"
    ]


def token_spans(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of every token but comments, as written (``\\u`` escapes not decoded),
    for rewriting a query in place (:mod:`napkg_server.inline_bindings`)."""
    return [
        (match.lastgroup or "other", match.group(), match.start())
        for match in _TOKEN.finditer(text)
        if match.lastgroup != "comment"
    ]


def keywords(text: str) -> frozenset[str]:
    """The upper-cased bare words of ``text`` (keywords such as SELECT, FROM, SERVICE)."""
    # Clients repeat the same queries; short ones are remembered (long ones would fill memory).
    return _remembered_keywords(text) if len(text) <= _REMEMBERED_LENGTH else _keywords(text)


_REMEMBERED_LENGTH = 4096


def _keywords(text: str) -> frozenset[str]:
    return frozenset(token.upper() for kind, token in _tokens(text) if kind == "word")


_remembered_keywords = lru_cache(maxsize=1024)(_keywords)


def _service_clauses(text: str) -> list[tuple[str, str | None]]:
    """Per ``SERVICE``: the endpoint token as written and the IRI when it is ``<...>``."""
    tokens = _tokens(text)
    found: list[tuple[str, str | None]] = []
    for at, (kind, token) in enumerate(tokens):
        if kind != "word" or token.upper() != "SERVICE":
            continue
        rest = tokens[at + 1 : at + 3]
        if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
            rest = rest[1:]
        if not rest:
            found.append(("(nothing)", None))
        else:
            found.append((rest[0][1], rest[0][1][1:-1] if rest[0][0] == "iri" else None))
    return found


def service_endpoints(text: str) -> list[str | None]:
    """The endpoint of every ``SERVICE`` in ``text``, in order: the IRI written as ``<...>``,
    or None when it is anything else (a variable, a prefixed name, nothing), which cannot be
    checked before evaluation."""
    return [iri for _, iri in _service_clauses(text)]


def refused_services(text: str, allowed: frozenset[str]) -> list[str]:
    """The SERVICE endpoints of ``text`` that are not in ``allowed``, as written; empty when
    every SERVICE may run.

    Only absolute IRIs written out in full can match: a relative IRI, a prefixed name or a
    variable (``SERVICE ?x``, bound by VALUES or BIND) is always refused.
    """
    return [written for written, iri in _service_clauses(text) if iri is None or iri not in allowed]


def update_keywords(text: str) -> list[str]:
    """The SPARQL Update keywords in ``text``, sorted; empty for a query."""
    return sorted(keywords(text) & UPDATE_KEYWORDS)
