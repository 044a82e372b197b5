"""The comparison of issue 15 (item 6): `napkg publish` into a real Virtuoso 7.2 (Debian's package, started by the
suite, Digest authentication) and a real Oxigraph server, `napkg serve --remote` over each, both compared with the
embedded server: the 18 competency questions, the saved questions, the views, 14 sample resource pages, /health
and `/sparql` in every result format.

Answers are compared as sets of rows (the order of rows a question does not fix is the engine's, and so is the
order of the items of a GROUP_CONCAT list; booleans in their canonical form: Virtuoso writes them 1/0), pages on
their content: the links and the texts of ``<main>``, as sorted lists. What Virtuoso still answers differently is
listed in :data:`tests.server.engine.test_portable_queries.KNOWN` and marked as strict expected failures here too.

Needs Debian's virtuoso-opensource (tests/bootstrap.sh installs it): without it these tests fail, they do not skip.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from napkg_graph.config import REPO_ROOT, BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.saved_queries import library
from pyoxigraph import QueryResultsFormat, RdfFormat

from tests.server.engine.test_portable_queries import KNOWN, VIRTUOSO_SPARQL, _term, normalised
from tests.support.live_server import LiveServer, live_server
from tests.support.oxigraph import oxigraph_server
from tests.support.virtuoso import virtuoso_server

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]

UNION = "urn:napkg:union"
COMPETENCY = sorted((REPO_ROOT / "graph" / "napkg_graph" / "queries" / "competency").glob("*.rq"))
PAGES = [
    "/id/eu/csddd",
    "/id/eu/eudr",
    "/id/eu/flr",
    "/id/organisatie/ncp",
    "/id/kamerstuk/22112-3393",
    "/id/oeso/stap/6",
    "/id/plan/nap-2022-2026/actiepunt/17",
    "/id/plan/nap-2022-2026/actiepunt/20",
    "/id/ungp/principe/3",
    "/id/organisatie/bz",
    "/id/rapport/kamerbrief-2025/alinea/10",
    "/id/status/voltooid",
    "/def/ActionPoint",
    "/",
]
VIEWS = [
    "/views",
    "/views/ungp-matrix",
    "/views/eu-law-map",
    "/views/status",
    "/views/instrument/csddd",
    "/views/ministry/bz",
]
# Pages built on the saved questions Virtuoso still answers differently (KNOWN), with the question, and pages
# that differ on Virtuoso for reasons not yet isolated (what the comparison showed).
KNOWN_PAGES: dict[str, str] = {}
PAGE_DIFFERENCES = {
    "/id/plan/nap-2022-2026/actiepunt/20": "the same links and texts, but one text more often (a row repeated)",
    "/views": "the ministry dashboards are not listed; a list of all 31 principles appears instead",
    "/views/ungp-matrix": "rows and labels cut at other widths; principles shown as supported only are missing",
    "/views/instrument/csddd": "principle labels cut at other widths (the matrix of /views/ungp-matrix)",
    "/views/ministry/bz": "the other ministries' dashboards are not listed; principle labels cut at other widths",
}
SELECT = """PREFIX nap: <https://w3id.org/nap-kg/def/>
SELECT ?ap ?number ?text WHERE { ?ap a nap:ActionPoint ; nap:number ?number ; nap:actionText ?text }"""
CONSTRUCT = """PREFIX nap: <https://w3id.org/nap-kg/def/>
CONSTRUCT { ?ap nap:number ?n ; nap:actionText ?t }
WHERE { ?ap a nap:ActionPoint ; nap:number ?n ; nap:actionText ?t }"""
ASK = "PREFIX nap: <https://w3id.org/nap-kg/def/> ASK { ?ap a nap:ActionPoint ; nap:number 33 }"
SOLUTION_FORMATS = {"json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML, "tsv": QueryResultsFormat.TSV}
GRAPH_FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdf": RdfFormat.RDF_XML,
    "trig": RdfFormat.TRIG,
    "nq": RdfFormat.N_QUADS,
}


def napkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The `napkg` command of this environment, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "napkg_cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def virtuoso_remote(built: BuildResult, settings: BuildSettings) -> Iterator[LiveServer]:
    """`napkg publish` into Virtuoso's authenticated Graph Store (Digest), then `napkg serve --remote` over it."""
    with virtuoso_server(sparql=VIRTUOSO_SPARQL) as virtuoso:
        virtuoso.create_user("napkg", "publish-secret")
        done = napkg(
            "publish",
            "--to",
            virtuoso.graph_store_auth_url,
            "--dist",
            str(settings.dist),
            "--union-graph",
            UNION,
            env={"NAPKG_PUBLISH_USER": "napkg", "NAPKG_PUBLISH_PASSWORD": "publish-secret"},
        )
        assert done.returncode == 0, done.stdout + done.stderr
        args = ["--remote", virtuoso.sparql_url, "--remote-union-graph", UNION, "--max-concurrent-queries", "2"]
        with live_server(dist=settings.dist, args=args) as server:
            yield server


