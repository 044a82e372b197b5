"""The full-text index on its own: stemming in both languages, folded diacritics, phrases, prefixes, ranking,
restrictions; and on the real data, built from the store as the server builds it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pyoxigraph
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_server.data.disk_store import TEXT_INDEX, load_into
from napkg_server.data.store import text_index_of
from napkg_server.data.text_index import TextIndex
from napkg_server.settings import DataSource
from pyoxigraph import Literal

P = "urn:p"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def index_of(*texts: tuple[str, str | None]) -> TextIndex:
    """An index of one statement per text, subjects urn:1, urn:2, ... in order."""
    return TextIndex.build(
        (f"urn:{i}", P, Literal(text, language=lang) if lang else Literal(text))
        for i, (text, lang) in enumerate(texts, start=1)
    )


def subjects(index: TextIndex, query: str, **options: str) -> list[str]:
    return [hit.subject for hit in index.search(query, **options)]  # type: ignore[arg-type]


def test_dutch_words_are_found_in_any_inflection_and_without_their_diacritics() -> None:
    index = index_of(("De Kamer wordt geïnformeerd over ketens", "nl"), ("Ketenverantwoordelijkheid", "nl"))
    assert subjects(index, "geinformeerd") == ["urn:1"]
    assert subjects(index, "GEÏNFORMEERD keten") == ["urn:1"]
    assert subjects(index, "ketenverantwoordelijk") == ["urn:2"]
    assert subjects(index, "verantwoordelijk") == []  # a stem is a whole word, not a part of one


def test_english_text_is_stemmed_as_english() -> None:
    index = index_of(("Companies respecting human rights", "en"), ("bedrijven", "nl"))
    assert subjects(index, "company respect right") == ["urn:1"]


def test_a_prefix_matches_the_words_that_start_so() -> None:
    index = index_of(("Ketenverantwoordelijkheid", "nl"), ("de keten", "nl"), ("ketting", "nl"))
    assert subjects(index, "keten*") == ["urn:1", "urn:2"] or subjects(index, "keten*") == ["urn:2", "urn:1"]
    assert sorted(subjects(index, "ket*")) == ["urn:1", "urn:2", "urn:3"]


def test_a_quoted_phrase_needs_its_words_next_to_each_other() -> None:
    index = index_of(("gepaste zorgvuldigheid", "nl"), ("zorgvuldigheid die gepast is", "nl"))
    assert subjects(index, '"gepaste zorgvuldigheid"') == ["urn:1"]
    assert sorted(subjects(index, "gepaste zorgvuldigheid")) == ["urn:1", "urn:2"]


def test_the_words_as_a_phrase_rank_above_the_same_words_scattered_even_against_bm25() -> None:
    # The scattered text is short and repeats the words, so BM25 alone would put it first.
    scattered = "arbeid en dwang of arbeid of dwang"
    phrase = "in de keten komt dwang arbeid voor, zegt een lang rapport over vele andere zaken en onderwerpen"
    index = index_of((scattered, "nl"), (phrase, "nl"))
    for word in ("dwang", "arbeid"):  # each word alone: BM25 prefers the short text that repeats it
        bm25 = {h.subject: h.score for h in index.search(word)}
        assert bm25["urn:1"] > bm25["urn:2"]
    hits = index.search("dwang arbeid")
    assert [h.subject for h in hits] == ["urn:2", "urn:1"]
    assert hits[0].score > hits[1].score


def test_language_predicate_and_limit_restrict_the_hits() -> None:
    index = TextIndex.build(
        [
            ("urn:1", LABEL, Literal("dwangarbeid", language="nl")),
            ("urn:1", P, Literal("dwangarbeid", language="nl-NL")),
            ("urn:2", LABEL, Literal("dwangarbeid")),
        ]
    )
    assert sorted(subjects(index, "dwangarbeid")) == ["urn:1", "urn:1", "urn:2"]
    assert subjects(index, "dwangarbeid", language="nl") == ["urn:1", "urn:1"]
    assert sorted(subjects(index, "dwangarbeid", predicate=LABEL)) == ["urn:1", "urn:2"]
    assert len(index.search("dwangarbeid", limit=1)) == 1
    assert index.search("dwangarbeid")[0].literal == Literal("dwangarbeid", language="nl")


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', "*"])
def test_a_query_without_words_finds_nothing(query: str) -> None:
    assert index_of(("tekst", "nl")).search(query) == []


def test_fts5_syntax_in_a_query_is_taken_as_words() -> None:
    index = index_of(("NEAR AND OR NOT", "nl"), ("iets", "nl"))
    assert subjects(index, 'NEAR( OR "NOT') == ["urn:1"]
    assert subjects(index, "text:iets") == []  # both words must occur


def test_highlight_marks_every_matching_word_and_keeps_the_rest() -> None:
    parts = index_of().highlight(
        "Ketens, <b>ketenverantwoordelijkheid</b> & dwangarbeid", "ketenverantwoordelijk dwang*"
    )
    assert "".join(p for p, _ in parts) == "Ketens, <b>ketenverantwoordelijkheid</b> & dwangarbeid"
    assert [p for p, hit in parts if hit] == ["ketenverantwoordelijkheid", "dwangarbeid"]


# --- the real data ---


@pytest.fixture(scope="module")
def real(store: pyoxigraph.Store) -> TextIndex:
    return text_index_of(store)


def test_action_point_5s_ketenverantwoordelijkheid_is_found_from_ketenverantwoordelijk(
    real: TextIndex, store: pyoxigraph.Store, settings: BuildSettings
) -> None:
    iris = Iris(settings.base_iri)
    explanation = str(iris.explanation(5, 2024))
    hits = {h.subject for h in real.search("ketenverantwoordelijk")}
    assert explanation in hits
    # Exactly the texts with a word starting so, as the store has them (no other word stems to it here).
    expected = {
        q.subject.value
        for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
        if isinstance(q.object, Literal)
        and isinstance(q.subject, pyoxigraph.NamedNode)
        and re.search(r"\bketenverantwoordelijk", q.object.value, re.IGNORECASE)
    }
    assert hits == expected


def test_an_on_disk_store_keeps_its_index_and_reopens_it_without_rebuilding(
    built: BuildResult, settings: BuildSettings, real: TextIndex, tmp_path: Path
) -> None:
    directory = tmp_path / "store"
    load_into(directory, [DataSource(settings.dist / "nap-kg.trig")], settings.base_iri)
    saved = directory / TEXT_INDEX
    assert saved.is_file()
    reopened = TextIndex.open(saved)
    assert reopened.size == real.size
    for query in ("dwangarbeid", '"gepaste zorgvuldigheid"', "ketenverantw*"):
        # The same hits and scores; ties may come in another order (the on-disk store's order of statements).
        assert sorted(map(str, reopened.search(query))) == sorted(map(str, real.search(query)))
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reopened._db.execute("DELETE FROM literal")
    # Loading other data replaces it: the index of the old data is not left behind.
    other = tmp_path / "other.nt"
    other.write_text('<https://example.org/a> <https://example.org/p> "Een zeldzaamheidswoord"@nl .\n')
    load_into(directory, [DataSource(other)], settings.base_iri)
    assert [h.subject for h in TextIndex.open(saved).search("zeldzaamheidswoord")] == ["https://example.org/a"]
    assert TextIndex.open(saved).search("dwangarbeid") == []
