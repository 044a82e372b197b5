"""The one HTTP error type of the server and its one renderer.

Every client mistake and every refusal (SPARQL protocol, pages, resources, downloads) is an
:class:`HttpProblem`. The body is negotiated: plain text unless asked otherwise (what SPARQL clients
read, and what ``*/*`` or no ``Accept`` gets), an HTML page for browsers (``Accept: text/html``), and
``application/problem+json`` (RFC 9457) for clients asking for JSON. Status, headers and message are
the same in all three.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from napkg_server.formats import HTML_MEDIA_TYPE, JSON_MEDIA_TYPE, TEXT_MEDIA_TYPE
from napkg_server.http.negotiation import best_choice
from napkg_server.templating import make_environment

PROBLEM_JSON = "application/problem+json"
DEFAULT_LINKS = (("/", "home"), ("/zoeken", "search"), ("/about", "about: which URL serves which IRI"))
# In the server's order of preference: text first, so that "*/*" and a missing Accept get text.
BODY_CANDIDATES = [
    (TEXT_MEDIA_TYPE, "text"),
    (HTML_MEDIA_TYPE, "html"),
    (PROBLEM_JSON, "json"),
    (JSON_MEDIA_TYPE, "json"),
]


class HttpProblem(Exception):
    """A request the server cannot answer: status, message, extra headers and links to offer instead.

    ``links`` None offers the site's :data:`DEFAULT_LINKS`; ``()`` offers none (the SPARQL protocol's errors,
    whose text body is the message alone).
    """

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        links: tuple[tuple[str, str], ...] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.links = DEFAULT_LINKS if links is None else links


def body_kind(accept: str | None) -> str:
    """``text``, ``html`` or ``json``: the error body this ``Accept`` header asks for (text when it names none).

    >>> body_kind(None), body_kind("*/*"), body_kind("application/sparql-results+json")
    ('text', 'text', 'text')
    >>> body_kind("text/html,application/xhtml+xml,*/*;q=0.8"), body_kind("application/problem+json")
    ('html', 'json')
    """
    return (best_choice(accept, BODY_CANDIDATES) if accept else None) or "text"


def problem_json(error: HttpProblem) -> bytes:
    """The RFC 9457 problem details object; ``links`` is an extension member."""
    problem: dict[str, object] = {
        "type": "about:blank",
        "title": HTTPStatus(error.status).phrase,
        "status": error.status,
        "detail": error.message,
    }
    if error.links:
        problem["links"] = [{"href": href, "title": text} for href, text in error.links]
    return json.dumps(problem, ensure_ascii=False).encode("utf-8")


async def problem_response(request: Request, error: Exception) -> Response:
    """The answer to an :class:`HttpProblem`, in the body format the request asks for."""
    assert isinstance(error, HttpProblem)
    headers = {"Vary": "Accept", **error.headers}
    kind = body_kind(request.headers.get("accept"))
    if kind == "html":
        page = make_environment().get_template("problem.html")
        body = page.render(status=error.status, message=error.message, links=error.links or DEFAULT_LINKS)
        return HTMLResponse(body, error.status, headers=headers)
    if kind == "json":
        return Response(problem_json(error), error.status, headers=headers, media_type=PROBLEM_JSON)
    text = error.message + "\n" + "".join(f"See {href} ({text})\n" for href, text in error.links)
    return PlainTextResponse(text, error.status, headers=headers)
