"""A CKAN harvester reads both versions: ckanext-dcat's RDF parser (the one CKAN portals such as data.overheid.nl
and data.europa.eu's CKAN-based harvesters use), run in its own virtual environment, because ckanext-dcat imports
CKAN itself (ckantoolkit), whose pinned requirements (Flask, SQLAlchemy, ...) must not mix with nap-kg's."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from napkg_graph.config import DEFAULT_BASE_IRI, BuildSettings
from napkg_graph.pipeline import BuildResult

from tests.support.releases import TwoReleases, two_releases

REPO = Path(__file__).parents[2]
CKAN_PYTHON = REPO / ".venv-ckan" / "bin" / "python"
READER = REPO / "tests" / "support" / "ckan_read_catalog.py"


@pytest.fixture(scope="module")
def pair(built: BuildResult, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory) -> TwoReleases:
    return two_releases(settings.dist, tmp_path_factory.mktemp("releases"), DEFAULT_BASE_IRI)


def test_ckanext_dcat_reads_both_versions_with_their_checksums(pair: TwoReleases) -> None:
    if not CKAN_PYTHON.is_file():
        pytest.fail(f"{CKAN_PYTHON} is missing: tests/bootstrap.sh installs CKAN and ckanext-dcat there", pytrace=False)
    catalog = pair.second.release.folder / "catalog.ttl"
    done = subprocess.run([str(CKAN_PYTHON), str(READER), str(catalog)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    datasets = {d["title"]: d for d in json.loads(done.stdout)}
    main = "Knowledge graph of the Dutch National Action Plan on Business and Human Rights 2022-2026 (nap-kg)"
    assert set(datasets) == {main, f"{main}, version 1.0.0", f"{main}, version 2.0.0"}
    assert datasets[main]["version"] == "2.0.0"
    for result in (pair.first, pair.second):
        release = result.release
        read = datasets[f"{main}, version {release.version}"]
        assert read["version"] == release.version
        assert read["is_version_of"] == [f"{DEFAULT_BASE_IRI}id/dataset/nap-kg"]
        assert read["version_notes"].startswith(f"Version {release.version}")
        expected = sorted(
            (f"{DEFAULT_BASE_IRI}releases/{release.version}/{name}", release.files[name][1])
            for name in ("nap-kg.trig", "nap-kg.nq.gz", "nap-kg.jsonld", "nap-kg.ttl", "nap-kg.nt.gz")
        )
        assert [tuple(r) for r in read["resources"]] == expected
