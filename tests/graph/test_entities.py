"""Programmes, partner organisations, figures and roles (issue 12, items 5 and 7): the saved questions answer
exactly what the two documents say, every mention stands in the text with its span, and a mention that is not in
the text stops the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from napkg_graph import entities
from napkg_graph.config import DEFAULT_BASE_IRI, BuildSettings
from napkg_graph.dataset import build_dataset
from napkg_graph.entities import load_entities
from napkg_graph.iris import Iris
from napkg_graph.pipeline import BuildResult
from napkg_graph.sources import SourceError, load_sources

from tests.conftest import select, serve_args
from tests.server.web.test_pages import BROWSER, page, section
from tests.support.in_process import in_process
from tests.support.saved_answers import answer

BASE = DEFAULT_BASE_IRI
REPORT_GRAPH = BASE + "graph/voortgangsrapportage-2024"
CURATED_GRAPH = BASE + "graph/redactie"


# --- partners ---------------------------------------------------------------------------------------------------


def test_which_action_points_work_with_idh(store: pyoxigraph.Store) -> None:
    rows = answer(store, "partner-action-points")  # default: idh
    assert [(r["number"], r["linkedIn"]) for r in rows] == [("13", REPORT_GRAPH), ("28", REPORT_GRAPH)]
    assert set(rows[1]["namedAs"].split(" | ")) == {"IDH", "Initiatief Duurzame Handel"}
    assert rows[0]["name"] == "Initiatief Duurzame Handel"


@pytest.mark.parametrize(
    ("organisation", "numbers"),
    [
        ("solidaridad", ["13"]),
        ("fair-wear", ["13"]),
        ("fnv", ["13"]),
        ("fnv-mondiaal", ["28"]),
        ("wba", ["25"]),
        ("rvo", ["13", "21"]),
        ("ser", ["20"]),
        ("breed-mensenrechten-overleg", ["10"]),
        ("bz", []),  # responsible, never named as a partner
    ],
)
def test_action_points_per_partner(store: pyoxigraph.Store, organisation: str, numbers: list[str]) -> None:
    assert [r["number"] for r in answer(store, "partner-action-points", organisation=organisation)] == numbers


def test_a_partner_only_the_letter_names_is_linked_by_the_editors(store: pyoxigraph.Store) -> None:
    rows = answer(store, "partner-action-points", organisation="vno-ncw")
    assert [(r["number"], r["linkedIn"], r["namedAs"]) for r in rows] == [("20", CURATED_GRAPH, "VNO-NCW")]
    link = select(
        store,
        f"""PREFIX nap: <https://w3id.org/nap-kg/def/> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?why ?who WHERE {{ GRAPH <{CURATED_GRAPH}> {{
            ?l a nap:EntityLink ; nap:linkedEntity <{BASE}id/organisatie/vno-ncw> ; nap:actionPoint ?ap ;
               nap:justification ?why ; prov:wasAttributedTo ?who . FILTER (LANG(?why) = "en") }} }}""",
    )
    assert [r["who"] for r in link] == [BASE + "id/organisatie/nap-kg-redactie"]
    assert link[0]["why"].startswith("The letter names VNO-NCW")


# --- programmes -------------------------------------------------------------------------------------------------

PROGRAMMES = {
    "actieplan-arbeidsmarktdiscriminatie": ("programme", ["4"]),
    "beleidskader-maatschappelijk-middenveld": ("subsidy scheme", ["28"]),
    "bho-bedrijfsleveninstrumentarium": ("programme", ["29"]),
    "disco": ("partnership", ["28"]),
    "focus-2026-2030": ("subsidy scheme", ["28"]),
    "imvo-pilot-ezk": ("programme", ["7"]),
    "imvo-sectorovereenkomsten": ("programme", ["20", "27"]),
    "imvo-steunpunt": ("help desk", ["12", "18", "21", "22", "24"]),
    "manifest-mvoi": ("partnership", ["5"]),
    "mvi-monitor": ("programme", ["6"]),
    "nationaal-plan-mvi": ("programme", ["5"]),
    "ontwikkelagenda-gelijke-kansen": ("programme", ["4"]),
    "power-of-voices": ("programme", ["9", "10"]),
    "safety-for-voices": ("partnership", ["9"]),
    "sectorale-samenwerking-imvo": ("subsidy scheme", ["20", "27"]),
    "sectorovereenkomst-metaal": ("sector agreement", ["20"]),
    "sectorovereenkomst-natuursteen": ("sector agreement", ["20"]),
    "sectorovereenkomst-textiel": ("sector agreement", ["20"]),
    "shelter-city": ("programme", ["9"]),
    "spvo": ("subsidy scheme", ["14"]),
    "svom": ("subsidy scheme", ["21"]),
    "team-europe-initiative": ("partnership", ["14"]),
    "textielmodule-broeikasgassen": ("agreement module", ["20"]),
    "textielmodule-dwangarbeid": ("agreement module", ["20"]),
    "vakbondsmedefinancieringsprogramma": ("programme", ["14", "28"]),
}


def test_action_points_per_programme(store: pyoxigraph.Store) -> None:
    got: dict[str, tuple[str, list[str]]] = {}
    for r in answer(store, "programme-action-points"):
        kind, numbers = got.setdefault(r["key"], (r["kind"], []))
        assert kind == r["kind"], f"{r['key']} has one most specific kind"
        numbers.append(r["number"])
    assert got == PROGRAMMES


def test_one_programme_with_who_runs_it(store: pyoxigraph.Store) -> None:
    rows = answer(store, "programme-action-points", programme="spvo")
    assert [(r["number"], r["linkedIn"], r["runBy"]) for r in rows] == [
        ("14", REPORT_GRAPH, "Rijksdienst voor Ondernemend Nederland")
    ]
    vmp = answer(store, "programme-action-points", programme="vakbondsmedefinancieringsprogramma")
    assert set(vmp[0]["runBy"].split(", ")) == {"CNV Internationaal", "FNV Mondiaal"}


def test_sector_agreements_and_modules_hang_together(store: pyoxigraph.Store) -> None:
    rows = {r["key"]: r for r in answer(store, "programme-action-points")}
    assert rows["sectorovereenkomst-natuursteen"]["partOf"] == "IMVO-sectorovereenkomsten"
    assert rows["textielmodule-dwangarbeid"]["partOf"] == "Sectorovereenkomst textiel"
    letter_only = sorted(k for k, r in rows.items() if r["linkedIn"] == CURATED_GRAPH)
    assert letter_only == [
        "beleidskader-maatschappelijk-middenveld",
        "focus-2026-2030",
        "sectorovereenkomst-metaal",
        "sectorovereenkomst-natuursteen",
        "sectorovereenkomst-textiel",
        "svom",
        "textielmodule-broeikasgassen",
        "textielmodule-dwangarbeid",
    ]


# --- figures ----------------------------------------------------------------------------------------------------


def test_which_figures_the_documents_give_for_procurement(store: pyoxigraph.Store) -> None:
    rows = answer(store, "action-point-figures", theme="rijksinkoop")
    got = sorted(
        (r["number"], int(r["value"]), r.get("outOf"), r["unit"], r.get("referenceDate"), r["document"][len(BASE) :])
        for r in rows
    )
    report, letter = "id/rapport/voortgangsrapportage-2024", "id/rapport/kamerbrief-2025"
    assert got == [
        ("5", 5, None, "jaar", None, letter),
        ("5", 5, None, "percelen", "2023", report),
        ("5", 6, None, "thema's", None, report),
        ("5", 8, None, "risicocategorieën", None, report),
        ("5", 30, "37", "percelen", "2023", report),
        ("5", 73, None, "percelen", "2023", report),
        ("5", 113, None, "ondertekenaars", "2024-05-13", report),
        ("6", 6, None, "MVOI-thema’s", None, report),
    ]
    thirty = next(r for r in rows if r["value"] == "30")
    assert "in 30 van de 37 percelen verplicht" in thirty["sentence"]


def test_every_figure_with_its_action_point(store: pyoxigraph.Store) -> None:
    rows = answer(store, "action-point-figures")
    assert sorted((int(r["number"]), int(r["value"])) for r in rows) == [
        (1, 50), (5, 5), (5, 5), (5, 6), (5, 8), (5, 30), (5, 73), (5, 113), (6, 6), (7, 1), (7, 16), (10, 22),
        (17, 2), (18, 2), (20, 2), (24, 6), (25, 110), (26, 6), (28, 17), (29, 3), (29, 11), (30, 5),
    ]  # fmt: skip
    assert [r["approximate"] for r in rows if "approximate" in r] == ["true"]  # "een 50-tal"
    datatypes = select(
        store,
        "PREFIX nap: <https://w3id.org/nap-kg/def/> "
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "SELECT DISTINCT (DATATYPE(?v) AS ?d) WHERE { ?f a nap:Figure ; rdf:value ?v }",
    )
    assert datatypes == [{"d": "http://www.w3.org/2001/XMLSchema#integer"}]


def test_each_figure_sentence_is_quoted_with_its_span(store: pyoxigraph.Store) -> None:
    rows = select(
        store,
        """PREFIX nap: <https://w3id.org/nap-kg/def/>
        SELECT ?figure ?quote ?start ?end ?text WHERE {
            ?c a nap:Citation ; nap:cites ?figure ; nap:matchedText ?quote ; nap:spanStart ?start ; nap:spanEnd ?end ;
               nap:citingResource ?citing ; nap:textProperty ?p .
            ?figure a nap:Figure . ?citing ?p ?text . }""",
    )
    assert len(rows) == 23  # 22 figures, one quoted twice (the six OECD steps of 26: action and explanation)
    for r in rows:
        assert r["text"][int(r["start"]) : int(r["end"])] == r["quote"], r["figure"]


# --- roles ------------------------------------------------------------------------------------------------------


def _roles(store: pyoxigraph.Store, role: str) -> list[tuple[str, str, str, str]]:
    return [
        (r["number"], r["organisation"][len(BASE + "id/organisatie/") :], r.get("note", ""), r.get("scope", ""))
        for r in answer(store, "responsibilities-by-role", role=role)
    ]


def test_driving_and_monitoring_in_action_point_1(store: pyoxigraph.Store) -> None:
    assert _roles(store, "aanjagend") == [("1", "projectteam-arbeidsmigranten", "jaagt aan", "")]
    assert _roles(store, "monitorend") == [("1", "projectteam-arbeidsmigranten", "monitort", "")]
    assert _roles(store, "coordinerend") == [
        ("1", "szw", "", ""),
        ("2", "jenv", "coördinerend departement gehele artikel 273f Sr", "gehele artikel 273f Sr"),
    ]


def test_split_responsibilities_are_scoped(store: pyoxigraph.Store) -> None:
    scoped = sorted(
        (r["number"], r["organisation"][len(BASE + "id/organisatie/") :], r["scope"])
        for r in answer(store, "responsibilities-by-role")
        if "scope" in r
    )
    assert scoped == [
        (
            "19",
            "fin",
            "Het wetsvoorstel van de minister van Financiën met regels voor accountants en accountantsorganisaties",
        ),
        ("19", "jenv", "De AMvB van de staatssecretaris van Justitie en Veiligheid met de rapportageverplichting"),
        ("2", "jenv", "gehele artikel 273f Sr"),
        ("2", "szw", "aanpak arbeidsuitbuiting"),
    ]
    # the scope of 19 is quoted from the explanation, with its span
    spans = select(
        store,
        f"""PREFIX nap: <https://w3id.org/nap-kg/def/>
        SELECT ?start ?end ?text ?quote WHERE {{
            ?c a nap:Citation ; nap:cites <{Iris(BASE).responsibility(19, "fin", "verantwoordelijk")}> ;
               nap:citingResource <{BASE}id/plan/nap-2022-2026/actiepunt/19/toelichting/2024> ; nap:matchedText ?quote ;
               nap:spanStart ?start ; nap:spanEnd ?end .
            <{BASE}id/plan/nap-2022-2026/actiepunt/19/toelichting/2024> nap:text ?text . }}""",
    )
    assert len(spans) == 1
    assert spans[0]["text"][int(spans[0]["start"]) : int(spans[0]["end"])] == spans[0]["quote"]


# --- the build refuses what the text does not say ---------------------------------------------------------------


@pytest.fixture
def sources_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "sources"
    shutil.copytree(BuildSettings().sources_dir, copy)
    return copy


def _load(sources_dir: Path) -> entities.Entities:
    return load_entities(Iris(BASE), load_sources(sources_dir))


def test_the_real_sources_load(sources_copy: Path) -> None:
    found = _load(sources_copy)
    assert (len(found.programmes), len(found.partners), len(found.figures)) == (25, 16, 22)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("partners.yaml", '{action_point: 13, text: "Solidaridad"}', '{action_point: 14, text: "Solidaridad"}',
         "'Solidaridad' does not stand in"),
        ("programmes.yaml", '{paragraph: 12, text: "SVOM"}', '{paragraph: 11, text: "SVOM"}',
         "'SVOM' does not stand in"),
        ("figures.yaml", 'as_written: "113"', 'as_written: "114"', "the number as written ('114')"),
        ("programmes.yaml", "    kind: help-desk\n", "    kind: helpdesk\n", "kind 'helpdesk'"),
        ("partners.yaml", "  - org: wodc\n", "  - org: wodc-nl\n", "'wodc-nl' is not an organisation key"),
    ],
)  # fmt: skip
def test_a_mention_not_in_the_text_stops_the_build(
    sources_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    path = sources_copy / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _load(sources_copy)


def test_a_scope_not_in_the_explanation_stops_the_build(sources_copy: Path, tmp_path: Path) -> None:
    path = sources_copy / "actiepunten" / "19.yaml"
    scope = 'scope: "De AMvB van de staatssecretaris van Justitie en Veiligheid met de rapportageverplichting"'
    text = path.read_text(encoding="utf-8")
    assert text.count(scope) == 1
    path.write_text(text.replace(scope, scope.replace("rapportageverplichting", "plicht")), encoding="utf-8")
    settings = BuildSettings(sources=sources_copy, dist=tmp_path / "dist")
    with pytest.raises(SourceError, match="scope of jenv"):
        build_dataset(settings)


# --- the action point page --------------------------------------------------------------------------------------


def test_the_action_point_page_shows_its_programmes_partners_and_figures(
    built: BuildResult, settings: BuildSettings
) -> None:
    with in_process(serve_args(settings), headers={"Accept": BROWSER}) as client:
        _check_pages(client)


def _check_pages(client: httpx.Client) -> None:
    twenty_eight = section(page(client, "/id/plan/nap-2022-2026/actiepunt/28"), "entities")
    for href in ("/id/programma/disco", "/id/programma/vakbondsmedefinancieringsprogramma", "/id/organisatie/idh"):
        assert f'href="{href}"' in twenty_eight
    assert "<strong>17</strong>" in twenty_eight  # the 17 palm oil companies, with their sentence
    assert "sociaal dialoogproces tussen werkgevers en werknemers bij 17 palmoliebedrijven</q>" in twenty_eight

    def badge_after(html: str, href: str) -> bool:
        return "badge curated" in html.split(f'href="{href}"', 1)[1].split(",", 1)[0]

    assert not badge_after(twenty_eight, "/id/programma/disco")  # named in 28's own row
    assert badge_after(twenty_eight, "/id/programma/focus-2026-2030")  # linked by the editors from the letter
    twenty = section(page(client, "/id/plan/nap-2022-2026/actiepunt/20", lang="nl"), "entities")
    assert badge_after(twenty, "/id/programma/sectorovereenkomst-natuursteen")
    assert '<span class="badge curated">redactioneel</span>' in twenty  # the Dutch page says so in Dutch
    nothing = section(page(client, "/id/plan/nap-2022-2026/actiepunt/3"), "entities")
    assert nothing.endswith("<p>None.</p>")  # names nothing
