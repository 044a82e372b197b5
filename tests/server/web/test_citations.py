"""Citations ("cite this"): action point pages and saved-question pages offer CSL-JSON, BibTeX and RIS, and the
resource IRI gives them by content negotiation; each output is read back by a real parser (the CSL-JSON schema,
vendored with its licence under tests/vendor/csl-schema, bibtexparser, rispy) and names the permalink of the
version, the title, the publisher of graph/sources/catalog.yaml and the access date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

import bibtexparser
import httpx
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from napkg_graph.catalog import load_catalog_source
from napkg_graph.config import DEFAULT_BASE_IRI, REPO_ROOT
from napkg_graph.iris import Iris
from napkg_server.formats import CITATION_BY_KEY
from napkg_server.web.citations import Citation, CitedVersion, render

from tests.server.web.test_pages import section

IRIS = Iris(DEFAULT_BASE_IRI)
SCHEMA = json.loads((Path(__file__).parents[2] / "vendor" / "csl-schema" / "csl-data.json").read_text())
CATALOG = load_catalog_source(REPO_ROOT / "graph" / "sources").record
VERSION = metadata.version("nap-kg")
ISSUED = date.fromisoformat(str(CATALOG["modified"]))
AP17 = str(IRIS.action_point(17))
AP17_PATH = AP17.removeprefix(DEFAULT_BASE_IRI)
QUESTION_URL = f"{DEFAULT_BASE_IRI}queries/eu-relations?instrument=csddd"


def today() -> set[date]:
    """Today in UTC, and tomorrow in case the request crosses midnight."""
    now = datetime.now(UTC).date()
    return {now, date.fromordinal(now.toordinal() + 1)}


def parse(key: str, body: str) -> dict[str, str]:
    """One citation parsed by a real parser of its format, as field -> value."""
    if key == "csljson":
        items = json.loads(body)
        jsonschema.validate(items, SCHEMA)
        assert len(items) == 1
        item = items[0]
        return {
            "title": item["title"],
            "url": item["URL"],
            "publisher": item["publisher"],
            "version": item["version"],
            "issued": "-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0]),
            "accessed": "-".join(f"{p:02d}" for p in item["accessed"]["date-parts"][0]),
            "note": item["note"],
        }
    if key == "bibtex":
        library = bibtexparser.parse_string(body, append_middleware=[LatexDecodingMiddleware()])
        assert library.failed_blocks == [] and len(library.entries) == 1
        entry = library.entries[0]
        assert entry.entry_type == "misc"
        fields = {f.key: f.value for f in entry.fields}
        return {
            "title": fields["title"],
            "url": fields["url"],
            "publisher": fields["organization"],
            "version": fields["version"],
            "issued": fields["year"],
            "accessed": fields["urldate"],
            "note": fields["note"],
        }
    (record,) = rispy.loads(body)
    assert record["type_of_reference"] == "DATA"
    return {
        "title": record["title"],
        "url": record["urls"][0],
        "publisher": record["publisher"],
        "version": record["edition"],
        "issued": record["date"].replace("/", "-"),
        "accessed": record["access_date"].replace("/", "-"),
        "note": record["notes"][0],
    }


def issued(key: str) -> str:
    return str(ISSUED.year) if key == "bibtex" else ISSUED.isoformat()


@pytest.mark.parametrize("key", list(CITATION_BY_KEY))
@pytest.mark.parametrize("how", ["format", "accept"])
def test_an_action_point_is_cited_by_its_iri(client: httpx.Client, key: str, how: str) -> None:
    fmt = CITATION_BY_KEY[key]
    if how == "format":
        answer = client.get(f"/{AP17_PATH}", params={"format": key, "lang": "en"})
    else:
        answer = client.get(f"/{AP17_PATH}", headers={"Accept": fmt.media_type, "Accept-Language": "en"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == fmt.content_type
    assert answer.headers["content-location"] == f"/{AP17_PATH}?format={key}"
    cited = parse(key, answer.text)
    accessed = cited.pop("accessed")
    assert date.fromisoformat(accessed) in today()
    assert cited == {
        "title": "Action point 17",
        "url": AP17,
        "publisher": CATALOG["publisher"]["name_en"],
        "version": VERSION,
        "issued": issued(key),
        "note": f"Version {VERSION}: {IRIS.dataset()}",
    }


def test_the_citation_follows_the_language(client: httpx.Client) -> None:
    cited = parse("ris", client.get(f"/{AP17_PATH}", params={"format": "ris", "lang": "nl"}).text)
    assert (cited["title"], cited["publisher"]) == ("Actiepunt 17", CATALOG["publisher"]["name_nl"])
    assert cited["note"] == f"Versie {VERSION}: {IRIS.dataset()}"


@pytest.mark.parametrize("key", list(CITATION_BY_KEY))
def test_a_saved_question_is_cited_with_its_values(client: httpx.Client, key: str) -> None:
    fmt = CITATION_BY_KEY[key]
    answer = client.get(
        "/queries/eu-relations",
        params={"instrument": "csddd"},
        headers={"Accept": fmt.media_type, "Accept-Language": "en"},
    )
    assert (answer.status_code, answer.headers["content-type"]) == (200, fmt.content_type)
    cited = parse(key, answer.text)
    cited.pop("accessed")
    title = json.loads(client.get("/queries", params={"format": "json"}).text)
    (question,) = [q for q in title if q["name"] == "eu-relations"]
    assert cited["title"] == f"{question['title']['en']}, instrument = csddd"
    assert (cited["url"], cited["version"], cited["issued"]) == (QUESTION_URL, VERSION, issued(key))


def test_pages_offer_cite_this(client: httpx.Client) -> None:
    page = client.get(f"/{AP17_PATH}", headers={"Accept": "text/html", "Accept-Language": "en"}).text
    cite = section(page, "cite")
    assert "Cite this" in cite and f"{AP17}" in cite and f"version {VERSION}, {IRIS.dataset()}" in cite
    assert CATALOG["publisher"]["name_en"] in cite
    for key, fmt in CITATION_BY_KEY.items():
        href = f'href="/{AP17_PATH}?format={key}&amp;lang=en"'
        assert f"{href}>{fmt.label}</a>" in cite
    question = client.get("/queries/eu-relations?instrument=csddd&lang=nl", headers={"Accept": "text/html"}).text
    cite = section(question, "cite")
    assert "Citeer dit" in cite and QUESTION_URL.replace("&", "&amp;") in cite
    assert 'href="/queries/eu-relations?instrument=csddd&amp;format=bibtex&amp;lang=nl">BibTeX</a>' in cite


def test_the_ontology_is_not_offered_as_a_citation(client: httpx.Client) -> None:
    assert client.get("/def/ActionPoint", params={"format": "bibtex"}).status_code == 406


def test_unknown_format_names_the_citation_formats(client: httpx.Client) -> None:
    answer = client.get(f"/{AP17_PATH}", params={"format": "endnote"})
    assert answer.status_code == 400 and "csljson, bibtex, ris" in answer.text


NASTY = "50% {of} A & B_c #1 $x^2~ \\ end\nnext line"


@pytest.mark.parametrize("key", list(CITATION_BY_KEY))
def test_special_characters_survive_every_format(key: str) -> None:
    version = CitedVersion(str(IRIS.dataset()), "1.0.0", date(2026, 11, 23))
    cited = Citation(NASTY, AP17, "nap-kg", version, "Redactie & co", date(2026, 12, 3), "nl")
    parsed = parse(key, render(cited, key))
    one_line = " ".join(NASTY.split())
    # CSL-JSON keeps the text as it is; BibTeX and RIS hold one line, and LaTeX decoding gives the text back (with
    # the caret as the accent LaTeX prints for \textasciicircum)
    expected = {"csljson": NASTY, "bibtex": one_line.replace("^", "\u02c6"), "ris": one_line}[key]
    assert parsed["title"] == expected
    assert parsed["publisher"] == "Redactie & co"
