"""The schema of the curated source records (graph/sources/): pydantic models that refuse unknown fields.

A misspelt field name or a value of the wrong type fails with one line naming the file, the line (from the YAML
node marks) and the field; the same models give the JSON Schemas in graph/sources/schema/ that editors' tools use.
Checks of meaning (status values, roles, dates, quotes found in the text) stay with the loaders that know them.

>>> check(Path("01.yaml"), {"text": "2022", "strat": "2022"}, Timeline, "text: '2022'\\nstrat: '2022'\\n")
Traceback (most recent call last):
...
napkg_graph.source_schema.SourceError: 01.yaml:2: field 'strat' is not allowed (allowed: text, start, end, \
deadline, reporting_deadline, open_ended, recurrence)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

#: graph/sources/schema/ in a checkout (data/sources links to graph/sources), the packaged copy in a wheel.
SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "sources" / "schema"


#: The report's status values, exactly as written (sources.py checks them, naming the allowed ones).
STATUS_VALUES = (
    "Voltooid",
    "Doorlopend",
    "In uitvoering",
    "In uitvoering volgens planning",
    "In uitvoering maar met vertraging",
    "In (formele) consultatie",
    "Niet van toepassing",
)
ROLES = ("coordinating", "responsible", "commissioning", "executing", "partner", "driving", "monitoring")
#: Where the words scoping a responsibility stand: the responsibility column or the 2024 explanation.
SCOPE_FIELDS = ("responsibility", "explanation")
#: A timeline date: a year, year-month or date, as precise as the text.
WHEN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class SourceError(ValueError):
    """A curated source record is malformed."""


class Record(BaseModel):
    # strict: YAML already gives ints, strings and booleans; a quoted number or an unquoted word is a mistake.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


_WHEN: dict[str, Any] = {"pattern": WHEN}


class Bilingual(Record):
    nl: str
    en: str


# ---- actiepunten/NN.yaml ----


class Party(Record):
    org: str = Field(description="key of organisations.yaml")
    # str, not Literal: sources.py words the error for a wrong role; the enum is for editors' tools.
    role: str = Field(json_schema_extra={"enum": list(ROLES)})
    note: str | None = None
    scope: str | None = Field(None, description="the part of the action point this party answers for, quoted")
    scope_in: str = Field(
        "responsibility", description="where scope stands", json_schema_extra={"enum": list(SCOPE_FIELDS)}
    )


class Responsibility(Record):
    text: str = Field(description="the responsibility column as written")
    parties: list[Party] = []


class Timeline(Record):
    text: str = Field(description="the timeline column as written")
    start: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD, quoted", json_schema_extra=_WHEN)
    end: str | None = Field(None, json_schema_extra=_WHEN)
    deadline: str | None = Field(None, json_schema_extra=_WHEN)
    reporting_deadline: str | None = Field(None, json_schema_extra=_WHEN)
    open_ended: bool = False
    recurrence: str | None = Field(
        None, description="an xsd:duration such as P1Y", json_schema_extra={"pattern": r"^P\d+[YMD]$"}
    )


class Footnote(Record):
    marker: str
    text: str
    url: str | None = None


class ActionPoint(Record):
    """One action point as the plan's table states it (actiepunten/NN.yaml); its status per report is elsewhere."""

    number: int
    pillar: int
    theme: str
    source_lines: list[int] = Field(min_length=2, max_length=2, description="first and last line in the report")
    action: str
    objective: str
    responsibility: Responsibility
    timeline: Timeline


# ---- documents.yaml and rapporten/<slug>/report.yaml ----


class DocumentEntry(Record):
    key: str
    slug: str
    file: str
    sha256: str
    title_nl: str
    title_en: str
    year: int
    creator: str
    description_nl: str
    description_en: str
    origin_note: str
    signatory: str | None = None


class Plan(Record):
    key: str
    title_nl: str
    title_en: str
    abbreviation: str | None = None
    start_year: int
    end_year: int | None = None
    published_as: str | None = None
    revises: str | None = None
    contributors: list[str] = []


class Documents(Record):
    """documents.yaml: the plans (each report or letter describes its own document in its report.yaml)."""

    plans: list[Plan]


#: The kinds of report folder: a progress report gives a status per action point; a letter gives paragraphs.
REPORT_KINDS = ("progress-report", "letter")


class ReportMeta(Record):
    """rapporten/<slug>/report.yaml: one progress report or letter, its document and the graph it becomes."""

    kind: str = Field(json_schema_extra={"enum": list(REPORT_KINDS)})
    date: str = Field(description="the report's date, as precise as known: YYYY, YYYY-MM or YYYY-MM-DD", pattern=WHEN)
    plan: str = Field(description="key of the plan (documents.yaml) the report reports on")
    states_action_points: bool = Field(
        False, description="true for the report whose table states the action points (actiepunten/NN.yaml)"
    )
    test_fixture: bool = Field(False, description="invented test data: the build refuses it unless told otherwise")
    graph: Bilingual = Field(description="the title of the report's named graph")
    document: DocumentEntry = Field(description="the document; `file` is relative to the folder, `slug` its name")


