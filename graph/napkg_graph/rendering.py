"""The build's one Jinja environment: the pages it writes to dist/ (``templates/*.html``, autoescaped).

Values are escaped with the standard library's :func:`html.escape` (``&#x27;`` and ``&quot;``)
rather than markupsafe's spelling (``&#39;``, ``&#34;``): the same characters escaped, and the
published pages keep the bytes they had before they were templated (dist/ is compared by checksum).
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES_DIR = resources.files("napkg_graph") / "templates"


def escape_html(value: object) -> object:
    """Every printed value, escaped as :func:`html.escape` does (markup from the templates' macros passes).

    >>> escape_html("the plan's <b>"), escape_html(3)
    (Markup('the plan&#x27;s &lt;b&gt;'), 3)
    """
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(html.escape(value))
    return value


@cache
def make_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html"]),
        finalize=escape_html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
