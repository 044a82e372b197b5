"""SHACL validation, reported as people read it (report.py: grouped by shape, with the focus node's label, the path
and the offending value, instead of raw sh:ValidationResult triples).

Two engines give the same findings: "pyshacl", the reference, and "fast" (validate_fast.py), which checks nap-kg's
shapes without pySHACL's per-node overhead; tests/graph/shacl/test_validate_engines.py compares them finding for
finding. Shapes the fast engine does not understand are validated by pySHACL."""

from __future__ import annotations

import warnings
from functools import partial
from pathlib import Path
from typing import Literal as Choice
from typing import Protocol

from pyshacl import validate
from rdflib import SH, Graph

from .report import FindingMaker, Report, sort_findings

Engine = Choice["fast", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("fast", "pyshacl")


class ShapesSource(Protocol):
    """Where the shapes are and the IRI they resolve against (the build's settings are one); a protocol, so that
    this package needs nothing of the build and the build depends on it, not the other way round."""

    @property
    def shapes_dir(self) -> Path: ...

    @property
    def base_iri(self) -> str: ...


def load_shapes(settings: ShapesSource, extra: list[Path] | None = None) -> Graph:
    """All shapes of shapes/ (violations and warnings), with relative IRIs resolved against the base IRI."""
    shapes = Graph()
    for path in sorted(settings.shapes_dir.glob("*/*.ttl")) + list(extra or []):
        shapes.parse(path, format="turtle", publicID=settings.base_iri)
    return shapes


def check_pyshacl(data: Graph, shapes: Graph, ontology: Graph | None = None) -> Report:
    """Validate `data` against `shapes` with pySHACL; the ontology is mixed in so sh:targetClass sees subclasses."""
    _, results, _ = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    report = Report()
    make_finding = FindingMaker(data, shapes)
    for result in results.subjects(SH.resultSeverity, None):
        value = partial(results.value, result)
        report.findings.append(
            make_finding(
                value(SH.sourceShape),
                value(SH.resultSeverity),
                value(SH.focusNode),
                value(SH.value),
                value(SH.resultPath),
                value(SH.resultMessage),
            )
        )
    return sort_findings(report)


def check(data: Graph, shapes: Graph, ontology: Graph | None = None, engine: Engine = "fast") -> Report:
    """Validate `data` against `shapes` (the ontology mixed in, so sh:targetClass sees subclasses)."""
    if engine == "fast":
        from .fast_shapes import Unsupported
        from .validate_fast import check_fast

        try:
            return check_fast(data, shapes, ontology)
        except Unsupported as why:
            warnings.warn(f"fast SHACL engine: {why}; validating with pySHACL", stacklevel=2)
    elif engine != "pyshacl":
        raise ValueError(f"unknown SHACL engine {engine!r}; one of {ENGINES}")
    return check_pyshacl(data, shapes, ontology)
