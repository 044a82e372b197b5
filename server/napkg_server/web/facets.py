"""The facets of ``/zoeken``: which action points have which value of each facet, the narrowing by the values
chosen, the counts, and the URL of every facet state.

Each choice narrows: an action point is in the result when it has *every* value chosen (and matches the text, if
any); the count beside a value is the number of results that also have that value, so following its link gives
that many. A facet state is the URL's query string: ``q``, then the facets in :data:`FACETS` order, each value
as a repeated parameter in a fixed order, so one state has one URL.

>>> members = {"ap1": {("pijler", "p/1"), ("ungp", "u/3")}, "ap2": {("pijler", "p/1")}, "ap3": {("pijler", "p/2")}}
>>> values = Facets.of(members)
>>> sorted(values.narrow(["ap1", "ap2", "ap3"], {"pijler": ("p/1",)}))
['ap1', 'ap2']
>>> values.counts(["ap1", "ap2"])["ungp"]
{'u/3': 1}
>>> keys = {"u/3": "3", "p/1": "1", "p/2": "2"}
>>> state_url("/zoeken", "dwang arbeid", {"ungp": ("u/3",), "pijler": ("p/2", "p/1")}, keys)
'/zoeken?q=dwang+arbeid&pijler=1&pijler=2&ungp=3'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

# The facets, in the order of the page and of the URL: parameter name, then the title in Dutch and English.
FACETS: dict[str, tuple[str, str]] = {
    "pijler": ("Pijler", "Pillar"),
    "status": ("Status (2024)", "Status (2024)"),
    "organisatie": ("Verantwoordelijke organisatie", "Responsible organisation"),
    "eu": ("EU-rechtshandeling", "EU act"),
    "ungp": ("UNGP-principe", "UNGP principle"),
    "oeso": ("OESO-hoofdstuk of -stap", "OECD chapter or step"),
}
Selection = Mapping[str, Sequence[str]]  # facet -> value IRIs chosen


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts ``2`` before ``10``.

    >>> sorted(["10", "2", "b", "a1"], key=natural)
    ['2', '10', 'a1', 'b']
    """
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in re.findall(r"\d+|\D+", text))


def value_key(iri: str) -> str:
    """A value's name in URLs: the last segment of its IRI, with the one before when that is a kind
    (``id/oeso/stap/2`` is ``stap-2``, ``id/ungp/principe/3`` is ``3``).

    >>> value_key("https://w3id.org/nap-kg/id/oeso/stap/2"), value_key("https://w3id.org/nap-kg/id/ungp/principe/3")
    ('stap-2', '3')
    """
    kind, _, last = iri.rstrip("/").rpartition("/")
    kind = kind.rpartition("/")[2]
    return f"{kind}-{last}" if kind in ("hoofdstuk", "stap") else last


@dataclass(frozen=True)
class Facets:
    """The values of every facet, and which action points have them."""

    members: Mapping[str, frozenset[tuple[str, str]]]  # action point -> (facet, value IRI)
    values: Mapping[str, Mapping[str, str]]  # facet -> URL key -> value IRI

    @classmethod
    def of(cls, members: Mapping[str, Iterable[tuple[str, str]]]) -> Facets:
        frozen = {ap: frozenset(pairs) for ap, pairs in members.items()}
        values: dict[str, dict[str, str]] = {facet: {} for facet in FACETS}
        for pairs in frozen.values():
            for facet, iri in pairs:
                values.setdefault(facet, {})[value_key(iri)] = iri
        return cls(frozen, values)

    def narrow(self, action_points: Iterable[str], selection: Selection) -> list[str]:
        """The action points that have every value of ``selection``."""
        wanted = {(facet, iri) for facet, iris in selection.items() for iri in iris}
        return [ap for ap in action_points if wanted <= self.members.get(ap, frozenset())]

    def counts(self, results: Iterable[str]) -> dict[str, dict[str, int]]:
        """Per facet, per value IRI: how many of ``results`` have it."""
        counted = Counter(pair for ap in results for pair in self.members.get(ap, frozenset()))
        table: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        for (facet, iri), count in counted.items():
            table.setdefault(facet, {})[iri] = count
        return table


def state_url(path: str, term: str, selection: Selection, keys: Mapping[str, str], lang: str | None = None) -> str:
    """The one URL of a facet state (``keys``: value IRI -> its name in URLs)."""
    params: list[tuple[str, str]] = [("q", term)] if term else []
    for facet in FACETS:
        params += [(facet, k) for k in sorted({keys[iri] for iri in selection.get(facet, ())}, key=natural)]
    if lang:
        params.append(("lang", lang))
    return path + ("?" + urlencode(params) if params else "")
