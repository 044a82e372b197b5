"""The changelog of a release, computed from the graphs: which triples each named graph gained and lost since the
previous release, grouped per changed resource, summarised per action point and per kind of change.

The two releases are compared as their sorted N-Quads dumps (``nap-kg.nq.gz``), line against line, after blank
nodes have been given canonical labels (RDFC-1.0 via pyoxigraph, only when a dump has blank nodes), so a triple
that did not change is never reported because a blank node was renamed. Only the changed lines and the few facts
the classification needs (types, status values, the links that lead to an action point) are parsed.

Kinds of change (``KINDS``), decided per changed resource:

- ``status-moved``: a status assessment gained a status other than the action point's status in the previous
  release (an assessment changed in place, or a new report's assessment);
- ``explanation-changed``: an explanation gained a text other than the action point's explanation before;
- ``citation-added`` / ``citation-removed``: a citation (``nap:Citation``) appeared or disappeared whole, and the
  action point's texts did not cite that thing before (or no longer cite it);
- ``other``: everything else.

The changelog is written as RDF with the Talis Changeset vocabulary (changelog_rdf.py) and as JSON for the
readable page.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import CanonicalizationAlgorithm, Dataset, DefaultGraph, Quad, RdfFormat, parse, serialize

from .vocab import NAP

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DC_DATE = "http://purl.org/dc/terms/date"
_A, _STATUS, _TEXT = f"<{RDF_TYPE}>", f"<{NAP.status}>", f"<{NAP.text}>"
_FOOTNOTE, _STATED_IN, _DATE = f"<{NAP.footnote}>", f"<{NAP.statedIn}>", f"<{DC_DATE}>"
_ACTION_POINT, _CITATION = f"<{NAP.ActionPoint}>", f"<{NAP.Citation}>"
_ASSESSMENT, _EXPLANATION = f"<{NAP.StatusAssessment}>", f"<{NAP.Explanation}>"
_CITES = f"<{NAP.cites}>"
#: The predicates whose statements the classification reads (besides the changed lines).
_INDEXED = {
    _A,
    _STATUS,
    _TEXT,
    _FOOTNOTE,
    _STATED_IN,
    _DATE,
    _CITES,
    f"<{NAP.actionPoint}>",
    f"<{NAP.citingResource}>",
}

#: kind -> (Dutch label, English label), in the order the page lists them.
KINDS: dict[str, tuple[str, str]] = {
    "status-moved": ("status gewijzigd", "status moved"),
    "explanation-changed": ("toelichting gewijzigd", "explanation text changed"),
    "citation-added": ("verwijzing toegevoegd", "citation added"),
    "citation-removed": ("verwijzing verwijderd", "citation removed"),
    "other": ("overig", "other"),
}


def _has_blank_nodes(text: str) -> bool:
    # A plain substring test (a regular expression took 0.3 s at 7k triples); " _:" inside a literal only costs a
    # canonicalisation that changes nothing.
    return text.startswith("_:") or "\n_:" in text or " _:" in text


def read_lines(path: Path) -> set[str]:
    """The N-Quads lines of a sorted ``.nq.gz`` dump, blank nodes canonicalised when there are any."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    if _has_blank_nodes(text):
        dataset = Dataset(parse(text.encode("utf-8"), format=RdfFormat.N_QUADS))
        dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
        text = (serialize(dataset, format=RdfFormat.N_QUADS) or b"").decode("utf-8")
    return {line for line in text.splitlines() if line.strip()}


def _parse(lines: list[str]) -> list[Quad]:
    return list(parse("\n".join(lines).encode("utf-8"), format=RdfFormat.N_QUADS, lenient=True))


def _quad_terms(quad: Quad) -> tuple[str, str, str, str]:
    graph = "" if isinstance(quad.graph_name, DefaultGraph) else str(quad.graph_name)
    return str(quad.subject), str(quad.predicate), str(quad.object), graph


@dataclass
class _Index:
    """What the classification needs to know about one release, read from the lines with ``_INDEXED`` predicates."""

    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    links: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # resource -> what leads to its AP
    status: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # assessment -> status values
    text: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # explanation -> texts
    stated_in: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    cites: dict[str, str] = field(default_factory=dict)  # citation -> what it cites
    _cited: dict[str, set[str]] | None = None

    @classmethod
    def of(cls, lines: Iterable[str]) -> _Index:
        index = cls()
        wanted = [line for line in lines if line.split(" ", 2)[1] in _INDEXED]
        for quad in _parse(wanted):
            s, p, o, _ = _quad_terms(quad)
            if p == _A:
                index.types[s].add(o)
            elif p == _STATUS:
                index.status[s].add(o)
            elif p == _TEXT:
                index.text[s].add(o)
            elif p == _FOOTNOTE:
                index.links[o].add(s)  # a footnote belongs to what it annotates
            elif p == _STATED_IN:
                index.stated_in[s] = o
            elif p == _DATE:
                index.dates[s] = o
            elif p == _CITES:
                index.cites[s] = o
            else:  # nap:actionPoint, nap:citingResource
                index.links[s].add(o)
        return index

    def action_point(self, resource: str, depth: int = 4) -> str | None:
        if _ACTION_POINT in self.types.get(resource, ()):
            return resource
        if depth == 0:
            return None
        for linked in sorted(self.links.get(resource, ())):
            found = self.action_point(linked, depth - 1)
            if found:
                return found
        return None

    def _of_point(self, point: str, values: dict[str, set[str]], cls: str, leave_out: str) -> set[str]:
        """The values (status or text) of the point's resources of ``cls`` stated in its newest document."""
        candidates = [
            r
            for r, v in values.items()
            if r != leave_out and cls in self.types.get(r, ()) and self.action_point(r) == point and v
        ]
        if not candidates:
            return set()
        newest = max(candidates, key=lambda r: (self.dates.get(self.stated_in.get(r, ""), ""), r))
        return values[newest]

    def cited_by(self, point: str) -> set[str]:
        """What the citations of an action point's texts cite (worked out once per release)."""
        if self._cited is None:
            self._cited = defaultdict(set)
            for citation, cited in self.cites.items():
                owner = self.action_point(citation)
                if owner:
                    self._cited[owner].add(cited)
        return self._cited.get(point, set())

    def status_of(self, point: str, leave_out: str = "") -> set[str]:
        return self._of_point(point, self.status, _ASSESSMENT, leave_out)

    def text_of(self, point: str, leave_out: str = "") -> set[str]:
        return self._of_point(point, self.text, _EXPLANATION, leave_out)


