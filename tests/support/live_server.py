"""Start the real server (``python -m napkg_cli.serve``) on a free loopback port, for tests and
benchmarks: wait for ``/health``, hand out the base URL, terminate it afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.polling import poll

HOST = "127.0.0.1"


class ServerStartError(RuntimeError):
    pass


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    pid: int
    log: Path | None = None  # the server's stdout and stderr, while it runs

    @property
    def sparql_url(self) -> str:
        return self.base_url + "/sparql"

    def worker_pids(self) -> list[int]:
        """Live child processes of the server (its query workers); reads /proc (Linux)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue  # the process ended while we looked
            if int(parent) == self.pid and state != "Z":
                children.append(int(stat.parent.name))
        return sorted(children)

    def computing_workers(self) -> list[int]:
        """The workers computing now: a thread in state R (running or runnable); reads /proc (Linux)."""
        busy = []
        for pid in self.worker_pids():
            try:
                states = [
                    stat.read_text().rsplit(")", 1)[1].split()[0] for stat in Path(f"/proc/{pid}/task").glob("*/stat")
                ]
            except OSError:
                continue  # the worker ended while we looked
            if "R" in states:
                busy.append(pid)
        return busy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> bool:
    """True once ``/health`` answers 200, False if the process ended first."""

    def settled() -> str | None:
        if process.poll() is not None:
            return "exited"
        return "healthy" if httpx.get(url + "/health", timeout=1.0).status_code == 200 else None

    try:
        return (
            poll(settled, timeout=timeout, what="/health", interval=0.05, ignore=(httpx.TransportError,)) == "healthy"
        )
    except TimeoutError:
        raise ServerStartError(f"server not healthy after {timeout} s:\n{log.read_text()[-3000:]}") from None


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def live_server(
    data: Sequence[Path] = (),
    *,
    named_graphs: Sequence[tuple[str, Path]] = (),
    dist: Path | None = None,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    startup_timeout: float = 30.0,
    attempts: int = 3,
    program: Sequence[str] = (sys.executable, "-m", "napkg_cli.serve"),
    cwd: Path | None = None,
) -> Iterator[LiveServer]:
    """Run the server on ``data`` (and ``named_graphs`` as IRI/file pairs) until the block ends.

    ``env`` adds environment variables (such as ``NAPKG_...`` settings) for the server;
    ``dist`` is the directory of published files it serves under /downloads/.

    ``program`` is the server's command (``napkg serve`` of another installation, for example), run in ``cwd``.
    A port taken between choosing and binding it is retried with another one.
    """
    command = [*program, "--host", HOST, "--log-level", "warning"]
    if data:
        command += ["--data", *map(str, data)]
    for iri, path in named_graphs:
        command += ["--named-graph", iri, str(path)]
    if dist is not None:
        command += ["--dist", str(dist)]
    command += list(args)
    with tempfile.TemporaryDirectory(prefix="napkg-server-") as tmp:
        log = Path(tmp) / "server.log"
        for _ in range(attempts):
            port = free_port()
            with log.open("wb") as log_stream:
                process = subprocess.Popen(
                    [*command, "--port", str(port)],
                    stdout=log_stream,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"},
                    cwd=cwd,
                )
            base_url = f"http://{HOST}:{port}"
            try:
                if _wait_until_healthy(base_url, process, log, startup_timeout):
                    break
            except BaseException:
                _stop(process)
                raise
            if "address already in use" not in log.read_text().lower():
                raise ServerStartError(f"server exited {process.returncode}:\n{log.read_text()}")
        else:
            raise ServerStartError(f"no free port after {attempts} attempts")
        try:
            yield LiveServer(base_url, process.pid, log)
        finally:
            _stop(process)
