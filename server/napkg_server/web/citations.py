"""Citations ("cite this") of a resource or a saved question, in CSL-JSON, BibTeX and RIS.

A citation names what is cited (its title and persistent URL), the dataset it is part of, the version cited with a
permalink to it, the publisher (``publisher`` in graph/sources/catalog.yaml) and the date it was accessed. All of it
is data; :func:`render` writes it in one of the formats of ``napkg_server.formats.CITATION_FORMATS``.

Written here rather than with a library: BibTeX and RIS are a few lines each, and the writers we tried do not escape
what these formats need escaped (bibtexparser 2.1 writes a value between braces as it is, so ``&``, ``%``, ``#`` or
an unbalanced brace in a title breaks LaTeX or the parse; rispy 0.10 writes a value with a newline as two lines).
Each output is parsed back by a real parser in the tests (bibtexparser, rispy, the CSL-JSON schema).

>>> version = CitedVersion("https://w3id.org/nap-kg/id/dataset/nap-kg", "0.1.0", date(2026, 11, 23))
>>> c = Citation("Actiepunt 17 & 18", "https://w3id.org/nap-kg/id/x", "nap-kg", version, "NAP-KG-redactie",
...              date(2026, 12, 3), "nl")
>>> print(render(c, "ris"))  # doctest: +NORMALIZE_WHITESPACE
TY  - DATA
TI  - Actiepunt 17 & 18
DB  - nap-kg
PB  - NAP-KG-redactie
ET  - 0.1.0
PY  - 2026
DA  - 2026/11/23
Y2  - 2026/12/03
UR  - https://w3id.org/nap-kg/id/x
N1  - Versie 0.1.0: https://w3id.org/nap-kg/id/dataset/nap-kg
LA  - nl
ER  -
>>> print(render(c, "bibtex").splitlines()[:2])
['@misc{napkg-id-x-0.1.0,', '  title = {{Actiepunt 17 \\\\& 18}},']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import metadata

from napkg_graph.catalog import load_catalog_source
from napkg_graph.config import DATA_DIR
from napkg_graph.iris import Iris
from napkg_graph.release_record import Release

VERSION_WORD = {"nl": "Versie", "en": "Version"}
ACCESSED_WORD = {"nl": "geraadpleegd op", "en": "accessed"}


@dataclass(frozen=True)
class CitedVersion:
    """The version a citation names: a permalink to it, its number and its release date."""

    iri: str
    number: str
    issued: date


@dataclass(frozen=True)
class Citation:
    title: str
    url: str  # the persistent IRI (or public URL) of what is cited
    container: str  # the dataset's title
    version: CitedVersion
    publisher: str
    accessed: date
    language: str  # "nl" or "en"

    @property
    def key(self) -> str:
        """A citation key: the last two segments of the URL's path (no query), and the version."""
        path = self.url.split("?", 1)[0].rstrip("/").split("/")[-2:]
        tail = re.sub(r"[^A-Za-z0-9]+", "-", "-".join(path)).strip("-")
        return f"napkg-{tail}-{self.version.number}"


@lru_cache(maxsize=1)
def _catalog() -> dict[str, str]:
    record = load_catalog_source(DATA_DIR / "sources").record
    return {
        "version": metadata.version("nap-kg"),  # read once: looking it up scans the installed distributions
        "modified": str(record["modified"]),
        **{f"publisher_{lang}": record["publisher"][f"name_{lang}"] for lang in ("nl", "en")},
        **{f"title_{lang}": record["dataset"][f"title_{lang}"] for lang in ("nl", "en")},
    }


def cited_version(base_iri: str) -> CitedVersion:
    """The version a citation names when the data served is no release (releases.served_release): the dataset (its
    IRI in the catalog) at the package version, released on the catalog's ``modified`` date."""
    catalog = _catalog()
    return CitedVersion(str(Iris(base_iri).dataset()), catalog["version"], date.fromisoformat(catalog["modified"]))


def release_version(base_iri: str, release: Release) -> CitedVersion:
    """A release as the version cited: its IRI (``/releases/{version}``, where it stays), its version and the day
    (UTC) it was issued.

    >>> from pathlib import Path
    >>> r = Release("2.0.0", "1.0.0", "2026-12-02T10:00:00Z", {}, Path("releases/2.0.0"))
    >>> release_version("https://w3id.org/nap-kg/", r)
    CitedVersion(iri='https://w3id.org/nap-kg/releases/2.0.0', number='2.0.0', issued=datetime.date(2026, 12, 2))
    """
    return CitedVersion(release.iri(base_iri), release.version, date.fromisoformat(release.issued[:10]))


