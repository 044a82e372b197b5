"""``/zoeken``: facets whose counts are what SPARQL counts on the store, choices that narrow, cards that are the
CSV, text that is escaped, and the same hits as ``nap:textSearch`` through ``/sparql`` (the real server of
conftest, read as a browser reads it)."""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.iris import Iris

from tests.conftest import select

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PREFIX = "PREFIX nap: <https://w3id.org/nap-kg/def/>\n"
# Each facet as its own pattern over ?ap and <VALUE>, written apart from the page's queries/search-facets.rq.
FACET_PATTERNS = {
    "pijler": "?ap nap:pillar <VALUE> .",
    "status": "?x a nap:StatusAssessment ; nap:actionPoint ?ap ; nap:status <VALUE> .",
    "organisatie": "?ap nap:responsibility ?r . ?r nap:agent <VALUE> .",
    "eu": "?ap nap:negotiatesAct|nap:implementsAct|nap:preparesForAct|nap:monitorsAct <VALUE> .",
    "ungp": "?ap nap:alignedWith <VALUE> .",
    "oeso": "?ap nap:alignedWith <VALUE> .",
}
FACET = re.compile(r'<section class="facet" data-facet="(\w+)">(.*?)</section>', re.DOTALL)
VALUE = re.compile(r'<li data-iri="([^"]+)"[^>]*><a href="([^"]+)"[^>]*>(.*?)</a> <span class="count">(\d+)</span>')
CARD = re.compile(r'<article class="card" data-iri="([^"]+)">(.*?)</article>', re.DOTALL)


