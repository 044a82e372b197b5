"""Constraint components of the fast validator, each a copy of what pySHACL 0.40's component does.

Every check sees the same rdflib terms pySHACL sees and decides with the same expressions (term equality for
sh:in, `ill_typed` and Python value types for sh:datatype, pySHACL's own `compare_literal` for sh:minInclusive and
sh:maxInclusive, `re.match` then `re.search` for sh:pattern), and writes pySHACL's generic message with pySHACL's
own `stringify_node`, so a finding differs from pySHACL's in nothing. Where pySHACL's code is odd (uniqueLang reports
no value), the copy is odd too: tests/graph/shacl/test_validate_engines.py compares the two engines finding for finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Protocol

from pyshacl.rdfutil.compare import compare_literal
from pyshacl.rdfutil.stringify import stringify_node
from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node


class Context(Protocol):
    """What a check needs of the data: the union of data and ontology, as pySHACL's mixed graph."""

    data: Graph

    @property
    def ns(self) -> NamespaceManager: ...  # the namespaces of pySHACL's mixed graph, for generic messages

    def instances(self, cls: Node) -> set[Node]: ...


class Check(Protocol):
    component: URIRef

    def failures(self, ctx: Context, focus: Node, values: set[Node]) -> Iterator[Node | None]:
        """One item per validation result: the offending value node, or None where pySHACL gives none."""
        ...

    def message(self, ctx: Context, focus: Node, value: Node | None) -> str: ...


def _data_str(ctx: Context, node: Node | None) -> str:
    """stringify_node of a data node on pySHACL's mixed graph (namespaces of data plus ontology)."""
    if node is None:  # a message without a value node; pySHACL's own messages never stringify one
        return "None"
    try:
        return stringify_node(ctx.data, node, ns_manager=ctx.ns)
    except (LookupError, ValueError):
        return str(node)


class ValueCheck:
    """A constraint that tests each value node on its own; its message, made once, is the same for every value."""

    component: URIRef
    text: str

    def ok(self, ctx: Context, value: Node) -> bool:
        raise NotImplementedError

    def failures(self, ctx: Context, focus: Node, values: set[Node]) -> Iterator[Node | None]:
        return (v for v in values if not self.ok(ctx, v))

    def conforms(self, ctx: Context, node: Node) -> bool:
        """As a nested shape's constraint: the node itself is the only value node."""
        return self.ok(ctx, node)

    def message(self, ctx: Context, focus: Node, value: Node | None) -> str:
        return self.text


class Class(ValueCheck):
    component = SH.ClassConstraintComponent

    def __init__(self, shapes: Graph, cls: Node) -> None:
        self.cls = cls
        self.text = f"Value does not have class {stringify_node(shapes, cls)}"

    def ok(self, ctx: Context, value: Node) -> bool:
        # pySHACL: some rdf:type of the value has cls among its rdfs:subClassOf* (never a literal).
        return not isinstance(value, Literal) and value in ctx.instances(self.cls)


def _actual_datatype(value: Literal, rule: Node) -> bool:
    """pySHACL's DatatypeConstraintComponent._assert_actual_datatype."""
    python = value.value
    kinds: dict[Node, type | tuple[type, ...]] = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }
    return isinstance(python, kinds[rule]) if rule in kinds else True


