"""Text helpers shared by the build and the fidelity test: footnote markers and comparison keys."""

from __future__ import annotations

import re

#: Footnote markers in curated texts are written `[^N]` (the document prints them as a bare digit).
FOOTNOTE_MARKER = re.compile(r"\[\^(\w+)\]")
_NOT_COMPARED = re.compile(r"[\s\-\u2010\u2011\u2013]+")


def strip_markers(text: str) -> str:
    """The text as published in the graph: footnote markers removed, surrounding whitespace trimmed."""
    return FOOTNOTE_MARKER.sub("", text).strip()


def comparison_key(text: str, *, markers_as_printed: bool = True) -> str:
    """The text with whitespace and hyphens removed: repairs of the PDF extraction may only touch these.

    >>> comparison_key("Aan jaag-\\nteam[^1]")
    'Aanjaagteam1'
    """
    if markers_as_printed:
        text = FOOTNOTE_MARKER.sub(r"\1", text)
    return _NOT_COMPARED.sub("", text)
