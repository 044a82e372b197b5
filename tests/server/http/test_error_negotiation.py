"""One error type, one renderer: the body of every error is negotiated (issue 14, item 7).

Plain text unless asked otherwise (SPARQL clients read it; ``*/*`` and no ``Accept`` get it), an HTML
page for browsers, RFC 9457 ``application/problem+json`` for clients asking for JSON. Status, headers
and message are the same in all three. Against the real app (in this process) on the real data.
"""

from __future__ import annotations

import httpx
import pytest
from napkg_server.http.problems import HttpProblem, body_kind, problem_json
from napkg_server.sparql.protocol import SparqlHttpError

pytestmark = pytest.mark.slow

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
VIEW_MESSAGE = "There is no view 'zzz'; see /views."
DEFAULT_LINKS = [
    {"href": "/", "title": "home"},
    {"href": "/zoeken", "title": "search"},
    {"href": "/about", "title": "about: which URL serves which IRI"},
]
METHOD_MESSAGE = "PUT is not a SPARQL Protocol query method: use GET or POST."


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        (None, "text"),
        ("", "text"),
        ("*/*", "text"),
        ("text/plain", "text"),
        ("application/sparql-results+json", "text"),  # a SPARQL client asking for results gets text
        ("image/png", "text"),
        (BROWSER, "html"),
        ("text/html", "html"),
        ("application/problem+json", "json"),
        ("application/json", "json"),
        ("text/plain;q=0.5, application/json", "json"),
        ("text/html;q=0.1, text/plain", "text"),
    ],
)
def test_body_kind(accept: str | None, kind: str) -> None:
    assert body_kind(accept) == kind


def test_sparql_errors_are_the_one_error_type_without_links() -> None:
    error = SparqlHttpError(405, METHOD_MESSAGE, {"Allow": "GET"})
    assert isinstance(error, HttpProblem)
    assert (error.status, error.message, error.headers, error.links) == (405, METHOD_MESSAGE, {"Allow": "GET"}, ())
    assert HttpProblem(404, "gone").links[0] == ("/", "home")


def test_problem_json_is_rfc_9457() -> None:
    assert problem_json(HttpProblem(429, "Too many queries.", links=(("/", "home"),))) == (
        b'{"type": "about:blank", "title": "Too Many Requests", "status": 429, '
        b'"detail": "Too many queries.", "links": [{"href": "/", "title": "home"}]}'
    )


@pytest.mark.parametrize("accept", [None, "*/*", "text/plain"])
def test_page_error_as_text(client: httpx.Client, accept: str | None) -> None:
    request = client.build_request("GET", "/views/zzz", headers={"Accept": accept or ""})
    if accept is None:
        del request.headers["accept"]  # no Accept at all, not httpx's default */*
    response = client.send(request)
    assert response.status_code == 404
    assert media_type(response) == "text/plain"
    assert response.text == (
        f"{VIEW_MESSAGE}\nSee / (home)\nSee /zoeken (search)\nSee /about (about: which URL serves which IRI)\n"
    )
    assert response.headers["vary"].startswith("Accept")


def test_page_error_as_html(client: httpx.Client) -> None:
    response = client.get("/views/zzz", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert media_type(response) == "text/html"
    assert response.text == (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>404 - nap-kg</title>'
        '<link rel="stylesheet" href="/static/style.css"></head><body><main><h1>404</h1>'
        "<p>There is no view &#39;zzz&#39;; see /views.</p><ul>"
        '<li><a href="/">home</a></li><li><a href="/zoeken">search</a></li>'
        '<li><a href="/about">about: which URL serves which IRI</a></li></ul></main></body></html>'
    )


@pytest.mark.parametrize("accept", ["application/problem+json", "application/json"])
def test_page_error_as_problem_json(client: httpx.Client, accept: str) -> None:
    response = client.get("/views/zzz", headers={"Accept": accept})
    assert response.status_code == 404
    assert media_type(response) == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": VIEW_MESSAGE,
        "links": DEFAULT_LINKS,
    }


def test_sparql_error_stays_text_for_sparql_clients(client: httpx.Client) -> None:
    for accept in ("application/sparql-results+json", "*/*"):
        response = client.get("/sparql", params={"query": "SELEC"}, headers={"Accept": accept})
        assert response.status_code == 400
        assert media_type(response) == "text/plain"
        assert response.text == "Malformed query: error at 1:6: expected [_]\n"


@pytest.mark.parametrize(
    ("accept", "expected_type"),
    [("*/*", "text/plain"), (BROWSER, "text/html"), ("application/problem+json", "application/problem+json")],
)
def test_sparql_error_keeps_status_and_headers_in_every_format(
    client: httpx.Client, accept: str, expected_type: str
) -> None:
    response = client.put("/sparql", content=b"", headers={"Accept": accept})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert media_type(response) == expected_type
    if expected_type == "text/plain":
        assert response.text == METHOD_MESSAGE + "\n"  # the message alone: no links for SPARQL clients
    elif expected_type == "text/html":
        assert f"<h1>405</h1><p>{METHOD_MESSAGE}</p>" in response.text
    else:
        assert response.json() == {
            "type": "about:blank",
            "title": "Method Not Allowed",
            "status": 405,
            "detail": METHOD_MESSAGE,
        }
