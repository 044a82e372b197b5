"""The library of saved questions (``queries/saved/*.rq``): SPARQL with a metadata header, parsed once.

A saved question opens with ``#+ key: value`` lines::

    #+ name: eu-instrument-trail
    #+ title.nl: Het spoor van een EU-instrument
    #+ title.en: The trail of an EU instrument
    #+ description.en: ...           (repeated lines are joined)
    #+ param: instrument = csddd (EU instrument key: csddd, csrd, ...)
    #+ param.instrument.kind: key id/eu/

A parameter is bound to the query variable of the same name (which the query projects) as a value,
through pyoxigraph's substitutions, never pasted into the text. Its kind says what it may be:

* ``key PREFIX``: a key matching ``^[a-z0-9-]+$``, bound to the IRI ``{base}{PREFIX}{key}``;
* ``integer MIN..MAX``: a whole number in that range, bound to an ``xsd:integer``.

An empty default makes the parameter optional: left empty, the variable stays free (all values).

>>> header = "".join(f"#+ {k}.{lang}: Demo\\n" for k in ("title", "description") for lang in ("nl", "en"))
>>> q = parse_saved_query(
...     "#+ name: demo\\n" + header + "#+ param: n = 3 (a number)\\n#+ param.n.kind: integer 1..31\\n"
...     "SELECT ?n WHERE { ?p <urn:x:number> ?n }", "demo")
>>> q.params[0].name, q.params[0].default, q.params[0].help
('n', '3', 'a number')
>>> q.bindings({"n": "12"}, "https://example.org/")
{'n': <Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>}
>>> q.bindings({"n": "40"}, "https://example.org/")
Traceback (most recent call last):
...
napkg_graph.saved_queries.ParameterError: Parameter n: 40 is not a whole number from 1 to 31.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pyoxigraph import Literal, NamedNode, QueryResultsFormat, QuerySolutions, Store, Variable

XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
KEY = re.compile(r"^[a-z0-9-]{1,64}$")
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
HEADER = re.compile(r"^#\+\s*([A-Za-z0-9_.-]+)\s*:\s?(.*)$")
PARAM = re.compile(r"^([a-z][a-zA-Z0-9]*)\s*=\s*([^\s(]*)\s*(?:\((.*)\))?\s*$")
LANGUAGES = ("nl", "en")

Term = NamedNode | Literal


class ParameterError(ValueError):
    """A parameter value that does not fit its declared kind (the server answers 400)."""


class LibraryError(ValueError):
    """A saved question whose header is malformed."""


@dataclass(frozen=True)
class Param:
    """One parameter: its variable name, default ('' = optional), help text and kind."""

    name: str
    default: str
    help: str
    kind: str = "key"
    prefix: str = ""  # for key: the IRI path under the base
    minimum: int = 0  # for integer
    maximum: int = 0

    @property
    def optional(self) -> bool:
        return self.default == ""

    def bind(self, value: str, base_iri: str) -> Term | None:
        """The term for ``value``, None for an empty optional value; ParameterError if it does not fit."""
        value = value.strip()
        if value == "":
            if self.optional:
                return None
            raise ParameterError(f"Parameter {self.name} is required ({self.help.rstrip('.')}).")
        if self.kind == "integer":
            if not re.fullmatch(r"[0-9]{1,6}", value) or not self.minimum <= int(value) <= self.maximum:
                raise ParameterError(
                    f"Parameter {self.name}: {value[:40]} is not a whole number from {self.minimum} to {self.maximum}."
                )
            return Literal(str(int(value)), datatype=XSD_INTEGER)
        if not KEY.fullmatch(value):
            raise ParameterError(
                f"Parameter {self.name}: {value[:40]!r} is not a key (lower-case letters, digits and hyphens)"
                f"; {self.help.rstrip('.')}."
            )
        return NamedNode(base_iri + self.prefix + value)


@dataclass(frozen=True)
class SavedQuery:
    """A saved question: its name, titles and descriptions per language, parameters and SPARQL text."""

    name: str
    title: dict[str, str]
    description: dict[str, str]
    params: tuple[Param, ...]
    sparql: str  # the query without its metadata header

    def values(self, given: dict[str, str] | None = None) -> dict[str, str]:
        """Every parameter's value: the given one, else its default; unknown names are an error."""
        given = dict(given or {})
        unknown = sorted(set(given) - {p.name for p in self.params})
        if unknown:
            names = ", ".join(p.name for p in self.params) or "none"
            raise ParameterError(f"Unknown parameter {unknown[0][:40]!r} for {self.name}; its parameters: {names}.")
        return {p.name: given.get(p.name, p.default) for p in self.params}

    def bindings(self, given: dict[str, str] | None, base_iri: str) -> dict[str, Term]:
        """Validated values as substitutions (optional parameters left empty are not bound)."""
        bound = {}
        values = self.values(given)
        for param in self.params:
            term = param.bind(values[param.name], base_iri)
            if term is not None:
                bound[param.name] = term
        return bound


