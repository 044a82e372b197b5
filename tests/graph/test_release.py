"""`napkg release`: two releases (the real build, then an invented edit: tests/support/releases.py) give a
changelog with exactly the edit's changes, as RDF (Talis Changeset) and as the page's summary; the catalog of the
second release describes both versions and passes the official DCAT-AP 3 and DCAT-AP-NL 3.0 shapes; releases are
immutable and versions validated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from napkg_graph.config import DEFAULT_BASE_IRI, BuildSettings
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_graph.release import ReleaseError, check_version, current_release_iri, releases
from napkg_graph.vocab import ADMS, NAP
from rdflib import DCTERMS, RDF, XSD, Graph, Literal, Namespace, URIRef

from tests.graph.test_catalog import VIOLATION_SHAPES, WARNING_SHAPES, _validate
from tests.support.releases import ADDED_KAMERSTUK, EXPLAINED, MOVED, TwoReleases, next_report_releases, two_releases

CS = Namespace("http://purl.org/vocab/changeset/schema#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's closed DCAT is DCAT 2, without the version terms
SPDX = Namespace("http://spdx.org/rdf/terms#")
IRIS = Iris(DEFAULT_BASE_IRI)
REPORT_GRAPH = IRIS.graph("voortgangsrapportage-2024")


@pytest.fixture(scope="module")
def pair(built: BuildResult, settings: BuildSettings, tmp_path_factory: pytest.TempPathFactory) -> TwoReleases:
    return two_releases(settings.dist, tmp_path_factory.mktemp("releases"), DEFAULT_BASE_IRI)


def _citation_of_added_kamerstuk(pair: TwoReleases) -> URIRef:
    g = Graph().parse(pair.second_dist / "nap-kg.ttl")
    (citation,) = g.subjects(NAP.cites, IRIS.kamerstuk(ADDED_KAMERSTUK))
    assert isinstance(citation, URIRef)
    return citation


def test_the_first_release_has_no_changes_and_the_second_exactly_the_edit(pair: TwoReleases) -> None:
    assert pair.first.diff.changes == ()
    got = {(c.subject, c.action_point, c.kinds) for c in pair.second.diff.changes}
    explanation = IRIS.explanation(EXPLAINED, 2024)
    assert got == {
        *((f"<{IRIS.status_assessment(n, 2024)}>", f"<{IRIS.action_point(n)}>", ("status-moved",)) for n in MOVED),
        (f"<{explanation}>", f"<{IRIS.action_point(EXPLAINED)}>", ("explanation-changed",)),
        (f"<{_citation_of_added_kamerstuk(pair)}>", f"<{IRIS.action_point(EXPLAINED)}>", ("citation-added",)),
        (f"<{IRIS.kamerstuk(ADDED_KAMERSTUK)}>", None, ("other",)),
    }
    assert set(pair.second.diff.added_per_graph) == {f"<{REPORT_GRAPH}>"}
    statuses = {c.subject: c for c in pair.second.diff.changes if c.kinds == ("status-moved",)}
    for n, (before, after) in MOVED.items():
        change = statuses[f"<{IRIS.status_assessment(n, 2024)}>"]
        assert [str(q.object) for q in change.removed] == [f"<{IRIS.status(_slug(before))}>"]
        assert [str(q.object) for q in change.added] == [f"<{IRIS.status(_slug(after))}>"]


def _slug(text: str) -> str:
    from napkg_graph.iris import slugify

    return slugify(text)


def test_the_changelog_rdf_says_the_same_as_the_diff(pair: TwoReleases) -> None:
    g = Graph().parse(pair.second.release.folder / "changelog.ttl")
    change_sets = set(g.subjects(RDF.type, CS.ChangeSet))
    assert len(change_sets) == len(pair.second.diff.changes) == 6
    for change in pair.second.diff.changes:
        (node,) = g.subjects(CS.subjectOfChange, URIRef(change.subject[1:-1]))
        assert g.value(node, DCTERMS.isVersionOf) == URIRef(change.subject[1:-1])
        assert g.value(node, CS.createdDate).toPython().isoformat() == "2026-12-02T10:00:00+00:00"
        for link, quads in ((CS.addition, change.added), (CS.removal, change.removed)):
            stated = {
                (str(g.value(st, RDF.predicate)), str(g.value(st, RDF.object)), g.value(st, NAP.inGraph))
                for st in g.objects(node, link)
            }
            assert stated == {(q.predicate.value, _value(q.object), REPORT_GRAPH) for q in quads}


def _value(term: object) -> str:
    return str(getattr(term, "value", term))


def test_the_summary_counts_per_kind_and_per_graph(pair: TwoReleases) -> None:
    summary = json.loads((pair.second.release.folder / "changelog.json").read_text("utf-8"))
    assert {k["kind"]: k["count"] for k in summary["kinds"]} == {
        "status-moved": 3,
        "explanation-changed": 1,
        "citation-added": 1,
        "citation-removed": 0,
        "other": 1,
    }
    added = sum(len(c.added) for c in pair.second.diff.changes)
    removed = sum(len(c.removed) for c in pair.second.diff.changes)
    assert summary["graphs"] == [{"graph": f"<{REPORT_GRAPH}>", "added": added, "removed": removed}]
    assert removed == 4  # three statuses and one text


def test_the_catalog_describes_both_versions(pair: TwoReleases) -> None:
    g = Graph().parse(pair.second.release.folder / "catalog.ttl")
    first, second = URIRef(f"{DEFAULT_BASE_IRI}releases/1.0.0"), URIRef(f"{DEFAULT_BASE_IRI}releases/2.0.0")
    dataset = IRIS.dataset()
    assert set(g.objects(dataset, DCAT.hasVersion)) == {first, second}
    assert g.value(dataset, DCAT.hasCurrentVersion) == second
    assert g.value(dataset, DCAT.version) == Literal("2.0.0")
    assert g.value(second, DCAT.previousVersion) == first
    assert g.value(first, DCAT.previousVersion) is None
    assert g.value(second, DCTERMS.issued) == Literal("2026-12-02", datatype=XSD.date)
    notes = {str(n) for n in g.objects(second, ADMS.versionNotes)}
    assert any("changed resources per kind: status moved: 3, explanation text changed: 1" in n for n in notes), notes
    for release, folder in ((first, pair.first.release.folder), (second, pair.second.release.folder)):
        sums = dict(line.split("  ")[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines())
        trig = URIRef(f"{release}/distributie/nap-kg.trig")
        assert g.value(trig, DCAT.downloadURL) == URIRef(f"{release}/nap-kg.trig")
        assert str(g.value(g.value(trig, SPDX.checksum), SPDX.checksumValue)) == sums["nap-kg.trig"]


def test_the_catalog_with_two_releases_passes_the_official_shapes(pair: TwoReleases) -> None:
    g = Graph().parse(pair.second.release.folder / "catalog.ttl")
    assert _validate(g, VIOLATION_SHAPES).violations == []
    assert _validate(g, WARNING_SHAPES).findings == []


def test_releases_are_listed_in_order_and_the_current_iri_is_the_newest(pair: TwoReleases) -> None:
    assert [(r.version, r.previous) for r in releases(pair.folder)] == [("1.0.0", None), ("2.0.0", "1.0.0")]
    assert current_release_iri(DEFAULT_BASE_IRI, pair.folder) == f"{DEFAULT_BASE_IRI}releases/2.0.0"
    assert current_release_iri(DEFAULT_BASE_IRI, pair.folder / "none") is None


def test_the_checksums_match_the_files(pair: TwoReleases) -> None:
    folder = pair.second.release.folder
    done = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("version", ["1.0.0", "2.1.0-rc.1", "2026-12-03", "2026-12-03.2"])
def test_semantic_and_date_versions_are_accepted(version: str) -> None:
    assert check_version(version) == version


@pytest.mark.parametrize("version", ["v1", "1.0", "01.0.0", "2026-13-01", "2026-12-03.0", "../x", ""])
def test_other_versions_are_refused(version: str) -> None:
    with pytest.raises(ReleaseError):
        check_version(version)


def _napkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "napkg_cli", *args], capture_output=True, text=True, timeout=120)


def test_the_cli_refuses_to_rewrite_a_release(pair: TwoReleases) -> None:
    before = (pair.second.release.folder / "SHA256SUMS").read_bytes()
    done = _napkg("release", "2.0.0", "--no-build", "--dist", str(pair.second_dist), "--releases", str(pair.folder))
    assert done.returncode == 2
    assert done.stderr == (
        f"napkg: error: {pair.folder / '2.0.0'}: release 2.0.0 exists already; releases are never rewritten\n"
    )
    assert (pair.second.release.folder / "SHA256SUMS").read_bytes() == before


def test_the_cli_refuses_a_bad_version_and_a_missing_build(tmp_path: Path) -> None:
    done = _napkg("release", "v2", "--no-build", "--dist", str(tmp_path / "dist"), "--releases", str(tmp_path))
    assert (done.returncode, done.stderr) == (
        2,
        "napkg: error: version 'v2' is neither semantic (1.2.0) nor a date (2026-12-03, 2026-12-03.2)\n",
    )
    done = _napkg("release", "1.0.0", "--no-build", "--dist", str(tmp_path / "dist"), "--releases", str(tmp_path))
    assert done.returncode == 2
    assert "no built dataset to release (run napkg build first)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def next_pair(
    built: BuildResult,
    settings: BuildSettings,
    next_report_built: BuildResult,
    next_report_settings: BuildSettings,
    tmp_path_factory: pytest.TempPathFactory,
) -> TwoReleases:
    work = tmp_path_factory.mktemp("next")
    return next_report_releases(settings.dist, next_report_settings.dist, work, DEFAULT_BASE_IRI)


def test_the_next_report_gives_exactly_its_changes(next_pair: TwoReleases) -> None:
    """Issue 16's "done when": release 1 from the real sources, release 2 with the next progress report of
    tests/data/next-report (moves 7, 9 and 18, changes 5's explanation, which cites Kamerstuk 26 485, nr. 430)."""
    diff = next_pair.second.diff
    named = {(c.subject, c.kinds) for c in diff.changes if c.kinds != ("other",)}
    next_report = "id/plan/nap-2022-2026/actiepunt/{}/{}/2025"
    g = Graph().parse(next_pair.second_dist / "nap-kg.ttl")
    explanation = URIRef(f"{IRIS.base}{next_report.format(5, 'toelichting')}")
    (citation,) = (
        c for c in g.subjects(NAP.cites, IRIS.kamerstuk("26485-430")) if (c, NAP.citingResource, explanation) in g
    )
    assert named == {
        *((f"<{IRIS.base}{next_report.format(n, 'status')}>", ("status-moved",)) for n in (7, 9, 18)),
        (f"<{IRIS.base}{next_report.format(5, 'toelichting')}>", ("explanation-changed",)),
        (f"<{citation}>", ("citation-added",)),
    }
    assert diff.per_kind()["citation-removed"] == 0
    assert sum(diff.removed_per_graph.values()) == 0  # a new report adds; nothing the data said is taken back
    # Everything else is what the new report graph says anew (its carried-over statuses, texts and citations).
    fixture_graph = f"<{IRIS.graph('voortgangsrapportage-2025-testfixture')}>"
    assert set(diff.added_per_graph) >= {fixture_graph}
