"""Cost limits: rows, response size, query length, request size (against the real app, in this process), and
concurrent queries per client (a real server); and that every limit is a setting (environment and flag)."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.in_process import in_process
from tests.support.live_server import LiveServer, live_server
from tests.support.polling import poll

P = "<https://example.org/gen/p>"
SUBJECTS = 1500
NEVER_ENDS = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a {P} ?x . ?b {P} ?y . ?c {P} ?z }}"
LIMITS = {
    "--max-rows": "5",
    "--max-response-bytes": "3000",
    "--max-query-length": "300",
    "--max-queries-per-client": "2",
    "--query-timeout": "2",
    "--max-concurrent-queries": "3",
}
ENV = {"NAPKG_MAX_REQUEST_BYTES": "2000"}


@pytest.fixture(scope="module")
def numbers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("limits") / "numbers.nt"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    data.write_text("".join(f'<https://example.org/gen/s{i}> {P} "{i}"^^{integer} .\n' for i in range(SUBJECTS)))
    return data


@pytest.fixture(scope="module")
def server(numbers: Path) -> Iterator[LiveServer]:
    """A real process for the per-client limit: queries that run into the time limit, at once over two connections."""
    with live_server([numbers], args=[item for pair in LIMITS.items() for item in pair], env=ENV) as running:
        yield running


@pytest.fixture(scope="module")
def client(numbers: Path) -> Iterator[httpx.Client]:
    """The other limits are the app's: in this process."""
    with in_process(["--data", str(numbers), *(item for pair in LIMITS.items() for item in pair)], env=ENV) as c:
        yield c


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "lines"), [("json", None), ("csv", 6), ("tsv", 6), ("xml", None)])
def test_select_is_cut_at_max_rows_and_says_so(client: httpx.Client, fmt: str, lines: int | None) -> None:
    response = client.get("/sparql", params={"query": f"SELECT ?s ?o {{ ?s {P} ?o }}", "format": fmt})
    assert response.status_code == 200, response.text
    assert response.headers["x-result-truncated"] == "true"
    assert response.headers["warning"].startswith('199 - "result truncated to 5 rows')
    if fmt == "json":
        assert len(response.json()["results"]["bindings"]) == 5
    elif fmt == "xml":
        assert response.text.count("<result>") == 5
    else:
        assert len(response.text.strip().splitlines()) == lines


