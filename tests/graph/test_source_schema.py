"""The schema of the curated source records: the real files fit it; a misspelt field, a wrong type or an unknown
nested field fails with one line naming the file, the line and the field (also through `napkg build`); the
committed JSON Schemas are what the models generate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from napkg_cli.main import main
from napkg_graph.config import REPO_ROOT
from napkg_graph.source_schema import (
    MODELS_BY_FILE,
    MODELS_IN_REPORT,
    SCHEMA_DIR,
    SCHEMAS,
    ActionPoint,
    SourceError,
    StatusRecord,
    check,
    json_schemas,
    validated,
)
from napkg_graph.sources import load_sources

SOURCES = REPO_ROOT / "graph" / "sources"
ACTION_POINTS = sorted((SOURCES / "actiepunten").glob("*.yaml"))
REPORT_2024 = SOURCES / "rapporten" / "voortgangsrapportage-2024"
LETTER_2025 = SOURCES / "rapporten" / "kamerbrief-2025"
STATUSES = sorted((REPORT_2024 / "stand-van-zaken").glob("*.yaml"))
REPORT_FILES = sorted(p for p in (SOURCES / "rapporten").glob("*/*.yaml") if p.name in MODELS_IN_REPORT)
TOP_FIELDS = "number, pillar, theme, source_lines, action, objective, responsibility, timeline"
TIMELINE_FIELDS = "text, start, end, deadline, reporting_deadline, open_ended, recurrence"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    return copy


def _edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once; return the line (1-based) where the replacement starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _error(sources: Path) -> str:
    with pytest.raises(SourceError) as failed:
        load_sources(sources)
    return str(failed.value)


@pytest.mark.parametrize("path", ACTION_POINTS, ids=lambda p: p.name)
def test_every_action_point_fits(path: Path) -> None:
    check(path, yaml.safe_load(path.read_text(encoding="utf-8")), ActionPoint)


@pytest.mark.parametrize("path", STATUSES, ids=lambda p: p.name)
def test_every_status_record_fits(path: Path) -> None:
    check(path, yaml.safe_load(path.read_text(encoding="utf-8")), StatusRecord)


@pytest.mark.parametrize("path", [SOURCES / name for name in sorted(MODELS_BY_FILE)] + REPORT_FILES, ids=str)
def test_every_curated_file_fits(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert validated(path, data) is data


def test_the_real_sources_load_unchanged() -> None:
    loaded = load_sources(SOURCES)
    assert len(loaded.action_points) == 33
    assert (len(loaded.organisations), len(loaded.report_events)) == (
        len(yaml.safe_load((SOURCES / "organisations.yaml").read_text(encoding="utf-8"))["organisations"]),
        len(yaml.safe_load((REPORT_2024 / "events.yaml").read_text(encoding="utf-8"))["events"]),
    )


def test_a_misspelt_field_names_file_line_and_allowed_fields(sources: Path) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, "\ntimeline:\n", "\ntimelin:\n") + 1  # the key stands on the line after the newline
    assert _error(sources) == f"{record}:{line}: field 'timelin' is not allowed (allowed: {TOP_FIELDS})"


def test_a_wrong_type_names_the_field_and_the_value(sources: Path) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, "number: 17\n", "number: x\n")
    assert _error(sources) == f"{record}:{line}: field 'number' must be an integer, not 'x'"


def test_a_quoted_number_is_a_wrong_type(sources: Path) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, "pillar: 2\n", 'pillar: "2"\n')
    assert _error(sources) == f"{record}:{line}: field 'pillar' must be an integer, not '2'"


def test_an_unknown_timeline_field(sources: Path) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, '  start: "2022"\n', '  strat: "2022"\n')
    assert _error(sources) == (f"{record}:{line}: field 'timeline.strat' is not allowed (allowed: {TIMELINE_FIELDS})")


def test_a_wrong_type_in_the_timeline(sources: Path) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, "  open_ended: true\n", "  open_ended: ja\n")
    assert _error(sources) == f"{record}:{line}: field 'timeline.open_ended' must be true or false, not 'ja'"


def test_an_unknown_responsibility_field(sources: Path) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, "  parties:\n", "  partys:\n")
    assert _error(sources) == (
        f"{record}:{line}: field 'responsibility.partys' is not allowed (allowed: text, parties)"
    )


def test_an_unknown_field_of_a_party(sources: Path) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, "{org: bz, role: responsible}", "{org: bz, rol: responsible}")
    assert _error(sources) == (
        f"{record}:{line}: field 'responsibility.parties[0].rol' is not allowed "
        "(allowed: org, role, note, scope, scope_in)"
    )


def test_the_first_problem_in_file_order_is_reported(sources: Path) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, "pillar: 2\n", "pilar: 2\n")
    _edit(record, "  open_ended: true\n", "  open_ended: ja\n")
    message = _error(sources)
    assert message.startswith(f"{record}:{line}: field 'pilar' is not allowed"), message


def test_the_loader_messages_for_status_and_missing_fields_stay(sources: Path) -> None:
    record = sources / "rapporten" / "voortgangsrapportage-2024" / "stand-van-zaken" / "17.yaml"
    _edit(record, 'status: "Voltooid"\n', "")
    assert _error(sources) == f"{record}: missing required field 'status'"
    _edit(record, "footnotes: []\n", 'status: "Bijna klaar"\nfootnotes: []\n')
    assert _error(sources).startswith(f"{record}: status 'Bijna klaar' is not one of ('Voltooid',")


def test_an_unknown_field_in_a_report_folder(sources: Path) -> None:
    path = sources / "rapporten" / "voortgangsrapportage-2024" / "report.yaml"
    line = _edit(path, "kind: progress-report\n", "kind: progress-report\nauthor: x\n") + 1
    assert _error(sources).startswith(f"{path}:{line}: field 'author' is not allowed (allowed: kind, date, plan, ")
    _edit(path, "author: x\n", "")
    record = sources / "rapporten" / "voortgangsrapportage-2024" / "stand-van-zaken" / "17.yaml"
    line = _edit(record, "footnotes: []\n", "footnotes: []\nstatus_2024: x\n") + 1
    assert _error(sources) == (
        f"{record}:{line}: field 'status_2024' is not allowed (allowed: action_point, status, explanation, footnotes)"
    )


def test_an_unknown_field_in_the_letter(sources: Path) -> None:
    path = sources / "rapporten" / "kamerbrief-2025" / "brief.yaml"
    line = _edit(path, "  - n: 5\n", "  - n: 5\n    startswith: x\n") + 1
    assert _error(sources) == (
        f"{path}:{line}: field 'paragraphs[4].startswith' is not allowed (allowed: n, starts_with, pillar, updates)"
    )


def test_a_wrong_type_in_a_file_another_module_reads(sources: Path) -> None:
    path = sources / "figures.yaml"
    text = path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith("value: "))
    line = _edit(path, first + "\n", first.replace("value: ", "value: 'zes' # ") + "\n")
    with pytest.raises(SourceError) as failed:
        validated(path, yaml.safe_load(path.read_text(encoding="utf-8")))
    assert str(failed.value) == f"{path}:{line}: field 'figures[0].value' must be an integer, not 'zes'"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return int(stopped.value.code or 0), [line for line in err.splitlines() if line.startswith("napkg: error")]


def test_build_refuses_a_misspelt_field_in_one_line(
    sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, '  start: "2022"\n', '  strat: "2022"\n')
    code, errors = _run(capsys, "build", "--sources", str(sources), "--dist", str(tmp_path / "dist"))
    assert (code, errors) == (
        2,
        [f"napkg: error: {record}:{line}: field 'timeline.strat' is not allowed (allowed: {TIMELINE_FIELDS})"],
    )
    assert not (tmp_path / "dist").exists()


def test_build_refuses_a_wrong_type_in_one_line(
    sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = sources / "actiepunten" / "17.yaml"
    line = _edit(record, "number: 17\n", "number: x\n")
    code, errors = _run(capsys, "build", "--sources", str(sources), "--dist", str(tmp_path / "dist"))
    assert (code, errors) == (2, [f"napkg: error: {record}:{line}: field 'number' must be an integer, not 'x'"])


def test_the_committed_json_schemas_are_what_the_models_generate() -> None:
    generated = json_schemas()
    assert sorted(generated) == sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json"))
    for name, text in generated.items():
        assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run python -m napkg_graph.source_schema"
        )


def _objects(schema: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(schema, dict):
        if "properties" in schema:
            found.append(schema)
        for value in schema.values():
            found += _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _objects(value)
    return found


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_json_schema_object_refuses_unknown_fields(name: str) -> None:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    objects = _objects(schema)
    assert objects and all(o.get("additionalProperties") is False for o in objects)


def test_the_action_point_schema_lists_the_status_values_and_roles() -> None:
    statuses = json.loads((SCHEMA_DIR / "status-record.schema.json").read_text(encoding="utf-8"))
    assert statuses["properties"]["status"]["enum"][:2] == ["Voltooid", "Doorlopend"]
    assert len(statuses["properties"]["status"]["enum"]) == 7
    schema = json.loads((SCHEMA_DIR / "action-point.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["Party"]["properties"]["role"]["enum"] == [
        "coordinating", "responsible", "commissioning", "executing", "partner", "driving", "monitoring"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "schema"),
    [(p, "action-point") for p in ACTION_POINTS]
    + [(p, "status-record") for p in STATUSES]
    + [(SOURCES / file, next(n for n, m in SCHEMAS.items() if m is model)) for file, model in MODELS_BY_FILE.items()]
    + [(p, next(n for n, m in SCHEMAS.items() if m is MODELS_IN_REPORT[p.name])) for p in REPORT_FILES],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_every_record_names_its_schema_for_editors(path: Path, schema: str) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), first
    target = (path.parent / first.removeprefix(prefix)).resolve()
    assert target == (SCHEMA_DIR / f"{schema}.schema.json").resolve()
    assert target.is_file()
