"""The HTML pages, read as a browser gets them: home, action point, the inbound pages of instruments,
principles, ministries and Kamerstukken, search, the query page, Dutch and English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files
from urllib.parse import quote

import httpx
import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult

from tests.support.in_process import in_process

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(built: BuildResult, settings: BuildSettings) -> Iterator[httpx.Client]:
    # In this process (the pages live in the app). Started without --dist: the pages must not need the published
    # files.
    args = ["--data", str(settings.dist / "nap-kg.trig"), "--max-concurrent-queries", "2"]
    with in_process(args, headers={"Accept": BROWSER}) as c:
        yield c


def page(client: httpx.Client, url: str, lang: str = "en") -> str:
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}"[^>]*>(.*?)</section>', html, re.DOTALL)
    assert match, f"no section {section_id}"
    return match.group(1)


def test_home_shows_counts_pillars_and_all_action_points(client: httpx.Client) -> None:
    html = page(client, "/")
    assert "<dd>33</dd>" in html
    for n in range(1, 34):
        assert f'href="/id/plan/nap-2022-2026/actiepunt/{n}"' in html
    assert html.count('<section class="pillar">') == 3
    for href in ('action="/zoeken"', 'href="/query"', 'href="/downloads/"', 'href="/catalog"'):
        assert href in html


def test_action_point_page_shows_everything_about_it(client: httpx.Client) -> None:
    html = page(client, "/id/plan/nap-2022-2026/actiepunt/17")
    assert "Onderhandelen binnen vastgestelde kaders" in html  # action text
    assert "Invoering gepaste zorgvuldigheidswetgeving op EU-niveau." in html  # objective
    assert 'href="/id/organisatie/bz">Ministry of Foreign Affairs</a>' in html and "responsible" in html
    assert 'href="/id/ungp/pijler/2"' in html and "Vanaf 2022" in html
    status = section(html, "status")
    assert "Completed" in status and "Nederland heeft zich gedurende het gehele onderhandelingstraject" in status
    letter = section(html, "letter")
    assert 'href="/id/rapport/kamerbrief-2025/alinea/10"' in letter and "Omnibus I-voorstel" in letter
    assert "Omnibus I amends the CSDDD" in letter  # the curated link's justification
    references = section(html, "references")
    assert "“" not in references  # the quotes come from <q>, the spans are verbatim
    assert '<q class="span" lang="nl">Kamerstuk 22 112, nr. 3393</q>' in references
    assert '<q class="span" lang="nl">Corporate Sustainability Due Diligence Directive</q>' in references
    assert 'href="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024L1760"' in references
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-22112-3393.html"' in references
    assert 'href="/id/plan/nap-2022-2026/actiepunt/17/toelichting/2024"' in references  # where the span was found
    assert "Progress report of the National Action Plan" in references  # and its source
    curated = section(html, "alignments")
    assert "Analyst’s alignment (redactionele afstemming)" in curated and "curated" in curated
    assert 'href="/id/ungp/principe/3"' in curated and 'href="/id/oeso/stap/6"' in curated
    assert "negotiating the CSDDD" in curated
    assert "ungp/principe/3" not in references  # alignments are not shown as references


def test_instrument_page_lists_the_action_points_citing_it(client: httpx.Client) -> None:
    html = page(client, "/id/eu/csddd")
    assert "<h1>Corporate Sustainability Due Diligence Directive (CSDDD)</h1>" in html
    explicit = section(html, "explicit")
    for n in (12, 13, 14, 17, 18, 26, 28, 31):
        assert f'href="/id/plan/nap-2022-2026/actiepunt/{n}"' in explicit
    assert '<q class="span" lang="nl">richtlijn 2024/1760</q>' in explicit
    assert 'href="/id/rapport/kamerbrief-2025/alinea/10"' in section(html, "letter")
    assert 'href="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024L1760"' in html


def test_principle_page_separates_explicit_citations_from_curated_alignments(client: httpx.Client) -> None:
    aligned = page(client, "/id/ungp/principe/3")
    assert "None." in section(aligned, "explicit")
    curated = section(aligned, "curated")
    assert 'href="/id/plan/nap-2022-2026/actiepunt/17"' in curated and "negotiating the CSDDD" in curated
    assert "curated" in curated and "Analyst’s alignment" in curated
    cited = page(client, "/id/ungp/principe/31")
    assert '<q class="span"' in section(cited, "explicit")


def test_oecd_pages_list_alignments(client: httpx.Client) -> None:
    for url in ("/id/oeso/hoofdstuk/II", "/id/oeso/stap/1"):
        assert 'href="/id/plan/nap-2022-2026/actiepunt/17"' in section(page(client, url), "curated")


def test_ministry_page_lists_its_action_points_with_roles(client: httpx.Client) -> None:
    responsible = section(page(client, "/id/organisatie/bz"), "responsible")
    assert 'href="/id/plan/nap-2022-2026/actiepunt/17"' in responsible and "responsible" in responsible
    assert 'href="/id/plan/nap-2022-2026/actiepunt/1"' not in responsible  # SZW's, not BZ's


def test_kamerstuk_page_lists_citing_action_points_and_links_out(client: httpx.Client) -> None:
    html = page(client, "/id/kamerstuk/22112-3393")
    explicit = section(html, "explicit")
    assert 'href="/id/plan/nap-2022-2026/actiepunt/17"' in explicit
    assert '<q class="span" lang="nl">Kamerstuk 22 112, nr. 3393</q>' in explicit
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-22112-3393.html"' in html


def test_generic_page_shows_properties_and_inbound_links(client: httpx.Client) -> None:
    html = page(client, "/id/ungp/pijler/2")
    assert "The corporate responsibility to respect human rights" in section(html, "properties")
    assert 'href="/id/plan/nap-2022-2026/actiepunt/17"' in section(html, "inbound")


def test_language_by_header_by_parameter_and_switch(client: httpx.Client) -> None:
    dutch = page(client, "/id/plan/nap-2022-2026/actiepunt/17", lang="nl-NL,nl;q=0.9")
    assert '<html lang="nl">' in dutch and "Stand van zaken" in dutch and "Voltooid" in dutch
    assert "redactionele afstemming" in dutch.lower()
    assert 'href="/id/plan/nap-2022-2026/actiepunt/17?lang=en"' in dutch  # the visible switch
    english = page(client, "/id/plan/nap-2022-2026/actiepunt/17?lang=en", lang="nl")
    assert '<html lang="en">' in english and "Completed" in english
    assert 'href="/id/organisatie/bz">Ministry of Foreign Affairs</a>' in english
    assert "ministerie van Buitenlandse Zaken" in page(client, "/id/plan/nap-2022-2026/actiepunt/17?lang=nl", lang="en")


def test_search_finds_labels_and_texts_and_binds_the_term(client: httpx.Client) -> None:
    html = page(client, "/zoeken?q=csddd")
    assert 'href="/id/eu/csddd"' in html and 'href="/id/plan/nap-2022-2026/actiepunt/17"' in html
    for hostile in ('") } SELECT * WHERE { ?s ?p ?o', "\\", "<script>alert(1)</script>", "x" * 5000):
        response = client.get("/zoeken", params={"q": hostile})
        assert response.status_code == 200
        assert "<script>alert" not in response.text
    assert "Niets gevonden" in page(client, "/zoeken?q=qqqzzzxxx", lang="nl")


def test_query_page_lists_the_competency_questions_and_renders_results(client: httpx.Client) -> None:
    html = page(client, "/query")
    # The form works alone; the one script is the workbench's bundle, served from /static/ (no inline script).
    assert "<textarea" in html and re.findall(r"<script[^>]*>[^<]*</script>", html) == [
        '<script src="/static/workbench/workbench.js" defer></script>'
    ]
    assert html.count('href="/query?query=') == 18
    assert "How many action points does each pillar have?" in html
    query = "PREFIX nap: <https://w3id.org/nap-kg/def/>\nSELECT ?ap WHERE { ?ap a nap:ActionPoint } LIMIT 5"
    results = page(client, "/query?query=" + quote(query))
    table = section(results, "results")
    assert table.count("<tr>") == 6 and 'href="/id/plan/nap-2022-2026/actiepunt/' in table
    assert f'href="/sparql?query={quote(query, safe="")}&amp;format=csv"'.replace("%20", "+") in results
    csv = client.get("/sparql", params={"query": query, "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and len(csv.text.splitlines()) == 6
    broken = client.get("/query", params={"query": "SELECT ?x WHERE {"}, headers={"Accept-Language": "en"})
    assert broken.status_code == 400 and "Malformed query" in broken.text and 'class="error"' in broken.text


def test_about_documents_the_iri_mapping(client: httpx.Client) -> None:
    html = page(client, "/about")
    assert "https://w3id.org/nap-kg/{path}" in html and "/{path}" in html and 'href="/def/ActionPoint"' in html


def test_pages_are_self_contained_and_carry_security_headers(client: httpx.Client) -> None:
    response = client.get("/id/plan/nap-2022-2026/actiepunt/17")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["referrer-policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert not [s for s in sources if s.endswith((".css", ".js")) and not s.startswith("/static/")]
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.content == (files("napkg_server.web") / "static" / "style.css").read_bytes()


def test_published_files_are_404_with_a_message_when_absent(client: httpx.Client) -> None:
    for url in ("/catalog", "/.well-known/void"):
        response = client.get(url, headers={"Accept": "text/turtle"})
        assert response.status_code == 404 and "--dist" in response.text
    assert "without a directory of published files" in page(client, "/downloads/")
