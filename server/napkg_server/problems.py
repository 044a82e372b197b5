"""Errors of the pages and resources, answered as HTML for browsers and as text otherwise."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from napkg_server.negotiation import best_choice


class HttpProblem(Exception):
    """A request the linked-data layer cannot answer: status, message, optional hint links."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        links: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.links = links


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept")
    choice = best_choice(accept, [("text/plain", "text"), ("text/html", "html")]) if accept else "text"
    return choice == "html"


DEFAULT_LINKS = (("/", "home"), ("/zoeken", "search"), ("/about", "about: which URL serves which IRI"))


async def problem_response(request: Request, error: Exception) -> Response:
    assert isinstance(error, HttpProblem)
    links = error.links or DEFAULT_LINKS
    headers = {"Vary": "Accept", **error.headers}
    if wants_html(request):
        items = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in links)
        body = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f"{error.status} - nap-kg</title>"
            '<link rel="stylesheet" href="/static/style.css"></head><body><main>'
            f"<h1>{error.status}</h1><p>{escape(error.message)}</p><ul>{items}</ul></main></body></html>"
        )
        return HTMLResponse(body, error.status, headers=headers)
    text = error.message + "\n" + "".join(f"See {href} ({text})\n" for href, text in links)
    return PlainTextResponse(text, error.status, headers=headers)
