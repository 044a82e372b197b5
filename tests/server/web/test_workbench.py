"""What the query workbench asks the server (``/query/vocabulary``, ``/query/complete``, ``/query/labels``), the
page's policy, and the committed bundle: answers checked against the data and the ontology, not against the code that
computes them. The editor itself is tested in browsers: test_workbench_browser.py, test_workbench_firefox.py."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import httpx
import pyoxigraph
from napkg_graph.config import DATA_DIR, DEFAULT_BASE_IRI
from napkg_graph.iris import Iris
from napkg_graph.vocab import NAP_URI
from rdflib import OWL, RDF, Graph, URIRef

from tests.conftest import select
from tests.support.workbench_flows import COMPLETION_KINDS, label

ROOT = Path(__file__).resolve().parents[3]
WORKBENCH = ROOT / "tools" / "workbench"
BUNDLE = ROOT / "server" / "napkg_server" / "web" / "static" / "workbench"


def test_the_vocabulary_holds_the_dumps_prefixes_and_every_class_and_property(
    client: httpx.Client, ontology: Graph, store: pyoxigraph.Store
) -> None:
    answer = client.get("/query/vocabulary", params={"lang": "en"}).json()
    context = json.loads((DATA_DIR / "ontology" / "context.jsonld").read_text("utf-8"))["@context"]
    assert answer["prefixes"] == {k: v for k, v in context.items() if isinstance(v, str)}
    classes = {c["iri"]: c for c in answer["classes"]}
    declared = {str(c) for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert declared <= set(classes)
    used = select(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
    assert {row["c"]: int(row["n"]) for row in used} == {iri: c["count"] for iri, c in classes.items() if c["count"]}
    assert classes[NAP_URI + "ActionPoint"]["label"] == "action point"
    properties = {p["iri"] for p in answer["properties"]}
    declared_properties = {
        str(p)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for p in ontology.subjects(RDF.type, kind)
    }
    predicates = {row["p"] for row in select(store, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
    assert declared_properties | predicates <= properties


def _holders(store: pyoxigraph.Store, fragment: str) -> set[str]:
    """Resources of the completion's kinds with a label or text that contains ``fragment``."""
    kinds = " ".join(f"<{NAP_URI}{k}>" for k in COMPLETION_KINDS)
    predicates = (
        "<http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2004/02/skos/core#prefLabel> "
        "<http://www.w3.org/2004/02/skos/core#altLabel> <http://purl.org/dc/terms/title> "
        f"<http://data.europa.eu/eli/ontology#title> <{NAP_URI}abbreviation> <{NAP_URI}actionText>"
    )
    query = f"SELECT ?r ?t WHERE {{ VALUES ?k {{ {kinds} }} VALUES ?p {{ {predicates} }} ?r a ?k ; ?p ?t }}"
    rows = select(store, query)
    return {row["r"] for row in rows if fragment.lower() in row["t"].lower()}


def test_completion_finds_resources_by_label_and_text_and_binds_the_term(
    client: httpx.Client, store: pyoxigraph.Store
) -> None:
    for fragment in ("dwangarbeid", "CSDDD", "Kamerstuk 22112", "Buitenlandse"):
        answer = client.get("/query/complete", params={"q": fragment, "lang": "en"})
        assert answer.status_code == 200, answer.text
        found = answer.json()["resources"]
        holders = _holders(store, fragment)
        assert 0 < len(holders) <= 20, fragment  # all fit in one answer
        assert {r["iri"] for r in found} == holders, fragment
        for r in found:
            assert r["label"] == label(store, r["iri"]), r
            assert r["href"] == "/" + r["iri"].removeprefix(DEFAULT_BASE_IRI)
    # A word of action point 4's own text offers action point 4, with the text it matched.
    ap4 = str(Iris(DEFAULT_BASE_IRI).action_point(4))
    text = select(store, f"SELECT ?t WHERE {{ <{ap4}> <{NAP_URI}actionText> ?t }}")[0]["t"]
    word = max(re.findall(r"[^\W\d_]+", text), key=len)
    hit = next(r for r in client.get("/query/complete", params={"q": word}).json()["resources"] if r["iri"] == ap4)
    assert hit["matched"] == text
    for hostile in ('") } SELECT * WHERE { ?s ?p ?o', "\\u0022", "<script>"):
        assert client.get("/query/complete", params={"q": hostile}).json()["resources"] == []
    for bad in ("", "x", "y" * 101):
        refused = client.get("/query/complete", params={"q": bad}, headers={"Accept": "application/json"})
        assert refused.status_code == 400 and refused.json()["detail"] == "q must hold 2 to 100 characters"


def test_labels_name_each_iri_and_refuse_a_body_that_is_not_a_list(
    client: httpx.Client, store: pyoxigraph.Store
) -> None:
    iris = Iris(DEFAULT_BASE_IRI)
    wanted = [str(iris.action_point(17)), str(iris.pillar(2)), NAP_URI + "ActionPoint"]
    answer = client.post("/query/labels", params={"lang": "nl"}, content=json.dumps([*wanted, "not an IRI"]))
    assert answer.status_code == 200
    assert answer.json() == {
        iri: {"label": label(store, iri, "nl"), "href": "/" + iri.removeprefix(DEFAULT_BASE_IRI)} for iri in wanted[:2]
    } | {wanted[2]: {"label": label(store, wanted[2], "nl"), "href": "/def/ActionPoint"}}
    for body in ("{", '{"a": 1}', "[1]", json.dumps(["x"] * 2001)):
        refused = client.post("/query/labels", content=body, headers={"Accept": "application/json"})
        assert refused.status_code == 400, body
        assert refused.json()["detail"].startswith("the body must be a JSON list")


def test_the_page_allows_its_editor_styles_by_a_fresh_nonce_and_nothing_more(client: httpx.Client) -> None:
    nonces = []
    for _ in range(2):
        response = client.get("/query")
        policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
        nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9_-]{24})'", policy["style-src"])
        assert nonce is not None, policy
        assert policy["default-src"] == "'self'" and "script-src" not in policy  # scripts: 'self' only
        setup = json.loads(html.unescape(re.search(r'data-setup="([^"]*)"', response.text)[1]))  # type: ignore[index]
        assert setup["nonce"] == nonce[1]
        nonces.append(nonce[1])
    assert nonces[0] != nonces[1]


def test_the_committed_bundle_is_built_from_the_committed_sources(client: httpx.Client) -> None:
    digest = hashlib.sha256()
    for name in ("package-lock.json", "build.mjs", "src/syntax.js", "src/workbench.css", "src/workbench.js"):
        digest.update(name.encode() + b"\0" + (WORKBENCH / name).read_bytes() + b"\0")
    bundle = (BUNDLE / "workbench.js").read_bytes()
    assert bundle.startswith(f"/* napkg-workbench sources sha256:{digest.hexdigest()};".encode()), (
        "rebuild: cd tools/workbench && npm ci && npm run build"
    )
    served = client.get("/static/workbench/workbench.js")
    assert served.status_code == 200 and served.content == bundle
    assert served.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    licences = (BUNDLE / "LICENSES.txt").read_text("utf-8")
    lock = json.loads((WORKBENCH / "package-lock.json").read_text("utf-8"))
    for name in json.loads((WORKBENCH / "package.json").read_text("utf-8"))["dependencies"]:
        version = lock["packages"][f"node_modules/{name}"]["version"]
        assert f"\n{name} {version} (" in licences, name
