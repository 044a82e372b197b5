"""SHACL shape tests, by the house rule: every node shape in shapes/ has a passing example in
tests/data/valid/<Shape>.ttl and failing examples in tests/data/invalid/<Shape>--<what>.ttl.

A failing example starts with a header that names what it must trip:

    # shape: napsh:ActionPointShape
    # path: nap:objective
    # severity: Violation
    # why: the action point has no objective

It is the valid example with one defect: validating it gives at least one finding with exactly that shape, path
and severity, and no finding of any other shape or path. Complex paths are written as the report writes them
(^p for an inverse path, p1/p2 for a sequence); a SPARQL constraint (sh:sparql) reports no path, written "-".

The examples are small, complete graphs with absolute https://w3id.org/nap-kg/id/ IRIs, so the shapes are
loaded with that base IRI (the sh:in lists hold relative IRIs), whatever NAPKG_BASE_IRI says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from napkg_graph.shacl.report import Report
from napkg_graph.shacl.validate import check
from rdflib import RDF, RDFS, SH, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

DATA = Path(__file__).parents[1] / "data"
VALID_DIR = DATA / "valid"
INVALID_DIR = DATA / "invalid"
VALID_FILES = sorted(VALID_DIR.glob("*.ttl"))
INVALID_FILES = sorted(INVALID_DIR.glob("*.ttl"))

SHAPES_NS = "https://w3id.org/nap-kg/shapes/"
NO_PATH = "-"  # header value for a SPARQL constraint's finding, which has no sh:resultPath
HEADER_KEYS = ("shape", "path", "severity", "why")
HEADER_LINE = re.compile(r"^# (\w+): (.*\S)\s*$")
SEVERITIES = {"Violation", "Warning"}


def node_shapes(shapes: Graph) -> dict[str, URIRef]:
    """Local name (ActionPointShape) -> IRI of every node shape in shapes/."""
    found = {}
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        assert isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS), f"unnamed node shape {shape}"
        name = str(shape)[len(SHAPES_NS) :]
        if name != "prefixes":
            found[name] = shape
    return found


def shape_of(example: Path) -> str:
    """The shape an example file is about: its name up to '--'."""
    return example.stem.split("--", 1)[0]


def header(example: Path) -> dict[str, str]:
    """The leading '# key: value' comment lines of an invalid example."""
    fields: dict[str, str] = {}
    for line in example.read_text(encoding="utf-8").splitlines():
        match = HEADER_LINE.match(line)
        if not match:
            break
        fields[match.group(1)] = match.group(2)
    return fields


def validate(example: Path, shapes: Graph, ontology: Graph) -> Report:
    return check(Graph().parse(example, format="turtle"), shapes, ontology)


def show(report: Report) -> str:
    return (
        "\n".join(
            f"  {f.severity} {f.shape} path={f.path or NO_PATH} focus=<{f.focus}> value={f.value} {f.message}"
            for f in report.findings
        )
        or "  (no findings)"
    )


def render_path(path: Node | None, shapes: Graph) -> str:
    """A SHACL path as the report writes it: prefixed name, ^p for an inverse path, p1/p2 for a sequence."""
    if isinstance(path, URIRef):
        return shapes.namespace_manager.normalizeUri(path)
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(inverse, shapes)
    if path is not None and shapes.value(path, RDF.first) is not None:
        return "/".join(render_path(step, shapes) for step in Collection(shapes, path))
    raise AssertionError(f"path form not handled: {path!r}")


def has_instance(data: Graph, ontology: Graph, cls: Node) -> bool:
    """Whether data holds an instance of cls or of one of its subclasses (as the ontology declares them)."""
    classes = set(ontology.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
    return any(next(data.subjects(RDF.type, c), None) is not None for c in classes)


# --- coverage: the house rule ----------------------------------------------------------------------------------


def test_every_shape_has_a_valid_and_an_invalid_example(shapes: Graph) -> None:
    names = set(node_shapes(shapes))
    assert names, "no node shapes found in shapes/"
    valid = {shape_of(f) for f in VALID_FILES}
    invalid = {shape_of(f) for f in INVALID_FILES}
    assert not names - valid, f"shapes without tests/data/valid/<Shape>.ttl: {sorted(names - valid)}"
    assert not names - invalid, f"shapes without tests/data/invalid/<Shape>--*.ttl: {sorted(names - invalid)}"


def test_every_example_is_about_an_existing_shape(shapes: Graph) -> None:
    names = set(node_shapes(shapes))
    stale = sorted(f.name for f in VALID_FILES + INVALID_FILES if shape_of(f) not in names)
    assert not stale, f"examples for shapes that no longer exist: {stale}"
    assert all("--" not in f.stem for f in VALID_FILES), "valid examples are named <Shape>.ttl"
    assert all("--" in f.stem for f in INVALID_FILES), "invalid examples are named <Shape>--<what>.ttl"


def test_every_property_and_sparql_constraint_has_an_invalid_example(shapes: Graph) -> None:
    """Each property shape (by path) and each sh:sparql constraint of a node shape is tripped by some example."""
    covered = {(h.get("shape"), h.get("path")) for h in map(header, INVALID_FILES)}
    missing = []
    for name, shape in sorted(node_shapes(shapes).items()):
        for prop in shapes.objects(shape, SH.property):
            path = render_path(shapes.value(prop, SH.path), shapes)
            if (f"napsh:{name}", path) not in covered:
                missing.append(f"napsh:{name} {path}")
        if next(shapes.objects(shape, SH.sparql), None) is not None and (f"napsh:{name}", NO_PATH) not in covered:
            missing.append(f"napsh:{name} (sh:sparql, path {NO_PATH})")
    assert not missing, "constraints without an invalid example:\n" + "\n".join(missing)


# --- valid examples ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", VALID_FILES, ids=[f.name for f in VALID_FILES])
def test_valid_example_conforms(example: Path, shapes: Graph, ontology: Graph) -> None:
    name = shape_of(example)
    shape = node_shapes(shapes).get(name)
    assert shape is not None, f"{example.name}: no node shape napsh:{name}"
    data = Graph().parse(example, format="turtle")
    targets = list(shapes.objects(shape, SH.targetClass))
    assert targets and any(has_instance(data, ontology, cls) for cls in targets), (
        f"{example.name} has no focus node of napsh:{name} (targets: {[str(t) for t in targets]})"
    )
    report = check(data, shapes, ontology)
    own_warnings = [f for f in report.warnings if f.shape == f"napsh:{name}"]
    assert not report.violations and not own_warnings, f"{example.name}:\n{show(report)}"


# --- invalid examples -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", INVALID_FILES, ids=[f.name for f in INVALID_FILES])
def test_invalid_example_trips_its_shape_only(example: Path, shapes: Graph, ontology: Graph) -> None:
    fields = header(example)
    assert tuple(fields) == HEADER_KEYS, f"{example.name}: header must be the lines # {', # '.join(HEADER_KEYS)}"
    shape, path, severity = fields["shape"], fields["path"], fields["severity"]
    assert shape == f"napsh:{shape_of(example)}", f"{example.name}: header names {shape}"
    assert severity in SEVERITIES, f"{example.name}: severity {severity!r}"
    report = validate(example, shapes, ontology)
    found_path = "" if path == NO_PATH else path
    tripped = {(f.shape, f.path, f.severity) for f in report.findings}
    assert (shape, found_path, severity) in tripped, (
        f"{example.name} must trip {shape} path={path} ({severity}); got:\n{show(report)}"
    )
    # One defect may break two constraints of its own shape (a literal text property also defeats the span
    # check), but never another shape.
    others = [f for f in report.findings if f.shape != shape]
    assert not others, f"{example.name}: the defect is not isolated; findings:\n{show(report)}"
