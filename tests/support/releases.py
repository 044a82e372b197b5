"""Two releases for the release, changelog, catalog and feed tests: release 1.0.0 from the real sources, 2.0.0
from an INVENTED edit of a copy of them (test data only, never published): three statuses moved (action points 2,
3 and 4), and action point 5's explanation given one more sentence, which cites a Kamerstuk the data did not have.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from napkg_graph.catalog import load_catalog_source
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import build
from napkg_graph.release import ReleaseResult, make_release

#: action point -> (status before, status after) in the invented edit
MOVED = {
    2: ("In uitvoering maar met vertraging", "Voltooid"),
    3: ("Doorlopend", "Voltooid"),
    4: ("Voltooid", "Doorlopend"),
}
EXPLAINED = 5
ADDED_SENTENCE = " Zie Kamerstukken II 2023/24, 26485, nr. 400."
ADDED_KAMERSTUK = "26485-400"
FIRST_ISSUED, SECOND_ISSUED = "2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z"


def invented_sources(target: Path) -> Path:
    """A copy of graph/sources/ with the invented edit applied."""
    shutil.copytree(BuildSettings().sources_dir, target, symlinks=False)
    records = target / "rapporten" / "voortgangsrapportage-2024" / "stand-van-zaken"
    for n, (before, after) in MOVED.items():
        path = records / f"{n:02d}.yaml"
        text = path.read_text("utf-8")
        old = f'status: "{before}"\n'
        assert old in text, (path, before)
        path.write_text(text.replace(old, f'status: "{after}"\n'), "utf-8")
    path = records / f"{EXPLAINED:02d}.yaml"
    text = path.read_text("utf-8")
    old = "gunningscriterium).\n"
    assert text.count(old) == 1, path
    path.write_text(text.replace(old, f"gunningscriterium).{ADDED_SENTENCE}\n"), "utf-8")
    return target


@dataclass(frozen=True)
class TwoReleases:
    folder: Path
    first: ReleaseResult
    second: ReleaseResult
    second_dist: Path


#: The next progress report of tests/data/next-report (h16s's fixture, invented, never published; see its README)
NEXT_REPORT = Path(__file__).parents[1] / "data" / "next-report"


def next_report_releases(first_dist: Path, second_dist: Path, work: Path, base_iri: str) -> TwoReleases:
    """Release 1.0.0 of ``first_dist`` (the real build) and 2.0.0 of ``second_dist``, the real sources plus the next
    report built with ``base_iri`` (the session's ``next_report_built`` fixture), in ``work/releases``."""
    catalog = load_catalog_source(BuildSettings(base_iri=base_iri).sources_dir)
    folder = work / "releases"
    first = make_release("1.0.0", first_dist, folder, base_iri, catalog, issued=FIRST_ISSUED)
    second = make_release("2.0.0", second_dist, folder, base_iri, catalog, issued=SECOND_ISSUED)
    return TwoReleases(folder, first, second, second_dist)


def two_releases(first_dist: Path, work: Path, base_iri: str) -> TwoReleases:
    """Release 1.0.0 of ``first_dist`` (the real build) and 2.0.0 of the invented sources, in ``work/releases``."""
    settings = BuildSettings(base_iri=base_iri)
    catalog = load_catalog_source(settings.sources_dir)
    folder = work / "releases"
    first = make_release("1.0.0", first_dist, folder, base_iri, catalog, issued=FIRST_ISSUED)
    sources = invented_sources(work / "sources")
    second_settings = BuildSettings(base_iri=base_iri, dist=work / "dist2", sources=sources)
    build(second_settings)
    second = make_release(
        "2.0.0", second_settings.dist, folder, base_iri, load_catalog_source(sources), issued=SECOND_ISSUED
    )
    return TwoReleases(folder, first, second, second_settings.dist)
