"""Saved questions over HTTP (/queries, /queries/{name}) and the views with pictures (/views), on the real
app in this process: result formats by negotiation and format=, the HTML page, parameter errors, and pictures
whose marks (matrix cells, bars, nodes and edges) are exactly the saved questions' answers."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest

SVG = "{http://www.w3.org/2000/svg}"
SPARQL_XML = "{http://www.w3.org/2005/sparql-results#}"


def bindings(client: httpx.Client, name: str, **params: str) -> list[dict[str, str]]:
    response = client.get(f"/queries/{name}", params={**params, "format": "json"})
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def svg_of(client: httpx.Client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def marks(root: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if css in (e.get("class") or "").split()]


# ---------------------------------------------------------------- /queries


def test_the_list_is_bilingual(client: httpx.Client) -> None:
    en = client.get("/queries", params={"lang": "en"}, headers={"Accept": "text/html"})
    nl = client.get("/queries", params={"lang": "nl"}, headers={"Accept": "text/html"})
    assert "The trail of an EU instrument" in en.text and 'href="/queries/ungp-coverage"' in en.text
    assert "Het spoor van een EU-instrument" in nl.text
    listed = client.get("/queries", params={"format": "json"}).json()
    assert {q["name"] for q in listed} >= {"eu-instrument-trail", "ungp-coverage", "delayed-action-points"}


def test_json_by_format_parameter(client: httpx.Client) -> None:
    response = client.get("/queries/eu-instrument-trail", params={"format": "json"})
    assert response.headers["content-type"] == "application/sparql-results+json"
    numbers = [b["number"]["value"] for b in response.json()["results"]["bindings"]]
    assert numbers == ["12", "13", "14", "17", "18", "26", "28", "31"]


def test_csv_for_spreadsheets(client: httpx.Client) -> None:
    response = client.get("/queries/kamerstukken-cited-by-several", params={"format": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="kamerstukken-cited-by-several.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["identifier"], r["actionPoints"]) for r in rows] == [("kst-22112-3393", "2")]


def test_tsv_and_xml_by_accept(client: httpx.Client) -> None:
    tsv = client.get("/queries/delayed-action-points", headers={"Accept": "text/tab-separated-values"})
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    lines = tsv.text.splitlines()
    assert lines[0].split("\t")[:2] == ["?number", "?actionPoint"]
    assert [line.split("\t")[0] for line in lines[1:4]] == ["2", "8", "19"]
    xml = client.get("/queries/delayed-action-points", headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(xml.content)
    assert len(root.findall(f"{SPARQL_XML}results/{SPARQL_XML}result")) == 3
    assert "Accept" in xml.headers["vary"]


def test_parameters_are_bound(client: httpx.Client) -> None:
    rows = bindings(client, "ministry-responsibilities")
    assert len(rows) == 21  # BZ, the default
    assert len(bindings(client, "ministry-responsibilities", organisation="jenv")) == 6
    assert [r["number"] for r in bindings(client, "eu-instrument-trail", instrument="csrd")] == ["19"]


def test_the_html_page(client: httpx.Client) -> None:
    response = client.get("/queries/eu-instrument-trail", params={"lang": "en"}, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>The trail of an EU instrument" in page
    assert '<input name="instrument" value="csddd"' in page
    assert "VALUES (?instrument) { (&lt;https://w3id.org/nap-kg/id/eu/csddd&gt;) }" in page  # SPARQL shown
    assert 'href="/query?query=' in page  # open in the query page
    assert 'href="/queries/eu-instrument-trail?instrument=csddd&amp;format=csv"' in page
    assert page.count("<tr>") == 9 and ">Action point 17</a>" in page


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/queries/eu-instrument-trail", {"instrument": "CSDDD"}, 400, "is not a key"),
        ("/queries/eu-instrument-trail", {"instrument": "x> } UNION { ?s ?p ?o"}, 400, "is not a key"),
        ("/queries/principle-action-points", {"principle": "99"}, 400, "from 1 to 31"),
        ("/queries/eu-instrument-trail", {"format": "png"}, 400, "Unknown format"),
        ("/queries/no-such-question", {}, 404, "no saved question"),
        ("/views/instrument/not-there", {}, 404, "no instrument"),
        ("/views/ministry/Bz", {}, 400, "is not a key"),
        ("/views/ministry/rvo", {}, 404, "no ministry"),
    ],
)
def test_errors_say_what_is_wrong(
    client: httpx.Client, path: str, params: dict[str, str], status: int, message: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert message in response.text
    assert response.headers["content-type"].startswith("text/plain")
    html = client.get(path, params=params, headers={"Accept": "text/html"})
    assert html.status_code == status and message in html.text and "<h1>" in html.text


def test_not_acceptable(client: httpx.Client) -> None:
    response = client.get("/queries/delayed-action-points", headers={"Accept": "image/png"})
    assert response.status_code == 406 and "text/csv" in response.text


# ---------------------------------------------------------------- /views


def test_matrix_cells_are_the_coverage_answer(client: httpx.Client) -> None:
    coverage = bindings(client, "ungp-coverage")
    explicit = {(r["number"], n) for r in coverage for n in r.get("explicitActionPoints", "").split(",") if n}
    curated = {(r["number"], n) for r in coverage for n in r.get("curatedActionPoints", "").split(",") if n}
    root = svg_of(client, "/views/ungp-matrix.svg")
    filled = {(e.get("data-principle"), e.get("data-ap")) for e in marks(root, "rect", "explicit")}
    outlined = {(e.get("data-principle"), e.get("data-ap")) for e in marks(root, "rect", "curated")}
    assert filled == explicit == {("31", "26")}
    assert outlined == curated and len(marks(root, "rect", "curated")) == len(curated)
    assert ("3", "17") in curated  # UNGP 3 <-> action point 17 is a curated link: the sets are not empty
    assert marks(root, "rect", "explicit") and marks(root, "rect", "curated")
    assert all(e.get("fill") != "none" for e in marks(root, "rect", "explicit"))
    # a curated cell is filled where the action point implements the principle, outlined where it supports it, and
    # dashed where the alignment is intended only: each the pairs of its column of the coverage answer
    for kind, state in (("implements", "delivered"), ("implements", "intended"), ("supports", "delivered")):
        column = kind + state.capitalize()
        cells = [e for e in marks(root, "rect", kind) if state in e.get("class").split()]
        expected = {(r["number"], n) for r in coverage for n in r.get(column, "").split(",") if n}
        assert {(e.get("data-principle"), e.get("data-ap")) for e in cells} == expected and expected
        assert all((e.get("fill") == "none") == (kind == "supports") for e in cells)
        assert all((e.get("stroke-dasharray") is not None) == (state == "intended") for e in cells)
    assert ("26", "32") in {(e.get("data-principle"), e.get("data-ap")) for e in marks(root, "rect", "intended")}
    uncovered = sorted(int(e.get("data-principle")) for e in marks(root, "rect", "uncovered"))
    assert uncovered == [5]  # the alignment method: only UNGP 5 is unaddressed
    notes = [
        (int(e.get("data-principle")), e.get("data-coverage"), e.text) for e in marks(root, "text", "row-coverage")
    ]
    assert notes == [(p, "supported", "alleen ondersteund") for p in (9, 14, 23, 30)]  # Dutch by default
    assert len(marks(root, "text", "row-label")) == 31 and len(marks(root, "text", "col-label")) == 33


def test_status_bars_are_the_status_answer(client: httpx.Client) -> None:
    answer = {
        (r["pillar"], r["statusKey"]): int(r["actionPoints"]) for r in bindings(client, "action-points-by-status")
    }
    root = svg_of(client, "/views/status.svg?lang=en")
    bars = marks(root, "rect", "bar")
    assert {(b.get("data-pillar"), b.get("data-status")): int(b.get("data-count")) for b in bars} == answer
    widths = {float(b.get("width")) / int(b.get("data-count")) for b in bars}
    assert max(widths) - min(widths) < 0.01  # bar length proportional to the count
    assert sorted(int(t.text) for t in marks(root, "text", "bar-count")) == sorted(answer.values())
    assert [t.text for t in marks(root, "text", "bar-total")] == ["= 16", "= 6", "= 11"]
    assert "Completed (6)" in ET.tostring(root, encoding="unicode")


def test_link_map_nodes_and_edges_are_the_links_answer(client: httpx.Client) -> None:
    rows = bindings(client, "eu-law-links", instrument="csddd")
    root = svg_of(client, "/views/eu-law-map.svg?instrument=csddd")
    nodes = {(g.get("data-kind"), g.get("data-id")) for g in marks(root, "g", "node")}
    assert {i for k, i in nodes if k == "action-point"} == {r["number"] for r in rows}
    assert {i for k, i in nodes if k != "action-point"} == {r["node"] for r in rows}
    edges = {(e.get("data-from"), e.get("data-relation"), e.get("data-to")) for e in marks(root, "path", "edge")}
    assert edges == {(r["number"], r["relation"], r["node"]) for r in rows}
    labels = {t.text for t in root.iter(SVG + "text")}
    assert {"CSDDD", "BZ", "JenV", "kst-22112-3393"} <= labels


def test_csddd_dashboard(client: httpx.Client) -> None:
    page = client.get("/views/instrument/csddd", params={"lang": "en"}, headers={"Accept": "text/html"}).text
    assert "<h1>Corporate Sustainability Due Diligence Directive (CSDDD)</h1>" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # map, status, matrix inline
    assert "kst-22112-3393, kst-26485-435" in page  # where parliament was informed
    assert 'href="/views/instrument/csddd/eu-law-map.svg?lang=en"' in page
    assert 'href="/queries/eu-instrument-trail?instrument=csddd&amp;lang=en&amp;format=csv"' in page
    status = svg_of(client, "/views/instrument/csddd/status.svg")
    counted = sum(int(b.get("data-count")) for b in marks(status, "rect", "bar"))
    assert counted == 8
    matrix = svg_of(client, "/views/instrument/csddd/ungp-matrix.svg")
    assert sorted(int(t.text) for t in marks(matrix, "text", "col-label")) == [12, 13, 14, 17, 18, 26, 28, 31]


def test_ministry_dashboard(client: httpx.Client) -> None:
    page = client.get("/views/ministry/bz", params={"lang": "nl"}, headers={"Accept": "text/html"}).text
    assert "Ministerie van Buitenlandse Zaken" in page or "ministerie van Buitenlandse Zaken" in page
    status = svg_of(client, "/views/ministry/bz/status.svg")
    assert sum(int(b.get("data-count")) for b in marks(status, "rect", "bar")) == 21
    links = svg_of(client, "/views/ministry/jenv/eu-law-map.svg")
    assert {g.get("data-id") for g in marks(links, "g", "node") if g.get("data-kind") == "action-point"} == {"19", "31"}


def test_views_are_linked_from_home_and_resource_pages(client: httpx.Client) -> None:
    home = client.get("/", params={"lang": "en"}, headers={"Accept": "text/html"}).text
    assert 'href="/views/instrument/csddd"' in home and 'href="/views/ungp-matrix"' in home
    assert 'href="/queries"' in home
    index = client.get("/views", params={"lang": "en"}, headers={"Accept": "text/html"}).text
    assert "addresses: <strong>5</strong>" in index and 'href="/views/ministry/bz"' in index
    instrument = client.get("/id/eu/csddd", headers={"Accept": "text/html"}).text
    assert 'href="/views/instrument/csddd"' in instrument
    ministry = client.get("/id/organisatie/jenv", headers={"Accept": "text/html"}).text
    assert 'href="/views/ministry/jenv"' in ministry
    action_point = client.get("/id/plan/nap-2022-2026/actiepunt/20", headers={"Accept": "text/html"}).text
    assert 'href="/queries/letter-2025-updates?number=20"' in action_point


def test_views_answer_json_for_their_data(client: httpx.Client) -> None:
    page = client.get("/views/ungp-matrix", params={"lang": "en"}, headers={"Accept": "text/html"}).text
    assert 'href="/queries/ungp-coverage?lang=en&amp;format=json"' in page
    data = json.loads(client.get("/queries/ungp-coverage?lang=en&format=json").text)
    assert len(data["results"]["bindings"]) == 31
