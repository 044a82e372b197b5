"""What validation found, as people read it: findings grouped by shape, with the focus node's label, the path and the
offending value, instead of raw sh:ValidationResult triples. Both engines (validate.py with pySHACL, validate_fast.py)
produce their findings through :class:`FindingMaker`, so their reports compare finding for finding."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SH, BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.term import Node


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


def _short(node: Node | None, graph: Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 80 else text[:77] + "...")
    try:
        return graph.namespace_manager.normalizeUri(str(node))
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


class FindingMaker:
    """Validation results as Findings for one run; both engines go through here, so they render alike.

    The name of a result's node shape and its path depend only on the source shape (and, for a node shape, on the
    result path), so they are worked out once per run instead of once per finding."""

    def __init__(self, data: Graph, shapes: Graph) -> None:
        self.data, self.shapes = data, shapes
        self._names: dict[tuple[Node, Node | None], tuple[str, str]] = {}

    def _shape_and_path(self, source_shape: Node, result_path: Node | None) -> tuple[str, str]:
        # A property shape (a blank node) gives its own sh:path, whatever the result path.
        key = (source_shape, None if isinstance(source_shape, BNode) else result_path)
        names = self._names.get(key)
        if names is None:
            shapes = self.shapes
            # Property shapes are blank nodes: name the node shape that holds them.
            node_shape = shapes.value(None, SH.property, source_shape) or source_shape
            if isinstance(source_shape, BNode):
                path = _path(shapes.value(source_shape, SH.path), shapes)
            else:
                path = _short(result_path, shapes)
            names = self._names[key] = (_short(node_shape, shapes), path)
        return names

    def __call__(
        self,
        source_shape: Node,
        severity: Node,
        focus: Node,
        value: Node | None,
        result_path: Node | None,
        message: Node | str | None,
    ) -> Finding:
        shape, path = self._shape_and_path(source_shape, result_path)
        return Finding(
            shape=shape,
            severity=str(severity).rsplit("#", 1)[-1],
            focus=str(focus),
            focus_label=_label(focus, self.data),
            path=path,
            value=_short(value, self.data),
            message=str(message) if message else "",
        )


def sort_findings(report: Report) -> Report:
    report.findings.sort(key=lambda f: (f.severity, f.shape, f.focus, f.path, f.value, f.message))
    return report