@pytest.fixture(scope="module")
def oxigraph_remote(
    built: BuildResult, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as oxigraph:
        done = napkg("publish", "--to", oxigraph.store_url, "--dist", str(settings.dist))
        assert done.returncode == 0, done.stdout + done.stderr
        args = ["--remote", oxigraph.query_url, "--max-concurrent-queries", "2"]
        with live_server(dist=settings.dist, args=args) as server:
            yield server


@pytest.fixture(scope="module", params=["virtuoso", "oxigraph"])
def engine(request: pytest.FixtureRequest) -> Iterator[tuple[str, httpx.Client]]:
    """The engine's name and a client of our server over it."""
    server: LiveServer = request.getfixturevalue(f"{request.param}_remote")
    with httpx.Client(base_url=server.base_url, timeout=120) as http:
        yield request.param, http


def known(request: pytest.FixtureRequest, name: str, case: str) -> None:
    if name == "virtuoso" and case in KNOWN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN[case]))


def solutions(body: bytes, fmt: QueryResultsFormat) -> object:
    results = pyoxigraph.parse_query_results(body, fmt)
    if isinstance(results, pyoxigraph.QueryBoolean):
        return bool(results)
    names = [v.value for v in results.variables]
    return names, sorted(tuple(_term(row[n]) for n in names) for row in results)


def csv_rows(body: bytes) -> list[list[str]]:
    """CSV has no types: booleans as written by each engine are mapped to the canonical form."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    return [rows[0], *sorted(rows[1:])]


def graph(body: bytes, fmt: RdfFormat) -> list[str]:
    return sorted(str(quad.triple) for quad in pyoxigraph.parse(body, fmt))


class Content(HTMLParser):
    """The links and texts of a page's ``<main>``."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main" or self.depth:
            self.depth += 1
        if self.depth and tag == "a":
            self.links.extend(value or "" for key, value in attrs if key == "href")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.texts.append(re.sub(r"\s+", " ", data.strip()))


def content(html: str) -> tuple[list[str], list[str]]:
    parser = Content()
    parser.feed(html)
    assert parser.links or parser.texts, html[:300]
    return sorted(parser.links), sorted(parser.texts)


def same(
    client: httpx.Client, remote: httpx.Client, path: str, accept: str = "*/*", **params: str
) -> tuple[httpx.Response, ...]:
    headers = {"Accept": accept}
    embedded, answer = (
        client.get(path, params=params, headers=headers),
        remote.get(path, params=params, headers=headers),
    )
    assert answer.status_code == embedded.status_code == 200, (path, answer.text[:800])
    assert answer.headers["content-type"] == embedded.headers["content-type"], path
    return embedded, answer


# --- the comparison ---


