"""The one Jinja2 environment of the server: the web package's ``templates/*.html`` and ``pages/*.html``,
autoescaped (HTML and SVG), with the filters the pictures use. Its own module below ``http`` and ``web``, so
error pages (``http.problems``), the service description (``sparql``) and the pages all render through it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES_DIR = resources.files("napkg_server.web") / "templates"
# Self-contained pages (their own inline <style>, hashed into the Content-Security-Policy by
# napkg_server.http.security).
PAGES_DIR = resources.files("napkg_server.web") / "pages"


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
