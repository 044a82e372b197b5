"""``napkg serve --remote``: text search gives the same answers over a real Oxigraph server as from the embedded
store, because the server keeps the text index itself (read from the remote at start-up) and sends the remote the
rewritten query, VALUES and all."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish_remote import publish, read_graphs, union_payload

from tests.support.live_server import live_server
from tests.support.oxigraph import oxigraph_server

pytestmark = pytest.mark.slow

PREFIX = "PREFIX nap: <https://w3id.org/nap-kg/def/>\n"
QUERIES = [
    'SELECT ?s ?score ?text WHERE { (?s ?score ?text) nap:textSearch "dwangarbeid" } ORDER BY DESC(?score) ?s ?text',
    'SELECT ?s WHERE { ?s nap:textSearch "ketenverantwoordelijk" ; a nap:Explanation } ORDER BY ?s',
    'SELECT ?s ?score WHERE { (?s ?score) nap:textSearch ("internationaal maatschappelijk"@nl 3) } ORDER BY ?s',
    'SELECT (COUNT(*) AS ?n) WHERE { ?s nap:textSearch "keten*" }',
    'SELECT * WHERE { ?s a ?t ; nap:textSearch "x" }',  # refused alike
]
PAGES = [
    {"q": "dwangarbeid"},
    {"q": "keten*", "pijler": "2"},
    {"q": '"gepaste zorgvuldigheid"', "ungp": ["17", "18"]},
    {"eu": "csddd", "status": "voltooid"},
]


@pytest.fixture(scope="module")
def remote_client(
    built: BuildResult, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    trig = settings.dist / "nap-kg.trig"
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-text"), timeout=10) as oxigraph:
        with httpx.Client(timeout=60) as http:
            publish(oxigraph.store_url, [*read_graphs(trig), union_payload(trig)], client=http)
        args = ["--remote", oxigraph.query_url, "--max-concurrent-queries", "2"]
        with live_server(args=args) as server, httpx.Client(base_url=server.base_url, timeout=30) as client:
            yield client


@pytest.mark.parametrize("query", QUERIES)
def test_sparql_text_search_answers_the_same_over_a_remote_engine(
    client: httpx.Client, remote_client: httpx.Client, query: str
) -> None:
    answers = [
        c.post("/sparql", data={"query": PREFIX + query}, headers={"Accept": "application/sparql-results+json"})
        for c in (client, remote_client)
    ]
    assert answers[0].status_code == answers[1].status_code
    assert answers[0].content == answers[1].content
    if answers[0].status_code == 200:
        assert answers[0].json()["results"]["bindings"]


@pytest.mark.parametrize("params", PAGES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_the_search_page_and_its_csv_are_the_same_over_a_remote_engine(
    client: httpx.Client, remote_client: httpx.Client, params: dict[str, str | list[str]]
) -> None:
    for extra, accept in (({}, "text/html"), ({"format": "csv"}, "*/*")):
        answers = [
            c.get("/zoeken", params={**params, **extra}, headers={"Accept": accept}) for c in (client, remote_client)
        ]
        assert answers[0].status_code == answers[1].status_code == 200
        assert answers[0].content == answers[1].content
        assert (
            b"data-iri=" in answers[0].content
            or b"https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/" in answers[0].content
        )