class Datatype(ValueCheck):
    component = SH.DatatypeConstraintComponent

    def __init__(self, shapes: Graph, datatype: Node) -> None:
        self.datatype = datatype
        self.text = f"Value is not Literal with datatype {stringify_node(shapes, datatype)}"

    def ok(self, ctx: Context, value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        rule = self.datatype
        if value.datatype == rule:
            return getattr(value, "ill_typed", None) is not True and _actual_datatype(value, rule)
        if rule == RDFS.Literal or (rule == RDFS.Datatype and value.datatype):
            return True
        if value.datatype is None and value.language is None and rule == XSD.string:
            return _actual_datatype(value, rule)
        if rule == RDF.langString and value.language:
            return _actual_datatype(value, rule)
        return False


NODE_KINDS = {
    BNode: (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI),
    Literal: (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral),
    URIRef: (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI),
}


class NodeKind(ValueCheck):
    component = SH.NodeKindConstraintComponent

    def __init__(self, shapes: Graph, kind: Node) -> None:
        self.kind = kind
        self.text = f"Value is not of Node Kind {stringify_node(shapes, kind)}"

    def ok(self, ctx: Context, value: Node) -> bool:
        return any(isinstance(value, t) and self.kind in kinds for t, kinds in NODE_KINDS.items())


class In(ValueCheck):
    component = SH.InConstraintComponent

    def __init__(self, shapes: Graph, members: Node) -> None:
        self.members: set[Node] = set()
        for item in shapes.items(members):  # a set filled in list order, as pySHACL's (its message lists it)
            self.members.add(item)
        self.listed = str([stringify_node(shapes, m) for m in self.members])

    def ok(self, ctx: Context, value: Node) -> bool:
        return value in self.members

    def message(self, ctx: Context, focus: Node, value: Node | None) -> str:  # names the value
        return f"Value {_data_str(ctx, value)} not in list {self.listed}"


class LanguageIn(ValueCheck):
    component = SH.LanguageInConstraintComponent

    def __init__(self, shapes: Graph, languages: Node) -> None:
        self.languages = {str(lang.value).lower() for lang in shapes.items(languages) if isinstance(lang, Literal)}
        self.text = f"String language is not in {stringify_node(shapes, languages)}"

    def ok(self, ctx: Context, value: Node) -> bool:
        if not isinstance(value, Literal) or not value.language:
            return False
        lang = str(value.language).lower()
        return "*" in self.languages or lang in self.languages or lang.split("-")[0] in self.languages


def _string(value: Node) -> str:
    """pySHACL's StringBasedConstraintBase.value_node_to_string."""
    if isinstance(value, Literal) and value.value is not None and value.datatype in (None, RDF.langString, XSD.string):
        return str(value.value)
    return str(value)


class MinLength(ValueCheck):
    component = SH.MinLengthConstraintComponent

    def __init__(self, shapes: Graph, length: Node) -> None:
        assert isinstance(length, Literal)
        self.length = length
        self.minimum = int(length.value)

    def ok(self, ctx: Context, value: Node) -> bool:
        return self.minimum == 0 or (not isinstance(value, BNode) and len(_string(value)) >= self.minimum)

    def message(self, ctx: Context, focus: Node, value: Node | None) -> str:
        return f"String length not >= {_data_str(ctx, self.length)}"


class Pattern(ValueCheck):
    component = SH.PatternConstraintComponent

    def __init__(self, shapes: Graph, pattern: Node) -> None:
        assert isinstance(pattern, Literal)
        source = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
        self.regex = re.compile(source)
        self.text = f"Value does not match pattern '{pattern.value}'"

    def ok(self, ctx: Context, value: Node) -> bool:
        if isinstance(value, BNode):
            return False
        text = _string(value)
        return bool(self.regex.match(text) or self.regex.search(text))


class MaxInclusive(ValueCheck):
    component = SH.MaxInclusiveConstraintComponent

    def __init__(self, shapes: Graph, maximum: Node) -> None:
        assert isinstance(maximum, Literal)
        self.maximum = maximum
        self.text = f"Value is not <= {stringify_node(shapes, maximum)}"

    def ok(self, ctx: Context, value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if isinstance(self.maximum.value, str) != isinstance(value.value, str):
            return False
        try:
            return compare_literal(value, self.maximum) <= 0
        except (TypeError, NotImplementedError):
            return False


class MinInclusive(ValueCheck):
    """pySHACL's sh:minInclusive, as :class:`MaxInclusive` with the comparison turned round."""

    component = SH.MinInclusiveConstraintComponent

    def __init__(self, shapes: Graph, minimum: Node) -> None:
        assert isinstance(minimum, Literal)
        self.minimum = minimum
        self.text = f"Value is not >= {stringify_node(shapes, minimum)}"

    def ok(self, ctx: Context, value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if isinstance(self.minimum.value, str) != isinstance(value.value, str):
            return False
        try:
            return compare_literal(value, self.minimum) >= 0
        except (TypeError, NotImplementedError):
            return False


VALUE_CHECKS: dict[URIRef, Callable[[Graph, Node], ValueCheck]] = {
    SH["class"]: Class,
    SH.datatype: Datatype,
    SH.nodeKind: NodeKind,
    SH["in"]: In,
    SH.languageIn: LanguageIn,
    SH.minLength: MinLength,
    SH.pattern: Pattern,
    SH.maxInclusive: MaxInclusive,
    SH.minInclusive: MinInclusive,
}


class Count:
    """sh:minCount / sh:maxCount: one result without a value when the number of value nodes is out of bounds."""

    def __init__(self, shapes: Graph, bound: Node, path: Node, *, minimum: bool) -> None:
        assert isinstance(bound, Literal)
        self.bound, self.minimum = int(bound.value), minimum
        self.component = SH.MinCountConstraintComponent if minimum else SH.MaxCountConstraintComponent
        self.word = "Less" if minimum else "More"
        self.path = stringify_node(shapes, path)

    def failures(self, ctx: Context, focus: Node, values: set[Node]) -> Iterator[Node | None]:
        if (len(values) < self.bound) if self.minimum else (len(values) > self.bound):
            yield None

    def message(self, ctx: Context, focus: Node, value: Node | None) -> str:
        return f"{self.word} than {self.bound} values on {_data_str(ctx, focus)}->{self.path}"


class UniqueLang:
    """sh:uniqueLang true: one result without a value per language tag (case-insensitive) used twice."""

    component = SH.UniqueLangConstraintComponent

    def __init__(self, shapes: Graph, flag: Node, path: Node) -> None:
        self.on = isinstance(flag, Literal) and flag.value is True

    def failures(self, ctx: Context, focus: Node, values: set[Node]) -> Iterator[Node | None]:
        if not self.on:
            return
        seen: set[str] = set()
        duplicates: set[str] = set()
        for v in values:
            if isinstance(v, Literal) and v.language:
                lang = str(v.language).lower()
                (duplicates if lang in seen else seen).add(lang)
        yield from (None for _ in duplicates)

    def message(self, ctx: Context, focus: Node, value: Node | None) -> str:
        return "More than one String shares the same Language"


COUNT_CHECKS: dict[URIRef, Callable[[Graph, Node, Node], Count | UniqueLang]] = {
    SH.minCount: lambda shapes, bound, path: Count(shapes, bound, path, minimum=True),
    SH.maxCount: lambda shapes, bound, path: Count(shapes, bound, path, minimum=False),
    SH.uniqueLang: UniqueLang,
}


def _conforms(ctx: Context, node: Node, nested: list[ValueCheck]) -> bool:
    return all(check.conforms(ctx, node) for check in nested)


class Or:
    """sh:or of nested shapes: a result per value node that conforms to none of them."""

    component = SH.OrConstraintComponent

    def __init__(self, shapes: Graph, members: Node, nested: list[list[ValueCheck]]) -> None:
        self.nested = nested
        self.listed = " , ".join(stringify_node(shapes, m) for m in shapes.items(members))

    def failures(self, ctx: Context, focus: Node, values: set[Node]) -> Iterator[Node | None]:
        return (v for v in values if not any(_conforms(ctx, v, shape) for shape in self.nested))

    def message(self, ctx: Context, focus: Node, value: Node | None) -> str:
        return f"Node {_data_str(ctx, value)} must conform to one or more shapes in {self.listed}"


class Qualified:
    """sh:qualifiedValueShape with sh:qualifiedMin/MaxCount (not disjoint): results without a value."""

    component = SH.QualifiedMinCountConstraintComponent

    def __init__(self, shapes: Graph, shape: Node, nested: list[ValueCheck], low: Node | None, high: Node | None):
        self.nested = nested
        self.low = low.value if isinstance(low, Literal) else None
        self.high = high.value if isinstance(high, Literal) else None
        counts = (f" MinCount {self.low}" if self.low is not None else "") + (
            f" MaxCount {self.high}" if self.high is not None else ""
        )
        self.text = f"Focus node does not conform to shape{counts}: {stringify_node(shapes, shape)}"

    def failures(self, ctx: Context, focus: Node, values: set[Node]) -> Iterator[Node | None]:
        if not values and (self.low is None or self.low < 1):
            return
        conforming = sum(1 for v in values if _conforms(ctx, v, self.nested))
        if self.high is not None and conforming > self.high:
            yield None
        if self.low is not None and conforming < self.low:
            yield None

    def message(self, ctx: Context, focus: Node, value: Node | None) -> str:
        return self.text
