"""Jinja2 templates (``templates/*.html``, autoescaped) and what every page gets: the language,
its UI strings (``t``, and ``a`` for the saved questions and views), the URL of the same page in
the other language, and the formats links.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from napkg_server import analysis_text, i18n
from napkg_server.i18n import choose_language, other_language

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
    a: dict[str, str]
    switch_url: str
    switch_lang: str


def page_language(request: Request) -> PageLanguage:
    lang = choose_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    other = other_language(lang)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", other)]
    switch_url = f"{request.url.path}?{urlencode(params)}"
    return PageLanguage(lang, i18n.STRINGS[lang], analysis_text.STRINGS[lang], switch_url, other)


def render(
    env: Environment,
    request: Request,
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    language: PageLanguage | None = None,
    **context: Any,
) -> HTMLResponse:
    """``template`` as the response; ``language`` is the request's (pass it when the handler already has it)."""
    language = language or page_language(request)
    body = env.get_template(template).render(
        lang=language.lang,
        t=language.t,
        a=language.a,
        switch_url=language.switch_url,
        switch_lang=language.switch_lang,
        **context,
    )
    return HTMLResponse(body, status, headers={"Vary": HTML_VARY, **(headers or {})})
