"""The fast SHACL engine: nap-kg's shapes, compiled by fast_shapes.py, checked on the rdflib graph directly.

Same findings as pySHACL (tests/graph/shacl/test_validate_engines.py), without what made pySHACL take ~30 minutes for a
million triples (profile at 60k triples, 114 s, in bench/shacl_scale.py's docstring):
- pySHACL hands each sh:sparql query to rdflib as text once per focus node, and rdflib re-parses it with its
  pyparsing grammar every time (69% of all time). Here each query runs on pyoxigraph with $this pre-bound by
  substitution (SEP-0007, SHACL's pre-binding), parsed in Rust.
- pySHACL copies the data to mix the ontology in; here lookups consult the small ontology beside the data.
- class membership (sh:targetClass, sh:class) is computed once per class instead of once per value node.
"""

from __future__ import annotations

import re
from functools import cached_property

import pyoxigraph as ox
from pyshacl.rdfutil.clone import clone_graph, mix_graphs
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .fast_shapes import Path, SparqlConstraint, Unsupported, compile_shapes
from .report import FindingMaker, Report, sort_findings


class MixedData:
    """The data with the ontology beside it: what pySHACL's mixed copy answers, without the copy."""

    def __init__(self, data: Graph, ontology: Graph | None) -> None:
        self.data = data
        self.ontology = ontology if ontology is not None else Graph()
        self._onto_subjects = set(self.ontology.subjects())
        self._onto_objects = set(self.ontology.objects())
        self._instances: dict[Node, set[Node]] = {}
        self._given_ontology = ontology

    @cached_property
    def ns(self) -> NamespaceManager:
        """The mixed graph's prefixes, for generic messages: pySHACL's own mixing, of no data triples."""
        empty = Graph(namespace_manager=self.data.namespace_manager)
        ontology = self._given_ontology
        return (mix_graphs(empty, ontology) if ontology is not None else clone_graph(empty)).namespace_manager

    def objects(self, s: Node, p: URIRef) -> set[Node]:
        found = set(self.data.objects(s, p))
        if s in self._onto_subjects:
            found.update(self.ontology.objects(s, p))
        return found

    def subjects(self, p: URIRef, o: Node) -> set[Node]:
        found = set(self.data.subjects(p, o))
        if o in self._onto_objects:
            found.update(self.ontology.subjects(p, o))
        return found

    def instances(self, cls: Node) -> set[Node]:
        """Nodes typed cls or a subclass of it (rdfs:subClassOf*), as pySHACL's targets and sh:class see it."""
        if cls not in self._instances:
            classes, todo = {cls}, [cls]
            while todo:
                for sub in self.subjects(RDFS.subClassOf, todo.pop()):
                    if sub not in classes:
                        classes.add(sub)
                        todo.append(sub)
            self._instances[cls] = set().union(*(self.subjects(RDF.type, c) for c in classes))
        return self._instances[cls]

    def values(self, focus: Node, path: Path) -> set[Node]:
        nodes = {focus}
        for predicate, inverse in path.steps:
            step: set[Node] = set()
            for node in nodes:
                step |= self.subjects(predicate, node) if inverse else self.objects(node, predicate)
            nodes = step
        return nodes