def _parse_kind(param: Param, spec: str) -> Param:
    words = spec.split()
    if len(words) == 2 and words[0] == "key" and re.fullmatch(r"[a-z0-9/-]*/", words[1]):
        return Param(param.name, param.default, param.help, "key", prefix=words[1])
    if len(words) == 2 and words[0] == "integer" and re.fullmatch(r"[0-9]+\.\.[0-9]+", words[1]):
        low, high = (int(x) for x in words[1].split(".."))
        return Param(param.name, param.default, param.help, "integer", minimum=low, maximum=high)
    raise LibraryError(f"kind of parameter {param.name}: {spec!r} is neither 'key PREFIX/' nor 'integer MIN..MAX'")


def parse_saved_query(text: str, stem: str) -> SavedQuery:
    """Read the header of one saved question (``stem`` is its file name without ``.rq``)."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    kinds: dict[str, str] = {}
    for line in text.splitlines():
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            p = PARAM.match(value)
            if not p:
                raise LibraryError(f"{stem}: cannot read parameter {value!r} (want: name = default (help))")
            params.append(Param(p.group(1), p.group(2), (p.group(3) or "").strip()))
        elif key.startswith("param.") and key.endswith(".kind"):
            kinds[key.split(".")[1]] = value
        else:
            meta[key] = f"{meta[key]} {value}" if key in meta else value
    name = meta.get("name", "")
    if name != stem or not NAME.fullmatch(name):
        raise LibraryError(f"{stem}.rq: '#+ name:' must be the file name, got {name!r}")
    for key in (f"{k}.{lang}" for k in ("title", "description") for lang in LANGUAGES):
        if key not in meta:
            raise LibraryError(f"{stem}.rq: '#+ {key}:' is missing")
    typed = []
    for param in params:
        if param.name not in kinds:
            raise LibraryError(f"{stem}.rq: parameter {param.name} has no '#+ param.{param.name}.kind:'")
        typed_param = _parse_kind(param, kinds[param.name])
        if param.default:
            typed_param.bind(param.default, "urn:check:")  # a default must fit too
        typed.append(typed_param)
    return SavedQuery(
        name=name,
        title={lang: meta[f"title.{lang}"] for lang in LANGUAGES},
        description={lang: meta[f"description.{lang}"] for lang in LANGUAGES},
        params=tuple(typed),
        sparql="\n".join(line for line in text.splitlines() if not HEADER.match(line)).strip() + "\n",
    )


@cache
def library() -> dict[str, SavedQuery]:
    """Every saved question by name, in file-name order (read and parsed once)."""
    folder = resources.files("napkg_graph") / "queries" / "saved"
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".rq")), key=lambda e: e.name)
    queries = [parse_saved_query(e.read_text("utf-8"), e.name.removesuffix(".rq")) for e in entries]
    return {q.name: q for q in queries}


def run_local(store: Store, query: SavedQuery, bindings: dict[str, Term], base_iri: str) -> QuerySolutions:
    """Run ``query`` on ``store`` as the server does: on its default graph, which holds the union of the named
    graphs once the store has been through ``union_graph.union_into_default_graph``; values substituted."""
    result = store.query(
        query.sparql,
        base_iri=base_iri,
        substitutions={Variable(k): v for k, v in bindings.items()},
    )
    assert isinstance(result, QuerySolutions), f"{query.name} is not a SELECT query"
    return result


def serialise(solutions: QuerySolutions, fmt: str) -> bytes:
    """SPARQL results as ``json``, ``csv``, ``tsv`` or ``xml`` (pyoxigraph's serialisers)."""
    formats = {
        "json": QueryResultsFormat.JSON,
        "csv": QueryResultsFormat.CSV,
        "tsv": QueryResultsFormat.TSV,
        "xml": QueryResultsFormat.XML,
    }
    return solutions.serialize(format=formats[fmt]) or b""
