"""Which local URL serves which IRI, and cheap lookups of the resources behind them.

The mapping
-----------
Every IRI of the dataset is ``{base_iri}{path}`` (``base_iri`` from the settings, by default
``https://w3id.org/nap-kg/``) and is served by this server at the local URL ``/{path}``::

    https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/17   ->  /id/plan/nap-2022-2026/actiepunt/17
    https://w3id.org/nap-kg/graph/redactie    ->  /graph/redactie

The ontology namespace is fixed (``https://w3id.org/nap-kg/def/``, whatever the base), so its
terms are served at ``/def/{Term}`` and the ontology itself (``https://w3id.org/nap-kg/def``) at
``/def``. A format suffix (``.ttl .jsonld .nt .rdf .html``) names one representation of the
resource: ``/id/plan/nap-2022-2026/actiepunt/17.ttl`` is the Turtle document about action point 17.

>>> m = IriMapping("https://w3id.org/nap-kg/")
>>> m.iri_for_path("id/plan/nap-2022-2026/actiepunt/17")
'https://w3id.org/nap-kg/id/plan/nap-2022-2026/actiepunt/17'
>>> m.iri_for_path("def/ActionPoint"), m.iri_for_path("def")
('https://w3id.org/nap-kg/def/ActionPoint', 'https://w3id.org/nap-kg/def')
>>> m.local_url("https://w3id.org/nap-kg/id/eu/csddd"), m.local_url("https://eur-lex.europa.eu/x")
('/id/eu/csddd', None)
>>> m.iri_for_path("id/../../etc/passwd") is None, m.iri_for_path("id/a b") is None
(True, True)
>>> split_suffix("id/plan/nap-2022-2026/actiepunt/17.ttl"), split_suffix("id/plan/nap-2022-2026/actiepunt/17")
(('id/plan/nap-2022-2026/actiepunt/17', 'ttl'), ('id/plan/nap-2022-2026/actiepunt/17', None))

Why the store is read directly here, and queries go to the worker pool
----------------------------------------------------------------------
:class:`Lookup` answers "does this IRI occur?" and "what is its label / type?" with
``quads_for_pattern`` on the parent's read-only store: each is one index lookup bounded by
the handful of quads of one subject, far below any time limit, and a process hop per label
would cost more than the lookup. Everything that *evaluates* SPARQL (the RDF of a resource,
the sections of the pages, search, the query page) runs in the worker pool, so the query
time limit applies to it. The lookups run on the event loop's thread only (the handlers are
``async``), never while a worker is being forked.

Over a remote endpoint (``napkg serve --remote``) there is no local store to look into, so
:class:`Lookup` reads a local in-memory *mirror* instead (:mod:`napkg_server.remote_dataset`): the
statements of :data:`LOOKUP_PREDICATES` only, which is why Lookup refuses any other predicate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from napkg_graph.vocab import ADMS, ELI, ONTOLOGY_IRI
from napkg_graph.vocab import NAP_URI as NAP
from pyoxigraph import Literal, NamedNode, Store
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from napkg_server.formats import BY_KEY, RESOURCE_KEYS
from napkg_server.web.i18n import DEFAULT_LANGUAGE, STRINGS

ELI_TITLE = str(ELI.title)

# Suffixes people paste, and the format each one names.
SUFFIXES: dict[str, str] = {**{BY_KEY[k].suffix: k for k in RESOURCE_KEYS}, "html": "html"}
# Characters a path segment of our IRIs may hold (the dataset's IRIs use far fewer).
_SEGMENT = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$")
LABEL_PROPERTIES = (str(SKOS.prefLabel), str(RDFS.label), str(DCTERMS.title), ELI_TITLE)
# Every predicate Lookup is asked about: the mirror of a remote endpoint holds these statements
# (queries/lookup-mirror.rq lists the same; a test keeps the two equal). Add one here to read it.
LOOKUP_PREDICATES: tuple[str, ...] = (
    *LABEL_PROPERTIES,
    str(RDF.type),
    str(RDFS.seeAlso),  # views.OUTBOUND_PROPERTIES
    str(SKOS.exactMatch),
    str(SKOS.definition),  # views.DESCRIPTION_PROPERTIES (with eli:title, a label property)
    str(DCTERMS.description),
    str(DCTERMS.identifier),
    NAP + "abbreviation",
    NAP + "actionText",
    NAP + "actionPoint",
)
_LOOKUP_PREDICATES = frozenset(LOOKUP_PREDICATES)
# Prefixes to name the terms of outside vocabularies that carry no label here (``skos:inScheme``).
PREFIXES: dict[str, str] = {
    str(RDF): "rdf",
    str(RDFS): "rdfs",
    str(SKOS): "skos",
    str(DCTERMS): "dcterms",
    str(OWL): "owl",
    str(PROV): "prov",
    str(ORG): "org",
    str(TIME): "time",
    str(FOAF): "foaf",
    str(XSD): "xsd",
    str(ELI): "eli",
    str(ADMS): "adms",
    "http://purl.org/vocab/vann/": "vann",
    "http://www.w3.org/ns/dcat#": "dcat",
}


def split_suffix(path: str) -> tuple[str, str | None]:
    """``path`` without a known format suffix, and the format key it named (or None)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix in SUFFIXES and stem:
        return stem, SUFFIXES[suffix]
    return path, None


