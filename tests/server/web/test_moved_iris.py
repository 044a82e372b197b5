"""IRIs scoped by plan: every old-style IRI (those the README spells, and one per move of napkg_graph.iri_moves)
answers a HEAD, as `curl -I` sends it, with a permanent redirect to its plan-scoped IRI, keeping sub-paths, format
suffixes and the query string; the new IRIs dereference in every format; the data holds no old-style IRI."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from napkg_graph.config import DEFAULT_BASE_IRI
from napkg_graph.iri_moves import MOVES, moved_path
from napkg_graph.iris import CURRENT_PLAN, Iris
from rdflib import Graph, URIRef

from tests.conftest import select
from tests.support.live_server import LiveServer

IRIS = Iris(DEFAULT_BASE_IRI)
README = Path(__file__).parents[3] / "README.md"
RDF_FORMATS = {  # format key: (Accept, rdflib parser)
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


def local(iri: str) -> str:
    """The local path of an IRI under the default base: /id/..."""
    assert iri.startswith(DEFAULT_BASE_IRI), iri
    return "/" + iri[len(DEFAULT_BASE_IRI) :]


# Old path -> the IRI that replaces it, minted by iris.py (one per move, and sub-resources of each kind).
EXPECTED: list[tuple[str, str]] = [
    ("id/actiepunt/17", IRIS.action_point(17)),
    ("id/actiepunt/1/doelstelling", IRIS.objective(1)),
    ("id/actiepunt/2/tijdslijn", IRIS.timeline(2)),
    ("id/actiepunt/17/status/2024", IRIS.status_assessment(17, 2024)),
    ("id/actiepunt/17/toelichting/2024", IRIS.explanation(17, 2024)),
    ("id/actiepunt/19/verantwoordelijkheid/fin-verantwoordelijk", IRIS.responsibility(19, "fin", "verantwoordelijk")),
    ("id/actiepunt/17/toelichting/2024/verwijzing/72-csddd", IRIS.citation(IRIS.explanation(17, 2024), 72, "csddd")),
    ("id/pijler", IRIS.pillar_scheme()),
    ("id/pijler/2", IRIS.pillar(2)),
    ("id/thema", IRIS.theme_scheme()),
    ("id/actiepunt/10/toelichting/2024/voetnoot/2", IRIS.footnote(IRIS.explanation(10, 2024), "2")),
    ("id/redactie/afstemming/1/oeso-hoofdstuk-V", IRIS.alignment(1, "oeso-hoofdstuk-V")),
    ("id/redactie/eu-relatie/18/voert-uit-csddd", IRIS.eu_relation(18, "voert-uit", "csddd")),
    ("id/redactie/gebeurtenis/digitale-gids-start-23", IRIS.event_link("digitale-gids-start", 23)),
    ("id/redactie/cijfer/manifest-verlenging-5", IRIS.entity_link("cijfer", "manifest-verlenging", 5)),
    ("id/redactie/programma/svom-21", IRIS.entity_link("programma", "svom", 21)),
    ("id/redactie/partner/vno-ncw-20", IRIS.entity_link("partner", "vno-ncw", 20)),
    ("id/redactie/update/10-17", IRIS.update_link(10, 17)),
]


def readme_old_paths() -> list[str]:
    """The concrete old-style IRIs and local URLs the README spells (templates with {placeholders} left out)."""
    text = README.read_text(encoding="utf-8")
    prefixes = "|".join(re.escape(old) for old, _ in MOVES)
    # an old path, alone, as a local URL or as a full IRI; not a template (followed by {placeholder})
    old_path = r"(?<![\w/-])(?:https://w3id\.org/nap-kg/|/)?((?:" + prefixes + r")(?:[/.][\w./-]*)?)(?![\w/.{}-])"
    found = re.findall(old_path, text)
    return sorted({path.rstrip(".") for path in found if moved_path(path.rstrip(".")) is not None})


def test_the_moves_cover_what_iris_py_mints() -> None:
    """Each move's new prefix is where iris.py now mints; each old prefix is where it minted before."""
    assert [(old, local(str(new))[1:]) for old, new in EXPECTED if old in {m[0] for m in MOVES}] == [
        ("id/pijler", "id/ungp/pijler"),
        ("id/thema", f"id/plan/{CURRENT_PLAN}/thema"),
    ]
    for old, new in EXPECTED:
        assert moved_path(old) == local(str(new))[1:]
    # every move has an example here
    assert {prefix for prefix, _ in MOVES} == {p for p, _ in MOVES for old, _ in EXPECTED if re.match(f"{p}(/|$)", old)}


