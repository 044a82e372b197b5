"""Typed, frozen settings of the SPARQL endpoint: one pydantic-settings model, read from ``NAPKG_*``.

Precedence is defaults < environment < command-line flags. The model's base (environment reading, one-line errors,
:class:`~napkg_graph.config.Opt`) is :class:`napkg_graph.config.NapkgSettings`, shared with the build. The flags of
``napkg serve`` are generated from the fields (:func:`napkg_cli.serve.add_serve_arguments`): the field's
description is the help, followed by its default (:func:`~napkg_graph.config.flag_help`), its ``Opt`` the metavar
and how text becomes a value, so a new setting is one field here.

>>> s = Settings.from_env({"NAPKG_PORT": "9000", "NAPKG_QUERY_TIMEOUT": "2.5"})
>>> (s.host, s.port, s.query_timeout, s.base_iri)
('127.0.0.1', 9000, 2.5, 'https://w3id.org/nap-kg/')
>>> Settings.from_env({"NAPKG_NAMED_GRAPHS": "http://ex/g a.nt"}).data
(DataSource(path=PosixPath('a.nt'), graph='http://ex/g'),)
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Self

from napkg_graph.config import DEFAULT_BASE_IRI, ENV_PREFIX, NapkgSettings, Opt
from pydantic import Field, model_validator


def default_worker_count() -> int:
    """One query worker per core, but at least two so one slow query never blocks the rest."""
    return max(2, os.cpu_count() or 2)


_SIZE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_size(text: str) -> int:
    """Bytes from ``text``: a number with an optional K, M, G or T (binary multiples; a trailing B or iB is allowed).

    >>> parse_size("512M"), parse_size("1.5GiB"), parse_size("1000")
    (536870912, 1610612736, 1000)
    """
    number = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = number[-1:] if number[-1:] in _SIZE_UNITS else ""
    try:
        return int(float(number.removesuffix(unit)) * _SIZE_UNITS[unit]) if unit else int(number)
    except ValueError:
        raise ValueError(f"not a size in bytes (such as 512M or 2G): {text!r}") from None


def physical_memory() -> int:
    """Bytes of RAM of this machine (0 where the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


@dataclass(frozen=True, slots=True)
class DataSource:
    """One RDF file to serve; ``graph`` puts a triples file into that named graph."""

    path: Path
    graph: str | None = None


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _addresses(text: str) -> tuple[str, ...]:
    return tuple(text.replace(",", " ").split())


def _yes(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")


class Settings(NapkgSettings):
    """Everything the server needs to start; one instance per app (no module globals)."""

    host: Annotated[str, Opt()] = Field(default="127.0.0.1", description="address to bind")
    port: Annotated[int, Opt()] = Field(default=8000, description="port to bind")
    # --data and --named-graph are two flags for the one ordered list (napkg_cli.serve writes them by hand).
    data: Annotated[tuple[DataSource, ...], Opt(flag=False, env=False)] = Field(
        default=(), description="RDF files to serve"
    )
    query_timeout: Annotated[float, Opt("SECONDS", limit=True)] = Field(
        default=30.0, description="stop queries running longer than this"
    )
    base_iri: Annotated[str, Opt()] = Field(
        default=DEFAULT_BASE_IRI, description="base IRI for relative IRIs in data and queries"
    )
    cors_origins: Annotated[tuple[str, ...], Opt(parse=_words, flag=False)] = Field(
        default=("*",), description="origins allowed to read answers cross-origin, separated by spaces"
    )
    max_concurrent_queries: Annotated[int, Opt("N", limit=True, shown_default="cores, at least 2")] = Field(
        default_factory=default_worker_count,
        description="query worker processes",
    )
    max_request_bytes: Annotated[int, Opt("BYTES", limit=True)] = Field(
        default=1_000_000, description="refuse request bodies larger than this with 413"
    )
    log_level: Annotated[str, Opt(choices=("critical", "error", "warning", "info", "debug"))] = Field(
        default="info", description="uvicorn's log level"
    )
    dist: Annotated[Path | None, Opt("DIR")] = Field(
        default=None,
        description="directory of the published files, served under /downloads/ (also /catalog, /.well-known/void)",
    )
    releases: Annotated[Path | None, Opt("DIR", shown_default="beside --dist")] = Field(
        default=None,
        description="folder of the releases (napkg release), served at /releases/ and /feed/",
    )
    store: Annotated[Path | None, Opt("DIR")] = Field(
        default=None,
        description="keep the data in an on-disk store in DIR: loaded from --data when given, else reopened as it is",
    )
    remote: Annotated[str | None, Opt("URL")] = Field(
        default=None,
        description="answer from this SPARQL 1.1 query endpoint instead of data files (filled by `napkg publish "
        "--to`; its default graph must be the union of its named graphs)",
    )
    remote_method: Annotated[str, Opt(choices=("auto", "get", "form", "direct"))] = Field(
        default="auto",
        description="how --remote queries are sent: auto (GET when short, else a form POST, as a probe at start "
        "finds the remote takes them), get, form (POST application/x-www-form-urlencoded) or direct (POST "
        "application/sparql-query)",
    )
    remote_graphs: Annotated[
        tuple[str, ...], Opt("IRI", parse=_words, many=True, shown_default="the remote's graphs under graph/")
    ] = Field(
        default=(),
        description="the named graphs --remote serves",
    )
    remote_union_graph: Annotated[str | None, Opt("IRI", shown_default="the remote's default graph")] = Field(
        default=None,
        description="a named graph of the remote holding the union of the served graphs (`napkg publish "
        "--union-graph`): queries get it as their default graph and only the served graphs as named graphs, so "
        "nothing else the engine holds is seen (needed on Virtuoso)",
    )
    result_cache_bytes: Annotated[int, Opt(flag=False)] = Field(
        default=64 * 1024 * 1024,
        description="bytes of query answers kept (the data is read-only between reloads); 0: off",
    )
    max_rows: Annotated[int, Opt("N", limit=True)] = Field(
        default=100_000, description="cut SELECT answers after N rows, flagged X-Result-Truncated"
    )
    max_response_bytes: Annotated[int, Opt("BYTES", limit=True)] = Field(
        default=50_000_000, description="refuse answers larger than this with 422"
    )
    max_query_length: Annotated[int, Opt("CHARS", limit=True)] = Field(
        default=100_000, description="refuse longer query texts with 413"
    )
    max_queries_per_client: Annotated[int, Opt("N", limit=True)] = Field(
        default=4, description="requests running queries at once per client address; 429 beyond"
    )
    federation_allow: Annotated[tuple[str, ...], Opt("IRI", parse=_words, many=True, limit=True)] = Field(
        default=(), description="SERVICE endpoint(s) queries may call; without one, federation is off"
    )
    access_log: Annotated[str, Opt("FILE")] = Field(
        default="-", description="JSON-lines access log: - (stderr), a file, or off"
    )
    access_log_queries: Annotated[bool, Opt(parse=_yes)] = Field(
        default=False, description="log query texts, not only their hash"
    )
    admin_token: Annotated[str | None, Opt(flag=False)] = Field(
        default=None, description="bearer token for POST /admin/reload; without one only loopback clients may reload"
    )
    # Connections and request heads (issue 13; napkg_server.http.http_guard).
    max_connections: Annotated[int, Opt("N", limit=True)] = Field(
        default=1000, description="open connections at once; the longest idle makes room, else 503"
    )
    max_header_count: Annotated[int, Opt("N", limit=True)] = Field(
        default=100, description="header fields per request; 431 beyond"
    )
    max_header_bytes: Annotated[int, Opt("BYTES", limit=True)] = Field(
        default=32_768, description="bytes of header fields per request; 431 beyond"
    )
    header_timeout: Annotated[float, Opt("SECONDS", limit=True)] = Field(
        default=10.0, description="time to send a request's head; 408 after"
    )
    body_timeout: Annotated[float, Opt("SECONDS", limit=True)] = Field(
        default=30.0, description="time to send a request's body once its head is in; 408 after"
    )
    forwarded_allow_ips: Annotated[tuple[str, ...], Opt("ADDRESS", parse=_addresses, many=True, limit=True)] = Field(
        default=(),
        description="reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or networks, * for any); "
        "without one, the client is the connection's peer",
    )
    # Query workers (issue 13; napkg_server.engine.workers).
    query_memory: Annotated[
        int | None,
        Opt(
            "BYTES",
            parse=parse_size,
            limit=True,
            shown_default="half the machine's memory divided among the query workers, at least 256 MiB",
        ),
    ] = Field(default=None, description="memory one query may add to its worker, e.g. 2G; 503 beyond")
    max_query_depth: Annotated[int, Opt("N", limit=True)] = Field(
        default=100, description="deepest nesting of { ( [ in a query; 400 beyond"
    )

    @staticmethod
    def read_env_extra(env: Mapping[str, str]) -> dict[str, Any]:
        """``data`` from ``NAPKG_DATA`` (shell-quoted paths) and ``NAPKG_NAMED_GRAPHS`` (``IRI FILE`` pairs)."""
        sources = [DataSource(Path(p)) for p in shlex.split(env.get(ENV_PREFIX + "DATA", ""))]
        pairs = shlex.split(env.get(ENV_PREFIX + "NAMED_GRAPHS", ""))
        if len(pairs) % 2:
            raise ValueError(f"{ENV_PREFIX}NAMED_GRAPHS must hold IRI FILE pairs")
        sources += [DataSource(Path(path), iri) for iri, path in zip(pairs[::2], pairs[1::2], strict=True)]
        return {"data": tuple(sources)} if sources else {}

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be 0..65535, not {self.port}")
        if self.query_timeout <= 0:
            raise ValueError(f"query_timeout must be positive, not {self.query_timeout}")
        if self.max_concurrent_queries < 1:
            raise ValueError("max_concurrent_queries must be at least 1")
        if self.max_request_bytes < 1:
            raise ValueError("max_request_bytes must be at least 1")
        if "://" not in self.base_iri:
            raise ValueError(f"base_iri must be an absolute IRI, not {self.base_iri!r}")
        for name in ("max_connections", "max_header_count", "max_header_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("header_timeout", "body_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.query_memory is not None and self.query_memory < 64 * 2**20:
            raise ValueError(f"query_memory must be at least 64M, not {self.query_memory}")
        if self.max_query_depth < 1:
            raise ValueError("max_query_depth must be at least 1")
        for name in ("max_rows", "max_response_bytes", "max_query_length", "max_queries_per_client"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.remote is not None:
            if not self.remote.startswith(("http://", "https://")):
                raise ValueError(f"remote must be an http(s) URL of a SPARQL query endpoint, not {self.remote!r}")
            if self.data or self.store is not None:
                raise ValueError(
                    "--remote serves the data of a remote endpoint: it cannot be combined with "
                    "--data, --named-graph or --store (NAPKG_DATA, NAPKG_NAMED_GRAPHS, NAPKG_STORE)"
                )
        for iri in (*self.remote_graphs, *([self.remote_union_graph] if self.remote_union_graph else [])):
            if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S+$", iri):
                raise ValueError(f"remote_graphs and remote_union_graph need absolute IRIs, not {iri!r}")
        for iri in self.federation_allow:
            if "://" not in iri:
                raise ValueError(f"federation_allow needs absolute IRIs, not {iri!r}")
        return self

    def query_memory_limit(self) -> int:
        """The memory one query may add to its worker: ``query_memory``, or else half the machine's memory
        divided among the workers (so that all of them at their limit leave the other half to the server),
        at least 256 MiB."""
        if self.query_memory is not None:
            return self.query_memory
        return max(256 * 2**20, physical_memory() // (2 * self.max_concurrent_queries))
