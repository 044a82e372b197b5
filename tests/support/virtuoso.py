"""OpenLink Virtuoso 7 (Debian's ``virtuoso-opensource``, installed by ``tests/bootstrap.sh``), started by the suite:
its own ``virtuoso.ini`` and database in a temporary folder, HTTP and ISQL on free loopback ports, stopped and
removed when the block ends. A real peer for ``napkg publish`` (Graph Store Protocol, Digest auth) and
``napkg serve --remote``, running the engine most public SPARQL services run, in its stock configuration except
for the paths and ports (and whatever a caller overrides)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.live_server import HOST, ServerStartError, free_port

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
# The password a fresh Virtuoso database gives its administrator; the server listens on loopback only.
DBA_PASSWORD = "dba"
START_TIMEOUT_S = 120.0


def virtuoso_binaries() -> tuple[str, str]:
    """``virtuoso-t`` and ``isql-vt``; a clear error when Debian's package is missing (the suite fails, not skips)."""
    server, isql = shutil.which(VIRTUOSO), shutil.which(ISQL)
    if server is None or isql is None:
        raise ServerStartError(
            "Virtuoso is missing (virtuoso-t, isql-vt): run `bash tests/bootstrap.sh` as root, or "
            "`apt-get install virtuoso-opensource`"
        )
    return server, isql


def _ini(
    directory: Path, http_port: int, isql_port: int, sparql: Mapping[str, str], parameters: Mapping[str, str]
) -> str:
    """Debian's stock settings that matter here, with every path in ``directory`` and both ports on loopback."""
    param = {
        "ServerPort": f"{HOST}:{isql_port}",
        "DisableUnixSocket": "1",
        "MaxClientConnections": "10",
        "CheckpointInterval": "60",
        "CaseMode": "2",
        "DirsAllowed": f"., {directory}",
        "NumberOfBuffers": "10000",
        "MaxDirtyBuffers": "6000",
        "MaxQueryMem": "2G",
        "ThreadsPerQuery": "4",
        "AsyncQueueMaxThreads": "10",
        **parameters,
    }
    spar = {
        "ResultSetMaxRows": "10000",
        "MaxQueryCostEstimationTime": "400",
        "MaxQueryExecutionTime": "60",
        **sparql,
    }
    db = directory / "virtuoso"
    sections = {
        "Database": {
            "DatabaseFile": f"{db}.db",
            "ErrorLogFile": f"{db}.log",
            "LockFile": f"{db}.lck",
            "TransactionFile": f"{db}.trx",
            "xa_persistent_file": f"{db}.pxa",
            "ErrorLogLevel": "7",
            "FileExtend": "200",
            "MaxCheckpointRemap": "2000",
            "Striping": "0",
            "TempStorage": "TempDatabase",
        },
        "TempDatabase": {
            "DatabaseFile": f"{db}-temp.db",
            "TransactionFile": f"{db}-temp.trx",
            "MaxCheckpointRemap": "2000",
            "Striping": "0",
        },
        "Parameters": param,
        "HTTPServer": {
            "ServerPort": f"{HOST}:{http_port}",
            "ServerRoot": str(directory),
            "MaxClientConnections": "10",
            "ServerThreads": "10",
            "MaxKeepAlives": "10",
            "KeepAliveTimeout": "10",
            "Charset": "UTF-8",
            "EnabledGzipContent": "1",
        },
        "SPARQL": spar,
    }
    return "".join(
        f"[{name}]\n" + "".join(f"{key} = {value}\n" for key, value in values.items()) + "\n"
        for name, values in sections.items()
    )


