"""Serving releases and the change feed, by the real app in this process, over two releases
(tests/support/releases.py: the real build, then the real sources with the invented next progress report of
tests/data/next-report): the list, each release's page, files, changelog and catalog at stable URLs, the footer's
release line, each earlier release's own SPARQL endpoint, and the LDES feed, consumed by the reference LDES client
(npm ldes-client, tests/ldes_client) from a real server process (the client opens its own socket), which must see
every change between the two releases exactly once."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from napkg_graph.config import DEFAULT_BASE_IRI, BuildSettings
from napkg_graph.iris import Iris, slugify
from napkg_graph.pipeline import BuildResult
from napkg_server.formats import CITATION_BY_KEY
from napkg_server.settings import DataSource, Settings
from napkg_server.web.citations import CitedVersion
from napkg_server.web.releases import ServedRelease, cited_release, served_release
from rdflib import Graph, Literal, Namespace, URIRef

from tests.server.web.test_citations import CATALOG, parse, today
from tests.server.web.test_pages import section
from tests.support.in_process import BASE_URL, in_process
from tests.support.live_server import LiveServer, live_server
from tests.support.releases import TwoReleases, next_report_releases

CS = Namespace("http://purl.org/vocab/changeset/schema#")
TREE = Namespace("https://w3id.org/tree#")
LDES = Namespace("https://w3id.org/ldes#")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IRIS = Iris(DEFAULT_BASE_IRI)
CLIENT_DIR = Path(__file__).parents[2] / "ldes_client"
CLIENT = CLIENT_DIR / "node_modules" / "ldes-client" / "dist" / "bin" / "cli.js"
#: The fixture's status moves (tests/data/next-report/README.md): action point -> (2024 status, next report's)
MOVED = {
    7: ("In uitvoering volgens planning", "In uitvoering maar met vertraging"),
    9: ("In uitvoering volgens planning", "Doorlopend"),
    18: ("In uitvoering", "Voltooid"),
}


@pytest.fixture(scope="module")
def pair(
    built: BuildResult,
    settings: BuildSettings,
    next_report_built: BuildResult,
    next_report_settings: BuildSettings,
    tmp_path_factory: pytest.TempPathFactory,
) -> TwoReleases:
    work = tmp_path_factory.mktemp("releases")
    return next_report_releases(settings.dist, next_report_settings.dist, work, DEFAULT_BASE_IRI)


def _serve_args(pair: TwoReleases) -> list[str]:
    """The second release served, with both releases under --releases."""
    data = ["--data", str(pair.second_dist / "nap-kg.trig"), "--dist", str(pair.second_dist)]
    return [*data, "--releases", str(pair.folder), "--max-concurrent-queries", "2"]


@pytest.fixture(scope="module")
def server(pair: TwoReleases) -> Iterator[LiveServer]:
    """A real process, only for the LDES client, which opens its own socket."""
    with live_server(args=_serve_args(pair)) as s:
        yield s


@pytest.fixture(scope="module")
def client(pair: TwoReleases) -> Iterator[httpx.Client]:
    with in_process(_serve_args(pair)) as c:
        yield c


def _members(pair: TwoReleases) -> list[str]:
    return sorted(f"{DEFAULT_BASE_IRI}releases/2.0.0/changelog/{c.key}" for c in pair.second.diff.changes)


def test_the_list_names_both_releases(client: httpx.Client) -> None:
    page = client.get("/releases/", params={"lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<a href="/releases/2.0.0">2.0.0</a> (2026-12-02T10:00:00Z), previous: 1.0.0' in page.text
    assert '<a href="/releases/1.0.0">1.0.0</a> (2026-12-01T10:00:00Z)' in page.text
    assert page.text.index("/releases/2.0.0") < page.text.index("/releases/1.0.0")  # newest first


def test_a_release_page_summarises_its_changelog(client: httpx.Client, pair: TwoReleases) -> None:
    page = client.get("/releases/2.0.0", params={"lang": "en"})
    assert page.status_code == 200
    other = len(pair.second.diff.changes) - 5
    for kind, count in (("status moved", 3), ("explanation text changed", 1), ("citation added", 1), ("other", other)):
        assert f'<tr><td>{kind}</td><td class="num">{count}</td></tr>' in page.text
    for n in MOVED:
        assert f"<code>{IRIS.id(f'plan/nap-2022-2026/actiepunt/{n}/status/2025')}</code>: status-moved (+" in page.text


@pytest.mark.parametrize("name", ["nap-kg.trig", "nap-kg.nq.gz", "changelog.ttl", "catalog.ttl", "SHA256SUMS"])
def test_release_files_are_served_as_written(client: httpx.Client, pair: TwoReleases, name: str) -> None:
    for release in (pair.first.release, pair.second.release):
        answer = client.get(f"/releases/{release.version}/{name}")
        assert answer.status_code == 200, answer.text
        assert answer.content == (release.folder / name).read_bytes()


def test_unknown_releases_and_files_are_404(client: httpx.Client) -> None:
    assert client.get("/releases/3.0.0").status_code == 404
    assert client.get("/releases/2.0.0/secret").status_code == 404
    assert client.get("/releases/2.0.0/..%2F1.0.0%2Fnap-kg.trig").status_code == 404
    assert client.get("/releases/2.0.0/.hidden").status_code == 404


def canonical(turtle: bytes) -> pyoxigraph.Dataset:
    """The graph with its blank nodes renamed canonically, so two are equal exactly when they are isomorphic (rdflib's
    ``isomorphic`` took half a minute over the changelog's reified statements, pyoxigraph a tenth of a second)."""
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def test_changelog_and_catalog_by_negotiation(client: httpx.Client, pair: TwoReleases) -> None:
    folder = pair.second.release.folder
    turtle = client.get("/releases/2.0.0/changelog", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert canonical(turtle.content) == canonical((folder / "changelog.ttl").read_bytes())
    page = client.get("/releases/2.0.0/changelog", headers={"Accept": "text/html"}, follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/releases/2.0.0#wijzigingen")
    catalog = client.get("/releases/2.0.0/catalog", headers={"Accept": "text/turtle"})
    assert catalog.content == (folder / "catalog.ttl").read_bytes()


def test_every_page_says_which_release_it_shows(client: httpx.Client) -> None:
    for path in ("/", "/about", "/downloads/", "/releases/"):
        page = client.get(path, params={"lang": "en"})
        assert '<p class="release">Release <a href="/releases/2.0.0">2.0.0</a>' in page.text, path


def test_data_that_is_no_release_is_said_to_be_none(pair: TwoReleases, tmp_path: Path) -> None:
    first = pair.first.release.folder / "nap-kg.trig"
    assert served_release(Settings(data=(DataSource(first),), releases=pair.folder)) == ServedRelease("1.0.0", "2.0.0")
    other = tmp_path / "nap-kg.trig"
    shutil.copyfile(first, other)
    with other.open("a") as stream:
        stream.write("\n")
    assert served_release(Settings(data=(DataSource(other),), releases=pair.folder)) == ServedRelease(None, "2.0.0")
    # citations name the release served, and without one fall back to the dataset at the package version
    as_first = Settings(data=(DataSource(first),), releases=pair.folder)
    assert cited_release(as_first, served_release(as_first)) == CitedVersion(
        f"{DEFAULT_BASE_IRI}releases/1.0.0", "1.0.0", date(2026, 12, 1)
    )
    as_other = Settings(data=(DataSource(other),), releases=pair.folder)
    assert cited_release(as_other, served_release(as_other)) is None


STATUS_QUERY = "SELECT ?s WHERE { <%s> <https://w3id.org/nap-kg/def/status> ?s }"


@pytest.mark.parametrize("n", sorted(MOVED))
def test_each_release_answers_at_its_own_endpoint(client: httpx.Client, n: int) -> None:
    before, after = MOVED[n]
    expected = {
        ("/releases/1.0.0/sparql", 2024): f"s\r\n{IRIS.status(slugify(before))}\r\n",
        ("/releases/1.0.0/sparql", 2025): "s\r\n",  # the next report is not in release 1
        ("/releases/2.0.0/sparql", 2025): f"s\r\n{IRIS.status(slugify(after))}\r\n",
        ("/sparql", 2025): f"s\r\n{IRIS.status(slugify(after))}\r\n",
    }
    for (path, year), answer_text in expected.items():
        query = STATUS_QUERY % IRIS.id(f"plan/nap-2022-2026/actiepunt/{n}/status/{year}")
        answer = client.post(path, data={"query": query}, headers={"Accept": "text/csv"})
        assert answer.status_code == 200, answer.text
        assert answer.text == answer_text, (path, year)


def test_a_release_endpoint_refuses_bad_queries_as_sparql_does(client: httpx.Client) -> None:
    answer = client.post("/releases/1.0.0/sparql", data={"query": "SELECT WHERE {"})
    assert answer.status_code == 400
    assert client.get("/releases/9.9.9/sparql", params={"query": "ASK {}"}).status_code == 404


def test_the_feed_is_a_paginated_event_stream(client: httpx.Client, pair: TwoReleases) -> None:
    root = Graph().parse(data=client.get("/feed/").text, format="turtle")
    stream = URIRef(f"{DEFAULT_BASE_IRI}feed/stream")
    view = URIRef(f"{BASE_URL}/feed/")
    assert (stream, RDF_TYPE, LDES.EventStream) in root
    assert root.value(stream, LDES.timestampPath) == CS.createdDate
    assert root.value(stream, TREE.view) == view
    relation = root.value(view, TREE.relation)
    assert root.value(relation, RDF_TYPE) == TREE.GreaterThanOrEqualToRelation
    assert root.value(relation, TREE.node) == URIRef(f"{BASE_URL}/feed/2.0.0")
    assert root.value(relation, TREE.value).toPython().isoformat() == "2026-12-02T10:00:00+00:00"
    page = Graph().parse(data=client.get("/feed/2.0.0").text, format="turtle")
    assert sorted(str(m) for m in page.objects(stream, TREE.member)) == _members(pair)
    assert client.get("/feed/1.0.0").status_code == 404  # the first release has no changes


def test_the_reference_ldes_client_sees_every_change_exactly_once(server: LiveServer, pair: TwoReleases) -> None:
    assert CLIENT.is_file(), f"{CLIENT} is missing: npm ci --prefix {CLIENT_DIR} (tests/bootstrap.sh)"
    node = shutil.which("node")
    assert node, "Node.js is needed to run the reference LDES client"
    done = subprocess.run(
        [node, str(CLIENT), f"{server.base_url}/feed/"], capture_output=True, text=True, timeout=120, cwd=CLIENT_DIR
    )
    assert done.returncode == 0, done.stderr
    # The client prints N-Triples lines, but numbers in Turtle's short form (978), so it is read as Turtle.
    seen = Graph().parse(data=done.stdout, format="turtle")
    emitted = [line.split(" ", 1)[0][1:-1] for line in done.stdout.splitlines() if f"<{CS.ChangeSet}>" in line]
    assert sorted(emitted) == _members(pair)  # each member once, none missing, none extra
    moved = {
        seen.value(m, CS.subjectOfChange) for m in seen.subjects(CS.changeReason, Literal("status moved", lang="en"))
    }
    assert moved == {IRIS.id(f"plan/nap-2022-2026/actiepunt/{n}/status/2025") for n in MOVED}
    changelog = Graph().parse(pair.second.release.folder / "changelog.ttl")
    for member in _members(pair):
        assert set(seen.triples((URIRef(member), CS.subjectOfChange, None))) == set(
            changelog.triples((URIRef(member), CS.subjectOfChange, None))
        )


def test_the_service_description_names_the_release_endpoints_and_the_feed(client: httpx.Client) -> None:
    answer = client.get("/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=answer.text, format="turtle")
    (service,) = g.subjects(
        URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"), URIRef(f"{BASE_URL}/sparql")
    )
    see_also = set(g.objects(service, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")))
    stream = URIRef(f"{DEFAULT_BASE_IRI}feed/stream")
    assert see_also == {stream, *(URIRef(f"{BASE_URL}/releases/{v}/sparql") for v in ("1.0.0", "2.0.0"))}
    assert (stream, RDF_TYPE, LDES.EventStream) in g
    texts = {str(t) for t in g.objects(service, URIRef("http://purl.org/dc/terms/description"))}
    assert any(t.startswith("This endpoint serves the current data (release 2.0.0).") for t in texts), texts


def _cited(client: httpx.Client, path: str, key: str, **params: str) -> dict[str, str]:
    answer = client.get(path, params={"format": key, "lang": "en", **params})
    assert (answer.status_code, answer.headers["content-type"]) == (200, CITATION_BY_KEY[key].content_type), answer.text
    cited = parse(key, answer.text)
    assert date.fromisoformat(cited.pop("accessed")) in today()
    return cited


def _release_fields(key: str, version: str, issued: str) -> dict[str, str]:
    """What a citation of ``version`` issued on ``issued`` says of its version, as test_citations.parse reads it."""
    return {
        "version": version,
        "issued": issued[:4] if key == "bibtex" else issued,
        "note": f"Version {version}: {DEFAULT_BASE_IRI}releases/{version}",
    }


@pytest.mark.parametrize("key", list(CITATION_BY_KEY))
def test_citations_name_the_release_served(client: httpx.Client, key: str) -> None:
    ap17 = str(IRIS.action_point(17))
    cited = _cited(client, "/" + ap17.removeprefix(DEFAULT_BASE_IRI), key)
    assert cited == {
        "title": "Action point 17",
        "url": ap17,
        "publisher": CATALOG["publisher"]["name_en"],
        **_release_fields(key, "2.0.0", "2026-12-02"),
    }
    cited = _cited(client, "/queries/eu-relations", key, instrument="csddd")
    assert cited["url"] == f"{DEFAULT_BASE_IRI}queries/eu-relations?instrument=csddd"
    assert {k: cited[k] for k in ("version", "issued", "note")} == _release_fields(key, "2.0.0", "2026-12-02")


def test_pages_cite_the_release_served(client: httpx.Client) -> None:
    ap17 = str(IRIS.action_point(17))
    page = client.get("/" + ap17.removeprefix(DEFAULT_BASE_IRI), params={"lang": "en"}, headers={"Accept": "text/html"})
    assert f"(version 2.0.0, {DEFAULT_BASE_IRI}releases/2.0.0)" in section(page.text, "cite")
    question = client.get(
        "/queries/eu-relations", params={"instrument": "csddd", "lang": "en"}, headers={"Accept": "text/html"}
    )
    assert f"(version 2.0.0, {DEFAULT_BASE_IRI}releases/2.0.0)" in section(question.text, "cite")


@pytest.mark.parametrize("key", list(CITATION_BY_KEY))
@pytest.mark.parametrize(("version", "issued"), [("1.0.0", "2026-12-01"), ("2.0.0", "2026-12-02")])
def test_a_release_page_cites_that_release(client: httpx.Client, key: str, version: str, issued: str) -> None:
    assert _cited(client, f"/releases/{version}", key) == {
        "title": f"Release {version}",
        "url": f"{DEFAULT_BASE_IRI}releases/{version}",
        "publisher": CATALOG["publisher"]["name_en"],
        **_release_fields(key, version, issued),
    }


def test_a_release_page_has_cite_this(client: httpx.Client) -> None:
    cite = section(client.get("/releases/1.0.0", params={"lang": "nl"}).text, "cite")
    assert "Citeer dit" in cite and f"(versie 1.0.0, {DEFAULT_BASE_IRI}releases/1.0.0)" in cite
    for key, fmt in CITATION_BY_KEY.items():
        assert f'<a href="/releases/1.0.0?format={key}&amp;lang=nl">{fmt.label}</a>' in cite
    answer = client.get("/releases/1.0.0", params={"format": "ttl"})
    assert answer.status_code == 400 and "csljson, bibtex, ris" in answer.text


def test_an_earlier_release_served_is_the_one_cited(pair: TwoReleases) -> None:
    first = pair.first.release.folder / "nap-kg.trig"
    with in_process(["--data", str(first), "--releases", str(pair.folder), "--max-concurrent-queries", "1"]) as c:
        cited = _cited(c, "/" + str(IRIS.action_point(17)).removeprefix(DEFAULT_BASE_IRI), "ris")
    assert {k: cited[k] for k in ("version", "issued", "note")} == _release_fields("ris", "1.0.0", "2026-12-01")
