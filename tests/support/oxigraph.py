"""The Oxigraph server of the test extra (``pip install -e .[test]``), started on a free loopback port: a real
SPARQL 1.1 Protocol and Graph Store Protocol peer for ``napkg publish`` and ``napkg serve --remote``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.live_server import HOST, ServerStartError, free_port
from tests.support.polling import poll


def oxigraph_binary() -> str:
    """The ``oxigraph`` command beside this Python (the test extra puts it there), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise ServerStartError("the Oxigraph server is missing: install the test extra (pip install -e '.[test]')")
    return found


@dataclass
class OxigraphServer:
    base: str
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def oxigraph_server(
    workdir: Path, *, location: Path | None = None, union_default_graph: bool = False, timeout: int | None = None
) -> Iterator[OxigraphServer]:
    """Run ``oxigraph serve`` (in memory unless ``location``; queries stopped after ``timeout`` seconds when
    given) until the block ends; its log goes to ``workdir``."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--bind", f"{HOST}:{port}"]
    if location is not None:
        command += ["--location", str(location)]
    if union_default_graph:
        command.append("--union-default-graph")
    if timeout is not None:
        command += ["--timeout-s", str(timeout)]
    log_path = workdir / f"oxigraph-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = OxigraphServer(f"http://{HOST}:{port}", process)
    try:

        def answers() -> bool:
            if process.poll() is not None:
                raise ServerStartError(f"oxigraph exited: {log_path.read_text()}")
            return httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=1).status_code == 200

        try:
            poll(answers, timeout=20, what="oxigraph", interval=0.05, ignore=(httpx.TransportError,))
        except TimeoutError:
            raise ServerStartError(f"oxigraph did not start: {log_path.read_text()}") from None
        yield server
    finally:
        server.stop()
