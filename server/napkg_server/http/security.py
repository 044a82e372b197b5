"""Security headers: ``nosniff`` on every answer; on HTML also a Content-Security-Policy that
allows only what this server serves itself (no CDN, no inline script), a Referrer-Policy, and
no framing by other sites (``frame-ancestors 'none'`` and, for older browsers,
``X-Frame-Options: DENY``) nor embedding of the pages cross-origin
(``Cross-Origin-Resource-Policy: same-origin``; the RDF and query answers stay embeddable,
as CORS allows them to be read anywhere).

An exception nobody handled becomes a plain 500 with an incident id
(:func:`internal_error_response`); the traceback goes to the server's log under that id,
never into a response.

The inline ``<style>`` of the self-contained ``/sparql`` page (and of ``dist/ontology.html``,
served at ``/def``) is allowed by its hash, nothing else inline.
FastAPI's own ``/docs`` and ``/redoc`` pages load their scripts from a CDN, so they keep no CSP.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from importlib import resources

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from napkg_server.formats import HTML_MEDIA_TYPE
from napkg_server.http.access_log import INCIDENT_KEY, new_incident_id

log = logging.getLogger("napkg_server.errors")


def inline_style_hashes(html: str) -> list[str]:
    """CSP source expressions (``'sha256-...'``) for the inline ``<style>`` blocks of ``html``."""
    hashes = []
    for style in re.findall(r"<style>(.*?)</style>", html, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return hashes


def content_security_policy(style_hashes: list[str]) -> str:
    """Only this server's own assets, plus the inline styles with these hashes."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["style-src 'self'", *style_hashes]),
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def csp_for_page(html: str) -> str:
    """The policy for a self-contained page served as it is (``dist/ontology.html``)."""
    return content_security_policy(inline_style_hashes(html))


_PAGES = resources.files("napkg_server.web") / "pages"
CSP = content_security_policy(
    [
        h
        for page in _PAGES.iterdir()
        if page.name.endswith(".html")
        for h in inline_style_hashes(page.read_text("utf-8"))
    ]
)
REFERRER_POLICY = "strict-origin-when-cross-origin"
HTML_ONLY_HEADERS = ((b"x-frame-options", b"DENY"), (b"cross-origin-resource-policy", b"same-origin"))
NO_CSP_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
HTML = HTML_MEDIA_TYPE.encode()  # pages get the CSP and the page-only headers


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware: responses stream through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if content_type.startswith(HTML) and path not in NO_CSP_PATHS:
                    if b"content-security-policy" not in names:  # a page may bring its own (stricter) one
                        headers.append((b"content-security-policy", CSP.encode()))
                    headers.append((b"referrer-policy", REFERRER_POLICY.encode()))
                if content_type.startswith(HTML):
                    headers.extend(h for h in HTML_ONLY_HEADERS if h[0] not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, add_headers)


async def internal_error_response(request: Request, error: Exception) -> Response:
    """The answer to an unhandled exception: a plain message and an incident id, no traceback.

    The traceback is logged here with the same id, so whoever runs the server can find it.
    """
    incident = request.scope.setdefault(INCIDENT_KEY, new_incident_id())
    log.error("incident %s: %s %s", incident, request.method, request.url.path, exc_info=error)
    message = (
        f"Internal server error (incident {incident}). The error was logged on the server; "
        "please report the incident id if it persists.\n"
    )
    return PlainTextResponse(message, 500, headers={"X-Content-Type-Options": "nosniff"})
