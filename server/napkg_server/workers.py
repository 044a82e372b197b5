"""Worker processes, forked after the store is loaded, that evaluate queries.

Why processes: pyoxigraph 0.5 offers no way to cancel a query or give it a time
limit from Python (``Store.query`` has no such parameter; upstream oxigraph issues
#1336 and #1926), and ORDER BY, GROUP BY or a cross product run inside one call
that nothing can interrupt. A thread could only be abandoned, still burning a core.
A forked worker shares the read-only store copy-on-write; a query past the limit is
stopped for real with SIGKILL, and the parent forks a fresh worker in its place.

The hop is one socketpair per worker: the parent sends the pickled
:class:`~napkg_server.evaluation.QueryJob`, the worker answers with the pickled
outcome holding the serialised bytes.

Unless federation endpoints are allow-listed, a worker installs a seccomp filter right
after the fork that makes every ``socket()`` call fail (:mod:`napkg_server.sandbox`): it
cannot open a connection whatever query it is given.

A reload (:mod:`napkg_server.reload`) forks a new pool from a new store and *retires* the
old one: its running queries finish on the old data, later jobs go to the new pool, and the
old workers are stopped once idle (or after the time limit).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import pickle
import signal
import socket
import struct
import sys
import traceback
from dataclasses import dataclass
from typing import NoReturn

from pyoxigraph import Store

from napkg_server.evaluation import QueryJob, QueryOutcome, QueryRefused, Refusal, evaluate
from napkg_server.sandbox import forbid_sockets

log = logging.getLogger(__name__)

_FRAME = struct.Struct("!Q")  # length prefix of every message
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class QueryTimeoutError(Exception):
    """The query (or its wait for a free worker) ran past the time limit."""

    def __init__(self, limit: float, *, waiting: bool) -> None:
        super().__init__(f"time limit of {limit:g} s reached")
        self.limit = limit
        self.waiting = waiting


class WorkerCrashedError(Exception):
    """The worker process died while evaluating (for example killed for lack of memory)."""


@dataclass(eq=False)
class _Worker:
    pid: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = sock.recv_into(view[received:])
        if count == 0:
            return None
        received += count
    return bytes(buffer)


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker if the server dies (Linux), so that no runaway
    query outlives it; elsewhere a worker still exits at EOF after its current query."""
    with contextlib.suppress(OSError, AttributeError):
        # CDLL(None): the symbols already loaded, libc's prctl among them on Linux.
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the server died before prctl took effect
        os._exit(0)


def _worker_main(sock: socket.socket, store: Store, parent: int, network: bool) -> NoReturn:
    """Serve jobs from ``sock`` until the parent closes it; never returns."""
    code = 0
    try:
        _die_with_parent(parent)
        signal.set_wakeup_fd(-1)  # the parent's event loop owns that fd
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        keep = sock.fileno()
        # Drop inherited fds (listening socket, client connections, siblings' pipes):
        # the worker must not keep them open, and EOF must reach it when the parent dies.
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        sock.setblocking(True)
        if not network and not forbid_sockets():
            print("napkg worker: seccomp unavailable; only the SERVICE scan guards the network", file=sys.stderr)
        while (header := _recv_exactly(sock, _FRAME.size)) is not None:
            payload = _recv_exactly(sock, _FRAME.unpack(header)[0])
            if payload is None:
                break
            job = pickle.loads(payload)
            try:
                outcome: QueryOutcome = evaluate(store, job)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as error:  # a panic of the engine (pyo3's PanicException): keep serving
                traceback.print_exc(file=sys.stderr)
                outcome = QueryRefused(Refusal.FAILED, f"the query engine failed: {type(error).__name__}")
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            sock.sendall(_FRAME.pack(len(data)))
            sock.sendall(data)
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        code = 1
    finally:
        os._exit(code)