class StatusRecord(Record):
    """rapporten/<slug>/stand-van-zaken/NN.yaml: what a progress report says about one action point."""

    action_point: int
    status: str = Field(json_schema_extra={"enum": list(STATUS_VALUES)})
    explanation: str
    footnotes: list[Footnote] | None = None


# ---- rapporten/<slug>/brief.yaml (letters) and events.yaml (progress reports) ----


class Update(Bilingual):
    action_point: int


class LetterParagraph(Record):
    n: int
    starts_with: str
    pillar: int | None = None
    updates: list[Update] = []


class OverallStatement(Record):
    paragraph: int
    text: str


class EventLink(Bilingual):
    n: int = Field(description="the action point the event concerns, in the editors' reading")


class LetterEvent(Bilingual):
    key: str
    kind: str = Field(description="occurred or planned")
    date: str
    as_written: str
    paragraph: int
    quote: str
    concerns: list[str] = []
    action_points: list[EventLink] = []


class Letter(Record):
    """rapporten/<slug>/brief.yaml: the letter's paragraphs, their updates and its events."""

    letter: str = Field(description="key of documents.yaml")
    reviewed: str
    overall_statement: OverallStatement
    paragraphs: list[LetterParagraph]
    events: list[LetterEvent] = []


class FoundIn(Record):
    action_point: int
    in_: str = Field("explanation", alias="in", description="explanation or timeline")
    quote: str


class ReportEvent(Bilingual):
    key: str
    kind: str = Field(description="occurred or planned")
    date: str
    as_written: str
    concerns: list[str] = []
    found_in: list[FoundIn]


class ReportEvents(Record):
    """rapporten/<slug>/events.yaml: the dated events a progress report gives in its rows."""

    events: list[ReportEvent]


# ---- alignments.yaml ----


class AlignmentTargets(Record):
    ungp: list[int] = []
    oecd_chapters: list[str] = []
    oecd_steps: list[int] = []
    ncp: bool = False


class Evidence(Record):
    report_2024: bool = False
    letter_paragraphs: list[int] = []


class Alignment(Record):
    action_point: int
    delivery: str = Field(description="intended or delivered")
    evidence: Evidence | None = None
    implements: AlignmentTargets | None = None
    supports: AlignmentTargets | None = None
    justification: Bilingual


class Alignments(Record):
    """alignments.yaml: the editors' method and each action point's alignments."""

    method: Bilingual
    analyst: str
    date: str
    alignments: list[Alignment]


# ---- organisations.yaml ----


class Tooi(Record):
    code: str
    certainty: str


class Organisation(Record):
    key: str
    name_nl: str
    name_en: str
    type: str | None = None
    abbreviation: str | None = None
    alt_labels_nl: list[str] = []
    homepage: str | None = None
    hosted_by: str | None = None
    tooi: Tooi | None = None
    named_in: list[str] = []
    note_nl: str | None = None
    note_en: str | None = None


class Organisations(Record):
    """organisations.yaml: ministries and other bodies."""

    organisations: list[Organisation]


# ---- programmes.yaml, partners.yaml, figures.yaml ----


class Mention(Record):
    """Where a document names a thing: a field of an action point's row, or a paragraph of the letter."""

    action_point: int | None = None
    field: str | None = Field(
        None, description='explanation, action, objective, responsibility, timeline or "footnote N"'
    )
    paragraph: int | None = None
    text: str


class EntityLinkRecord(Bilingual):
    action_point: int


class NamedInText(Record):
    """A thing the documents name: where they name it, and the editors' links for what only the letter names."""

    mentions: list[Mention] = []
    links: list[EntityLinkRecord] = []


class Reviewed(Record):
    reviewed: str = Field(description="the date (YYYY-MM-DD) the editors reviewed the file's links")


class Programme(NamedInText):
    key: str
    kind: str
    name_nl: str
    name_en: str
    abbreviation: str | None = None
    alt_labels_nl: list[str] = []
    part_of: str | None = None
    run_by: list[str] = []
    note_nl: str | None = None
    note_en: str | None = None


class Programmes(Reviewed):
    """programmes.yaml: programmes, schemes, partnerships, sector agreements, help desks."""

    programmes: list[Programme]


class Partner(NamedInText):
    org: str = Field(description="key of organisations.yaml")


class Partners(Reviewed):
    """partners.yaml: partner organisations and where the documents name them."""

    partners: list[Partner]