def test_the_data_holds_no_old_style_iri(store: pyoxigraph.Store) -> None:
    rows = select(store, "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")
    subjects = [r["s"] for r in rows if r["s"].startswith(DEFAULT_BASE_IRI)]
    assert len(subjects) > 1000
    assert [s for s in subjects if moved_path(s[len(DEFAULT_BASE_IRI) :]) is not None] == []


def test_the_readme_spells_old_style_iris_that_all_move() -> None:
    assert readme_old_paths(), "the README names no old-style IRI: the table of moved IRIs is missing"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        *((f"/{old}", local(str(new))) for old, new in EXPECTED),
        ("/id/actiepunt/17.ttl", local(IRIS.action_point(17)) + ".ttl"),
        ("/id/pijler/2.jsonld", local(IRIS.pillar(2)) + ".jsonld"),
        ("/id/actiepunt/17?lang=en&format=nt", local(IRIS.action_point(17)) + "?lang=en&format=nt"),
        ("/id/actiepunt/17/toelichting/2024.html?lang=nl", local(IRIS.explanation(17, 2024)) + ".html?lang=nl"),
    ],
)
def test_old_iri_answers_curl_i_with_a_permanent_redirect(client: httpx.Client, old: str, new: str) -> None:
    head = client.head(old)
    assert (head.status_code, head.headers["location"], head.content) == (301, new, b"")
    get = client.get(old, headers={"Accept": "text/html"})
    assert (get.status_code, get.headers["location"]) == (301, new)


def test_every_old_style_iri_in_the_readme_redirects_to_a_served_iri(client: httpx.Client) -> None:
    for old in readme_old_paths():
        head = client.head("/" + old)
        assert (head.status_code, head.headers["location"]) == (301, "/" + moved_path(old)), old
        assert client.head(head.headers["location"]).status_code == 200, old


def test_theme_paths_move_to_the_plan(client: httpx.Client, store: pyoxigraph.Store) -> None:
    (row,) = select(store, f"SELECT ?t WHERE {{ <{IRIS.action_point(17)}> <{DEFAULT_BASE_IRI}def/theme> ?t }}")
    slug = row["t"].rsplit("/", 1)[1]
    head = client.head(f"/id/thema/{slug}")
    assert (head.status_code, head.headers["location"]) == (301, local(str(IRIS.theme_scheme())) + "/" + slug)


@pytest.mark.parametrize(("old", "new"), EXPECTED)
def test_new_iri_dereferences_in_every_format(client: httpx.Client, old: str, new: URIRef) -> None:
    path = local(str(new))
    for key, (accept, parser) in RDF_FORMATS.items():
        answer = client.get(path, headers={"Accept": accept})
        assert (answer.status_code, answer.headers["content-location"]) == (200, f"{path}.{key}")
        graph = Graph().parse(data=answer.content, format=parser)
        assert (new, None, None) in graph or (None, None, new) in graph, (path, key)
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert str(new) in page.text


def test_a_linked_data_client_follows_the_redirect(server: LiveServer) -> None:
    """rdflib fetching an old IRI by URL (urllib under it) lands on the new IRI's Turtle."""
    graph = Graph().parse(f"{server.base_url}/id/actiepunt/17.ttl", format="turtle")
    assert (IRIS.action_point(17), URIRef(f"{DEFAULT_BASE_IRI}def/number"), None) in graph


def test_an_unusable_old_path_is_not_redirected(client: httpx.Client) -> None:
    assert client.get("/id/actiepunt/17%0d%0aSet-Cookie:x").status_code == 404
    assert client.get("/id/actiepunten").status_code == 404  # a prefix matches whole segments only