class OxigraphCopy:
    """The mixed data in a pyoxigraph store, for the sh:sparql constraints, and terms converted both ways."""

    def __init__(self, mixed: MixedData) -> None:
        self._iris: dict[str, ox.NamedNode] = {}  # keyed by plain str: rdflib's term hashing is slow Python
        self._bnodes: dict[BNode, ox.BlankNode] = {}
        self._bnode_ids: dict[str, BNode] = {}
        self.store = ox.Store()
        graphs = (mixed.data, mixed.ontology)
        self.store.bulk_extend(ox.Quad(self.resource(s), self.iri(p), self.term(o)) for g in graphs for s, p, o in g)

    def resource(self, node: Node) -> ox.NamedNode | ox.BlankNode:
        term = self.term(node)
        if isinstance(term, ox.Literal):
            raise Unsupported(f"a literal as subject: {node!r}")
        return term

    def iri(self, node: Node) -> ox.NamedNode:
        term = self.term(node)
        if not isinstance(term, ox.NamedNode):
            raise Unsupported(f"not an IRI as predicate or datatype: {node!r}")
        return term

    def term(self, node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        # type() is, not isinstance: exact rdflib terms take the fast paths, subclasses the general one below.
        if type(node) is URIRef:
            text = str.__str__(node)
            iri = self._iris.get(text)
            if iri is None:
                iri = self._iris[text] = ox.NamedNode(text)
            return iri
        if type(node) is Literal:
            if node.language:
                return ox.Literal(node, language=node.language)
            return ox.Literal(node, datatype=self.iri(node.datatype)) if node.datatype is not None else ox.Literal(node)
        if isinstance(node, BNode):
            if node not in self._bnodes:
                self._bnodes[node] = blank = ox.BlankNode()
                self._bnode_ids[blank.value] = node
            return self._bnodes[node]
        if isinstance(node, URIRef | Literal):  # subclasses of rdflib's terms
            return self.term(URIRef(node) if isinstance(node, URIRef) else Literal(node, node.language, node.datatype))
        raise Unsupported(f"cannot copy {node!r} to pyoxigraph")

    def text(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        """str() of the rdflib term, as pySHACL writes bound variables into messages."""
        if isinstance(term, ox.BlankNode):
            return str(self._bnode_ids.get(term.value, term.value))
        return term.value


def _message(template: str, bindings: dict[str, str]) -> str:
    """pySHACL's _format_sparql_based_result_message: {?var} and {$var} replaced, with re.sub as it does."""
    for var, val in bindings.items():
        template = re.sub("{{[?$]{}}}".format(var), val, template)  # noqa: UP032 -- pySHACL's exact pattern
    return template


def sparql_results(copy: OxigraphCopy, constraint: SparqlConstraint, focus_nodes: set[Node]) -> list[tuple[Node, str]]:
    """(focus node, message) per result of a sh:sparql SELECT, with pySHACL's de-duplication of rows."""
    this = ox.Variable("this")
    results = []
    for focus in focus_nodes:
        try:
            solutions = copy.store.query(
                constraint.select, prefixes=constraint.prefixes, substitutions={this: copy.term(focus)}
            )
        except (SyntaxError, RuntimeError) as error:  # e.g. $this not projected: pySHACL allows it
            raise Unsupported(f"sh:sparql {constraint.node}: {error}") from error
        if not isinstance(solutions, ox.QuerySolutions):
            raise Unsupported(f"sh:sparql {constraint.node}: not a SELECT")
        names = [v.value for v in solutions.variables if v.value != "this"]
        seen = set()
        for solution in solutions:
            bound = {name: copy.text(solution[name]) for name in names if solution[name] is not None}
            key = tuple(bound.items())
            if key in seen:
                continue
            seen.add(key)
            results.append(
                (focus, _message(str(constraint.message), bound | {"this": str(focus), "value": str(focus)}))
            )
    return results


def check_fast(data: Graph, shapes: Graph, ontology: Graph | None = None) -> Report:
    """Validate `data` against `shapes` (ontology beside it) with the same findings as pySHACL."""
    compiled = compile_shapes(shapes)
    mixed = MixedData(data, ontology)
    copy: OxigraphCopy | None = None
    report = Report()
    make_finding = FindingMaker(data, shapes)
    for shape in compiled:
        focus_nodes: set[Node] = set().union(*(mixed.instances(c) for c in shape.classes))
        for prop in shape.properties:
            for focus in focus_nodes:
                values = mixed.values(focus, prop.path)
                for check in prop.checks:
                    for value in check.failures(mixed, focus, values):
                        message = prop.message or check.message(mixed, focus, value)
                        report.findings.append(
                            make_finding(prop.node, prop.severity, focus, value, prop.path.node, message)
                        )
        for constraint in shape.sparql:
            copy = copy or OxigraphCopy(mixed)
            for focus, message in sparql_results(copy, constraint, focus_nodes):
                report.findings.append(make_finding(shape.node, shape.severity, focus, focus, None, message))
    return sort_findings(report)