@dataclass(frozen=True)
class ResourceChange:
    """The triples one resource gained and lost, over every named graph (as quads)."""

    subject: str
    action_point: str | None
    kinds: tuple[str, ...]
    added: tuple[Quad, ...]
    removed: tuple[Quad, ...]

    @property
    def key(self) -> str:
        """A short stable name for the change of this resource (its member IRIs end in it)."""
        return hashlib.sha256(self.subject.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Diff:
    """What changed between two releases."""

    changes: tuple[ResourceChange, ...]
    added_per_graph: dict[str, int]
    removed_per_graph: dict[str, int]
    triples_before: int
    triples_after: int

    def per_kind(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for change in self.changes:
            for kind in change.kinds:
                counts[kind] += 1
        return counts

    def per_action_point(self) -> dict[str, list[ResourceChange]]:
        grouped: dict[str, list[ResourceChange]] = defaultdict(list)
        for change in self.changes:
            grouped[change.action_point or ""].append(change)
        return dict(sorted(grouped.items()))


def _kinds(subject: str, quads: list[Quad], old: _Index, new: _Index, point: str | None) -> tuple[str, ...]:
    kinds: list[str] = []
    added = [_quad_terms(q) for q in quads]
    # A citation is added (removed) when its action point's texts did not (no longer) cite what it cites: a
    # citation carried over into the next report's explanation, or moved by an edit, is no new citation.
    was, is_ = _CITATION in old.types.get(subject, ()), _CITATION in new.types.get(subject, ())
    if is_ and not was and (not point or new.cites.get(subject) not in old.cited_by(point)):
        kinds.append("citation-added")
    if was and not is_ and (not point or old.cites.get(subject) not in new.cited_by(point)):
        kinds.append("citation-removed")
    if point:
        statuses = {o for _, p, o, _ in added if p == _STATUS}
        before = old.status.get(subject) or old.status_of(point, leave_out=subject)
        if statuses and before and statuses != before:
            kinds.append("status-moved")
        texts = {o for _, p, o, _ in added if p == _TEXT}
        if texts and _EXPLANATION in new.types.get(subject, ()):
            before = old.text.get(subject) or old.text_of(point, leave_out=subject)
            if before and texts != before:
                kinds.append("explanation-changed")
    return tuple(kinds) or ("other",)


def diff(old_lines: set[str], new_lines: set[str]) -> Diff:
    """The changes from ``old_lines`` to ``new_lines`` (N-Quads lines, blank nodes canonical)."""
    added_lines, removed_lines = new_lines - old_lines, old_lines - new_lines
    old, new = _Index.of(old_lines), _Index.of(new_lines)
    by_subject: dict[str, tuple[list[Quad], list[Quad]]] = defaultdict(lambda: ([], []))
    per_graph: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for lines, side in ((sorted(added_lines), 0), (sorted(removed_lines), 1)):
        for quad in _parse(lines):
            subject, _, _, graph = _quad_terms(quad)
            by_subject[subject][side].append(quad)
            per_graph[graph][side] += 1
    changes = []
    for subject, (added, removed) in sorted(by_subject.items()):
        point = new.action_point(subject) or old.action_point(subject)
        changes.append(
            ResourceChange(
                subject=subject,
                action_point=point,
                kinds=_kinds(subject, added, old, new, point),
                added=tuple(added),
                removed=tuple(removed),
            )
        )
    return Diff(
        changes=tuple(changes),
        added_per_graph={g: n[0] for g, n in sorted(per_graph.items())},
        removed_per_graph={g: n[1] for g, n in sorted(per_graph.items())},
        triples_before=len(old_lines),
        triples_after=len(new_lines),
    )


def diff_dumps(old: Path | None, new: Path) -> Diff:
    """The changes from the dump ``old`` (None: the first release, nothing to compare) to ``new``."""
    new_lines = read_lines(new)
    if old is None:
        return Diff((), {}, {}, 0, len(new_lines))
    return diff(read_lines(old), new_lines)