class FigureRecord(NamedInText):
    key: str
    value: int
    as_written: str
    approximate: bool = False
    out_of: int | None = None
    unit_nl: str | None = None
    unit_en: str | None = None
    measures_nl: str
    measures_en: str
    date: str | None = None


class Figures(Reviewed):
    """figures.yaml: the figures the documents give."""

    figures: list[FigureRecord]


# ---- instruments.yaml and eu-relations.yaml ----


class Certain(Record):
    value: str
    certainty: str


class Passage(Record):
    """A sentence of an action point's field or a letter paragraph, quoted verbatim."""

    action_point: int | None = None
    field: str | None = None
    letter_paragraph: int | None = None
    text: str


class Stage(Record):
    kind: str = Field(description="a concept of ontology/vocabularies/eu-stages.ttl")
    date: str
    certainty: str
    reference: bool = False
    cites: str | None = None
    quote: Passage | None = None
    set_by: str | None = None
    event: str | None = None
    scope_nl: str | None = None
    scope_en: str | None = None
    note_nl: str | None = None
    note_en: str | None = None


class Instrument(Record):
    key: str
    kind: str
    type: str | None = None
    abbreviation: str
    label_nl: str
    label_en: str
    title_en: str | None = None
    number: str | None = None
    procedure: str | None = None
    realises: str | None = None
    amends: list[str] = []
    celex: Certain | None = None
    eli: Certain | None = None
    stages: list[Stage] = []


class BwbPart(Record):
    bwb: str
    certainty: str


class DutchLaw(Record):
    key: str
    abbreviation: str | None = None
    label_nl: str
    label_en: str
    part_of: BwbPart | None = None
    in_force: Certain | None = None
    url: Certain | None = None


class DeadlineChange(Record):
    changing: str
    changed: str
    kind: str
    from_: str | None = Field(None, alias="from", description="the previous date, when the reference knows it")
    to: str
    certainty: str


class Subdivision(Record):
    act: str
    path: str
    part_of: str | None = None
    label_nl: str
    label_en: str
    eli: Certain | None = None
    quote: Passage | None = None


class TradeAgreement(Record):
    key: str
    abbreviation: str
    label_nl: str
    label_en: str
    appraised_in: list[str] = []
    quote: Passage | None = None


class Instruments(Record):
    """instruments.yaml: EU instruments with their lifecycles, Dutch laws, trade agreements."""

    instruments: list[Instrument]
    dutch_laws: list[DutchLaw]
    deadline_changes: list[DeadlineChange] = []
    subdivisions: list[Subdivision] = []
    trade_agreements: list[TradeAgreement] = []


class EURelation(Bilingual):
    action_point: int
    relation: str = Field(description="negotiates, implements, prepares-for or monitors")
    act: str
    evidence: Passage
    provision: str | None = None


class EURelations(Record):
    """eu-relations.yaml: the method and the typed relations of action points to EU acts."""

    method: Bilingual
    analyst: str
    date: str
    relations: list[EURelation]


# ---- catalog.yaml ----


class Term(Bilingual):
    """A term of a code list or vocabulary, by IRI, with its labels."""

    iri: str


class Licence(Term):
    type: Term
    same_as: list[str] = []


class CatalogPart(Record):
    title_nl: str
    title_en: str
    description_nl: str
    description_en: str
    homepage: str


class DatasetPart(Record):
    title_nl: str
    title_en: str
    description_nl: str
    description_en: str
    keywords_nl: list[str]
    keywords_en: list[str]
    landing_page: str
    plan: str = Field(description="key of a plan in documents.yaml")


class ServicePart(Record):
    title_nl: str
    title_en: str
    description_nl: str
    description_en: str
    keywords_nl: list[str]
    keywords_en: list[str]


class Publisher(Record):
    name_nl: str
    name_en: str
    email: str
    type: Term


class Spatial(Term):
    bbox: str
    centroid: str


class Standards(Record):
    ontology: Term
    sparql: Term


class DistributionRecord(Bilingual):
    file: str
    format: str
    format_label: str
    media_type: str
    compress: str | None = None


class Catalog(Record):
    """catalog.yaml: the DCAT-AP description of the catalogue, dataset, service and distributions."""

    issued: str
    modified: str
    catalog: CatalogPart
    dataset: DatasetPart
    service: ServicePart
    publisher: Publisher
    licence: Licence
    access_rights: Term
    availability: Term
    spatial: Spatial
    languages: list[Term]
    themes: list[Term]
    standards: Standards
    distributions: list[DistributionRecord]


