"""Shared fixtures: the dataset is built once per test session into a temporary dist/ (never the repository's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from napkg_graph.config import DEFAULT_BASE_IRI, BuildSettings
from napkg_graph.pipeline import BuildResult, build
from napkg_graph.shacl.validate import load_shapes
from napkg_graph.union_graph import union_into_default_graph
from napkg_graph.vocab import ONTOLOGY_FILE
from rdflib import Graph

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.in_process import in_process
from tests.support.live_server import LiveServer, live_server
from tests.support.releases import NEXT_REPORT


@pytest.fixture(scope="session")
def shapes() -> Graph:
    """Every shape of shapes/, as the build loads them."""
    return load_shapes(BuildSettings(base_iri=DEFAULT_BASE_IRI))


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> BuildSettings:
    return BuildSettings(dist=tmp_path_factory.mktemp("build") / "dist")


@pytest.fixture(scope="session")
def built(settings: BuildSettings) -> BuildResult:
    """The real dataset, built and validated from graph/sources/ exactly as `napkg build` does."""
    return build(settings)


@pytest.fixture(scope="session")
def next_report_settings(tmp_path_factory: pytest.TempPathFactory) -> BuildSettings:
    """The real sources plus the invented next progress report (tests/data/next-report)."""
    dist = tmp_path_factory.mktemp("next-report") / "dist"
    return BuildSettings(dist=dist, extra_sources=(NEXT_REPORT,), allow_test_fixtures=True)


@pytest.fixture(scope="session")
def next_report_built(next_report_settings: BuildSettings) -> BuildResult:
    """Those built as `napkg build --extra-sources` does, once per session: the history, release and feed tests
    read it (none writes to its dist/)."""
    return build(next_report_settings)


@pytest.fixture(scope="session")
def store(built: BuildResult, settings: BuildSettings) -> pyoxigraph.Store:
    """The published TriG dump loaded in the engine the server uses, as the server loads it: with the union of the
    named graphs as the default graph."""
    s = pyoxigraph.Store()
    s.bulk_load(path=str(settings.dist / "nap-kg.trig"), format=pyoxigraph.RdfFormat.TRIG)
    union_into_default_graph(s)
    return s


def serve_args(settings: BuildSettings) -> list[str]:
    """The flags of ``napkg serve`` on the built dataset, as the ``server`` and ``client`` fixtures serve it."""
    return ["--data", str(settings.dist / "nap-kg.trig"), "--dist", str(settings.dist), "--max-concurrent-queries", "2"]


@pytest.fixture(scope="module")
def server(built: BuildResult, settings: BuildSettings) -> Iterator[LiveServer]:
    """The real server process on the built dataset, one per test module that needs a process (signals, socket-level
    behaviour, clients that open their own connection, the browser); modules with other data define their own."""
    with live_server(args=serve_args(settings)) as s:
        yield s


@pytest.fixture(scope="module")
def client(built: BuildResult, settings: BuildSettings) -> Iterator[httpx.Client]:
    """The real app on the built dataset in this process (tests.support.in_process), one per test module: the
    default for HTTP tests."""
    with in_process(serve_args(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium through Playwright (imported here, so only the browser tests need it).

    CI installs both (.ci/run); without them a browser test fails, it does not skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium), as .ci/run does.",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install 'playwright>=1.40,<2'.", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def select(store: pyoxigraph.Store, query: str) -> list[dict[str, str]]:
    """Run a SELECT over the default graph (the union of the named graphs in the ``store`` fixture); values as plain
    strings."""
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]


def data_path(*parts: str) -> Path:
    return Path(__file__).parent / "data" / Path(*parts)
