"""Typed, frozen settings of the SPARQL endpoint, read from the environment (``NAPKG_...``).

Precedence is defaults < environment < command-line flags (see :mod:`napkg_cli.serve`).

>>> s = Settings.from_env({"NAPKG_PORT": "9000", "NAPKG_QUERY_TIMEOUT": "2.5"})
>>> (s.host, s.port, s.query_timeout, s.base_iri)
('127.0.0.1', 9000, 2.5, 'https://w3id.org/nap-kg/')
>>> Settings.from_env({"NAPKG_NAMED_GRAPHS": "http://ex/g a.nt"}).data
(DataSource(path=PosixPath('a.nt'), graph='http://ex/g'),)
"""

from __future__ import annotations

import dataclasses
import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_PREFIX = "NAPKG_"


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


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to start; one instance per app (no module globals)."""

    host: str = "127.0.0.1"
    port: int = 8000
    data: tuple[DataSource, ...] = ()
    query_timeout: float = 30.0
    base_iri: str = "https://w3id.org/nap-kg/"
    cors_origins: tuple[str, ...] = ("*",)
    max_concurrent_queries: int = field(default_factory=default_worker_count)
    max_request_bytes: int = 1_000_000
    log_level: str = "info"
    # The published directory (``napkg build --dist``): /downloads/, /catalog, /.well-known/void.
    dist: Path | None = None
    # An on-disk store (``--store DIR``, ``NAPKG_STORE``): loaded from ``data`` when given, else reopened.
    store: Path | None = None
    # A remote SPARQL 1.1 endpoint (``--remote URL``, ``NAPKG_REMOTE``) to answer from instead of the data
    # files; it must use the union of its named graphs as default graph. Excludes ``data`` and ``store``.
    remote: str | None = None
    # Bytes of query answers kept (the data is read-only between reloads); 0 turns the cache off.
    result_cache_bytes: int = 64 * 1024 * 1024
    # --- Limits (README, section "Limits"); each also NAPKG_<NAME> and --<name> ---
    max_rows: int = 100_000
    """SELECT answers are cut after this many rows, flagged by ``X-Result-Truncated: true``."""
    max_response_bytes: int = 50_000_000
    """An answer larger than this (serialised) is refused with 422."""
    max_query_length: int = 100_000
    """Characters of query text accepted; a longer query is refused with 413."""
    max_queries_per_client: int = 4
    """Requests that run queries, at once, per client address; more get 429 with Retry-After."""
    federation_allow: tuple[str, ...] = ()
    """SERVICE endpoints queries may call (full IRIs); empty: federation off, workers have no sockets."""
    access_log: str = "-"
    """JSON-lines access log: ``-`` for stderr, a file path, or ``off``."""
    access_log_queries: bool = False
    """Also log the query text (by default only its sha256)."""
    admin_token: str | None = None
    """Bearer token for ``POST /admin/reload``; without one only loopback clients may reload."""
    # --- Connections and request heads (issue 13; napkg_server.http.http_guard) ---
    max_connections: int = 1000
    """Open connections at once; more are answered 503 with Retry-After and the cap is logged."""
    max_header_count: int = 100
    """Header fields per request; more get 431."""
    max_header_bytes: int = 32_768
    """Bytes of header fields (names and values) per request; more get 431."""
    header_timeout: float = 10.0
    """Seconds from a connection's opening (or a request's first byte) to the end of the head; then 408."""
    body_timeout: float = 30.0
    """Seconds from the end of a request's head to the end of its body; then 408."""
    forwarded_allow_ips: tuple[str, ...] = ()
    """Proxies whose X-Forwarded-For/-Proto are believed (addresses or networks, ``*`` for any); none by default."""
    # --- Query workers (issue 13; napkg_server.engine.workers) ---
    query_memory: int | None = None
    """Bytes of memory one query may add to its worker (address-space limit); beyond: 503 and a new worker.
    None: half the machine's memory shared among the workers (:meth:`query_memory_limit`)."""
    max_query_depth: int = 100
    """Deepest nesting of ``{``, ``(`` and ``[`` in a query; deeper is refused with 400 before evaluation."""

    def __post_init__(self) -> None:
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
        for iri in self.federation_allow:
            if "://" not in iri:
                raise ValueError(f"federation_allow needs absolute IRIs, not {iri!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, overridden by ``NAPKG_*`` variables, overridden by ``overrides``.

        ``NAPKG_DATA`` holds shell-quoted file paths; ``NAPKG_NAMED_GRAPHS`` holds
        shell-quoted ``IRI FILE`` pairs; ``NAPKG_CORS_ORIGINS`` space-separated origins;
        ``NAPKG_DIST`` the directory of published files; ``NAPKG_REMOTE`` a SPARQL endpoint to serve
        from; ``NAPKG_FEDERATION_ALLOW`` space-separated endpoint IRIs; ``NAPKG_ACCESS_LOG_QUERIES``
        1/true/yes/on; ``NAPKG_FORWARDED_ALLOW_IPS`` proxy addresses or networks, separated by spaces or commas.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        scalar_fields: dict[str, Callable[[str], object]] = {
            "host": str,
            "port": int,
            "query_timeout": float,
            "base_iri": str,
            "max_concurrent_queries": int,
            "max_request_bytes": int,
            "log_level": str,
            "result_cache_bytes": int,
            "max_rows": int,
            "max_response_bytes": int,
            "max_query_length": int,
            "max_queries_per_client": int,
            "access_log": str,
            "admin_token": str,
            "remote": str,
            "max_connections": int,
            "max_header_count": int,
            "max_header_bytes": int,
            "header_timeout": float,
            "body_timeout": float,
            "query_memory": parse_size,
            "max_query_depth": int,
        }
        for name, convert in scalar_fields.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is not None and raw.strip():
                try:
                    values[name] = convert(raw.strip())
                except ValueError as error:
                    raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r}: {error}") from None
        sources = [DataSource(Path(p)) for p in shlex.split(env.get(ENV_PREFIX + "DATA", ""))]
        pairs = shlex.split(env.get(ENV_PREFIX + "NAMED_GRAPHS", ""))
        if len(pairs) % 2:
            raise ValueError(f"{ENV_PREFIX}NAMED_GRAPHS must hold IRI FILE pairs")
        pairs_iter = zip(pairs[::2], pairs[1::2], strict=True)
        sources += [DataSource(Path(path), iri) for iri, path in pairs_iter]
        if sources:
            values["data"] = tuple(sources)
        # Set-but-blank variables count as unset.
        for name, convert in (
            ("dist", lambda v: Path(v.strip())),
            ("store", lambda v: Path(v.strip())),
            ("cors_origins", lambda v: tuple(v.split())),
            ("federation_allow", lambda v: tuple(v.split())),
            ("forwarded_allow_ips", lambda v: tuple(v.replace(",", " ").split())),
        ):
            raw = env.get(ENV_PREFIX + name.upper(), "")
            if raw.strip():
                values[name] = convert(raw)
        queries = env.get(ENV_PREFIX + "ACCESS_LOG_QUERIES", "").strip().lower()
        if queries:
            values["access_log_queries"] = queries in ("1", "true", "yes", "on")
        values.update(overrides)
        return cls(**values)

    def query_memory_limit(self) -> int:
        """The memory one query may add to its worker: ``query_memory``, or else half the machine's memory
        divided among the workers (so that all of them at their limit leave the other half to the server),
        at least 256 MiB."""
        if self.query_memory is not None:
            return self.query_memory
        return max(256 * 2**20, physical_memory() // (2 * self.max_concurrent_queries))

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (validated again)."""
        return dataclasses.replace(self, **changes)