@dataclass(frozen=True)
class IriMapping:
    """IRI <-> local URL, for one base IRI."""

    base_iri: str

    def iri_for_path(self, path: str) -> str | None:
        """The IRI served at ``/{path}``, or None for a path no IRI of ours can have."""
        if path == "def":
            return ONTOLOGY_IRI
        segments = path.split("/")
        if not path or any(s in ("", ".", "..") or not _SEGMENT.match(s) for s in segments):
            return None
        iri = NAP + "/".join(segments[1:]) if segments[0] == "def" else self.base_iri + path
        try:
            NamedNode(iri)
        except ValueError:
            return None
        return iri

    def local_url(self, iri: str) -> str | None:
        """The local URL of ``iri`` when this server serves it, else None (an outside IRI)."""
        if iri == ONTOLOGY_IRI:
            return "/def"
        if iri.startswith(NAP):
            return "/def/" + iri[len(NAP) :]
        if iri.startswith(self.base_iri) and len(iri) > len(self.base_iri):
            return "/" + iri[len(self.base_iri) :]
        return None

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` should go: the local URL, else the IRI itself."""
        return self.local_url(iri) or iri


def pick_text(texts: Iterable[tuple[str, str | None]], lang: str) -> str | None:
    """Of (text, language tag) pairs, the text in ``lang``, else Dutch, English, untagged, anything
    (sorted for stability: the first text per language wins)."""
    by_lang: dict[str, str] = {}
    for text, tag in sorted(texts, key=lambda pair: pair[0]):
        by_lang.setdefault(tag or "", text)
    for choice in (lang, "nl", "en", ""):
        if choice in by_lang:
            return by_lang[choice]
    return next(iter(by_lang.values()), None)


class Lookup:
    """Index lookups on the read-only store (see the module docstring for why not queries)."""

    def __init__(self, store: Store, mapping: IriMapping) -> None:
        self._store = store
        self.mapping = mapping

    def exists(self, iri: str) -> bool:
        """Whether ``iri`` occurs as subject or object of a quad, or names a graph."""
        node = NamedNode(iri)
        if next(self._store.quads_for_pattern(node, None, None), None) is not None:
            return True
        if next(self._store.quads_for_pattern(None, None, node), None) is not None:
            return True
        return self._store.contains_named_graph(node)

    def objects(self, iri: str, predicate: str) -> list[NamedNode | Literal]:
        if predicate not in _LOOKUP_PREDICATES:
            raise ValueError(f"Lookup reads only LOOKUP_PREDICATES (a remote mirror holds no others), not {predicate}")
        quads = self._store.quads_for_pattern(NamedNode(iri), NamedNode(predicate), None)
        seen: dict[str, NamedNode | Literal] = {}
        for quad in quads:
            if isinstance(quad.object, NamedNode | Literal):
                seen.setdefault(str(quad.object), quad.object)
        return [seen[k] for k in sorted(seen)]

    def literal(self, iri: str, predicate: str, lang: str) -> str | None:
        return pick_text(((o.value, o.language) for o in self.objects(iri, predicate) if isinstance(o, Literal)), lang)

    def iris(self, iri: str, predicate: str) -> list[str]:
        return [o.value for o in self.objects(iri, predicate) if isinstance(o, NamedNode)]

    def types(self, iri: str) -> set[str]:
        return set(self.iris(iri, str(RDF.type)))

    def label(self, iri: str, lang: str) -> str:
        """A label in ``lang`` with fallback; the IRI's last segment when it has none."""
        for predicate in LABEL_PROPERTIES:
            text = self.literal(iri, predicate, lang)
            if text:
                return text
        for namespace, prefix in PREFIXES.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return tail or iri

    def link(self, iri: str, lang: str) -> Link:
        """How a page shows ``iri``; a blank node's label (a row of a query can hold one) is no link."""
        if not is_iri(iri):
            return blank_link(iri, lang)
        return Link(iri, self.mapping.href(iri), self.label(iri, lang), self.mapping.local_url(iri) is None)


def is_iri(text: str) -> bool:
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def blank_link(label: str, lang: str) -> Link:
    """A blank node as a page shows it: no IRI to link to, so a label saying so (no href)."""
    return Link(label, "", STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])["blank_node"])


@dataclass(frozen=True)
class Link:
    """A resource as a page shows it: its IRI, where to link, its label, whether outside."""

    iri: str
    href: str
    label: str
    external: bool = False
