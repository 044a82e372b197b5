"""The published files under /downloads/: every file with the checksum SHA256SUMS gives, by a stable
URL, with its media type; nothing outside the listing (no ../ in any spelling, no hidden files, no
symlinks); and /catalog and /.well-known/void by content negotiation."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib.namespace as rdfns
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult
from rdflib import Graph, URIRef

from tests.support.in_process import in_process
from tests.support.live_server import LiveServer, live_server

EXPECTED_TYPES = {
    "nap-kg.trig": "application/trig",
    "nap-kg.ttl": "text/turtle; charset=utf-8",
    "nap-kg.jsonld": "application/ld+json",
    "nap-kg.nq.gz": "application/gzip",
    "nap-kg.nt.gz": "application/gzip",
    "validation.txt": "text/plain; charset=utf-8",
    "SHA256SUMS": "text/plain; charset=utf-8",
}


@pytest.fixture(scope="module")
def dist(built: BuildResult, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built dist/, plus traps: a hidden file and a symlink pointing outside it."""
    copy = tmp_path_factory.mktemp("published") / "dist"
    shutil.copytree(settings.dist, copy)
    assert (copy / "catalog.ttl").is_file() and (copy / "void.ttl").is_file(), "the build publishes both"
    secret = copy.parent / "secret.txt"
    secret.write_text("outside the dist directory", "utf-8")
    (copy / ".hidden").write_text("hidden", "utf-8")
    os.symlink(secret, copy / "link.txt")
    return copy


def _args(dist: Path, settings: BuildSettings) -> list[str]:
    return ["--data", str(settings.dist / "nap-kg.trig"), "--dist", str(dist), "--max-concurrent-queries", "2"]


@pytest.fixture(scope="module")
def server(dist: Path, settings: BuildSettings) -> Iterator[LiveServer]:
    """A real process for the raw paths: what reaches the app is what uvicorn makes of the bytes on the wire."""
    with live_server(args=_args(dist, settings)) as s:
        yield s


@pytest.fixture(scope="module")
def client(dist: Path, settings: BuildSettings) -> Iterator[httpx.Client]:
    with in_process(_args(dist, settings)) as c:
        yield c


def checksums(dist: Path) -> dict[str, str]:
    lines = (dist / "SHA256SUMS").read_text("utf-8").splitlines()
    return {name.lstrip("*"): digest for digest, name in (line.split(maxsplit=1) for line in lines)}


def test_index_lists_every_file_with_its_checksum(client: httpx.Client, dist: Path) -> None:
    response = client.get("/downloads/", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    for name, digest in checksums(dist).items():
        assert f'href="/downloads/{name}"' in response.text and digest in response.text
    assert (dist / "SHA256SUMS").read_text("utf-8").strip() in response.text
    assert ".hidden" not in response.text and "link.txt" not in response.text
    moved = client.get("/downloads")
    assert moved.status_code == 308 and moved.headers["location"] == "/downloads/"


def test_every_published_file_matches_sha256sums(client: httpx.Client, dist: Path) -> None:
    sums = checksums(dist)
    assert set(EXPECTED_TYPES) - {"SHA256SUMS"} <= set(sums)
    for name, digest in sums.items():
        response = client.get(f"/downloads/{name}")
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == digest, name
        if name in EXPECTED_TYPES:
            assert response.headers["content-type"] == EXPECTED_TYPES[name]
        assert "content-encoding" not in response.headers  # .gz arrives as the published bytes
        assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/downloads/SHA256SUMS").headers["content-type"] == EXPECTED_TYPES["SHA256SUMS"]


@pytest.mark.parametrize(
    "raw_path",
    [
        "/downloads/../pyproject.toml",
        "/downloads/%2e%2e/pyproject.toml",
        "/downloads/..%2fsecret.txt",
        "/downloads/%2e%2e%2fsecret.txt",
        "/downloads/%252e%252e%252fsecret.txt",
        "/downloads/..%5csecret.txt",
        "/downloads//etc/passwd",
        "/downloads/%2fetc%2fpasswd",
        "/downloads/.hidden",
        "/downloads/link.txt",
        "/downloads/nap-kg.trig%00.txt",
        "/downloads/NAP-KG.TRIG",
        "/downloads/",
    ],
)
def test_nothing_outside_the_listing_is_served(server: LiveServer, raw_path: str) -> None:
    with httpx.Client() as c:
        request = c.build_request("GET", server.base_url)
        request.url = request.url.copy_with(raw_path=raw_path.encode())
        response = c.send(request)
    if raw_path == "/downloads/":
        assert response.status_code == 200
        return
    assert response.status_code == 404, raw_path
    assert "outside the dist directory" not in response.text and "root:" not in response.text
    assert "[project]" not in response.text and response.text != "hidden"


def test_catalog_by_content_negotiation(client: httpx.Client, dist: Path) -> None:
    turtle = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    assert turtle.content == (dist / "catalog.ttl").read_bytes()
    expected = Graph().parse(dist / "catalog.ttl", format="turtle")
    assert next(expected.subjects(rdfns.RDF.type, rdfns.DCAT.Catalog), None) is not None
    for accept, rdflib_format in (("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        response = client.get("/catalog", headers={"Accept": accept})
        assert response.headers["content-type"].split(";")[0] == accept
        assert "Accept" in response.headers["vary"]
        graph = Graph().parse(data=response.content, format=rdflib_format)
        assert set(graph.subjects(rdfns.RDF.type, rdfns.DCAT.Catalog)) == set(
            expected.subjects(rdfns.RDF.type, rdfns.DCAT.Catalog)
        )
    html = client.get("/catalog", headers={"Accept": "text/html"})
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    catalog = next(expected.subjects(rdfns.RDF.type, rdfns.DCAT.Catalog))
    assert str(catalog) in html.text and "Catalog" in html.text
    assert client.get("/catalog", params={"format": "ttl"}).content == turtle.content


def test_void_description(client: httpx.Client, dist: Path, settings: BuildSettings) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.content == (dist / "void.ttl").read_bytes()
    graph = Graph().parse(data=response.content, format="turtle")
    void_dataset = URIRef("http://rdfs.org/ns/void#Dataset")
    assert next(graph.subjects(rdfns.RDF.type, void_dataset), None) is not None
    dataset = URIRef(f"{settings.base_iri}id/dataset/nap-kg")
    assert (dataset, rdfns.RDF.type, void_dataset) in graph
    endpoint = URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
    assert list(graph.objects(dataset, endpoint)) == [URIRef(f"{settings.base_iri}sparql")]
