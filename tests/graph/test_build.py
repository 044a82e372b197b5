"""`napkg build` and `napkg validate`, run as users run them: deterministic dumps, a failed build that leaves
dist/ untouched with a readable report, and dumps that parse back to the same dataset."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from napkg_graph.config import DEFAULT_BASE_IRI, REPO_ROOT, BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_graph.publish import (
    CATALOG,
    CATALOG_JSONLD,
    CHECKSUMS,
    JSONLD,
    NQUADS,
    NTRIPLES,
    ONTOLOGY_HTML,
    TRIG,
    TURTLE,
    VOID,
)
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

NAPKG = [sys.executable, "-m", "napkg_cli"]


def napkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NAPKG, *args], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)


def _sums(dist: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(dist.iterdir())}


def test_dist_has_every_dump_and_matching_checksums(built: BuildResult, settings: BuildSettings) -> None:
    listed = dict(reversed(line.split("  ")) for line in (settings.dist / CHECKSUMS).read_text().splitlines())
    assert set(listed) == {
        *(TRIG, NQUADS, JSONLD, TURTLE, NTRIPLES, "validation.txt"),
        *(CATALOG, CATALOG_JSONLD, VOID, ONTOLOGY_HTML),
    }
    for name, digest in listed.items():
        assert hashlib.sha256((settings.dist / name).read_bytes()).hexdigest() == digest


def test_two_builds_give_identical_bytes(built: BuildResult, settings: BuildSettings, tmp_path: Path) -> None:
    second = tmp_path / "dist"
    result = napkg("build", "--dist", str(second))
    assert result.returncode == 0, result.stderr
    assert _sums(second) == _sums(settings.dist)


def test_dumps_parse_back_to_the_same_dataset(built: BuildResult, settings: BuildSettings) -> None:
    trig = Dataset().parse(settings.dist / TRIG, format="trig")
    nquads = Dataset().parse(data=gzip.decompress((settings.dist / NQUADS).read_bytes()).decode(), format="nquads")
    for ds in (trig, nquads):
        names = {str(g.identifier) for g in ds.graphs() if len(g)}
        assert names == {str(g.identifier) for g in built.dataset.graphs() if len(g)}
        for g in built.dataset.graphs():
            assert isomorphic(ds.graph(g.identifier), g), g.identifier
    union_nt = Graph().parse(data=gzip.decompress((settings.dist / NTRIPLES).read_bytes()).decode(), format="nt")
    assert isomorphic(union_nt, built.union)
    assert isomorphic(Graph().parse(settings.dist / TURTLE), built.union)


def test_jsonld_uses_the_shipped_context_and_parses(built: BuildResult, settings: BuildSettings) -> None:
    doc = json.loads((settings.dist / JSONLD).read_text(encoding="utf-8"))
    assert doc["@context"]["nap"] == "https://w3id.org/nap-kg/def/"
    ds = Dataset().parse(settings.dist / JSONLD, format="json-ld")
    assert sum(len(g) for g in ds.graphs()) == sum(len(g) for g in built.dataset.graphs())


def _broken_sources(tmp_path: Path, edit) -> Path:
    sources = tmp_path / "sources"
    shutil.copytree(REPO_ROOT / "graph" / "sources", sources)
    edit(sources)
    return sources


def _reverse_timeline(sources: Path) -> None:
    path = sources / "actiepunten" / "09.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["timeline"]["start"], record["timeline"]["end"] = "2024", "2022"
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")


def _bad_tooi(sources: Path) -> None:
    path = sources / "organisations.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("code: mnre1013", "code: mnre13"), encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "shape", "where"),
    [
        (_reverse_timeline, "napsh:TimelineShape", "Tijdslijn van actiepunt 9"),
        (_bad_tooi, "napsh:MinistryShape", "ministerie van Buitenlandse Zaken"),
    ],
    ids=["timeline-ends-before-it-begins", "malformed-tooi-code"],
)
def test_invalid_sources_fail_the_build_and_leave_dist_untouched(
    built: BuildResult, settings: BuildSettings, tmp_path: Path, edit, shape: str, where: str
) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(settings.dist, dist)
    before = _sums(dist)
    result = napkg("build", "--dist", str(dist), "--sources", str(_broken_sources(tmp_path, edit)))
    assert result.returncode == 1
    assert f"VIOLATION {shape}" in result.stderr
    assert where in result.stderr
    assert "left untouched" in result.stderr
    assert _sums(dist) == before
    assert not list(tmp_path.glob(".dist-*")), "no staging directory is left behind"


def test_malformed_source_record_is_named_in_the_error(tmp_path: Path) -> None:
    def drop_objective(sources: Path) -> None:
        path = sources / "actiepunten" / "05.yaml"
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        del record["objective"]
        path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")

    result = napkg(
        "build",
        "--dist",
        str(tmp_path / "dist"),
        "--sources",
        str(_broken_sources(tmp_path, drop_objective)),
    )
    assert result.returncode != 0
    assert "05.yaml: missing required field 'objective'" in result.stderr
    assert not (tmp_path / "dist").exists()


def test_validate_command_reports_and_exits_nonzero_on_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix nap: <https://w3id.org/nap-kg/def/> .\n"
        "<https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/99> a nap:ActionPoint ;\n"
        '  <http://www.w3.org/2000/01/rdf-schema#label> "Actiepunt 99"@nl .\n',
        encoding="utf-8",
    )
    result = napkg("validate", "--violations-only", str(bad))
    assert result.returncode == 1
    assert "VIOLATION napsh:ActionPointShape" in result.stdout
    assert f"Actiepunt 99 <{Iris(DEFAULT_BASE_IRI).action_point(99)}> path=nap:objective" in result.stdout


def test_validate_command_passes_the_published_dump(built: BuildResult, settings: BuildSettings) -> None:
    result = napkg("validate", "--violations-only", str(settings.dist / TRIG))
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 violation(s)" in result.stdout
