"""The shapes graph compiled for the fast validator (validate_fast.py).

Only what nap-kg's shapes use is compiled: node shapes with sh:targetClass, property shapes with predicate,
inverse and sequence paths, the constraint components of fast_checks.py and sh:sparql SELECT constraints.
Any other term of the SHACL namespace on a shape raises Unsupported, so the caller validates with pySHACL
instead of silently checking less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import fast_checks as checks


class Unsupported(ValueError):
    """The shapes use a SHACL feature the fast engine does not implement (pySHACL must validate)."""


# What a shape may say besides its constraints: pySHACL ignores these when validating too.
NON_VALIDATING = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
VALUE_PARAMS = {SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.languageIn, SH.minLength, SH.pattern}
VALUE_PARAMS |= {SH.maxInclusive, SH.minInclusive}
PROPERTY_PARAMS = VALUE_PARAMS | NON_VALIDATING | {SH.path, SH.severity, SH.message, SH.minCount, SH.maxCount}
PROPERTY_PARAMS |= {SH.uniqueLang, SH["or"], SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}
NODE_PARAMS = NON_VALIDATING | {SH.targetClass, SH.property, SH.sparql, SH.severity}
NESTED_PARAMS = VALUE_PARAMS | NON_VALIDATING
SPARQL_PARAMS = {SH.select, SH.message, SH.prefixes}
TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
# SHACL classes a shapes graph may declare; any other (sh:ConstraintComponent, sh:SPARQLFunction, sh:SPARQLRule ...)
# brings checks of its own, e.g. custom components whose parameters are not in the sh: namespace.
KNOWN_TYPES = {SH.NodeShape, SH.PropertyShape, SH.PrefixDeclaration}
EXTENSIONS = {SH.parameter, SH.rule, SH.entailment}
# sh:sparql queries left to pySHACL: result variables it gives a meaning of its own (failure, value node, path)...
SPECIAL_VARIABLES = re.compile(r"[?$](failure|value|path)\b")
THIS = re.compile(r"[?$]this\b")
# ... and datatypes: pyoxigraph 0.5's store keeps xsd:positiveInteger and the like as xsd:integer (value and lexical
# form intact), which a query that looks at datatypes or term identity could tell.
DATATYPE_SENSITIVE = re.compile(r"\b(DATATYPE|sameTerm|isNumeric)\s*\(", re.IGNORECASE)


@dataclass(frozen=True)
class Path:
    """A predicate path as steps of (predicate, inverse?); a sequence path has several steps."""

    node: Node  # the sh:path value, for messages
    steps: tuple[tuple[URIRef, bool], ...]


@dataclass
class PropertyShape:
    node: Node
    path: Path
    severity: URIRef
    message: Literal | None
    checks: list[checks.Check] = field(default_factory=list)


@dataclass
class SparqlConstraint:
    node: Node
    select: str
    message: Literal
    prefixes: dict[str, str]


@dataclass
class NodeShape:
    node: URIRef
    classes: list[Node]
    severity: URIRef
    properties: list[PropertyShape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)


class _Reader:
    """The shapes graph indexed by subject in one pass: compiling asks some thirty parameters of each shape."""

    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self._index: dict[Node, dict[Node, list[Node]]] = {}
        for s, p, o in shapes:
            self._index.setdefault(s, {}).setdefault(p, []).append(o)

    def params(self, node: Node) -> dict[Node, list[Node]]:
        return self._index.get(node, {})

    def all(self, node: Node, param: URIRef) -> list[Node]:
        return self.params(node).get(param, [])

    def only(self, node: Node, param: URIRef) -> Node | None:
        values = self.all(node, param)
        if len(values) > 1:
            raise Unsupported(f"{node} has {len(values)} values of {param}")
        return values[0] if values else None

    def allow(self, node: Node, allowed: set[URIRef]) -> None:
        extra = {p for p in self.params(node) if str(p).startswith(str(SH))} - allowed
        if extra:
            raise Unsupported(f"{node} uses {sorted(map(str, extra))}")


def _step(shapes: _Reader, node: Node) -> tuple[URIRef, bool]:
    if isinstance(node, URIRef):
        return node, False
    inverse = shapes.only(node, SH.inversePath)
    if isinstance(inverse, URIRef) and set(shapes.params(node)) == {SH.inversePath}:
        return inverse, True
    raise Unsupported(f"path {node} is neither a predicate nor the inverse of one")


def _path(shapes: _Reader, node: Node | None) -> Path:
    if node is None:
        raise Unsupported("property shape without sh:path")
    if isinstance(node, BNode) and shapes.only(node, RDF.first) is not None:
        items = list(shapes.graph.items(node))
        if len(items) < 2:
            raise Unsupported(f"sequence path {node} with fewer than two steps")
        return Path(node, tuple(_step(shapes, item) for item in items))
    return Path(node, (_step(shapes, node),))


def _severity(shapes: _Reader, node: Node) -> URIRef:
    severity = shapes.only(node, SH.severity)
    return severity if isinstance(severity, URIRef) else SH.Violation


def _message(shapes: _Reader, node: Node) -> Literal | None:
    message = shapes.only(node, SH.message)  # several messages: pySHACL reports any one of them
    if message is not None and not isinstance(message, Literal):
        raise Unsupported(f"{node} has a non-literal sh:message")
    return message


def _nested(shapes: _Reader, node: Node) -> list[checks.ValueCheck]:
    """A shape used inside sh:or or sh:qualifiedValueShape: value constraints on the node itself."""
    shapes.allow(node, NESTED_PARAMS)
    return _value_checks(shapes, node)


def _value_checks(shapes: _Reader, node: Node) -> list[checks.ValueCheck]:
    found: list[checks.ValueCheck] = []
    for param, make in checks.VALUE_CHECKS.items():
        value = shapes.only(node, param)
        if value is not None:
            found.append(make(shapes.graph, value))
    return found


def _property(shapes: _Reader, node: Node) -> PropertyShape:
    shapes.allow(node, PROPERTY_PARAMS)
    if set(shapes.params(node)) & TARGETS:
        raise Unsupported(f"property shape {node} has targets")
    path = _path(shapes, shapes.only(node, SH.path))
    prop = PropertyShape(node, path, _severity(shapes, node), _message(shapes, node))
    for param, make in checks.COUNT_CHECKS.items():
        value = shapes.only(node, param)
        if value is not None:
            prop.checks.append(make(shapes.graph, value, path.node))
    prop.checks += _value_checks(shapes, node)
    or_list = shapes.only(node, SH["or"])
    if or_list is not None:
        members = list(shapes.graph.items(or_list))
        prop.checks.append(checks.Or(shapes.graph, or_list, [_nested(shapes, m) for m in members]))
    qualified = shapes.only(node, SH.qualifiedValueShape)
    if qualified is not None:
        low = shapes.only(node, SH.qualifiedMinCount)
        high = shapes.only(node, SH.qualifiedMaxCount)
        prop.checks.append(checks.Qualified(shapes.graph, qualified, _nested(shapes, qualified), low, high))
    return prop


def _prefixes(shapes: _Reader, node: Node | None) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for declaration in shapes.all(node, SH.declare) if node is not None else ():
        prefixes[str(shapes.only(declaration, SH.prefix))] = str(shapes.only(declaration, SH.namespace))
    return prefixes


def _sparql(shapes: _Reader, node: Node) -> SparqlConstraint:
    shapes.allow(node, SPARQL_PARAMS)
    select, message = shapes.only(node, SH.select), _message(shapes, node)
    if select is None or message is None:
        raise Unsupported(f"sh:sparql {node} without sh:select or sh:message")
    text = str(select)
    if "shapesGraph" in text or "$PATH" in text:
        raise Unsupported(f"sh:sparql {node} uses $shapesGraph or $PATH")
    if SPECIAL_VARIABLES.search(text) or not THIS.search(text):
        raise Unsupported(f"sh:sparql {node}: $failure/$value/$path, or no $this")
    if DATATYPE_SENSITIVE.search(text):
        raise Unsupported(f"sh:sparql {node}: datatypes, which pyoxigraph's store normalises")
    return SparqlConstraint(node, text, message, _prefixes(shapes, shapes.only(node, SH.prefixes)))


def compile_shapes(graph: Graph) -> list[NodeShape]:
    """The node shapes of `graph`, compiled; Unsupported when any part is beyond the fast engine."""
    shapes = _Reader(graph)
    types = {t for t in graph.objects(None, RDF.type) if str(t).startswith(str(SH))}
    if types - KNOWN_TYPES or any(next(graph.subjects(p, None), None) is not None for p in EXTENSIONS):
        raise Unsupported(f"SHACL extensions: {sorted(map(str, types - KNOWN_TYPES))} or sh:parameter/rule/entailment")
    node_shapes = set(graph.subjects(RDF.type, SH.NodeShape))
    targeted = {s for p in TARGETS for s in graph.subjects(p, None)}
    properties = set(graph.objects(None, SH.property))
    if targeted - node_shapes or set(graph.subjects(RDF.type, SH.PropertyShape)) - properties:
        raise Unsupported("targets or property shapes outside node shapes")
    if any(set(shapes.all(node, RDF.type)) != {SH.NodeShape} for node in node_shapes):
        raise Unsupported("a node shape with another rdf:type (an implicit class target)")
    compiled = []
    for node in sorted(node_shapes, key=str):
        shapes.allow(node, NODE_PARAMS)
        if not isinstance(node, URIRef):
            raise Unsupported(f"unnamed node shape {node}")
        classes = shapes.all(node, SH.targetClass)
        if not classes:
            continue  # no focus nodes: pySHACL reports nothing for it either
        shape = NodeShape(node, classes, _severity(shapes, node))
        shape.properties = [_property(shapes, p) for p in shapes.all(node, SH.property)]
        shape.sparql = [_sparql(shapes, s) for s in shapes.all(node, SH.sparql)]
        compiled.append(shape)
    return compiled
