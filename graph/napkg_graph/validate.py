"""SHACL validation with pySHACL, and a report people can read: grouped by shape, with the focus node's label,
the path and the offending value, instead of raw sh:ValidationResult triples."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import RDF, RDFS, SH, BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.term import Node

from .config import BuildSettings


@dataclass(frozen=True)
class Finding:
    shape: str
    severity: str
    focus: str
    focus_label: str
    path: str
    value: str
    message: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def render(self, *, warnings: bool = True, limit_per_shape: int = 20) -> str:
        """Plain-text report, grouped by severity and shape."""
        lines: list[str] = []
        shown = self.findings if warnings else self.violations
        by_shape: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for f in shown:
            by_shape[(f.severity, f.shape)].append(f)
        for (severity, shape), items in sorted(by_shape.items()):
            lines.append(f"{severity.upper()} {shape} ({len(items)})")
            for f in items[:limit_per_shape]:
                value = f" value={f.value}" if f.value else ""
                lines.append(f"  - {f.focus_label} <{f.focus}> path={f.path}{value}")
                lines.append(f"    {f.message}")
            if len(items) > limit_per_shape:
                lines.append(f"  ... and {len(items) - limit_per_shape} more")
        lines.append(f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)


def load_shapes(settings: BuildSettings, extra: list[Path] | None = None) -> Graph:
    """All shapes of shapes/ (violations and warnings), with relative IRIs resolved against the base IRI."""
    shapes = Graph()
    for path in sorted(settings.shapes_dir.glob("*/*.ttl")) + list(extra or []):
        shapes.parse(path, format="turtle", publicID=settings.base_iri)
    return shapes


def _short(node: Node | None, graph: Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 80 else text[:77] + "...")
    try:
        return graph.namespace_manager.normalizeUri(node)
    except Exception:
        return str(node)


def _path(path: Node | None, shapes: Graph) -> str:
    """SHACL property paths as SPARQL-like text: ^p for inverse paths, p1/p2 for sequences."""
    if path is None or not isinstance(path, BNode):
        return _short(path, shapes)
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path(inverse, shapes)
    if shapes.value(path, RDF.first) is not None:
        return "/".join(_path(p, shapes) for p in Collection(shapes, path))
    return _short(path, shapes)


def _label(node: Node, data: Graph) -> str:
    labels = {lit.language: str(lit) for lit in data.objects(node, RDFS.label) if isinstance(lit, Literal)}
    return labels.get("nl") or labels.get("en") or next(iter(labels.values()), str(node).rsplit("/", 1)[-1])


def check(data: Graph, shapes: Graph, ontology: Graph | None = None) -> Report:
    """Validate `data` against `shapes`; the ontology is mixed in so sh:targetClass sees subclasses."""
    _, results, _ = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    report = Report()
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        source_shape = results.value(result, SH.sourceShape)
        # Property shapes are blank nodes: name the node shape that holds them.
        node_shape = shapes.value(None, SH.property, source_shape) or source_shape
        message = results.value(result, SH.resultMessage)
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        report.findings.append(
            Finding(
                shape=_short(node_shape, shapes),
                severity=severity,
                focus=str(focus),
                focus_label=_label(focus, data),
                path=_path(shapes.value(source_shape, SH.path), shapes)
                if isinstance(source_shape, BNode)
                else _short(results.value(result, SH.resultPath), shapes),
                value=_short(results.value(result, SH.value), data),
                message=str(message) if message else "",
            )
        )
    report.findings.sort(key=lambda f: (f.severity, f.shape, f.focus, f.path, f.value, f.message))
    return report
