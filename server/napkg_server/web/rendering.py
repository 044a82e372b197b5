"""What every page gets, rendered through :mod:`napkg_server.templating` (``templates/*.html``): the language,
its UI strings (``t``, and ``a`` for the saved questions and views), the URL of the same page in
the other language, and the formats links.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse

from napkg_server.web import analysis_text, i18n
from napkg_server.web.i18n import choose_language, other_language

STATIC_DIR = resources.files("napkg_server.web") / "static"
HTML_VARY = "Accept, Accept-Language"


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
