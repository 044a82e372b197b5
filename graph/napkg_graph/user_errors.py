"""Mistakes in what a user gives ``napkg`` (files, records, RDF), said in one line: file, line where known, problem.

The command line prints these instead of a traceback and exits 2; "the data does not conform" stays exit 1.

>>> import yaml
>>> try:
...     yaml.safe_load("a: [1, 2")
... except yaml.YAMLError as exc:
...     print(yaml_problem("actiepunten/01.yaml", exc))
actiepunten/01.yaml:1: not valid YAML: while parsing a flow sequence, expected ',' or ']', but got '<stream end>'
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import yaml
from rdflib import Dataset
from rdflib.util import guess_format

#: rdflib's format names for the suffixes it knows, as pyoxigraph's formats (which report line and column).
_OXI_FORMATS = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "nt11": pyoxigraph.RdfFormat.N_TRIPLES,
    "nquads": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "xml": pyoxigraph.RdfFormat.RDF_XML,
    "n3": pyoxigraph.RdfFormat.N3,
    "json-ld": pyoxigraph.RdfFormat.JSON_LD,
}


class UserError(Exception):
    """A problem with the user's input, already worded for people (``file:line: problem``)."""


def yaml_problem(path: Path | str, exc: yaml.YAMLError) -> str:
    """One line for a YAML error: the file, the line the parser marks, and its complaint (no context dump)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    problem = ", ".join(p for p in parts if p) or str(exc).splitlines()[0]
    return f"{where}: not valid YAML: {problem}"


def _oxigraph_problem(path: Path, fmt: pyoxigraph.RdfFormat) -> str | None:
    """pyoxigraph's message for the first syntax error of ``path`` (with its line), or None if it parses."""
    try:
        for _ in pyoxigraph.parse(path=str(path), format=fmt):
            pass
    except SyntaxError as exc:
        # pyoxigraph raises Python's SyntaxError: its msg words the position, lineno gives the line.
        message = " ".join((exc.msg or str(exc)).split())
        return f"{path}:{exc.lineno}: {message}" if exc.lineno else f"{path}: {message}"
    except ValueError:  # a format pyoxigraph cannot read without more (for example a JSON-LD remote context)
        return None
    return None


def read_rdf(data: Dataset, path: Path) -> None:
    """Parse the RDF file ``path`` into ``data`` (format by suffix), or raise UserError saying what is wrong.

    rdflib parses (it is what the validator works on); only when it fails is the file read once more by
    pyoxigraph, whose errors name the line and column, so the happy path costs nothing extra.
    """
    if not path.is_file():
        raise UserError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    rdflib_format = guess_format(str(path))
    if rdflib_format is None:
        raise UserError(f"{path}: unknown RDF format; use .ttl, .nt, .nq, .trig, .rdf, .n3 or .jsonld")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise UserError(f"{path}: a binary file, not RDF")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(f"{path}:{line}: not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start})") from None
    try:
        data.parse(path, format=rdflib_format)
    except Exception as exc:  # rdflib's parsers raise many unrelated types; every one means "not valid RDF"
        oxi = _OXI_FORMATS.get(rdflib_format)
        located = _oxigraph_problem(path, oxi) if oxi is not None else None
        if located is None:
            located = f"{path}: not valid {rdflib_format}: {' '.join(str(exc).split())[:300]}"
        raise UserError(located) from None