class WorkerPool:
    """A fixed number of worker processes; at most that many queries run at once."""

    def __init__(self, store: Store, size: int, *, network: bool = False) -> None:
        self._store = store
        self._size = size
        self._network = network  # False: workers cannot open sockets (no federation)
        self._running = 0  # jobs waiting for a worker or running in one
        self._successor: WorkerPool | None = None
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._reaping: dict[int, int] = {}  # pid -> pidfd of killed workers
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def size(self) -> int:
        return self._size

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.pid for w in self._workers)

    async def start(self) -> None:
        gc.freeze()  # keeps the parent's objects off pages that children would copy
        for _ in range(self._size):
            self._idle.put_nowait(await self._spawn())

    async def execute(self, job: QueryJob, timeout: float) -> QueryOutcome:
        """Evaluate ``job`` in a worker, stopping it after ``timeout`` seconds.

        Waiting for a free worker is bounded by ``timeout`` too, but apart: a query
        that had to queue still gets its whole time limit once it runs.
        """
        if self._successor is not None:  # retired by a reload: the new data answers
            return await self._successor.execute(job, timeout)
        self._running += 1
        try:
            return await self._execute(job, timeout)
        finally:
            self._running -= 1

    async def _execute(self, job: QueryJob, timeout: float) -> QueryOutcome:
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            async with asyncio.timeout(timeout):
                worker = await self._idle.get()
        except TimeoutError:
            raise QueryTimeoutError(timeout, waiting=True) from None
        try:
            async with asyncio.timeout(timeout):
                outcome = await self._exchange(worker, payload)
        except BaseException as error:
            # Over time, client gone, or worker dead: its state is unknown, so replace it.
            self._replace(worker)
            if isinstance(error, TimeoutError):
                raise QueryTimeoutError(timeout, waiting=False) from None
            if isinstance(error, asyncio.IncompleteReadError | ConnectionError):
                raise WorkerCrashedError("the query worker stopped unexpectedly") from error
            raise
        self._idle.put_nowait(worker)
        return outcome

    async def retire(self, successor: WorkerPool, grace: float) -> None:
        """Send new jobs to ``successor``; close once the running queries are answered.

        A job still waiting for one of this pool's workers gets it when the running query
        ends; after ``grace`` seconds (the time limit) the pool is closed regardless.
        """
        self._successor = successor
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._running and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await self.close()

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            self._kill(worker)
        for pid, pidfd in list(self._reaping.items()):
            self._finish_reaping(pid, pidfd, block=True)

    @staticmethod
    async def _exchange(worker: _Worker, payload: bytes) -> QueryOutcome:
        worker.writer.write(_FRAME.pack(len(payload)) + payload)
        await worker.writer.drain()
        (size,) = _FRAME.unpack(await worker.reader.readexactly(_FRAME.size))
        outcome: QueryOutcome = pickle.loads(await worker.reader.readexactly(size))
        return outcome

    async def _spawn(self) -> _Worker:
        parent_end, child_end = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            _worker_main(child_end, self._store, parent, self._network)
        child_end.close()
        reader, writer = await asyncio.open_unix_connection(sock=parent_end)
        worker = _Worker(pid, reader, writer)
        self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        if self._closed:
            return
        # A task of its own, so that a cancelled request cannot lose the new worker.
        task = asyncio.create_task(self._respawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self) -> None:
        while not self._closed:
            try:
                self._idle.put_nowait(await self._spawn())
                return
            except OSError:
                log.exception("could not fork a query worker; retrying in 1 s")
                await asyncio.sleep(1)

    def _kill(self, worker: _Worker) -> None:
        if worker not in self._workers:  # already stopped (the pool was closed meanwhile)
            return
        self._workers.discard(worker)
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.writer.close()
        self._reap(worker.pid)

    def _reap(self, pid: int) -> None:
        """Collect the killed process without blocking the event loop (via a pidfd)."""
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd (not Linux): a killed child exits at once
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            return
        self._reaping[pid] = pidfd
        loop = asyncio.get_running_loop()
        loop.add_reader(pidfd, self._finish_reaping, pid, pidfd)

    def _finish_reaping(self, pid: int, pidfd: int, *, block: bool = False) -> None:
        if self._reaping.pop(pid, None) is None:
            return
        with contextlib.suppress(RuntimeError, ValueError):
            asyncio.get_running_loop().remove_reader(pidfd)
        os.close(pidfd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0 if block else os.WNOHANG)