def test_health_counts_the_published_data(
    client: httpx.Client, engine: tuple[str, httpx.Client], built: BuildResult
) -> None:
    embedded, answer = client.get("/health").json(), engine[1].get("/health").json()
    assert (answer["triples"], answer["graphs"]) == (embedded["triples"], embedded["graphs"]) == (built.triples, 6)


@pytest.mark.parametrize("path", COMPETENCY, ids=lambda p: p.stem)
def test_competency_questions(client: httpx.Client, engine: tuple[str, httpx.Client], path: Path) -> None:
    query = path.read_text("utf-8")
    embedded, answer = same(client, engine[1], "/sparql", query=query, format="json")
    fmt = QueryResultsFormat.JSON
    assert normalised(query, solutions(answer.content, fmt)) == normalised(query, solutions(embedded.content, fmt))


@pytest.mark.parametrize("name", sorted(library()))
def test_saved_questions(
    request: pytest.FixtureRequest, client: httpx.Client, engine: tuple[str, httpx.Client], name: str
) -> None:
    known(request, engine[0], f"{name}-{{}}")
    query = library()[name].sparql
    embedded, answer = same(client, engine[1], f"/queries/{name}", format="json")
    fmt = QueryResultsFormat.JSON
    assert normalised(query, solutions(answer.content, fmt)) == normalised(query, solutions(embedded.content, fmt))


@pytest.mark.parametrize("path", PAGES + VIEWS)
def test_pages_and_views(
    request: pytest.FixtureRequest, client: httpx.Client, engine: tuple[str, httpx.Client], path: str
) -> None:
    if path in KNOWN_PAGES:
        known(request, engine[0], KNOWN_PAGES[path])
    if engine[0] == "virtuoso" and path in PAGE_DIFFERENCES:
        request.applymarker(pytest.mark.xfail(strict=True, reason=PAGE_DIFFERENCES[path]))
    embedded, answer = same(client, engine[1], path, accept="text/html", lang="en")
    (links, texts), (want_links, want_texts) = content(answer.text), content(embedded.text)
    missing = sorted(set(want_links + want_texts) - set(links + texts))[:8]
    extra = sorted(set(links + texts) - set(want_links + want_texts))[:8]
    assert (links, texts) == (want_links, want_texts), f"missing {missing}, extra {extra}"


@pytest.mark.parametrize("fmt", sorted(SOLUTION_FORMATS))
def test_sparql_solutions_in_every_format(client: httpx.Client, engine: tuple[str, httpx.Client], fmt: str) -> None:
    for query in (SELECT, ASK):
        embedded, answer = same(client, engine[1], "/sparql", query=query, format=fmt)
        expected = solutions(embedded.content, SOLUTION_FORMATS[fmt])
        assert solutions(answer.content, SOLUTION_FORMATS[fmt]) == expected
        assert expected == (True if query == ASK else expected)


def test_sparql_csv(client: httpx.Client, engine: tuple[str, httpx.Client]) -> None:
    embedded, answer = same(client, engine[1], "/sparql", query=SELECT, format="csv")
    assert csv_rows(answer.content) == csv_rows(embedded.content)
    assert len(csv_rows(embedded.content)) == 34


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_sparql_graphs_in_every_format(client: httpx.Client, engine: tuple[str, httpx.Client], fmt: str) -> None:
    embedded, answer = same(client, engine[1], "/sparql", query=CONSTRUCT, format=fmt)
    expected = graph(embedded.content, GRAPH_FORMATS[fmt])
    assert graph(answer.content, GRAPH_FORMATS[fmt]) == expected
    assert len(expected) == 66


def test_sparql_json_is_what_a_json_client_reads(client: httpx.Client, engine: tuple[str, httpx.Client]) -> None:
    embedded, answer = same(client, engine[1], "/sparql", query=ASK, format="json")
    assert json.loads(answer.content) == json.loads(embedded.content) == {"head": {}, "boolean": True}