@pytest.mark.slow
def test_answers_within_the_row_limit_are_not_flagged(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": f"SELECT ?s {{ ?s {P} ?o }} ORDER BY ?s LIMIT 5"})
    assert response.status_code == 200
    assert "x-result-truncated" not in response.headers and "warning" not in response.headers
    assert len(response.json()["results"]["bindings"]) == 5
    ask = client.get("/sparql", params={"query": f"ASK {{ ?s {P} ?o }}"})
    assert ask.status_code == 200 and ask.json()["boolean"] is True


@pytest.mark.slow
def test_truncation_header_is_readable_cross_origin(client: httpx.Client) -> None:
    response = client.get(
        "/sparql", params={"query": f"SELECT ?s {{ ?s {P} ?o }}"}, headers={"Origin": "https://elsewhere.example"}
    )
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-result-truncated" in exposed and "warning" in exposed


@pytest.mark.slow
def test_answer_over_max_response_bytes_is_422(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": f"CONSTRUCT WHERE {{ ?s {P} ?o }}"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert "larger than 3000 bytes" in response.text and "NAPKG_MAX_RESPONSE_BYTES" in response.text


@pytest.mark.slow
def test_query_longer_than_max_query_length_is_413(client: httpx.Client) -> None:
    long_query = "SELECT * { ?s ?p ?o } #" + "x" * 300
    for response in [
        client.get("/sparql", params={"query": long_query}),
        client.post("/sparql", content=long_query, headers={"Content-Type": "application/sparql-query"}),
        client.post("/sparql", data={"query": long_query}),
    ]:
        assert response.status_code == 413, response.text
        assert "at most 300" in response.text and "NAPKG_MAX_QUERY_LENGTH" in response.text


@pytest.mark.slow
def test_request_body_over_max_request_bytes_is_413(client: httpx.Client) -> None:
    response = client.post("/sparql", content="#" * 3000, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert "larger than 2000 bytes" in response.text


async def _per_client(server: LiveServer) -> tuple[list[int], httpx.Response, float, httpx.Response]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as c:
        slow = [asyncio.create_task(c.get("/sparql", params={"query": NEVER_ENDS})) for _ in range(2)]
        await asyncio.to_thread(poll, lambda: len(server.computing_workers()) == 2, what="both slow queries running")
        started = time.perf_counter()
        third = await c.get("/sparql", params={"query": f"ASK {{ ?s {P} ?o }}"})
        waited = time.perf_counter() - started
        health = await c.get("/health")
        statuses = [r.status_code for r in await asyncio.gather(*slow)]
        assert health.status_code == 200
        return statuses, third, waited, await c.get("/sparql", params={"query": f"ASK {{ ?s {P} ?o }}"})


@pytest.mark.slow
def test_concurrent_queries_per_client_beyond_the_limit_get_429(server: LiveServer) -> None:
    statuses, third, waited, after = asyncio.run(_per_client(server))
    assert statuses == [503, 503]  # the two slow ones ran into the time limit
    assert third.status_code == 429, third.text
    assert third.headers["retry-after"] == "1"
    assert "at most 2 queries may run per client" in third.text
    assert waited < 1.0  # refused at once, not queued
    assert after.status_code == 200  # and the client may query again once its queries ended


def test_limits_are_settings_with_environment_and_flags() -> None:
    from napkg_cli.serve import add_serve_arguments, settings_from_args
    from napkg_server.settings import Settings

    defaults = Settings()
    assert (defaults.max_rows, defaults.max_response_bytes, defaults.max_query_length) == (100_000, 50_000_000, 100_000)
    assert (defaults.max_queries_per_client, defaults.federation_allow) == (4, ())
    env = {
        "NAPKG_MAX_ROWS": "10",
        "NAPKG_MAX_RESPONSE_BYTES": "2000",
        "NAPKG_MAX_QUERY_LENGTH": "50",
        "NAPKG_MAX_QUERIES_PER_CLIENT": "3",
        "NAPKG_FEDERATION_ALLOW": "https://a.example/sparql https://b.example/sparql",
        "NAPKG_ACCESS_LOG": "off",
        "NAPKG_ACCESS_LOG_QUERIES": "1",
    }
    s = Settings.from_env(env)
    assert (s.max_rows, s.max_response_bytes, s.max_query_length, s.max_queries_per_client) == (10, 2000, 50, 3)
    assert s.federation_allow == ("https://a.example/sparql", "https://b.example/sparql")
    assert (s.access_log, s.access_log_queries) == ("off", True)
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    args = parser.parse_args(["--max-rows", "7", "--max-queries-per-client", "9", "--federation-allow", "https://c/"])
    flagged = settings_from_args(args)
    assert (flagged.max_rows, flagged.max_queries_per_client, flagged.federation_allow) == (7, 9, ("https://c/",))
    with pytest.raises(ValueError, match="max_rows"):
        Settings(max_rows=0)
    with pytest.raises(ValueError, match="absolute"):
        Settings(federation_allow=("sparql",))


def test_readme_documents_every_limit() -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text("utf-8")
    section = readme.split("## Limits", 1)[1].split("\n## ", 1)[0]
    for name in [
        "NAPKG_QUERY_TIMEOUT",
        "NAPKG_MAX_ROWS",
        "NAPKG_MAX_RESPONSE_BYTES",
        "NAPKG_MAX_QUERY_LENGTH",
        "NAPKG_MAX_REQUEST_BYTES",
        "NAPKG_MAX_QUERIES_PER_CLIENT",
        "NAPKG_MAX_CONCURRENT_QUERIES",
        "NAPKG_FEDERATION_ALLOW",
    ]:
        assert name in section, name
