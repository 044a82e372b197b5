"""Pick a response format from ``Accept`` (q-values via python-mimeparse) or ``format=``.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ResultKind.SOLUTIONS).key
'xml'
>>> negotiate("*/*", ResultKind.GRAPH).key
'ttl'
>>> negotiate(None, ResultKind.SOLUTIONS).key
'json'
>>> negotiate("image/png", ResultKind.SOLUTIONS) is None
True
>>> accept_from_format_values(["json"])
'application/sparql-results+json, application/ld+json'
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

import mimeparse

from napkg_server.formats import (
    BY_KEY,
    FORMAT_PARAMETER_NAMES,
    HTML_MEDIA_TYPE,
    MediaFormat,
    ResultKind,
    formats_of,
)

T = TypeVar("T")


class UnknownFormatError(ValueError):
    """A ``format=`` value that names no format this endpoint has."""


def _clean_accept(accept: str | None) -> str | None:
    """Lower-case the header and drop ranges that do not parse; None when nothing is left."""
    if accept is None:
        return None
    ranges = []
    for item in accept.lower().split(","):
        if not item.strip():
            continue
        try:
            mimeparse.parse_media_range(item)
        except (ValueError, mimeparse.MimeTypeParseException):
            continue  # an unparseable range is ignored, as if the client had not sent it
        ranges.append(item.strip())
    return ", ".join(ranges) or None


def best_choice(accept: str | None, candidates: Sequence[tuple[str, T]]) -> T | None:
    """The candidate whose media type the client ranks highest; ties go to the earlier one.

    ``candidates`` are (media type, value) pairs in the server's order of preference.
    No or empty ``Accept`` means anything goes, so the first candidate wins.
    """
    header = _clean_accept(accept)
    if header is None:
        return candidates[0][1] if candidates else None
    # mimeparse breaks ties in favour of the *last* supported type, so feed it reversed.
    supported = [media_type for media_type, _ in reversed(candidates)]
    chosen = mimeparse.best_match(supported, header)
    if not chosen:
        return None
    return next(value for media_type, value in candidates if media_type == chosen)


def format_candidates(kind: ResultKind) -> list[tuple[str, MediaFormat]]:
    """Canonical media types first (in preference order), then their aliases."""
    formats = formats_of(kind)
    canonical = [(f.media_type, f) for f in formats]
    aliases = [(alias, f) for f in formats for alias in f.aliases]
    return canonical + aliases


@lru_cache(maxsize=512)  # clients send few distinct Accept headers, and mimeparse is slow on every one
def negotiate(accept: str | None, kind: ResultKind) -> MediaFormat | None:
    """The format to answer a ``kind`` result in, or None if the client accepts none of them."""
    return best_choice(accept, format_candidates(kind))


def accept_from_format_values(values: Sequence[str]) -> str | None:
    """Turn ``format=`` values into an Accept header that replaces the client's.

    A value is a short name (``json``, ``ttl``, ...) or media types (as SPARQLWrapper
    also sends); empty values are ignored; None when no value is left.
    """
    ranges: list[str] = []
    for value in (v.strip().lower() for v in values):
        if not value:
            continue
        if "/" in value:
            ranges.append(value)
        elif value in FORMAT_PARAMETER_NAMES:
            ranges.extend(BY_KEY[key].media_type for key in FORMAT_PARAMETER_NAMES[value])
        elif value == "html":
            ranges.append(HTML_MEDIA_TYPE)
        else:
            known = ", ".join(sorted(BY_KEY))
            raise UnknownFormatError(f"Unknown format {value!r}; known formats: {known}.")
    return ", ".join(ranges) or None
