r"""What the embedded engine takes beside a query, made part of what a remote endpoint gets.

The embedded engine gets a query's bound values beside its text (pyoxigraph's ``substitutions``,
SEP-0007) and its base IRI as an option. A SPARQL 1.1 endpoint takes only text, so :func:`inline`
writes the values as an inline ``VALUES`` block, the *first* element of the query's outermost
WHERE group, and :func:`with_base` puts a ``BASE`` before the query. A trailing ``VALUES`` clause
would be wrong: it is joined with the final solutions, after GROUP BY and the aggregates. The other
way round, :func:`dataset_of` reads the graphs of FROM/FROM NAMED, to send as protocol parameters.

The values are written by pyoxigraph (``str()`` of a :class:`~pyoxigraph.NamedNode` or
:class:`~pyoxigraph.Literal` is its N-Triples form, which is valid SPARQL), never pasted as text.
The group is found with the lexer of :mod:`napkg_server.engine.query_scan`, which skips strings, IRIs and
comments; a CONSTRUCT template is skipped, and a group that is one subquery gets wrapped (VALUES
cannot stand before a bare SubSelect).

Unlike substitution, a variable bound this way is bound by a join in the outermost group, so a FILTER
or BIND in a nested group or subquery that uses it without binding it there sees it unbound. The
server's queries and saved questions do not do that; ``tests/server/engine/test_inline_bindings.py`` runs every one
of them both ways on the built dataset.

>>> from pyoxigraph import Literal, NamedNode
>>> inline("SELECT ?n WHERE { ?ap <http://ex/number> ?n }", {"ap": NamedNode("http://ex/ap17")})
'SELECT ?n WHERE { VALUES (?ap) { (<http://ex/ap17>) } ?ap <http://ex/number> ?n }'
>>> inline('CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }', {"s": Literal('a"b', language="nl"), "p": Literal("1")})
'CONSTRUCT { ?s ?p "{" } WHERE { VALUES (?p ?s) { ("1" "a\\"b"@nl) } ?s ?p ?o }'
>>> inline("SELECT * { SELECT ?x { ?x ?p ?o } }", {"x": NamedNode("http://ex/x")})
'SELECT * { VALUES (?x) { (<http://ex/x>) } { SELECT ?x { ?x ?p ?o } } }'
>>> inline("SELECT (EXISTS { ?a ?b ?c } AS ?e) # {\nWHERE { }", {"a": NamedNode("http://ex/a")})
'SELECT (EXISTS { ?a ?b ?c } AS ?e) # {\nWHERE { VALUES (?a) { (<http://ex/a>) } }'
>>> inline("CONSTRUCT WHERE { ?s ?p ?o }", {"s": NamedNode("http://ex/s")})
Traceback (most recent call last):
...
ValueError: CONSTRUCT WHERE (the short form) takes no VALUES: write the template out
>>> dataset_of("PREFIX g: <http://ex/g/> SELECT * FROM g:a FROM NAMED <b> FROM NAMED g:c { }", "http://ex/")
(['http://ex/g/a'], ['http://ex/b', 'http://ex/g/c'])
>>> with_base("SELECT * { <a> ?p ?o }", "http://ex/")
'BASE <http://ex/> SELECT * { <a> ?p ?o }'
>>> with_base("SELECT * { <http://ex/a> ?p ?o }", "http://ex/")
'SELECT * { <http://ex/a> ?p ?o }'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin

from pyoxigraph import Literal, NamedNode, Variable

from napkg_server.engine.query_scan import token_spans

Term = NamedNode | Literal
Token = tuple[str, str, int]

_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
_ABSOLUTE_IRI = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:")


def values_block(bindings: Mapping[str, Term]) -> str:
    """``VALUES (?a ?b) { (term term) }``: one row, the variables in name order."""
    names = sorted(bindings)
    variables = " ".join(str(Variable(name)) for name in names)  # Variable() refuses a bad name
    row = " ".join(_term(bindings[name]) for name in names)
    return f"VALUES ({variables}) {{ ({row}) }}"


def _term(value: object) -> str:
    if not isinstance(value, NamedNode | Literal):  # blank nodes and triple terms cannot be written in VALUES
        raise TypeError(f"only IRIs and literals can be bound inline, not {type(value).__name__}")
    return str(value)


def inline(query: str, bindings: Mapping[str, Term]) -> str:
    """``query`` with ``bindings`` as a VALUES block opening its outermost WHERE group."""
    if not bindings:
        return query
    tokens = token_spans(query)
    opening, closing = _where_group(tokens)
    block = values_block(bindings)
    start = tokens[opening][2] + 1
    first = tokens[opening + 1] if opening + 1 < closing else None
    if first is not None and first[0] == "word" and first[1].upper() == "SELECT":
        end = tokens[closing][2]
        return f"{query[:start]} {block} {{{query[start:end]}}} {query[end:]}"
    return f"{query[:start]} {block}{query[start:]}"


def with_base(query: str, base_iri: str) -> str:
    """``query`` after ``BASE <base_iri>`` when it holds a relative IRI (on the same line, so that the
    line numbers of an engine's error messages stay right)."""
    if any(kind == "iri" and not _ABSOLUTE_IRI.match(text) for kind, text, _ in token_spans(query)):
        return f"BASE {NamedNode(base_iri)} {query}"
    return query


def dataset_of(query: str, base_iri: str) -> tuple[list[str], list[str]]:
    """The IRIs of the query's FROM and of its FROM NAMED clauses (prefixed names and relative IRIs
    resolved), to send as ``default-graph-uri``/``named-graph-uri``: an engine whose default graph is
    the union of its graphs may put that above FROM (Oxigraph does), never above the protocol's."""
    tokens = token_spans(query)
    base, prefixes = base_iri, {}
    default: list[str] = []
    named: list[str] = []
    for at, (kind, text, _) in enumerate(tokens):
        word = text.upper() if kind == "word" else ""
        after = tokens[at + 1 : at + 3]
        if word == "BASE" and after and after[0][0] == "iri":
            base = urljoin(base, after[0][1][1:-1])
        elif word == "PREFIX" and len(after) == 2 and after[0][0] == "prefixed" and after[1][0] == "iri":
            prefixes[after[0][1].removesuffix(":")] = urljoin(base, after[1][1][1:-1])
        elif word == "FROM" and after:
            is_named = after[0][0] == "word" and after[0][1].upper() == "NAMED"
            target = after[1:] if is_named else after[:1]
            if target:
                (named if is_named else default).append(_resolve(target[0], base, prefixes))
    return default, named


def _resolve(token: Token, base: str, prefixes: dict[str, str]) -> str:
    kind, text, _ = token
    if kind == "iri":
        return urljoin(base, text[1:-1])
    prefix, _, local = text.partition(":")
    if kind != "prefixed" or prefix not in prefixes:
        raise ValueError(f"cannot resolve the graph name {text!r}")
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)  # PN_LOCAL_ESC: \- stands for -


