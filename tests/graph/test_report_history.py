"""Reports as source folders and the status history (issue 16, item 2): a next progress report is a folder
(tests/data/next-report/, invented test data), the build refuses it unless allowed, and with it the history
questions answer exactly the fixture's changes; on the real sources alone they find no change."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest
import yaml
from napkg_cli.main import main
from napkg_graph.config import DEFAULT_BASE_IRI, REPO_ROOT, BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.sources import SourceError, load_sources
from napkg_graph.text import strip_markers
from napkg_graph.union_graph import union_into_default_graph
from rdflib import DCTERMS, PROV, Literal, URIRef

from tests.conftest import select
from tests.support.saved_answers import answer

BASE = DEFAULT_BASE_IRI
SOURCES = REPO_ROOT / "graph" / "sources"
NEXT_REPORT = REPO_ROOT / "tests" / "data" / "next-report"
FIXTURE = NEXT_REPORT / "voortgangsrapportage-2025-testfixture"
REPORT_2024 = BASE + "id/rapport/voortgangsrapportage-2024"
REPORT_FIXTURE = BASE + "id/rapport/voortgangsrapportage-2025-testfixture"
STATUS = BASE + "id/status/"
# The fixture's status moves (its README): action point -> (2024 status, fixture status).
MOVES = {
    7: ("in-uitvoering-volgens-planning", "in-uitvoering-maar-met-vertraging"),
    9: ("in-uitvoering-volgens-planning", "doorlopend"),
    18: ("in-uitvoering", "voltooid"),
}


def _explanation(folder: Path, n: int) -> str:
    """An explanation as the graph publishes it (markers stripped), read from the YAML record."""
    record = yaml.safe_load((folder / "stand-van-zaken" / f"{n:02d}.yaml").read_text(encoding="utf-8"))
    return strip_markers(record["explanation"].strip())


@pytest.fixture(scope="module")
def fixture_settings(next_report_settings: BuildSettings) -> BuildSettings:
    return next_report_settings


@pytest.fixture(scope="module")
def with_fixture(next_report_built: BuildResult) -> BuildResult:
    """The real sources and the fixture, built, validated and published exactly as `napkg build` does (once per
    session, shared with the history, release and feed tests)."""
    return next_report_built


@pytest.fixture(scope="module")
def fixture_store(with_fixture: BuildResult, fixture_settings: BuildSettings) -> pyoxigraph.Store:
    """Its TriG dump, loaded as the server loads it (the union of the named graphs as the default graph)."""
    s = pyoxigraph.Store()
    s.bulk_load(path=str(fixture_settings.dist / "nap-kg.trig"), format=pyoxigraph.RdfFormat.TRIG)
    union_into_default_graph(s)
    return s


# --- the folder and its refusal ------------------------------------------------------------------------------------


def test_the_build_refuses_a_test_fixture_unless_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--extra-sources", str(NEXT_REPORT), "--dist", str(tmp_path / "dist")])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.splitlines()[-1] == (
        f"napkg: error: {FIXTURE / 'report.yaml'}: invented test data (test_fixture: true), never published; "
        "build it only with --allow-test-fixtures yes"
    )
    assert not (tmp_path / "dist").exists()


def test_reports_are_discovered_by_folder_in_date_order() -> None:
    real = load_sources(SOURCES)
    assert [(r.slug, r.meta.kind, r.meta.date) for r in real.reports] == [
        ("voortgangsrapportage-2024", "progress-report", "2024"),
        ("kamerbrief-2025", "letter", "2025"),
    ]
    more = load_sources(SOURCES, (NEXT_REPORT,), allow_test_fixtures=True)
    assert [r.slug for r in more.reports] == [
        "voortgangsrapportage-2024",
        "kamerbrief-2025",
        "voortgangsrapportage-2025-testfixture",
    ]
    assert len(more.reports[-1].statuses) == 33


def test_the_fixture_is_its_own_graph_marked_invented(with_fixture: BuildResult) -> None:
    graph = URIRef(BASE + "graph/voortgangsrapportage-2025-testfixture")
    g = with_fixture.dataset.graph(graph)
    assert (graph, PROV.wasDerivedFrom, URIRef(REPORT_FIXTURE)) in g
    assert (graph, DCTERMS.description, Literal("Invented test data, never published.", lang="en")) in g
    real = URIRef(BASE + "graph/voortgangsrapportage-2024")
    assert (real, DCTERMS.description, Literal("Invented test data, never published.", lang="en")) not in (
        with_fixture.dataset.graph(real)
    )


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda t: t.replace("slug: voortgangsrapportage-2025-testfixture", "slug: other"), "differs from the folder"),
        (lambda t: t.replace('date: "2025-11"', 'date: "2024-11"'), "is not in document.year 2025"),
        (lambda t: t.replace("year: 2025", "year: 2024").replace('"2025-11"', '"2024-11"'), "a second progress report"),
        (lambda t: t.replace("plan: nap-2022-2026", "plan: nap-2026-2030"), "plan 'nap-2026-2030' is not in"),
        (lambda t: t.replace("kind: progress-report", "kind: progress-report\nauthr: x"), "'authr' is not allowed"),
    ],
    ids=["slug", "date", "same-year", "plan", "unknown-field"],
)
def test_a_wrong_report_folder_is_named(tmp_path: Path, edit: Callable[[str], str], problem: str) -> None:
    folder = tmp_path / FIXTURE.name
    shutil.copytree(FIXTURE, folder)
    path = folder / "report.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(SourceError, match=problem) as failed:
        load_sources(SOURCES, (folder,), allow_test_fixtures=True)
    assert str(failed.value).startswith(str(folder))


# --- the history --------------------------------------------------------------------------------------------------


def test_the_real_sources_have_one_dated_status_per_action_point(store: pyoxigraph.Store) -> None:
    rows = answer(store, "status-history")
    assert [(r["number"], r["date"], r["report"]) for r in rows] == [
        (str(n), "2024", REPORT_2024) for n in range(1, 34)
    ]
    assert answer(store, "report-changes") == []
    assert answer(store, "worsened-action-points") == []


def test_with_the_fixture_every_action_point_has_exactly_two_history_rows(fixture_store: pyoxigraph.Store) -> None:
    rows = answer(fixture_store, "status-history")
    assert len(rows) == 66
    before = {r["number"]: r["status"] for r in rows if r["report"] == REPORT_2024}
    after = {r["number"]: r["status"] for r in rows if r["report"] == REPORT_FIXTURE}
    assert {r["date"] for r in rows if r["report"] == REPORT_FIXTURE} == {"2025-11"}
    moved = {
        int(n): (before[n].removeprefix(STATUS), after[n].removeprefix(STATUS)) for n in before if before[n] != after[n]
    }
    assert moved == MOVES


def test_the_status_history_of_action_point_7(fixture_store: pyoxigraph.Store) -> None:
    rows = answer(fixture_store, "status-history", number="7")
    assert [(r["date"], r["report"], r["statusLabel"], r["rank"], r["assessment"], r["explanation"]) for r in rows] == [
        (
            "2024",
            REPORT_2024,
            "In uitvoering volgens planning",
            "3",
            BASE + "id/plan/nap-2022-2026/actiepunt/7/status/2024",
            BASE + "id/plan/nap-2022-2026/actiepunt/7/toelichting/2024",
        ),
        (
            "2025-11",
            REPORT_FIXTURE,
            "In uitvoering maar met vertraging",
            "1",
            BASE + "id/plan/nap-2022-2026/actiepunt/7/status/2025",
            BASE + "id/plan/nap-2022-2026/actiepunt/7/toelichting/2025",
        ),
    ]
    assert rows[1]["text"] == _explanation(FIXTURE, 7) == rows[0]["text"]


def test_what_changed_between_the_two_reports(fixture_store: pyoxigraph.Store) -> None:
    rows = answer(fixture_store, "report-changes")
    assert {(r["from"], r["to"]) for r in rows} == {(REPORT_2024, REPORT_FIXTURE)}
    assert [(r["number"], r["change"], r.get("before"), r.get("after")) for r in rows] == [
        ("5", "citation-added", None, BASE + "id/kamerstuk/26485-430"),
        (
            "5",
            "explanation",
            _explanation(SOURCES / "rapporten" / "voortgangsrapportage-2024", 5),
            _explanation(FIXTURE, 5),
        ),
        ("7", "status", STATUS + MOVES[7][0], STATUS + MOVES[7][1]),
        ("9", "status", STATUS + MOVES[9][0], STATUS + MOVES[9][1]),
        ("18", "status", STATUS + MOVES[18][0], STATUS + MOVES[18][1]),
    ]
    named = answer(
        fixture_store,
        "report-changes",
        **{"from": "voortgangsrapportage-2024", "to": REPORT_FIXTURE[len(BASE + "id/rapport/") :]},
    )
    assert named == rows
    assert answer(fixture_store, "report-changes", to="voortgangsrapportage-2024") == []  # it has no earlier report


def test_the_action_points_that_got_worse(fixture_store: pyoxigraph.Store) -> None:
    rows = answer(fixture_store, "worsened-action-points")
    assert rows == [
        {
            "number": "7",
            "actionPoint": BASE + "id/plan/nap-2022-2026/actiepunt/7",
            "from": REPORT_2024,
            "before": STATUS + "in-uitvoering-volgens-planning",
            "beforeRank": "3",
            "to": REPORT_FIXTURE,
            "after": STATUS + "in-uitvoering-maar-met-vertraging",
            "afterRank": "1",
        }
    ]
    assert answer(fixture_store, "worsened-action-points", to="voortgangsrapportage-2024") == []


def test_the_ranking_is_curated_and_covers_every_ranked_status(store: pyoxigraph.Store) -> None:
    rows = store.query(
        "PREFIX nap: <https://w3id.org/nap-kg/def/> "
        "SELECT ?status ?rank WHERE { ?status a nap:Status . OPTIONAL { ?status nap:progressRank ?rank } }"
    )
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    found = {r["status"].value.removeprefix(STATUS): (r["rank"].value if r["rank"] else None) for r in rows}
    assert found == {
        "doorlopend": "3",
        "in-formele-consultatie": "2",
        "in-uitvoering": "2",
        "in-uitvoering-maar-met-vertraging": "1",
        "in-uitvoering-volgens-planning": "3",
        "niet-van-toepassing": None,
        "voltooid": "4",
    }
    by = store.query(
        "SELECT ?by WHERE { <https://w3id.org/nap-kg/id/status/rangorde> "
        "<http://www.w3.org/ns/prov#wasAttributedTo> ?by }"
    )
    assert isinstance(by, pyoxigraph.QuerySolutions)
    assert [r["by"].value for r in by] == [BASE + "id/organisatie/nap-kg-redactie"]


def test_extra_sources_and_the_fixture_flag_from_the_environment() -> None:
    settings = BuildSettings.from_env(
        {"NAPKG_EXTRA_SOURCES": f"{NEXT_REPORT}:/elsewhere", "NAPKG_ALLOW_TEST_FIXTURES": "1"}
    )
    assert (settings.extra_sources, settings.allow_test_fixtures) == ((NEXT_REPORT, Path("/elsewhere")), True)
    assert BuildSettings.from_env({}).allow_test_fixtures is False


# --- the "latest status" questions with a second report ------------------------------------------------------------

COMPETENCY = REPO_ROOT / "graph" / "napkg_graph" / "queries" / "competency"
DELAYED = STATUS + "in-uitvoering-maar-met-vertraging"


def _competency(store: pyoxigraph.Store, name: str) -> list[dict[str, str]]:
    return select(store, (COMPETENCY / f"{name}.rq").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def latest(fixture_store: pyoxigraph.Store) -> dict[str, tuple[str, str]]:
    """Action point number -> (status, Dutch label) of its latest report, read off the status history."""
    found = {r["number"]: (r["status"], r["statusLabel"]) for r in answer(fixture_store, "status-history")}
    assert {int(n): found[n][0].removeprefix(STATUS) for n in map(str, MOVES)} == {n: m[1] for n, m in MOVES.items()}
    return found


def test_statuses_per_pillar_count_the_latest_report(
    fixture_store: pyoxigraph.Store, latest: dict[str, tuple[str, str]]
) -> None:
    rows = answer(fixture_store, "action-points-by-status")
    listed = [(n, r["status"]) for r in rows for n in r["numbers"].split(",")]
    assert sorted(listed, key=lambda x: int(x[0])) == [(str(n), latest[str(n)][0]) for n in range(1, 34)]
    assert all(int(r["actionPoints"]) == len(r["numbers"].split(",")) for r in rows)
    per_status = Counter(label for _, label in latest.values())
    assert {r["status"]: int(r["actionPoints"]) for r in _competency(fixture_store, "cq07-per-status")} == per_status


def test_the_delayed_are_those_of_the_latest_report_with_its_explanation(
    fixture_store: pyoxigraph.Store, latest: dict[str, tuple[str, str]]
) -> None:
    delayed = [n for n in map(str, range(1, 34)) if latest[n][0] == DELAYED]
    assert "7" in delayed  # moved to delayed by the fixture
    for rows in (answer(fixture_store, "delayed-action-points"), _competency(fixture_store, "cq01-delayed")):
        assert [r["number"] for r in rows] == delayed
        assert [r["explanation"] for r in rows] == [_explanation(FIXTURE, int(n)) for n in delayed]


@pytest.mark.parametrize(("name", "given"), [("eu-instrument-trail", {}), ("ministry-responsibilities", {})])
def test_each_action_point_once_with_its_latest_status(
    fixture_store: pyoxigraph.Store, latest: dict[str, tuple[str, str]], name: str, given: dict[str, str]
) -> None:
    rows = answer(fixture_store, name, **given)
    numbers = [r["number"] for r in rows]
    assert len(numbers) == len(set(numbers)) > 0
    assert [(r["status"], r["status2024"]) for r in rows] == [latest[n] for n in numbers]


def test_overdue_is_judged_on_the_latest_report(
    fixture_store: pyoxigraph.Store, latest: dict[str, tuple[str, str]]
) -> None:
    rows = answer(fixture_store, "overdue-action-points")
    numbers = [r["number"] for r in rows]
    assert len(numbers) == len(set(numbers))
    assert [r["status"] for r in rows] == [latest[n][1] for n in numbers]
    assert [r["delayedByReport"] == "true" for r in rows] == [latest[n][0] == DELAYED for n in numbers]
    overdue = [r["number"] for r in rows if r["overdue"] == "true"]
    assert "18" not in numbers  # completed in the fixture
    # cq12 asks the same on whole years: due before the latest report's year (2025 here), not completed in it
    assert [r["number"] for r in _competency(fixture_store, "cq12-overdue")] == overdue
    assert all(latest[n][1] != "Voltooid" for n in overdue)


def test_report_versus_letter_takes_the_latest_status(
    fixture_store: pyoxigraph.Store, latest: dict[str, tuple[str, str]]
) -> None:
    rows = _competency(fixture_store, "cq14-report-versus-letter")
    expected = [
        n for n in map(str, range(1, 34)) if latest[n][1] in ("In (formele) consultatie", "Niet van toepassing")
    ]
    assert [(r["number"], r["status2024"]) for r in rows] == [(n, latest[n][1]) for n in expected]
