"""Read a SPARQL 1.1 Protocol request (query side) off an HTTP request.

Three ways to send a query: GET ``?query=``, POST ``application/x-www-form-urlencoded``
and POST ``application/sparql-query`` (UTF-8). ``default-graph-uri`` and
``named-graph-uri`` may repeat, in the URL or the form body. A GET without any
protocol parameter asks for the service description.

Every client mistake becomes a :class:`SparqlHttpError` with a 4xx status and a
message for people; updates are refused (the endpoint is read-only).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from pyoxigraph import NamedNode
from starlette.requests import Request

from napkg_server.http.access_log import QUERY_KEY
from napkg_server.http.negotiation import UnknownFormatError, accept_from_format_values
from napkg_server.http.problems import HttpProblem

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
UTF8_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
READ_ONLY_MESSAGE = (
    "This endpoint is read-only: SPARQL Update is not accepted here. "
    "Send a query (SELECT, ASK, CONSTRUCT or DESCRIBE) instead."
)


class SparqlHttpError(HttpProblem):
    """An :class:`HttpProblem` of the SPARQL protocol: no links to offer, so its text body is the message
    alone, as SPARQL clients expect. A constructor with that preset, not a second error type."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, message, headers, links=())


@dataclass(frozen=True)
class ProtocolDataset:
    """The RDF dataset given by ``default-graph-uri``/``named-graph-uri``."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


@dataclass(frozen=True)
class QueryRequest:
    query: str
    dataset: ProtocolDataset | None
    accept: str | None  # from `format=` if given, else the Accept header


@dataclass(frozen=True)
class DescriptionRequest:
    accept: str | None


SparqlRequest = QueryRequest | DescriptionRequest


def parse_parameters(raw: bytes, where: str) -> list[tuple[str, str]]:
    """``application/x-www-form-urlencoded`` pairs; bytes that are not UTF-8 are a 400."""
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise SparqlHttpError(400, f"The {where} is not valid UTF-8.") from None


def split_content_type(value: str) -> tuple[str, dict[str, str]]:
    """Media type and parameters, lower-cased.

    >>> split_content_type('Application/SPARQL-Query; charset="UTF-8"')
    ('application/sparql-query', {'charset': 'utf-8'})
    """
    media_type, *rest = value.split(";")
    params = {}
    for item in rest:
        name, _, param = item.partition("=")
        params[name.strip().lower()] = param.strip().strip('"').lower()
    return media_type.strip().lower(), params


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _graph_iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    iris = _values(params, name)
    for iri in iris:
        try:
            NamedNode(iri)
        except ValueError:
            raise SparqlHttpError(400, f"{name}: {iri!r} is not a valid absolute IRI.") from None
    return tuple(iris)


def _dataset(params: list[tuple[str, str]]) -> ProtocolDataset | None:
    names = {key for key, _ in params}
    if not names & {"default-graph-uri", "named-graph-uri"}:
        return None
    return ProtocolDataset(_graph_iris(params, "default-graph-uri"), _graph_iris(params, "named-graph-uri"))


def _accept(request: Request, params: list[tuple[str, str]]) -> str | None:
    try:
        override = accept_from_format_values(_values(params, "format"))
    except UnknownFormatError as error:
        raise SparqlHttpError(400, str(error)) from None
    return override if override is not None else request.headers.get("accept")


def _recorded(request: Request, query: QueryRequest) -> QueryRequest:
    """``query``, its text left in the request scope for the access log (which hashes it)."""
    request.scope[QUERY_KEY] = query.query
    return query


def _single_query(params: list[tuple[str, str]], query_in_body: str | None = None) -> str:
    queries = _values(params, "query") + ([query_in_body] if query_in_body is not None else [])
    if not queries:
        raise SparqlHttpError(400, "Missing the 'query' parameter: send exactly one query.")
    if len(queries) > 1:
        raise SparqlHttpError(400, f"The query was given {len(queries)} times; send exactly one query.")
    if not queries[0].strip():
        raise SparqlHttpError(400, "The query is empty.")
    return queries[0]


async def _read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise SparqlHttpError(413, f"The request body is larger than {max_bytes} bytes.")
    body = await request.body()
    if len(body) > max_bytes:
        raise SparqlHttpError(413, f"The request body is larger than {max_bytes} bytes.")
    return body


def read_get(request: Request) -> SparqlRequest:
    params = parse_parameters(request.scope.get("query_string", b""), "query string")
    names = {key for key, _ in params}
    if "update" in names:
        raise SparqlHttpError(403, READ_ONLY_MESSAGE)
    if not names & {"query", "default-graph-uri", "named-graph-uri"}:
        return DescriptionRequest(_accept(request, params))
    return _recorded(request, QueryRequest(_single_query(params), _dataset(params), _accept(request, params)))


async def read_post(request: Request, max_bytes: int) -> QueryRequest:
    url_params = parse_parameters(request.scope.get("query_string", b""), "query string")
    raw_type = request.headers.get("content-type")
    if raw_type is None:
        raise SparqlHttpError(415, f"A POST needs a Content-Type: {FORM} or {SPARQL_QUERY} (UTF-8).")
    media_type, type_params = split_content_type(raw_type)
    if media_type == SPARQL_UPDATE or "update" in {key for key, _ in url_params}:
        raise SparqlHttpError(403, READ_ONLY_MESSAGE)
    if media_type not in (FORM, SPARQL_QUERY):
        raise SparqlHttpError(
            415,
            f"Unsupported Content-Type {media_type!r}: send {FORM} or {SPARQL_QUERY} (UTF-8).",
        )
    charset = type_params.get("charset", "utf-8")
    if charset not in UTF8_CHARSETS:
        raise SparqlHttpError(415, f"Unsupported charset {charset!r}: send the query as UTF-8.")
    body = await _read_body(request, max_bytes)
    if media_type == FORM:
        params = url_params + parse_parameters(body, "request body")
        if "update" in {key for key, _ in params}:
            raise SparqlHttpError(403, READ_ONLY_MESSAGE)
        return _recorded(request, QueryRequest(_single_query(params), _dataset(params), _accept(request, params)))
    try:
        text = body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise SparqlHttpError(400, "The request body is not valid UTF-8.") from None
    query = QueryRequest(_single_query(url_params, text), _dataset(url_params), _accept(request, url_params))
    return _recorded(request, query)
