"""Find the bare keywords of a SPARQL text without parsing it, in one linear pass.

pyoxigraph exposes no query algebra to Python, yet the endpoint must know some things
before evaluating: whether the query uses ``SERVICE`` and to which endpoints
(pyoxigraph would open a network connection, so only allow-listed IRIs pass; see
:func:`service_endpoints`), whether it names its own dataset
with ``FROM``/``FROM NAMED`` (then the union default graph must not override it),
how deeply it nests brackets (the engine's parser and evaluator recurse, and a deep enough
query overflows a worker's stack: :func:`nesting_depth`), and whether a text that failed
to parse as a query is a SPARQL Update.

Strings, IRIs, comments, variables, prefixed names and language tags are skipped,
so ``"SERVICE"``, ``?from`` or ``ex:service`` are not keywords.

The scan runs on the event loop, so it must be cheap for any text up to the length limit:
every branch of :data:`_TOKEN` either matches or fails after looking at a bounded stretch
that no later match looks at again (an unterminated string runs to the end of its line or of
the text instead of failing after a long look; a run of name characters is taken whole), so
the time is linear in the length (``tests/server/engine/test_query_scan.py`` measures it). One
:class:`Scan` per text is kept, so the checks of one request share one pass.

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
>>> nesting_depth("SELECT * { { ?s ?p ?o FILTER(STR(?o) = '{{{') } }")
4
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

# SPARQL 1.1 §19.2: \u and \U escapes are decoded before the grammar applies.
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# Possessive loops (*+) never give back what they took. A short string ends at its closing quote
# or at the end of its line: the engine refuses an unterminated one, so nothing after it is
# evaluated, and it is not read again from every later quote. A long string needs its closing
# quotes, as for the engine ('''' is two empty strings); it can fail at most three times in a
# text (no ''' follows the first failure), so its look to the end stays linear.
_SKIPPED = r"""
    (?P<comment>\#[^\n\r]*+)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*+>)
    | (?P<string>'''(?:[^'\\]|\\.?|'(?!''))*+'''
               |\"\"\"(?:[^"\\]|\\.?|"(?!""))*+\"\"\"
               |'(?:[^'\\\n\r]|\\.?)*+(?:'|(?=[\n\r])|\Z)
               |"(?:[^"\\\n\r]|\\.?)*+(?:"|(?=[\n\r])|\Z))
    | (?P<variable>[?$]\w++)
    | (?P<prefixed>[\w.-]*+:(?:[\w.:%-]|\\.)*+)
    | (?P<language>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)
"""
_TOKEN = re.compile(_SKIPPED + r"| (?P<run>[\w.-]++) | (?P<other>\S)", re.VERBOSE | re.DOTALL)
# The same tokens, for a scan that stays inside the regex engine: what is skipped is cut out, and
# the rest is kept in stretches as long as possible (a "<", "?" or "@" that starts no token
# joins them; a run before a colon does not, it begins a prefixed name).
_KEEP = re.compile(
    _SKIPPED
    + r"""| (?P<keep>(?:[^\#<'"?$@:\w.-]++ | [\w.-]++(?!:) | <(?![^<>"{}|^`\\\x00-\x20]*+>)
                  | [?$](?!\w) | @(?![A-Za-z]))++
              | \S)""",
    re.VERBOSE | re.DOTALL,
)
# A run of name characters without a colon holds words (keywords) between dots, digits and
# hyphens: ``?o.SERVICE`` is a variable, a dot and the keyword SERVICE.
_WORD = re.compile(r"[A-Za-z_]\w*+")

Token = tuple[str, str, int]  # kind, text as written, offset


@dataclass(frozen=True)
class Scan:
    """What the endpoint needs to know of a query text before evaluating it."""

    keywords: frozenset[str]
    """The upper-cased bare words (SELECT, FROM, SERVICE, ...)."""
    services: tuple[tuple[str, str | None], ...]
    """Per ``SERVICE``: the endpoint token as written, and its IRI when it is written ``<...>``."""
    depth: int
    """The deepest nesting of ``{``, ``(`` and ``[`` (outside strings, IRIs and comments)."""


def _decode_codepoints(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:  # beyond U+10FFFF: leave it for the parser to reject
            return match.group(0)

    return _CODEPOINT_ESCAPE.sub(decode, text)


def _spans(text: str) -> list[Token]:
    """(kind, text, offset) of every token but comments; a run without a colon is split into its
    words and the stretches between them (kind ``other``)."""
    tokens: list[Token] = []
    append = tokens.append
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "run":
            run, start, at = match.group(), match.start(), 0
            for word in _WORD.finditer(run):
                if word.start() > at:
                    append(("other", run[at : word.start()], start + at))
                append(("word", word.group(), start + word.start()))
                at = word.end()
            if at < len(run):
                append(("other", run[at:], start + at))
        elif kind != "comment":
            append((kind, match.group(), match.start()))
    return tokens


def token_spans(text: str) -> list[Token]:
    """(kind, text, offset) of every token but comments, as written (``\\u`` escapes not decoded),
    for rewriting a query in place (:mod:`napkg_server.engine.inline_bindings`)."""
    return _spans(text)


# For keywords and depth no Python runs per token: words and brackets are found in what _KEEP leaves.
_BRACKET = re.compile(r"[{}()[\]]")
_STEP = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}


def _scan(text: str) -> Scan:
    decoded = _decode_codepoints(text)
    kept = _KEEP.sub(r"\g<keep> ", decoded)
    words = frozenset(map(str.upper, _WORD.findall(kept)))
    deepest = max(accumulate(map(_STEP.__getitem__, _BRACKET.findall(kept))), default=0)
    services = _services(decoded) if "SERVICE" in words else ()
    return Scan(words, services, max(deepest, 0))


_NEXT = re.compile(r"\s*+([A-Za-z_]\w*+|\S)?")


def _services(decoded: str) -> tuple[tuple[str, str | None], ...]:
    """Per SERVICE: what follows it (after an optional SILENT), as written, and the IRI if it is one.

    Walks the tokens of :data:`_KEEP` (stretches and skipped tokens), so the Python work is per
    skipped token and per word, never per character.
    """
    found: list[tuple[str, str | None]] = []
    state = ""  # "service": a SERVICE waits for its endpoint; "silent": a SERVICE SILENT does

    def follow(piece: str, iri: str | None) -> None:
        nonlocal state
        if state == "service" and iri is None and piece.upper() == "SILENT":
            state = "silent"
        else:
            found.append((piece, iri))
            # ``SERVICE SERVICE <x>``: the endpoint of the first is the second, a SERVICE of its own
            state = "service" if iri is None and piece.upper() == "SERVICE" else ""

    for match in _KEEP.finditer(decoded):
        kind, token = match.lastgroup, match.group()
        if kind == "comment":
            continue
        if kind != "keep":
            if state:
                follow(token, token[1:-1] if kind == "iri" else None)
            continue
        at = 0
        while True:
            if state:  # the next piece of this stretch, if any, is what follows
                piece = _NEXT.match(token, at)
                assert piece is not None  # _NEXT matches the empty string
                if piece.group(1) is None:
                    break
                at = piece.end()
                follow(piece.group(1), None)
                continue
            word = _WORD.search(token, at)
            if word is None:
                break
            at = word.end()
            if word.group().upper() == "SERVICE":
                state = "service"
    if state:
        found.append(("(nothing)", None))
    return tuple(found)


# Clients repeat the same queries, and one request asks several questions of one text: short
# texts are remembered by the thousand, long ones (up to the length limit each) by the few.
_REMEMBERED_LENGTH = 4096
_scan_short = lru_cache(maxsize=1024)(_scan)
_scan_long = lru_cache(maxsize=8)(_scan)


def scan(text: str) -> Scan:
    """The :class:`Scan` of ``text`` (computed once per text while it is remembered)."""
    return _scan_short(text) if len(text) <= _REMEMBERED_LENGTH else _scan_long(text)


def keywords(text: str) -> frozenset[str]:
    """The upper-cased bare words of ``text`` (keywords such as SELECT, FROM, SERVICE)."""
    return scan(text).keywords


def nesting_depth(text: str) -> int:
    """How deeply ``text`` nests ``{``, ``(`` and ``[``."""
    return scan(text).depth


def service_endpoints(text: str) -> list[str | None]:
    """The endpoint of every ``SERVICE`` in ``text``, in order: the IRI written as ``<...>``,
    or None when it is anything else (a variable, a prefixed name, nothing), which cannot be
    checked before evaluation."""
    return [iri for _, iri in scan(text).services]


def refused_services(text: str, allowed: frozenset[str]) -> list[str]:
    """The SERVICE endpoints of ``text`` that are not in ``allowed``, as written; empty when
    every SERVICE may run.

    Only absolute IRIs written out in full can match: a relative IRI, a prefixed name or a
    variable (``SERVICE ?x``, bound by VALUES or BIND) is always refused.
    """
    return [written for written, iri in scan(text).services if iri is None or iri not in allowed]


def update_keywords(text: str) -> list[str]:
    """The SPARQL Update keywords in ``text``, sorted; empty for a query."""
    return sorted(keywords(text) & UPDATE_KEYWORDS)
