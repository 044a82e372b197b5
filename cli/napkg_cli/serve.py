"""Command-line entry for serving: ``napkg serve`` and ``python -m napkg_cli.serve --data FILE ... [--port N]``
share it.

Flags override ``NAPKG_*`` environment variables, which override the defaults.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import uvicorn
from napkg_server.app import create_app
from napkg_server.data.store import DataLoadError
from napkg_server.engine.remote import shown_url
from napkg_server.http.http_guard import ConnectionLimits, guarded_protocol, raise_descriptor_limit
from napkg_server.settings import DataSource, Settings, parse_size


class _NamedGraphAction(argparse.Action):
    """``--named-graph IRI FILE``: appended to the same ordered list as ``--data``."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        assert isinstance(values, list)
        iri, path = values
        sources = list(getattr(namespace, self.dest, None) or [])
        sources.append(DataSource(Path(path), iri))
        setattr(namespace, self.dest, sources)


def _data_source(value: str) -> DataSource:
    return DataSource(Path(value))


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the flags of the ``serve`` command to ``parser``."""
    parser.add_argument("--host", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to bind (default 8000)")
    parser.add_argument(
        "--data",
        dest="data_sources",
        metavar="FILE",
        nargs="+",
        action="extend",
        type=_data_source,
        help="RDF file(s) to serve (.trig .nq .ttl .nt .rdf .owl .xml .jsonld); repeatable",
    )
    parser.add_argument(
        "--named-graph",
        dest="data_sources",
        metavar=("IRI", "FILE"),
        nargs=2,
        action=_NamedGraphAction,
        help="serve a triples FILE as the named graph IRI; repeatable",
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        metavar="SECONDS",
        help="stop queries running longer than this (default 30)",
    )
    parser.add_argument("--base-iri", help="base IRI for relative IRIs in data and queries")
    parser.add_argument(
        "--max-concurrent-queries",
        type=int,
        metavar="N",
        help="query worker processes (default: number of cores, at least 2)",
    )
    parser.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"])
    _add_limit_arguments(parser)
    # `napkg serve` defines --dist too (where to build); its parser resolves the conflict to
    # this definition, with the same dest, so both read the one directory.
    parser.add_argument(
        "--dist",
        dest="dist",
        metavar="DIR",
        help="directory of the published files, served under /downloads/ (also /catalog, /.well-known/void)",
    )
    parser.add_argument(
        "--store",
        metavar="DIR",
        help="keep the data in an on-disk store in DIR: loaded from --data when given, else reopened as it is",
    )
    parser.add_argument(
        "--remote",
        metavar="URL",
        help="answer from this SPARQL 1.1 query endpoint instead of data files (filled by `napkg publish --to`; "
        "its default graph must be the union of its named graphs)",
    )


# Limits and logging (README "Limits"): flag, type, metavar, help; each also NAPKG_<FLAG>.
_LIMIT_FLAGS: list[tuple[str, Callable[[str], object], str, str]] = [
    ("max_rows", int, "N", "cut SELECT answers after N rows, flagged X-Result-Truncated (default 100000)"),
    ("max_response_bytes", int, "BYTES", "refuse answers larger than this with 422 (default 50000000)"),
    ("max_query_length", int, "CHARS", "refuse longer query texts with 413 (default 100000)"),
    ("max_queries_per_client", int, "N", "requests running queries at once per client address; 429 beyond (default 4)"),
    ("access_log", str, "FILE", "JSON-lines access log: - (stderr, the default), a file, or off"),
    ("max_request_bytes", int, "BYTES", "refuse request bodies larger than this with 413 (default 1000000)"),
    ("max_connections", int, "N", "open connections at once; the longest idle makes room, else 503 (default 1000)"),
    ("max_header_count", int, "N", "header fields per request; 431 beyond (default 100)"),
    ("max_header_bytes", int, "BYTES", "bytes of header fields per request; 431 beyond (default 32768)"),
    ("header_timeout", float, "SECONDS", "time to send a request's head; 408 after (default 10)"),
    ("body_timeout", float, "SECONDS", "time to send a request's body once its head is in; 408 after (default 30)"),
    (
        "query_memory",
        parse_size,
        "BYTES",
        "memory one query may add to its worker, e.g. 2G; 503 beyond (default: "
        "half the machine's memory divided among the workers)",
    ),
    ("max_query_depth", int, "N", "deepest nesting of { ( [ in a query; 400 beyond (default 100)"),
]


def _add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    for name, kind, metavar, text in _LIMIT_FLAGS:
        parser.add_argument("--" + name.replace("_", "-"), type=kind, metavar=metavar, help=text)
    parser.add_argument(
        "--federation-allow",
        metavar="IRI",
        nargs="+",
        action="extend",
        help="SERVICE endpoint(s) queries may call; default none (federation off)",
    )
    parser.add_argument(
        "--access-log-queries", action="store_true", default=None, help="log query texts, not only their hash"
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="ADDRESS",
        nargs="+",
        action="extend",
        help="reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or networks, * for any); "
        "default none: the client is the connection's peer",
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The environment's settings with every flag that was given applied on top."""
    overrides: dict[str, Any] = {}
    for flag, field in [
        ("host", "host"),
        ("port", "port"),
        ("query_timeout", "query_timeout"),
        ("base_iri", "base_iri"),
        ("max_concurrent_queries", "max_concurrent_queries"),
        ("log_level", "log_level"),
        *((name, name) for name, *_ in _LIMIT_FLAGS),
        ("access_log_queries", "access_log_queries"),
    ]:
        value = getattr(args, flag, None)
        if value is not None:
            overrides[field] = value
    dist = getattr(args, "dist", None)
    if dist:
        overrides["dist"] = Path(dist)
    if getattr(args, "store", None):
        overrides["store"] = Path(args.store)
    if getattr(args, "remote", None):
        overrides["remote"] = args.remote
    sources = getattr(args, "data_sources", None)
    if sources:
        overrides["data"] = tuple(sources)
    if getattr(args, "federation_allow", None):
        overrides["federation_allow"] = tuple(args.federation_allow)
    if getattr(args, "forwarded_allow_ips", None):
        given = " ".join(args.forwarded_allow_ips).replace(",", " ")
        overrides["forwarded_allow_ips"] = tuple(given.split())
    return Settings.from_env(**overrides)