#: The JSON Schema files written from the models: file name (without .schema.json) -> model.
SCHEMAS: dict[str, type[Record]] = {
    "action-point": ActionPoint,
    "documents": Documents,
    "report": ReportMeta,
    "status-record": StatusRecord,
    "kamerbrief": Letter,
    "report-events": ReportEvents,
    "alignments": Alignments,
    "organisations": Organisations,
    "programmes": Programmes,
    "partners": Partners,
    "figures": Figures,
    "instruments": Instruments,
    "eu-relations": EURelations,
    "catalog": Catalog,
}
#: The model of each curated file (the action points are checked by sources.py, one file each).
MODELS_BY_FILE: dict[str, type[Record]] = {
    "documents.yaml": Documents,
    "alignments.yaml": Alignments,
    "organisations.yaml": Organisations,
    "programmes.yaml": Programmes,
    "partners.yaml": Partners,
    "figures.yaml": Figures,
    "instruments.yaml": Instruments,
    "eu-relations.yaml": EURelations,
    "catalog.yaml": Catalog,
}

#: The model of each file of a report folder (rapporten/<slug>/; status records are checked one file each).
MODELS_IN_REPORT: dict[str, type[Record]] = {
    "report.yaml": ReportMeta,
    "brief.yaml": Letter,
    "events.yaml": ReportEvents,
}

# ---- errors, worded for people ----

_KINDS = {
    "int": "an integer",
    "string": "a string",
    "bool": "true or false",
    "list": "a list",
    "model": "a mapping",
    "dict": "a mapping",
}


def _node_at(root: yaml.Node | None, loc: tuple[int | str, ...]) -> yaml.Node | None:
    """The node `loc` points at, walking mappings by key and sequences by index; for a key, its key node (that
    is the line an editor looks for). Stops at the deepest node found (pydantic adds steps of its own)."""
    node = root
    for i, step in enumerate(loc):
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            pair = next(((k, v) for k, v in node.value if k.value == step), None)
            if pair is None:
                break
            if i == len(loc) - 1:
                return pair[0]
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            break
    return node


def _line(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    node = _node_at(root, loc)
    return None if node is None else node.start_mark.line + 1


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    """The model whose fields the mapping at `loc` should have (for the list of allowed fields)."""
    for step in loc:
        if not isinstance(step, str):
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == step), None)
        if field is None:
            break
        inner = _record_in(field.annotation)
        if inner is None:
            break
        model = inner
    return model


def _record_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _record_in(arg)
        if found is not None:
            return found
    return None


def _field_name(loc: tuple[int | str, ...]) -> str:
    """`timeline.start`, `responsibility.parties[1].role`: where the field stands, as an editor reads it."""
    name = ""
    for step in loc:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else step)
    return name


def _problem(error: ErrorDetails, model: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(f.alias or n for n, f in _model_at(model, loc[:-1]).model_fields.items())
        return f"field {_field_name(loc)!r} is not allowed (allowed: {allowed})"
    if kind == "missing" or (loc and error["input"] is None and kind.endswith("_type")):
        return f"missing required field {_field_name(loc)!r}"
    subject = f"field {_field_name(loc)!r}" if loc else "the record"
    # Type errors name the expected kind: int_type, int_parsing, string_type, list_type, model_type ...
    expected = next((v for k, v in _KINDS.items() if kind.startswith(k + "_")), None)
    if expected is not None:
        value = repr(error["input"])
        value = value if len(value) <= 60 else value[:57] + "..."
        return f"{subject} must be {expected}, not {value}"
    return f"{subject}: {error['msg']}"


def check(path: Path, data: Any, model: type[Record], text: str | None = None) -> None:
    """Raise SourceError for the first problem (in file order) of `data`, read from `path`, against `model`.

    `text` is the file's YAML (read again from `path` when not given, only when there is an error) for the lines.
    """
    try:
        model.model_validate(data)
    except ValidationError as exc:
        if text is None:
            text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        found = []
        for error in exc.errors():
            # A field missing has no line of its own: say it without one, as the loaders always have.
            line = None if error["type"] == "missing" else _line(root, tuple(error["loc"]))
            found.append((line, error))
        line, error = min(found, key=lambda f: (f[0] is None, f[0] or 0))  # file order; no line last
        where = f"{path}:{line}" if line is not None else str(path)
        raise SourceError(f"{where}: {_problem(error, model)}") from None


def validated(path: Path, data: Any) -> Any:
    """`data`, read from the curated file `path`, once it fits the model for that file name (see MODELS_BY_FILE)."""
    model = MODELS_IN_REPORT[path.name] if path.parent.parent.name == "rapporten" else MODELS_BY_FILE[path.name]
    check(path, data, model)
    return data


def json_schemas() -> dict[str, str]:
    """The JSON Schema text of every record kind, by file name, as write_json_schemas() writes them."""
    return {
        f"{name}.schema.json": json.dumps(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema(by_alias=True)},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
        for name, model in SCHEMAS.items()
    }


def write_json_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    """Write graph/sources/schema/*.schema.json from the models (run after changing a model; a test compares)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for written in write_json_schemas():
        print(written)
