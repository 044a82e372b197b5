"""Full-text search inside SPARQL: the property function ``nap:textSearch``, answered from the text index.

A triple pattern with ``nap:textSearch`` as its predicate is replaced, before the query is evaluated, by a
``VALUES`` block with the hits of the server's full-text index (:mod:`napkg_server.data.text_index`); the
engine then joins the rest of the query with those rows only, instead of testing every literal as a
``FILTER(REGEX(...))`` or ``CONTAINS`` does. As the rewritten text is plain SPARQL 1.1, the same rewrite serves
an external engine (``napkg serve --remote``) and gives the same answers there; the workers need no index.

The forms (as Apache Jena's ``text:query``; the object is a string in the index's query language, see
:mod:`napkg_server.data.text_index`, optionally with a language tag that keeps only text in that language):

* ``?s nap:textSearch "q"``: the subjects with a matching text;
* ``(?s ?score) nap:textSearch "q"``: with their best score (``xsd:decimal``, BM25, higher is better);
* ``(?s ?score ?text) nap:textSearch "q"``: each matching text (the literal as stored) with its score;
* the object may be a list ``(rdfs:label "q" 20)``: only that predicate's text, at most 20 hits.

At most :data:`MAX_HITS` hits (the best) per pattern, fewer if the list says so; at most :data:`MAX_PATTERNS`
patterns per query. The pattern must be a triple of its own (ended by ``.`` or ``}``), or the first of a ``;``
list after a single variable (``?s nap:textSearch "q" ; a nap:Explanation``), not a later one.

>>> from pyoxigraph import Literal
>>> from napkg_server.data.text_index import TextIndex
>>> index = TextIndex.build([("urn:a", "urn:p", Literal("Dwangarbeid", language="nl"))])
>>> print(rewrite('PREFIX nap: <https://w3id.org/nap-kg/def/> SELECT * { ?s nap:textSearch "dwangarbeid" }', index))
PREFIX nap: <https://w3id.org/nap-kg/def/> SELECT * { { SELECT * { VALUES ?s { <urn:a> } } } }
>>> print(rewrite('SELECT * { (?s ?n ?t) <https://w3id.org/nap-kg/def/textSearch> "x" . }', index))
SELECT * { { SELECT * { VALUES (?s ?n ?t) { } } } . }
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace

from pyoxigraph import Literal, NamedNode

from napkg_server.data.text_index import TextHit, TextIndex
from napkg_server.engine.evaluation import QueryExecutor, QueryJob, QueryOutcome, QueryRefused, Refusal
from napkg_server.engine.query_scan import _TOKEN  # the endpoint's one SPARQL tokenizer

NAP_NS = "https://w3id.org/nap-kg/def/"
TEXT_SEARCH = NAP_NS + "textSearch"
MAX_HITS = 10_000
MAX_PATTERNS = 16  # per query: each may put MAX_HITS rows into the query text
_XSD_DECIMAL = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
FORM = '?s nap:textSearch "words", (?s ?score) nap:textSearch "words" or (?s ?score ?text) nap:textSearch "words"'


class TextSearchError(ValueError):
    """A ``nap:textSearch`` pattern that cannot be answered (the client's mistake: a 400)."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokens(query: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind != "comment":
            tokens.append(_Token(kind, match.group(), match.start(), match.end()))
    return tokens


def _string_value(token: str) -> str:
    quote = 3 if token[:3] in ('"""', "'''") else 1
    body = token[quote:-quote] if len(token) >= 2 * quote else token[quote:]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


@dataclass(frozen=True)
class _Pattern:
    start: int  # offsets of the triple pattern in the query text
    end: int
    variables: tuple[str, ...]
    query: str
    language: str | None
    predicate: str | None
    limit: int
    continued: bool = False  # ``?s nap:textSearch "q" ; more``: the subject goes on after the VALUES


class _Reader:
    def __init__(self, query: str) -> None:
        self.tokens = _tokens(query)
        self.prefixes: dict[str, str] = {}
        for i, token in enumerate(self.tokens[:-2]):
            following = self.tokens[i + 1 : i + 3]
            if token.text.upper() == "PREFIX" and following[0].kind == "prefixed" and following[1].kind == "iri":
                self.prefixes[following[0].text[:-1]] = following[1].text[1:-1]

    def iri(self, token: _Token) -> str | None:
        if token.kind == "iri":
            return token.text[1:-1]
        if token.kind == "prefixed":
            prefix, _, local = token.text.partition(":")
            if prefix in self.prefixes:
                return self.prefixes[prefix] + local
        return None

    def patterns(self) -> list[_Pattern]:
        return [self._pattern(i) for i, t in enumerate(self.tokens) if self.iri(t) == TEXT_SEARCH]

    def _pattern(self, at: int) -> _Pattern:
        tokens = self.tokens
        if at == 0 or at + 1 >= len(tokens):
            raise TextSearchError(f"nap:textSearch needs a subject and an object: {FORM}.")
        if tokens[at - 1].text in (";", ","):  # a predicate of an earlier subject
            raise TextSearchError(f"write nap:textSearch as a triple pattern of its own: {FORM}.")
        # The subject: a variable, or a list of one to three variables.
        first = at - 1
        if tokens[first].text == ")":
            while first > 0 and tokens[first - 1].kind == "variable":
                first -= 1
            if first == 0 or tokens[first - 1].text != "(" or not 1 <= at - 1 - first <= 3:
                raise TextSearchError(f"the subject of nap:textSearch is one to three variables: {FORM}.")
            variables = tuple(t.text for t in tokens[first : at - 1])
            first -= 1
        elif tokens[first].kind == "variable":
            variables = (tokens[first].text,)
        else:
            raise TextSearchError(f"the subject of nap:textSearch must be a variable or a list of them: {FORM}.")
        if first > 0 and tokens[first - 1].text in (";", ","):
            raise TextSearchError(f"write nap:textSearch as a triple pattern of its own: {FORM}.")
        # The object: "words"[@lang], or ([predicate] "words"[@lang] [limit]).
        last = at + 1
        predicate, limit = None, MAX_HITS
        listed = tokens[last].text == "("
        if listed:
            last += 1
            if last < len(tokens) and tokens[last].kind in ("iri", "prefixed"):
                predicate = self.iri(tokens[last])
                if predicate is None:
                    raise TextSearchError(f"unknown prefix in {tokens[last].text}")
                last += 1
        if last >= len(tokens) or tokens[last].kind != "string":
            raise TextSearchError(f"the object of nap:textSearch is the text to search for, as a string: {FORM}.")
        text = _string_value(tokens[last].text)
        language = None
        if last + 1 < len(tokens) and tokens[last + 1].kind == "language":
            last += 1
            language = tokens[last].text[1:]
        if listed:
            last += 1
            if last < len(tokens) and tokens[last].text.isdigit():
                limit = min(int(tokens[last].text), MAX_HITS)
                last += 1
            if last >= len(tokens) or tokens[last].text != ")":
                raise TextSearchError('the object list of nap:textSearch is ([predicate] "words" [limit]).')
        continued = last + 1 < len(tokens) and tokens[last + 1].text == ";" and tokens[first].kind == "variable"
        if continued:
            last += 1
        elif last + 1 < len(tokens) and tokens[last + 1].text in (";", ","):
            raise TextSearchError(f"write nap:textSearch as a triple pattern of its own: {FORM}.")
        return _Pattern(tokens[first].start, tokens[last].end, variables, text, language, predicate, limit, continued)


def _values(variables: tuple[str, ...], hits: list[TextHit]) -> str:
    """The hits as a VALUES block for ``variables`` (subject, score, text), each row once, best first."""
    rows: dict[tuple[str, ...], None] = {}
    subjects: set[str] = set()
    for hit in hits:
        if len(variables) < 3 and hit.subject in subjects:
            continue  # ?s or (?s ?score): a subject once, with its best score (hits come best first)
        subjects.add(hit.subject)
        score = str(Literal(f"{hit.score:.6f}", datatype=_XSD_DECIMAL))
        rows.setdefault((str(NamedNode(hit.subject)), score, str(hit.literal))[: len(variables)], None)
    if len(variables) == 1:
        values = f"VALUES {variables[0]} {{ " + "".join(r[0] + " " for r in rows) + "}"
    else:
        body = "".join("(" + " ".join(r) + ") " for r in rows)
        values = f"VALUES ({' '.join(variables)}) {{ {body}}}"
    # In a subquery, because the engine joins a VALUES block of a group by a nested loop (5,000 subjects against
    # 20,000 solutions: 8 s) and a subquery by hashing (0.1 s); the answers are the same.
    return f"{{ SELECT * {{ {values} }} }}"


def mentions_text_search(query: str) -> bool:
    """Cheap test before tokenising: the local name appears in the text."""
    return "textSearch" in query


def rewrite(query: str, index: TextIndex) -> str:
    """``query`` with each ``nap:textSearch`` pattern replaced by the VALUES of its hits."""
    if not mentions_text_search(query):
        return query
    patterns = _Reader(query).patterns()
    if len(patterns) > MAX_PATTERNS:
        raise TextSearchError(f"at most {MAX_PATTERNS} nap:textSearch patterns per query; this one has {len(patterns)}")
    for pattern in reversed(patterns):
        hits = index.search(pattern.query, language=pattern.language, predicate=pattern.predicate, limit=pattern.limit)
        values = _values(pattern.variables, hits) + (f" {pattern.variables[0]}" if pattern.continued else "")
        query = query[: pattern.start] + values + query[pattern.end :]
    return query


class TextSearchExecutor:
    """A :class:`~napkg_server.sparql.answers.QueryExecutor` that rewrites text search, then hands on."""

    def __init__(self, executor: QueryExecutor, index: TextIndex | None) -> None:
        self.executor = executor
        self.index = index

    async def execute(self, job: QueryJob, timeout: float) -> QueryOutcome:
        if mentions_text_search(job.query):
            if self.index is None:
                return QueryRefused(Refusal.EVALUATION, "nap:textSearch is not available: this data has no text index")
            try:
                query = await asyncio.to_thread(rewrite, job.query, self.index)
            except TextSearchError as error:
                return QueryRefused(Refusal.SYNTAX, str(error))
            job = replace(job, query=query)
        return await self.executor.execute(job, timeout)
