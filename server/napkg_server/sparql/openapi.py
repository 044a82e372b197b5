"""OpenAPI documentation of ``/sparql``, generated from the media-type table in formats.py."""

from __future__ import annotations

from typing import Any

from napkg_server.formats import BY_KEY, FORMATS, HTML_MEDIA_TYPE, TEXT_MEDIA_TYPE, ResultKind
from napkg_server.sparql.protocol import FORM, SPARQL_QUERY

_TEXT = {TEXT_MEDIA_TYPE: {"schema": {"type": "string"}}}


def _result_content() -> dict[str, Any]:
    content: dict[str, Any] = {}
    for fmt in FORMATS:
        forms = "SELECT, ASK" if fmt.kind is ResultKind.SOLUTIONS else "CONSTRUCT, DESCRIBE"
        # JSON bodies are JSON values (an object; JSON-LD may be an array), the others text.
        kind = ["object", "array"] if fmt.media_type.endswith("json") else "string"
        content[fmt.media_type] = {"schema": {"type": kind, "description": f"{fmt.label} ({forms})"}}
    content[HTML_MEDIA_TYPE] = {"schema": {"type": "string", "description": "HTML page (GET without a query)"}}
    return content


SPARQL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "Query results, chosen by the Accept header (q-values honoured) or the "
            "`format` parameter. SELECT/ASK default to SPARQL JSON, CONSTRUCT/DESCRIBE "
            "to Turtle. A GET without a query returns the service description (RDF) "
            "or, for browsers, an HTML page."
        ),
        "content": _result_content(),
        "headers": {
            "X-Result-Truncated": {
                "description": "`true` when a SELECT answer was cut at the row limit (NAPKG_MAX_ROWS).",
                "schema": {"type": "string", "enum": ["true"]},
            }
        },
    },
    400: {
        "description": "Malformed query or request (parser message and position).",
        "content": _TEXT,
    },
    403: {"description": "SPARQL Update: the endpoint is read-only.", "content": _TEXT},
    406: {
        "description": "No acceptable media type; the body lists what can be served.",
        "content": _TEXT,
    },
    413: {"description": "Request body or query text too long (NAPKG_MAX_QUERY_LENGTH).", "content": _TEXT},
    415: {
        "description": "POST with a missing or unsupported Content-Type or charset.",
        "content": _TEXT,
    },
    422: {"description": "The answer is larger than the response size limit.", "content": _TEXT},
    429: {"description": "Too many queries at once from this client; see Retry-After.", "content": _TEXT},
    503: {"description": "The query ran past the time limit and was stopped.", "content": _TEXT},
}


def _parameter(name: str, description: str, *, repeated: bool = False, enum: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = enum
    if repeated:
        schema = {"type": "array", "items": schema}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **({"explode": True} if repeated else {}),
    }


_DATASET_PARAMETERS = [
    _parameter(
        "default-graph-uri",
        "A graph of the default graph (repeatable); with named-graph-uri it replaces FROM/FROM NAMED.",
        repeated=True,
    ),
    _parameter("named-graph-uri", "A named graph of the dataset (repeatable).", repeated=True),
    _parameter("format", "Overrides Accept: " + ", ".join(BY_KEY) + ".", enum=list(BY_KEY)),
]

SPARQL_GET_EXTRA: dict[str, Any] = {
    "parameters": [
        _parameter(
            "query",
            "The SPARQL query. Without it (and without a dataset), the service description is returned.",
        ),
        *_DATASET_PARAMETERS,
    ]
}

SPARQL_POST_EXTRA: dict[str, Any] = {
    "parameters": _DATASET_PARAMETERS,
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {
                        "query": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
            SPARQL_QUERY: {"schema": {"type": "string", "description": "The query, UTF-8."}},
        },
    },
}
