"""The suite's own Virtuoso (tests/support/virtuoso.py): it starts on loopback from a fresh database, takes writes
through both Graph Store endpoints once granted (Digest for the authenticated one), and leaves nothing behind.
Needs Debian's virtuoso-opensource (tests/bootstrap.sh installs it): without it these tests fail, they do not skip."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.live_server import HOST
from tests.support.virtuoso import virtuoso_server

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]

NT = "application/n-triples"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:napkg:test> { ?s ?p ?o } }"


def count(url: str) -> int:
    answer = httpx.get(url, params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_virtuoso_starts_takes_writes_and_cleans_up() -> None:
    with virtuoso_server() as server:
        folder, process = server.directory, server.process
        assert server.base.startswith(f"http://{HOST}:")
        assert 0 < server.start_seconds < 120
        triple = b"<urn:a> <urn:b> <urn:c> .\n"
        params = {"graph": "urn:napkg:test"}
        headers = {"Content-Type": NT}

        # Stock: anonymous clients may not write, and the authenticated endpoint asks for Digest.
        refused = httpx.put(server.graph_store_url, params=params, content=triple, headers=headers)
        assert refused.status_code in (401, 403), refused.text
        challenge = httpx.put(server.graph_store_auth_url, params=params, content=triple, headers=headers)
        assert challenge.status_code == 401
        assert challenge.headers["www-authenticate"].lower().startswith("digest")

        server.create_user("napkg", "s3cret")
        wrong = httpx.DigestAuth("napkg", "wrong")
        assert (
            httpx.put(
                server.graph_store_auth_url, params=params, content=triple, headers=headers, auth=wrong
            ).status_code
            == 401
        )
        digest = httpx.DigestAuth("napkg", "s3cret")
        written = httpx.put(server.graph_store_auth_url, params=params, content=triple, headers=headers, auth=digest)
        assert written.status_code in (200, 201, 204), written.text
        assert count(server.sparql_url) == 1

        server.grant_update()
        two = triple + b"<urn:a> <urn:b> <urn:d> .\n"
        replaced = httpx.put(server.graph_store_url, params=params, content=two, headers=headers)
        assert replaced.status_code in (200, 201, 204), replaced.text
        assert count(server.sparql_url) == 2

        assert "*** Error" not in server.isql("SELECT 1")
        with pytest.raises(RuntimeError, match="isql failed"):
            server.isql("SELECT no_such_column FROM no_such_table")
    assert process.poll() is not None
    assert not Path(folder).exists()
