"""The full-text index over the text of the data: every plain or language-tagged string whose subject is an IRI.

SQLite's FTS5 (in the standard library) keeps the index, with BM25 ranking, phrases and prefixes; Snowball's
stemmers (PyStemmer) reduce each word to its stem, Dutch for Dutch text and English for English, after the
diacritics are folded (``geïnformeerd`` is ``geinformeerd``). Two columns: the stems, for words and phrases,
and the folded words themselves, for prefixes (a stem is not a prefix of the word's longer forms).

The index lives in the server process, in memory, built once per loaded dataset (at start-up and on every
reload, beside the store) from ``queries/text-literals.rq``; an on-disk store (``--store``) keeps it in a file
beside its data, written when the data is loaded and reopened read-only at each start. The query workers never
see it: a query that searches text is rewritten before it is sent (:mod:`napkg_server.engine.text_search`).

The query language (what ``nap:textSearch`` and ``/zoeken?q=`` take):

* words: every word must occur, in any inflection (``ketenverantwoordelijk`` finds
  ``Ketenverantwoordelijkheid``); case and diacritics do not matter;
* ``"an exact phrase"``: these words next to each other, in this order;
* ``prefix*``: any word that starts so (unstemmed: ``ketenverantw*``).

Ranking: BM25 over both columns; when a query of several words finds them as a phrase too, that text
ranks above every text that has them scattered (its score is raised by the highest score of the others).

>>> index = TextIndex.build([
...     ("urn:a", "urn:p", Literal("Ketenverantwoordelijkheid en dwangarbeid", language="nl")),
...     ("urn:b", "urn:p", Literal("Dwangarbeid in de keten; verantwoordelijkheid", language="nl")),
... ])
>>> [hit.subject for hit in index.search("ketenverantwoordelijk")]
['urn:a']
>>> [hit.subject for hit in index.search("keten*")]
['urn:a', 'urn:b']
>>> [hit.subject for hit in index.search('"in de keten"')]
['urn:b']
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information
from pyoxigraph import Literal, NamedNode, Triple

# Letters and digits: the tokens of the index (underscores and punctuation separate them, as in FTS5's unicode61).
_TOKEN = re.compile(r"[^\W_]+")
# A query: quoted phrases, or runs of anything else but spaces and quotes.
_QUERY_PART = re.compile(r'"([^"]*)"?|([^\s"]+)')
MAX_QUERY_TERMS = 32
# The combining marks NFKD splits off letters (the Unicode blocks of combining diacritics).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SCHEMA = """
CREATE TABLE literal(id INTEGER PRIMARY KEY, subject TEXT, predicate TEXT, value TEXT, lang TEXT, datatype TEXT);
CREATE VIRTUAL TABLE text USING fts5(stems, words, content='', tokenize='unicode61 remove_diacritics 0');
"""
_SEARCH = """
SELECT literal.id, -bm25(text)
FROM text JOIN literal ON literal.id = text.rowid
WHERE text MATCH ? AND (? IS NULL OR lower(lang) = ? OR lower(lang) LIKE ? || '-%') AND (? IS NULL OR predicate = ?)
"""
_ROWS = "SELECT id, subject, predicate, value, lang, datatype FROM literal WHERE id IN"


def fold(text: str) -> str:
    """``text`` in lower case without diacritics (ASCII text, most of it, takes the short way).

    >>> fold("Geïnformeerd, ÉÉN")
    'geinformeerd, een'
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def _language(lang: str | None) -> str:
    """The stemmer for a literal's language tag: English for ``en``, Dutch for everything else."""
    return "english" if lang and lang.lower().split("-")[0] == "en" else "dutch"


class _Stems:
    """Stems of folded words, remembered: the vocabulary is small beside the number of words."""

    def __init__(self) -> None:
        self._known: dict[str, dict[str, str]] = {"dutch": {}, "english": {}}

    def stem(self, word: str, language: str) -> str:
        return self.stems([word], language)[0]

    def stems(self, words: list[str], language: str) -> list[str]:
        known = self._known[language]
        new = [w for w in words if w not in known]
        if new:
            known.update(zip(new, _stemmer(language).stemWords(new), strict=True))
        return [known[w] for w in words]


@dataclass(frozen=True)
class TextHit:
    """One statement whose text matches, with its BM25 score (higher is better)."""

    subject: str
    predicate: str
    literal: Literal
    score: float


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]  # folded
    prefix: bool  # the last word is a prefix


def parse_query(query: str) -> list[_Term]:
    """The terms of a query: phrases (quoted, or a word that holds punctuation such as ``EU-wet``) and words.

    >>> parse_query('Dwangarbeid "in de keten" ketenverantw* EU-wet')  # doctest: +NORMALIZE_WHITESPACE
    [_Term(words=('dwangarbeid',), prefix=False), _Term(words=('in', 'de', 'keten'), prefix=False),
     _Term(words=('ketenverantw',), prefix=True), _Term(words=('eu', 'wet'), prefix=False)]
    """
    terms: list[_Term] = []
    for match in _QUERY_PART.finditer(query):
        phrase, word = match.groups()
        text = phrase if phrase is not None else word
        words = tuple(_TOKEN.findall(fold(text)))
        if words:
            terms.append(_Term(words, prefix=phrase is None and word.endswith("*")))
    return terms[:MAX_QUERY_TERMS]


def _hit(row: tuple[str, str, str, str | None, str], score: float) -> TextHit:
    subject, predicate, value, lang, datatype = row
    literal = Literal(value, language=lang) if lang else Literal(value, datatype=NamedNode(datatype))
    return TextHit(subject, predicate, literal, score)