def page(client: httpx.Client, url: str, **params: str | list[str]) -> str:
    response = client.get(url, params=params, headers={"Accept": BROWSER, "Accept-Language": "nl"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def facets(text: str) -> dict[str, dict[str, tuple[int, str]]]:
    """facet -> value IRI -> (count, href) as the page shows them."""
    return {
        name: {iri: (int(count), html.unescape(href)) for iri, href, _, count in VALUE.findall(body)}
        for name, body in FACET.findall(text)
    }


def cards(text: str) -> list[str]:
    return [iri for iri, _ in CARD.findall(text)]


def matching(store: pyoxigraph.Store, chosen: list[tuple[str, str]]) -> set[str]:
    """The action points having every (facet, value IRI) of ``chosen``, by SPARQL on the store."""
    patterns = " ".join(FACET_PATTERNS[f].replace("VALUE", v) for f, v in chosen)
    rows = select(store, PREFIX + f"SELECT DISTINCT ?ap WHERE {{ ?ap a nap:ActionPoint . {patterns} }}")
    return {row["ap"] for row in rows}


def test_without_a_choice_every_action_point_is_a_card_and_every_count_is_sparqls(
    client: httpx.Client, store: pyoxigraph.Store
) -> None:
    text = page(client, "/zoeken")
    all_points = matching(store, [])
    assert len(all_points) == 33 and set(cards(text)) == all_points
    shown = facets(text)
    assert set(shown) == set(FACET_PATTERNS)
    for facet, values in shown.items():
        assert values, facet
        for iri, (count, _) in values.items():
            assert count == len(matching(store, [(facet, iri)])), (facet, iri)
    # Every value any action point has is offered (the UNGP and OECD facets split the alignments by kind).
    statuses = select(store, PREFIX + "SELECT DISTINCT ?v { ?x a nap:StatusAssessment ; nap:status ?v }")
    assert set(shown["status"]) == {row["v"] for row in statuses}


def test_a_combination_of_choices_narrows_and_the_counts_follow(client: httpx.Client, store: pyoxigraph.Store) -> None:
    start = facets(page(client, "/zoeken"))
    pillar = sorted(start["pijler"])[0]
    step_one = page(client, urlsplit(start["pijler"][pillar][1]).path, **_params(start["pijler"][pillar][1]))
    one = [("pijler", pillar)]
    assert set(cards(step_one)) == matching(store, one)
    offered = facets(step_one)
    # Choose the organisation responsible for the most of these, then a UNGP principle among what is left.
    organisation = max(offered["organisatie"], key=lambda iri: (offered["organisatie"][iri][0], iri))
    count, href = offered["organisatie"][organisation]
    step_two = page(client, urlsplit(href).path, **_params(href))
    two = [*one, ("organisatie", organisation)]
    assert set(cards(step_two)) == matching(store, two)
    assert len(cards(step_two)) == count < len(cards(step_one))
    for facet, values in facets(step_two).items():
        for iri, (n, _) in values.items():
            expected = len(matching(store, [*two, (facet, iri)]))
            assert n == expected, (facet, iri)


def _params(href: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(urlsplit(href).query):
        params.setdefault(key, []).append(value)
    return params


def test_every_state_has_one_url_whatever_the_order_it_was_asked_in(
    client: httpx.Client, settings: BuildSettings
) -> None:
    text = page(client, "/zoeken", ungp=["17", "8"], pijler="2", q="zorgvuldigheid")
    clear_all = re.search(r'<a href="([^"]+)">Alle keuzes wissen</a>', text)
    assert clear_all and html.unescape(clear_all.group(1)) == "/zoeken?q=zorgvuldigheid"
    csv_link = re.search(r'<a href="([^"]+)" class="download"', text)
    assert (
        csv_link and html.unescape(csv_link.group(1)) == "/zoeken?q=zorgvuldigheid&pijler=2&ungp=8&ungp=17&format=csv"
    )
    iris = Iris(settings.base_iri)
    chosen = facets(text)["ungp"][str(iris.id("ungp/principe/17"))]
    assert chosen[1] == "/zoeken?q=zorgvuldigheid&pijler=2&ungp=8"  # choosing it again takes it away


def test_the_csv_is_the_cards(client: httpx.Client) -> None:
    for state in ({"q": "dwangarbeid"}, {"q": "keten*", "pijler": "2"}, {"pijler": "3"}):
        text = page(client, "/zoeken", **state)
        response = client.get("/zoeken", params={**state, "format": "csv"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        rows = list(csv.DictReader(io.StringIO(response.text)))
        shown = CARD.findall(text)
        assert [r["action_point"] for r in rows] == [iri for iri, _ in shown], state
        for row, (_, body) in zip(rows, shown, strict=True):
            assert f">{html.escape(row['label'], quote=False)}</a></h3>" in body
            assert f'<a href="/id/ungp/pijler/{row["pillar"].rsplit("/", 1)[1]}">' in body
            if "q" in state:
                first = re.search(r'<p class="snippet"><span class="muted">.*?</span> (.*?)</p>', body, re.DOTALL)
                assert first and html.unescape(re.sub(r"</?mark>", "", first.group(1))) == row["match"]
                assert float(row["score"]) > 0
    # A state without results: the header only.
    empty = client.get("/zoeken", params={"q": "woordzonderhits", "format": "csv"})
    assert empty.text == "number,action_point,label,pillar,status,score,match\r\n"


def test_the_cards_hold_what_nap_text_search_finds_through_sparql(client: httpx.Client) -> None:
    query = (
        PREFIX
        + """SELECT DISTINCT ?ap WHERE {
        ?s nap:textSearch "dwangarbeid" .
        { ?s a nap:ActionPoint BIND(?s AS ?ap) } UNION { ?s nap:actionPoint ?ap MINUS { ?s a nap:Citation } }
        UNION { ?ap nap:responsibility ?s } UNION { ?s nap:updatesActionPoint ?ap } }"""
    )
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    expected = set(response.text.split("\r\n")[1:-1])
    assert expected and set(cards(page(client, "/zoeken", q="dwangarbeid"))) == expected


def test_matches_are_marked_and_markup_in_the_query_is_escaped(client: httpx.Client) -> None:
    text = page(client, "/zoeken", q='<script>alert("x")</script> dwangarbeid')
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; dwangarbeid" in text
    text = page(client, "/zoeken", q="dwangarbeid")
    marked = re.findall(r"<mark>(.*?)</mark>", text)
    assert marked and {m.lower() for m in marked} == {"dwangarbeid"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "bestaat-niet"}, "Unknown value 'bestaat-niet' for the facet 'status'; known values: doorlopend,"),
        ({"ungp": "99"}, "Unknown value '99' for the facet 'ungp'"),
    ],
)
def test_an_unknown_facet_value_is_a_400_naming_the_known_ones(
    client: httpx.Client, params: dict[str, str], message: str
) -> None:
    response = client.get("/zoeken", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert message in response.text


def test_the_home_page_searches_and_browses_here(client: httpx.Client) -> None:
    home = page(client, "/")
    form = re.search(
        r'<form method="get" action="/zoeken" class="search-large home-search" role="search">(.*?)</form>',
        home,
        re.DOTALL,
    )
    assert form and '<input type="search" name="q"' in form.group(1)
    assert '<a href="/zoeken">Alle actiepunten filteren op pijler' in home


def test_a_language_asked_for_stays_in_every_link_and_the_form(client: httpx.Client) -> None:
    text = client.get("/zoeken", params={"q": "keten", "lang": "en"}, headers={"Accept": BROWSER}).text
    csv_link = re.search(r'<a href="([^"]+)" class="download"', text)
    assert csv_link and html.unescape(csv_link.group(1)) == "/zoeken?q=keten&lang=en&format=csv"
    assert '<input type="hidden" name="lang" value="en">' in text
    assert all(html.unescape(href).endswith("&lang=en") for _, href, _, _ in VALUE.findall(text))
    unknown = client.get("/zoeken", params={"q": "keten", "lang": "xx"}, headers={"Accept": BROWSER}).text
    assert "lang=xx" not in unknown
