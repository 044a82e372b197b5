"""Answers of the saved questions (graph/napkg_graph/queries/saved/) on a store, as the tests compare them."""

from __future__ import annotations

import pyoxigraph
from napkg_graph.config import DEFAULT_BASE_IRI
from napkg_graph.saved_queries import library, run_local

QUERIES = library()


def answer(store: pyoxigraph.Store, name: str, **given: str) -> list[dict[str, str]]:
    """The rows of saved question ``name`` with parameters ``given``: variable -> lexical value (unbound left out)."""
    query = QUERIES[name]
    solutions = run_local(store, query, query.bindings(given, DEFAULT_BASE_IRI), DEFAULT_BASE_IRI)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]
