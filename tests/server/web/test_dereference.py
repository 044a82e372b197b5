"""Every IRI of the dataset and the ontology dereferences on the real app: HTML for browsers,
Turtle, JSON-LD, N-Triples and RDF/XML for programs (Accept, ?format= or a suffix); the RDF is the
resource's own triples plus those pointing at it; unknown and malformed paths are 404/400, never 500. The service
description at /sparql names the catalogue's DataService and Dataset. In this process (conftest's ``client``),
but the malformed raw paths go to a real server, through uvicorn's reading of the bytes."""

from __future__ import annotations

import httpx
import pytest
from napkg_graph.config import BuildSettings
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, VOID

from tests.support.live_server import LiveServer

BASE = "https://w3id.org/nap-kg/"
NAP = Namespace(BASE + "def/")
ID = Namespace(BASE + "id/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's DCAT warns when pytest looks into the module
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}

# One resource of each kind: (local path, a triple it must state, a triple pointing at it).
RESOURCES = {
    "action point": (
        "id/plan/nap-2022-2026/actiepunt/17",
        (ID["plan/nap-2022-2026/actiepunt/17"], NAP.number, None),
        (None, NAP.actionPoint, ID["plan/nap-2022-2026/actiepunt/17"]),
    ),
    "EU instrument": (
        "id/eu/csddd",
        (ID["eu/csddd"], NAP.abbreviation, Literal("CSDDD")),
        (None, NAP.cites, ID["eu/csddd"]),
    ),
    "UNGP principle": (
        "id/ungp/principe/3",
        (ID["ungp/principe/3"], RDF.type, NAP.GuidingPrinciple),
        (None, NAP.alignedTo, ID["ungp/principe/3"]),
    ),
    "OECD chapter": (
        "id/oeso/hoofdstuk/II",
        (ID["oeso/hoofdstuk/II"], RDF.type, NAP.GuidelinesChapter),
        (None, NAP.alignedWith, ID["oeso/hoofdstuk/II"]),
    ),
    "OECD step": (
        "id/oeso/stap/1",
        (ID["oeso/stap/1"], RDF.type, NAP.DueDiligenceStep),
        (None, NAP.alignedTo, ID["oeso/stap/1"]),
    ),
    "organisation": (
        "id/organisatie/bz",
        (ID["organisatie/bz"], NAP.abbreviation, Literal("BZ")),
        (None, NAP.responsibleOrganisation, ID["organisatie/bz"]),
    ),
    "Kamerstuk": (
        "id/kamerstuk/22112-3393",
        (
            ID["kamerstuk/22112-3393"],
            RDFS.seeAlso,
            URIRef("https://zoek.officielebekendmakingen.nl/kst-22112-3393.html"),
        ),
        (None, NAP.cites, ID["kamerstuk/22112-3393"]),
    ),
    "letter paragraph": (
        "id/rapport/kamerbrief-2025/alinea/10",
        (ID["rapport/kamerbrief-2025/alinea/10"], RDF.type, NAP.LetterParagraph),
        (None, NAP.paragraph, ID["rapport/kamerbrief-2025/alinea/10"]),
    ),
    "citation": (
        "id/plan/nap-2022-2026/actiepunt/17/toelichting/2024/verwijzing/72-csddd",
        (
            ID["plan/nap-2022-2026/actiepunt/17/toelichting/2024/verwijzing/72-csddd"],
            NAP.matchedText,
            Literal("Corporate Sustainability Due Diligence Directive"),
        ),
        None,
    ),
    "ontology term": (
        "def/ActionPoint",
        (NAP.ActionPoint, RDF.type, OWL.Class),
        (ID["plan/nap-2022-2026/actiepunt/17"], RDF.type, NAP.ActionPoint),
    ),
    "ontology": ("def", (URIRef(BASE + "def"), RDF.type, OWL.Ontology), (NAP.ActionPoint, RDF.type, OWL.Class)),
}


def parse(response: httpx.Response, key: str) -> Graph:
    return Graph().parse(data=response.content, format=FORMATS[key][1])


def assert_holds(graph: Graph, pattern: tuple | None) -> None:
    if pattern is not None:
        assert next(graph.triples(pattern), None) is not None, f"no {pattern} in the answer"


