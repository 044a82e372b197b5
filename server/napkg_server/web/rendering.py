"""Jinja2 templates (``templates/*.html``, autoescaped) and what every page gets: the language,
its UI strings (``t``, and ``a`` for the saved questions and views), the URL of the same page in
the other language, and the formats links.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from napkg_server.web import analysis_text, i18n
from napkg_server.web.i18n import choose_language, other_language

TEMPLATES_DIR = resources.files("napkg_server.web") / "templates"
# Self-contained pages (their own inline <style>, hashed into the Content-Security-Policy by
# napkg_server.http.security).
PAGES_DIR = resources.files("napkg_server.web") / "pages"
STATIC_DIR = resources.files("napkg_server.web") / "static"
HTML_VARY = "Accept, Accept-Language"


@cache  # one environment for the package: its template cache is shared by pages, errors and pictures
def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(TEMPLATES_DIR), str(PAGES_DIR)]),
        autoescape=select_autoescape(["html", "svg", "svg.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["shorten"] = shorten
    env.filters["fixed"] = fixed
    env.filters["xml"] = xml_text
    return env


def fixed(value: float, digits: int = 1) -> str:
    """A coordinate with ``digits`` decimals, as the pictures write them.

    >>> fixed(12), fixed(2.25, 0)
    ('12.0', '2')
    """
    return f"{value:.{digits}f}"


def xml_text(value: object, attribute: bool = False) -> Markup:
    """``value`` escaped for SVG, as XML needs it: ``&``, ``<``, ``>`` (and ``"`` in a double-quoted attribute).

    Autoescaping would also write apostrophes as ``&#39;``, which XML does not need; this keeps the
    pictures' bytes as they were (``UNGP's``, not ``UNGP&#39;s``).

    >>> xml_text("State's <duty> & more")
    Markup("State's &lt;duty&gt; &amp; more")
    >>> xml_text('a "b"', attribute=True)
    Markup('a &quot;b&quot;')
    """
    return Markup(escape(str(value), {'"': "&quot;"} if attribute else {}))


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