@dataclass
class VirtuosoServer:
    base: str
    isql_port: int
    directory: Path
    process: subprocess.Popen[bytes]
    start_seconds: float = 0.0
    isql_binary: str = field(default=ISQL)

    @property
    def sparql_url(self) -> str:
        """The SPARQL 1.1 query (and update) endpoint."""
        return self.base + "/sparql"

    @property
    def graph_store_url(self) -> str:
        """The Graph Store Protocol endpoint without authentication (writable after :meth:`grant_update`)."""
        return self.base + "/sparql-graph-crud"

    @property
    def graph_store_auth_url(self) -> str:
        """The Graph Store Protocol endpoint behind HTTP Digest authentication (users from :meth:`create_user`)."""
        return self.base + "/sparql-graph-crud-auth"

    @property
    def log_path(self) -> Path:
        return self.directory / "virtuoso.log"

    def isql(self, *statements: str, timeout: float = 120) -> str:
        """Runs SQL statements as the administrator through ``isql-vt``; its output, or an error with it when a
        statement fails (isql's exit status does not say so, its output does)."""
        script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        done = subprocess.run(
            [self.isql_binary, f"{HOST}:{self.isql_port}", "dba", DBA_PASSWORD, "VERBOSE=OFF", "BANNER=OFF"],
            input=script.encode(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        output = (done.stdout + done.stderr).decode("utf-8", "replace")
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql failed ({done.returncode}): {output.strip()}")
        return output

    def grant_update(self) -> None:
        """Lets anonymous clients write: the SPARQL_UPDATE role for the ``SPARQL`` user (SPARQL Update at /sparql,
        the Graph Store Protocol at /sparql-graph-crud) and write permission on all graphs for ``nobody``."""
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL"', "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7)")

    def create_user(self, name: str, password: str) -> None:
        """A SQL user with SPARQL_UPDATE, for Digest authentication at /sparql-graph-crud-auth."""
        self.isql(
            f"DB.DBA.USER_CREATE ('{_sql_string(name)}', '{_sql_string(password)}')",
            f'GRANT SPARQL_UPDATE TO "{name}"',
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{_sql_string(name)}', 7)",
        )

    def bulk_load(self, path: Path, graph: str = "urn:napkg:bulk") -> None:
        """Loads an RDF file (N-Quads keep their graphs; ``graph`` is for triples) with Virtuoso's bulk loader,
        much faster than HTTP for millions of triples. The file must lie in ``directory`` (DirsAllowed)."""
        self.isql(
            f"ld_dir ('{_sql_string(str(path.parent))}', '{_sql_string(path.name)}', '{_sql_string(graph)}')",
            "rdf_loader_run ()",
            "checkpoint",
            timeout=24 * 3600,
        )
        failed = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL")
        if failed.replace("SQL>", "").strip():  # isql prints only its prompts when no row came back
            raise RuntimeError(f"bulk load failed: {failed.strip()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _sql_string(value: str) -> str:
    return value.replace("'", "''")


@contextmanager
def virtuoso_server(
    directory: Path | None = None,
    *,
    sparql: Mapping[str, str] | None = None,
    parameters: Mapping[str, str] | None = None,
) -> Iterator[VirtuosoServer]:
    """Run ``virtuoso-t`` in the foreground on a fresh database until the block ends, then stop it and remove
    the folder (a temporary one unless ``directory``, which is kept). ``sparql`` and ``parameters`` override
    settings of the ini's [SPARQL] and [Parameters] sections. ``start_seconds`` is the time until /sparql
    answered."""
    server_binary, isql_binary = virtuoso_binaries()
    owned = directory is None
    folder = Path(tempfile.mkdtemp(prefix="napkg-virtuoso-")) if directory is None else directory
    folder.mkdir(parents=True, exist_ok=True)
    http_port, isql_port = free_port(), free_port()
    while isql_port == http_port:
        isql_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_ini(folder, http_port, isql_port, sparql or {}, parameters or {}))
    started = time.monotonic()
    with (folder / "stdout.log").open("wb") as log:
        # -f: foreground, so the process is ours to stop; cwd, so nothing lands elsewhere.
        process = subprocess.Popen(
            [server_binary, "-f", "-c", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT
        )
    server = VirtuosoServer(f"http://{HOST}:{http_port}", isql_port, folder, process, isql_binary=isql_binary)
    try:
        deadline = started + START_TIMEOUT_S
        while True:
            try:
                answer = httpx.get(
                    server.sparql_url,
                    params={"query": "ASK {}"},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=2,
                )
                if answer.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
                raise ServerStartError(f"virtuoso did not start: {log_text[-4000:]}")
            time.sleep(0.1)
        server.start_seconds = time.monotonic() - started
        yield server
    finally:
        server.stop()
        if owned:
            shutil.rmtree(folder, ignore_errors=True)
