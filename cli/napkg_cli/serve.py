"""Command-line entry for serving: ``napkg serve`` and ``python -m napkg_cli.serve --data FILE ... [--port N]``
share it.

Flags override ``NAPKG_*`` environment variables, which override the defaults.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from napkg_graph.config import flag_help, flag_name, opt, scalar_parser
from napkg_server.app import create_app
from napkg_server.data.store import DataLoadError
from napkg_server.engine.remote import shown_url
from napkg_server.http.http_guard import ConnectionLimits, guarded_protocol, raise_descriptor_limit
from napkg_server.settings import DataSource, Settings


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
    """Add the flags of the ``serve`` command to ``parser``: --data and --named-graph, then one flag per field of
    :class:`Settings` (its help from the field's description and default, its type and metavar from the field's Opt)."""
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
    # `napkg serve` defines --dist and --base-iri too (for the build); its parser resolves the conflict to these
    # definitions, with the same dest, so both read the one value.
    for name, field in Settings.model_fields.items():
        option = opt(field)
        if not option.flag:
            continue
        if field.annotation is bool:
            # None when absent, so the environment's value stands.
            parser.add_argument(flag_name(name), action="store_true", default=None, help=flag_help(field))
        elif option.many:
            parser.add_argument(
                flag_name(name), metavar=option.metavar, nargs="+", action="extend", help=flag_help(field)
            )
        else:
            parser.add_argument(
                flag_name(name),
                type=scalar_parser(field),
                metavar=option.metavar,
                choices=option.choices,
                help=flag_help(field),
            )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The environment's settings with every flag that was given applied on top."""
    overrides: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        option = opt(field)
        value = getattr(args, name, None)
        if not option.flag or value is None or value == "":
            continue
        if option.many:
            # The words of every use of the flag, parsed as the environment variable is.
            value = scalar_parser(field)(" ".join(value))
        overrides[name] = value
    sources = getattr(args, "data_sources", None)
    if sources:
        overrides["data"] = tuple(sources)
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
