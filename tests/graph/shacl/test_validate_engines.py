"""The fast SHACL engine (napkg_graph.shacl.validate_fast) finds exactly what pySHACL finds.

Findings are compared whole (shape, severity, focus, label, path, value and message), as sorted lists, so a
finding missing, added, duplicated or worded otherwise fails the test: on every example of tests/data/, on the
real dataset and on scaled-up data full of defects (bench/scale_data.py; its synthetic texts break citation
spans and its plans trip cardinalities, so the failure paths are exercised by the thousand). check_fast is
called directly: a silent fallback to pySHACL would make the comparison vacuous.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest
from napkg_cli.main import main
from napkg_graph.config import DEFAULT_BASE_IRI, BuildSettings
from napkg_graph.pipeline import BuildResult
from napkg_graph.shacl.fast_shapes import Unsupported, compile_shapes
from napkg_graph.shacl.report import Finding
from napkg_graph.shacl.validate import check, check_pyshacl, load_shapes
from napkg_graph.shacl.validate_fast import check_fast
from rdflib import RDF, SH, Dataset, Graph, Literal, Namespace

DATA = Path(__file__).parents[2] / "data"
EXAMPLES = sorted(DATA.glob("valid/*.ttl")) + sorted(DATA.glob("invalid/*.ttl"))
SCALE_DATA = Path(__file__).parents[3] / "bench" / "scale_data.py"


def differences(expected: list[Finding], got: list[Finding]) -> str:
    missing, extra = Counter(expected) - Counter(got), Counter(got) - Counter(expected)
    lines = [f"  only pySHACL: {f}" for f in list(missing)[:10]] + [f"  only fast:    {f}" for f in list(extra)[:10]]
    return f"{sum(missing.values())} missing, {sum(extra.values())} extra:\n" + "\n".join(lines)


def assert_same(data: Graph, shapes: Graph, ontology: Graph) -> list[Finding]:
    reference = check_pyshacl(data, shapes, ontology).findings
    fast = check_fast(data, shapes, ontology).findings
    assert fast == reference, differences(reference, fast)
    return reference


def test_the_fast_engine_understands_all_shapes(shapes: Graph) -> None:
    compiled = compile_shapes(shapes)
    node_shapes = {s.node for s in compiled}
    targeted = set(shapes.subjects(SH.targetClass, None))
    assert node_shapes == targeted, "every node shape of shapes/ has a target and is compiled"
    assert sum(len(s.properties) for s in compiled) == sum(1 for n in targeted for _ in shapes.objects(n, SH.property))
    assert sum(len(s.sparql) for s in compiled) == sum(1 for n in targeted for _ in shapes.objects(n, SH.sparql))
    assert len(targeted) > 40  # the shapes of every concern, not a subset that happened to load


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{f.parent.name}/{f.name}" for f in EXAMPLES])
def test_example_gives_the_same_findings(example: Path, shapes: Graph, ontology: Graph) -> None:
    findings = assert_same(Graph().parse(example, format="turtle"), shapes, ontology)
    if example.parent.name == "invalid":
        assert findings, "an invalid example trips something"


def test_every_constraint_kind_is_compared(shapes: Graph, ontology: Graph) -> None:
    """The invalid examples give default messages (no sh:message) and sh:message texts, values and none."""
    findings = [
        f for e in sorted(DATA.glob("invalid/*.ttl")) for f in check_fast(Graph().parse(e), shapes, ontology).findings
    ]
    messages = " | ".join(f.message for f in findings)
    for generic in ("Less than", "More than", "Value is not Literal with datatype", "String language is not in"):
        assert generic in messages, f"no finding with pySHACL's generic message {generic!r}"
    assert "does not quote" in messages and "ends (" in messages, "sh:sparql messages with bound variables"
    assert any(f.value for f in findings) and any(not f.value for f in findings)


@pytest.mark.slow
def test_the_real_dataset_gives_the_same_findings(built: BuildResult, ontology: Graph) -> None:
    settings_shapes = load_shapes(BuildSettings())
    findings = assert_same(built.union, settings_shapes, ontology)
    assert findings == built.report.findings, "the build reports what both engines find"


def _scaled(built_trig: Path, cache: Path, triples: int) -> Path:
    spec = importlib.util.spec_from_file_location("scale_data", SCALE_DATA)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("scale_data", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.generate(triples, cache, built_trig)


@pytest.mark.slow
def test_scaled_data_gives_the_same_findings(
    built: BuildResult, settings: BuildSettings, ontology: Graph, tmp_path: Path
) -> None:
    """One synthetic plan beside the real one (~12k triples, ~540 findings; pySHACL takes ~25 s)."""
    path = _scaled(settings.dist / "nap-kg.trig", tmp_path, 12_000)
    ds = Dataset()
    ds.parse(path, format="nquads")
    data = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        data.add((s, p, o))
    # Defects of the kinds the numeric constraints catch: the store keeps xsd:integer now (issue 12), so the scaled
    # data no longer comes back retyped with findings of its own.
    nap, xsd = Namespace("https://w3id.org/nap-kg/def/"), Namespace("http://www.w3.org/2001/XMLSchema#")
    for cls, prop, value in (
        (nap.ActionPoint, nap.number, Literal("0", datatype=xsd.integer)),
        (nap.Citation, nap.spanStart, Literal("3", datatype=xsd.nonNegativeInteger)),
        (nap.GuidingPrinciple, nap.number, Literal("32", datatype=xsd.integer)),
    ):
        data.set((min(data.subjects(RDF.type, cls)), prop, value))
    findings = assert_same(data, load_shapes(BuildSettings()), ontology)
    assert len({f.shape for f in findings}) >= 3, "scaled data trips several shapes"


def test_unsupported_shapes_fall_back_to_pyshacl(shapes: Graph, ontology: Graph) -> None:
    extended = Graph()
    extended += shapes
    extended.parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix nap: <https://w3id.org/nap-kg/def/> .
        <https://w3id.org/nap-kg/shapes/Extra> a sh:NodeShape ; sh:targetClass nap:ActionPoint ;
            sh:property [ sh:path nap:spanStart ; sh:lessThan nap:spanEnd ] .""",
        format="turtle",
    )
    example = Graph().parse(DATA / "invalid" / sorted(p.name for p in DATA.glob("invalid/*.ttl"))[0])
    with pytest.raises(Unsupported, match="lessThan"):
        check_fast(example, extended, ontology)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert check(example, extended, ontology).findings == check_pyshacl(example, extended, ontology).findings
    assert any("validating with pySHACL" in str(w.message) for w in caught)


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_cli_engines_print_the_same_report(engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    example = sorted(DATA.glob("invalid/CitationShape--*.ttl"))[0]
    args = ["validate", "--base-iri", DEFAULT_BASE_IRI, str(example)]
    with pytest.raises(SystemExit) as default_exit:
        main(args)
    default_out = capsys.readouterr().out
    with pytest.raises(SystemExit) as engine_exit:
        main([*args, "--engine", engine])
    assert engine_exit.value.code == default_exit.value.code == 1
    assert capsys.readouterr().out == default_out
    assert "CitationShape" in default_out


def test_edge_cases_give_the_same_findings() -> None:
    """Every constraint kind on data the examples do not reach: see tests/data/engines/."""
    edge = DATA / "engines"
    shapes = Graph().parse(edge / "edge-shapes.ttl")
    data = Graph().parse(edge / "edge-data.ttl")
    findings = assert_same(data, shapes, Graph().parse(edge / "edge-ontology.ttl"))
    assert {f.severity for f in findings} == {"Violation", "Warning", "Info"}
    assert len(findings) > 30, "the edge cases trip many constraints"


def test_a_datatype_sensitive_sparql_constraint_is_left_to_pyshacl(ontology: Graph) -> None:
    """pyoxigraph's store reads "1"^^xsd:positiveInteger as xsd:integer: DATATYPE() would differ from pySHACL."""
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "typed {?t}" ;
            sh:select "SELECT $this ?t WHERE { $this <https://example.org/n> ?n . BIND (DATATYPE(?n) AS ?t) }" ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="<https://example.org/x> a <https://example.org/C> ; <https://example.org/n> "
        '"1"^^<http://www.w3.org/2001/XMLSchema#positiveInteger> .',
        format="turtle",
    )
    with pytest.raises(Unsupported, match="datatypes"):
        check_fast(data, shapes, ontology)
    assert [f.message for f in check(data, shapes, ontology, engine="pyshacl").findings] == [
        "typed http://www.w3.org/2001/XMLSchema#positiveInteger"
    ]


def test_a_custom_constraint_component_is_left_to_pyshacl(shapes: Graph, ontology: Graph) -> None:
    """Its parameter (ex:minWords) is no sh: term, so only the declaration tells that shapes use it."""
    extended = Graph()
    extended += shapes
    extended.parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:MinWords a sh:ConstraintComponent ; sh:parameter [ sh:path ex:minWords ] ;
            sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (false) }" ] .
        [] sh:path <https://w3id.org/nap-kg/def/actionText> ; ex:minWords 3 .""",
        format="turtle",
    )
    with pytest.raises(Unsupported, match="ConstraintComponent"):
        compile_shapes(extended)