def citation(
    title: str, url: str, base_iri: str, lang: str, version: CitedVersion | None = None, accessed: date | None = None
) -> Citation:
    """The citation of ``title`` at ``url`` in the dataset served under ``base_iri``, accessed today (UTC), of the
    version given (the release served, or the release a release page shows) or else :func:`cited_version`."""
    catalog = _catalog()
    return Citation(
        title=title,
        url=url,
        container=catalog[f"title_{lang}"],
        version=version or cited_version(base_iri),
        publisher=catalog[f"publisher_{lang}"],
        accessed=accessed or datetime.now(UTC).date(),
        language=lang,
    )


def text(c: Citation) -> str:
    """The citation as one line for people (shown on the page)."""
    return (
        f"{c.publisher} ({c.version.issued.year}). {c.title}. In: {c.container} "
        f"({VERSION_WORD[c.language].lower()} {c.version.number}, {c.version.iri}). {c.url} "
        f"({ACCESSED_WORD[c.language]} {c.accessed.isoformat()})."
    )


def _parts(d: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[d.year, d.month, d.day]]}


def csl_json(c: Citation) -> str:
    item = {
        "id": c.key,
        "type": "dataset",
        "title": c.title,
        "container-title": c.container,
        "publisher": c.publisher,
        "version": c.version.number,
        "issued": _parts(c.version.issued),
        "accessed": _parts(c.accessed),
        "URL": c.url,
        "note": f"{VERSION_WORD[c.language]} {c.version.number}: {c.version.iri}",
        "language": c.language,
    }
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


# LaTeX's special characters in a BibTeX text field; a backslash first, so the others' backslashes stay.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(k) for k in _LATEX))


def bibtex_text(value: str) -> str:
    r"""A value for a BibTeX text field: LaTeX's specials escaped, whitespace collapsed.

    >>> print(bibtex_text("50% {of} A&B_c\n#1"))
    50\% \{of\} A\&B\_c \#1
    """
    return _LATEX_SPECIAL.sub(lambda m: _LATEX[m.group(0)], " ".join(value.split()))


def bibtex_url(url: str) -> str:
    """A URL for biblatex's verbatim ``url`` field: no escaping, but no brace or space may occur in it."""
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def bibtex(c: Citation) -> str:
    fields = [
        ("title", "{" + bibtex_text(c.title) + "}"),  # inner braces keep the title's capitals
        ("howpublished", bibtex_text(c.container)),
        ("publisher", bibtex_text(c.publisher)),  # biblatex's @misc calls the publisher organization
        ("organization", bibtex_text(c.publisher)),
        ("year", str(c.version.issued.year)),
        ("version", bibtex_text(c.version.number)),
        ("url", bibtex_url(c.url)),
        ("urldate", c.accessed.isoformat()),
        (
            "note",
            bibtex_text(f"{VERSION_WORD[c.language]} {c.version.number}: {c.version.iri}"),
        ),
        ("language", "dutch" if c.language == "nl" else "english"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


def _ris_value(value: str) -> str:
    return " ".join(value.split())  # one line per tag: a newline would start a new (unknown) tag


def _ris_date(d: date) -> str:
    return f"{d.year:04d}/{d.month:02d}/{d.day:02d}"


def ris(c: Citation) -> str:
    tags = [
        ("TY", "DATA"),
        ("TI", c.title),
        ("DB", c.container),
        ("PB", c.publisher),
        ("ET", c.version.number),
        ("PY", str(c.version.issued.year)),
        ("DA", _ris_date(c.version.issued)),
        ("Y2", _ris_date(c.accessed)),
        ("UR", c.url),
        ("N1", f"{VERSION_WORD[c.language]} {c.version.number}: {c.version.iri}"),
        ("LA", c.language),
    ]
    return "".join(f"{tag}  - {_ris_value(value)}\n" for tag, value in tags) + "ER  - \n"


WRITERS = {"csljson": csl_json, "bibtex": bibtex, "ris": ris}


def render(c: Citation, key: str) -> str:
    """The citation in the format ``key`` (a key of ``napkg_server.formats.CITATION_BY_KEY``)."""
    return WRITERS[key](c)