@pytest.mark.parametrize("key", FORMATS)
@pytest.mark.parametrize("kind", RESOURCES)
def test_every_kind_in_every_format(client: httpx.Client, kind: str, key: str) -> None:
    path, outgoing, inbound = RESOURCES[kind]
    response = client.get("/" + path, headers={"Accept": FORMATS[key][0]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == FORMATS[key][0]
    assert "Accept" in response.headers["vary"]
    assert response.headers["content-location"] == f"/{path}.{key}"
    links = response.headers["link"]
    for other, (media, _) in FORMATS.items():
        assert f'</{path}.{other}>; rel="alternate"; type="{media}"' in links
    assert f'</{path}.html>; rel="alternate"; type="text/html"' in links
    graph = parse(response, key)
    assert_holds(graph, outgoing)
    assert_holds(graph, inbound)


@pytest.mark.parametrize("key", FORMATS)
def test_suffix_and_format_parameter_give_the_same_graph(client: httpx.Client, key: str) -> None:
    by_accept = parse(client.get("/id/eu/csddd", headers={"Accept": FORMATS[key][0]}), key)
    by_suffix = client.get(f"/id/eu/csddd.{key}", headers={"Accept": "text/html"})
    by_param = client.get("/id/eu/csddd", params={"format": key}, headers={"Accept": "text/html"})
    for response in (by_suffix, by_param):
        assert response.headers["content-type"].split(";")[0] == FORMATS[key][0]
        assert isomorphic(parse(response, key), by_accept)


def test_the_rdf_holds_outgoing_and_inbound_triples_only(client: httpx.Client) -> None:
    graph = parse(client.get("/id/plan/nap-2022-2026/actiepunt/17.nt"), "nt")
    ap = ID["plan/nap-2022-2026/actiepunt/17"]
    assert all(s == ap or o == ap for s, _, o in graph)
    assert (ap, NAP.responsibleOrganisation, ID["organisatie/bz"]) in graph
    assert (ID["rapport/kamerbrief-2025/alinea/10"], NAP.updatesActionPoint, ap) in graph


def test_browsers_get_html_and_programs_turtle(client: httpx.Client) -> None:
    page = client.get("/id/plan/nap-2022-2026/actiepunt/17", headers={"Accept": BROWSER})
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-location"] == "/id/plan/nap-2022-2026/actiepunt/17.html"
    assert "Accept" in page.headers["vary"] and "Accept-Language" in page.headers["vary"]
    assert "<h1>" in page.text and "Actiepunt 17" in page.text
    for accept in ("*/*", None):
        answer = client.get("/id/plan/nap-2022-2026/actiepunt/17", headers={"Accept": accept} if accept else {})
        assert answer.headers["content-type"] == "text/turtle; charset=utf-8"
    assert client.get("/id/plan/nap-2022-2026/actiepunt/17.html").headers["content-type"].startswith("text/html")


def test_every_action_point_dereferences(client: httpx.Client) -> None:
    for n in range(1, 34):
        graph = parse(client.get(f"/id/plan/nap-2022-2026/actiepunt/{n}.ttl"), "ttl")
        assert (ID[f"plan/nap-2022-2026/actiepunt/{n}"], RDF.type, NAP.ActionPoint) in graph


def test_unknown_iri_is_a_helpful_404(client: httpx.Client) -> None:
    html = client.get("/id/plan/nap-2022-2026/actiepunt/99", headers={"Accept": BROWSER})
    assert html.status_code == 404
    assert html.headers["content-type"].startswith("text/html")
    assert "https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/99" in html.text and 'href="/zoeken"' in html.text
    text = client.get("/id/plan/nap-2022-2026/actiepunt/99", headers={"Accept": "text/turtle"})
    assert text.status_code == 404 and text.headers["content-type"].startswith("text/plain")
    assert "no resource" in text.text and "/about" in text.text


@pytest.mark.parametrize(
    "raw_path",
    [
        "/id/../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/id/plan/nap-2022-2026/actiepunt/17/..",
        "/id//actiepunt",
        "/id/a%20b",
        "/id/%00",
        "/id/%ff%fe",
        "/id/plan/nap-2022-2026/actiepunt/17%0d%0aSet-Cookie:x",
        "/def/..%2f..%2fpyproject.toml",
        "/nothing-here.ttl",
        "/" + "x/" * 400,
    ],
)
def test_malformed_paths_are_404_never_500(server: LiveServer, raw_path: str) -> None:
    with httpx.Client() as c:
        request = c.build_request("GET", server.base_url)
        request.url = request.url.copy_with(raw_path=raw_path.encode())
        response = c.send(request)
    assert response.status_code in (400, 404), response.text
    assert "root:" not in response.text and "[project]" not in response.text


def test_unknown_format_is_400_and_unacceptable_is_406(client: httpx.Client) -> None:
    bad = client.get("/id/plan/nap-2022-2026/actiepunt/17", params={"format": "xlsx"})
    assert bad.status_code == 400 and "ttl, jsonld, nt, rdf, html" in bad.text
    refused = client.get("/id/plan/nap-2022-2026/actiepunt/17", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/turtle" in refused.text


def test_html_carries_the_security_headers(client: httpx.Client) -> None:
    page = client.get("/id/eu/csddd", headers={"Accept": BROWSER})
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"]
    assert "https://cdn" not in page.text and "<script" not in page.text


def test_the_ontology_page_is_the_published_documentation_when_there_is_one(
    client: httpx.Client, settings: BuildSettings
) -> None:
    page = client.get("/def", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert policy.startswith("default-src 'self'")
    published = settings.dist / "ontology.html"
    if published.exists():  # written by the build: served as it is, its inline style allowed by hash
        assert page.content == published.read_bytes()
        assert "<style>" not in page.text or "'sha256-" in policy
    else:
        assert 'href="/def/ActionPoint"' in page.text


def test_catalog_void_and_service_description_name_the_same_iris(client: httpx.Client, settings: BuildSettings) -> None:
    """Serving the built dataset, the service description uses the catalog's DataService and Dataset IRIs."""
    catalog = Graph().parse(settings.dist / "catalog.ttl")
    void = Graph().parse(settings.dist / "void.ttl")
    service = next(catalog.subjects(DCAT.servesDataset, None))
    dataset = catalog.value(service, DCAT.servesDataset)
    assert (dataset, None, None) in void and void.value(dataset, VOID.sparqlEndpoint) is not None
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (service, URIRef(sd + "defaultDataset"), dataset) in description