def connection_limits(settings: Settings) -> ConnectionLimits:
    """The limits of :mod:`napkg_server.http.http_guard`; a GET may carry a query at the length limit,
    percent-encoded."""
    max_connections = raise_descriptor_limit(settings.max_connections)
    return ConnectionLimits(
        max_connections=max_connections,
        max_header_count=settings.max_header_count,
        max_header_bytes=settings.max_header_bytes,
        max_url_bytes=3 * settings.max_query_length + 8192,
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
    )


def run_serve(args: argparse.Namespace) -> int:
    """Load the data and serve it until interrupted; the exit status."""
    try:
        settings = settings_from_args(args)
        app = create_app(settings)
    except (DataLoadError, ValueError) as error:
        print(f"napkg serve: {error}", file=sys.stderr)
        return 1
    if not settings.data and settings.store is None and settings.remote is None:
        print("napkg serve: warning: no --data given; serving an empty dataset", file=sys.stderr)
    source = f"answered by {shown_url(settings.remote)}" if settings.remote else f"{len(settings.data)} file(s)"
    print(
        f"napkg serve: http://{settings.host}:{settings.port}/sparql "
        f"({source}, query time limit {settings.query_timeout:g} s)",
        file=sys.stderr,
    )
    limits = connection_limits(settings)
    # The app writes its own JSON-lines access log (napkg_server.http.access_log); uvicorn's never (off means off).
    # The proxy headers are read only from --forwarded-allow-ips (uvicorn alone would believe loopback peers).
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        http=guarded_protocol(limits),
        proxy_headers=True,
        forwarded_allow_ips=list(settings.forwarded_allow_ips) or "",
    )
    return 0


def main() -> int:
    """``python -m napkg_cli.serve``: serve RDF files over SPARQL, without the build's subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m napkg_cli.serve", description="Serve RDF files over the SPARQL 1.1 Protocol."
    )
    add_serve_arguments(parser)
    return run_serve(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