def _where_group(tokens: list[Token]) -> tuple[int, int]:
    """Token indexes of the ``{`` and ``}`` of the outermost WHERE group."""
    form = next((i for i, (kind, text, _) in enumerate(tokens) if kind == "word" and text.upper() in _FORMS), None)
    if form is None:
        raise ValueError("not a SPARQL query: no SELECT, CONSTRUCT, DESCRIBE or ASK")
    at = form + 1
    if tokens[form][1].upper() == "CONSTRUCT" and at < len(tokens):
        if tokens[at][1] == "{":
            at = _closing(tokens, at) + 1  # the template
        elif tokens[at][1].upper() == "WHERE":
            raise ValueError("CONSTRUCT WHERE (the short form) takes no VALUES: write the template out")
    parentheses = 0  # a SELECT expression may hold EXISTS { ... }
    for i in range(at, len(tokens)):
        text = tokens[i][1]
        if text == "(":
            parentheses += 1
        elif text == ")":
            parentheses -= 1
        elif text == "{" and parentheses == 0:
            return i, _closing(tokens, i)
    raise ValueError("the query has no WHERE group to hold the values")


def _closing(tokens: list[Token], opening: int) -> int:
    depth = 0
    for i in range(opening, len(tokens)):
        if tokens[i][1] == "{":
            depth += 1
        elif tokens[i][1] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced braces in the query")