def _quoted(words: Iterable[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


class TextIndex:
    """The index of one dataset; :meth:`search` may be called from any thread."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._stems = _Stems()
        self.size = 0

    @classmethod
    def build(cls, statements: Iterable[tuple[str, str, Literal]]) -> TextIndex:
        """The index of ``(subject IRI, predicate IRI, literal)`` statements."""
        index = cls()
        rows, texts = [], []
        stems_of = index._stems.stems
        for number, (subject, predicate, literal) in enumerate(statements, start=1):
            language = _language(literal.language)
            words = _TOKEN.findall(fold(literal.value))
            stems = stems_of(words, language)
            rows.append((number, subject, predicate, literal.value, literal.language, literal.datatype.value))
            texts.append((number, " ".join(stems), " ".join(words)))
        with index._db:
            index._db.executemany("INSERT INTO literal VALUES (?, ?, ?, ?, ?, ?)", rows)
            index._db.executemany("INSERT INTO text(rowid, stems, words) VALUES (?, ?, ?)", texts)
            index._db.execute("INSERT INTO text(text) VALUES ('optimize')")
        index.size = len(rows)
        return index

    def save(self, path: Path) -> None:
        """Write the index to the SQLite file ``path`` (replaced whole: written beside it, then renamed)."""
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            with self._lock:
                self._db.backup(target)
        finally:
            target.close()
        partial.replace(path)

    @classmethod
    def open(cls, path: Path) -> TextIndex:
        """The index :meth:`save` wrote to ``path``, opened read-only (nothing is rebuilt)."""
        index = cls.__new__(cls)
        index._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        index._lock = threading.Lock()
        index._stems = _Stems()
        (index.size,) = index._db.execute("SELECT count(*) FROM literal").fetchone()
        return index

    @classmethod
    def from_triples(cls, triples: Iterable[Triple]) -> TextIndex:
        """The index of the triples with an IRI subject and a string object (``queries/text-literals.rq``)."""
        return cls.build(
            (t.subject.value, t.predicate.value, t.object)
            for t in triples
            if isinstance(t.subject, NamedNode) and isinstance(t.object, Literal)
        )

    def _stems_of(self, words: Iterable[str]) -> list[str]:
        """The phrase ``words`` as FTS5 alternatives: stemmed as Dutch, or as English."""
        words = list(words)
        forms = {" ".join(self._stems.stem(w, language) for w in words): None for language in ("dutch", "english")}
        return [_quoted(form.split(" ")) for form in forms]

    def _expression(self, term: _Term) -> str:
        if term.prefix:
            return f"words : {_quoted(term.words)} *"
        return "stems : (" + " OR ".join(self._stems_of(term.words)) + ")"

    def search(
        self, query: str, *, language: str | None = None, predicate: str | None = None, limit: int | None = None
    ) -> list[TextHit]:
        """The statements matching ``query``, best first (ties in load order); ``language``: only text
        tagged with it (or a subtag of it); ``predicate``: only the text of that predicate; at most ``limit``."""
        terms = parse_query(query)
        if not terms:
            return []
        lang = language.lower() if language else None
        expression = " AND ".join(self._expression(t) for t in terms)
        with self._lock:
            # Numbers and scores first, the texts only of the hits kept: a common word matches much of the data.
            found = self._db.execute(_SEARCH, (expression, lang, lang, lang, predicate, predicate)).fetchall()
            phrased: set[int] = set()
            if all(not t.prefix for t in terms) and len(terms) > 1:  # several words: as one phrase, they rank first
                words = tuple(w for t in terms for w in t.words)
                phrase = "stems : (" + " OR ".join(self._stems_of(words)) + ")"
                phrased = {row[0] for row in self._db.execute("SELECT rowid FROM text WHERE text MATCH ?", (phrase,))}
            bonus = max((score for number, score in found if number not in phrased), default=0.0) + 1.0
            ranked = sorted(
                ((round(score + bonus if number in phrased else score, 6), number) for number, score in found),
                key=lambda h: (-h[0], h[1]),
            )[:limit]
            rows: dict[int, tuple[str, str, str, str | None, str]] = {}
            numbers = [number for _, number in ranked]
            for at in range(0, len(numbers), 500):
                chunk = numbers[at : at + 500]
                marks = ",".join("?" * len(chunk))
                for number, *row in self._db.execute(f"{_ROWS} ({marks})", chunk):
                    rows[number] = tuple(row)
        return [_hit(rows[number], score) for score, number in ranked]

    def highlight(self, text: str, query: str) -> list[tuple[str, bool]]:
        """``text`` cut into parts, each marked whether it is a word the query matches.

        >>> TextIndex().highlight("Ketens en <b>dwangarbeid</b>", "keten dwang*")
        [('Ketens', True), (' en <b>', False), ('dwangarbeid', True), ('</b>', False)]
        """
        terms = parse_query(query)
        prefixes = tuple(t.words[-1] for t in terms if t.prefix)
        whole = {w for t in terms for w in (t.words[:-1] if t.prefix else t.words)}
        stems = {self._stems.stem(w, lang) for w in whole for lang in ("dutch", "english")}
        parts: list[tuple[str, bool]] = []
        at = 0
        for match in _TOKEN.finditer(text):
            word = fold(match.group())
            hit = word.startswith(prefixes) if prefixes else False
            hit = hit or any(self._stems.stem(word, lang) in stems for lang in ("dutch", "english"))
            if hit:
                if match.start() > at:
                    parts.append((text[at : match.start()], False))
                parts.append((match.group(), True))
                at = match.end()
        if at < len(text):
            parts.append((text[at:], False))
        return parts
