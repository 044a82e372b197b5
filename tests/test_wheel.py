"""The wheel works without a checkout: built from this repository, installed into a fresh virtual environment
outside it, its `napkg` builds the dataset from the packaged sources into ./dist, answers a saved question and
serves the graph over SPARQL."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from napkg_graph.config import REPO_ROOT

from tests.support.live_server import live_server

pytestmark = pytest.mark.slow

#: What a checkout may hold beside its sources: environments, builds, caches.
CHECKOUT_LEFTOVERS = (".git", ".venv", "dist", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")


# The installed program must find only what it was installed with: no search path of this process.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600, env=CLEAN_ENV
    )
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(bin directory of a fresh venv holding only the wheel, an empty working directory), both outside the repo."""
    root = tmp_path_factory.mktemp("wheel")
    wheels = root / "wheels"
    # Built from a clean copy of the checkout: setuptools builds in place, and a build/ left in the checkout by an
    # earlier build would slip stale modules into the wheel. The data/ links are kept as links (their targets are
    # copied too), as in a checkout.
    source = root / "source"
    shutil.copytree(REPO_ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(*CHECKOUT_LEFTOVERS))
    # No build isolation: the test extra brings setuptools and wheel, so nothing is downloaded here.
    _run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", wheels, source, cwd=root
    )
    (wheel,) = wheels.glob("nap_kg-*.whl")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    _run(bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=root)
    # The dependencies come from the test environment, added as a plain path: its .pth files (the editable
    # install of this checkout among them) are not run, so napkg_graph and napkg_server are the wheel's.
    site = Path(
        _run(
            bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root
        ).stdout.strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = root / "work"
    work.mkdir()
    yield bin_dir, work


def test_the_wheel_imports_its_own_copy(installed: tuple[Path, Path]) -> None:
    bin_dir, work = installed
    where = _run(bin_dir / "python", "-c", "import napkg_graph, napkg_server; print(napkg_graph.__file__)", cwd=work)
    assert str(bin_dir.parent) in where.stdout and str(REPO_ROOT) not in where.stdout


def test_build_query_and_serve_from_the_wheel(installed: tuple[Path, Path]) -> None:
    bin_dir, work = installed
    napkg = bin_dir / "napkg"
    assert "usage: napkg" in _run(napkg, "--help", cwd=work).stdout

    built = _run(napkg, "build", cwd=work)
    assert f"dumps in {work / 'dist'}" in built.stdout
    sums = (work / "dist" / "SHA256SUMS").read_text()
    assert "nap-kg.trig" in sums and "catalog.ttl" in sums

    rows = list(
        csv.DictReader(io.StringIO(_run(napkg, "query", "action-points-by-status", "--format", "csv", cwd=work).stdout))
    )
    assert sum(int(row["actionPoints"]) for row in rows) == 33  # every action point has one 2024 status

    with live_server(program=[str(napkg), "serve"], cwd=work, startup_timeout=60, env={"PYTHONPATH": ""}) as server:
        response = httpx.get(
            server.sparql_url,
            params={"query": "SELECT (COUNT(?ap) AS ?n) WHERE { ?ap a <https://w3id.org/nap-kg/def/ActionPoint> }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert response.status_code == 200
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "33"
        page = httpx.get(server.base_url + "/", timeout=30)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
