"""Jinja2 templates (``templates/*.html``, autoescaped) and what every page gets: the language,
its UI strings, the URL of the same page in the other language, and the formats links.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from napkg_server.i18n import STRINGS, choose_language, other_language

TEMPLATES_DIR = resources.files("napkg_server") / "templates"
STATIC_DIR = resources.files("napkg_server") / "static"
HTML_VARY = "Accept, Accept-Language"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["shorten"] = shorten
    return env


def shorten(text: str, limit: int = 160) -> str:
    """``text`` cut at a word boundary before ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + " …"


@dataclass(frozen=True)
class PageLanguage:
    lang: str
    t: dict[str, str]
    switch_url: str
    switch_lang: str


def page_language(request: Request) -> PageLanguage:
    lang = choose_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    other = other_language(lang)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", other)]
    return PageLanguage(lang, STRINGS[lang], f"{request.url.path}?{urlencode(params)}", other)


def with_lang(url: str, lang: str) -> str:
    """``url`` carrying ``lang=`` so that links keep an explicitly chosen language."""
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def render(
    env: Environment,
    request: Request,
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    language = page_language(request)
    body = env.get_template(template).render(
        lang=language.lang,
        t=language.t,
        switch_url=language.switch_url,
        switch_lang=language.switch_lang,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(body, status, headers={"Vary": HTML_VARY, **(headers or {})})
