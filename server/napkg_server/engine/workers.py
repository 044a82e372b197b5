"""Worker processes, forked after the store is loaded, that evaluate queries.

Why processes: pyoxigraph 0.5 offers no way to cancel a query or give it a time
limit from Python (``Store.query`` has no such parameter; upstream oxigraph issues
#1336 and #1926), and ORDER BY, GROUP BY or a cross product run inside one call
that nothing can interrupt. A thread could only be abandoned, still burning a core.
A forked worker shares the read-only store copy-on-write; a query past the limit is
stopped for real with SIGKILL, and the parent forks a fresh worker in its place.

The hop is one socketpair per worker: the parent sends the pickled
:class:`~napkg_server.engine.evaluation.QueryJob`, the worker answers with the pickled
outcome holding the serialised bytes, and whether it wants to be replaced.

Unless federation endpoints are allow-listed, a worker installs a seccomp filter right
after the fork that makes every ``socket()`` call fail (:mod:`napkg_server.engine.sandbox`): it
cannot open a connection whatever query it is given.

Memory: a worker may grow by ``memory_limit`` bytes over its size at the fork
(``RLIMIT_AS``), so a query that would take the machine's memory fails inside its worker
instead (the engine aborts, SIGABRT), the client gets 503 "query exceeded the memory limit"
and a fresh worker takes its place; the kernel's out-of-memory killer is also told to prefer
workers to the server (``oom_score_adj``). A worker whose peak resident memory grew by more
than 256 MiB (or a quarter of that limit) asks to be replaced after answering, since the
allocator keeps what a large query took. Queries run on a thread with a large stack, as the engine's parser
and evaluator recurse once per level of a long chain (``{} UNION {} UNION ...``); the nesting
depth is checked before (:func:`napkg_server.engine.query_scan.nesting_depth`).

Health: an idle worker that died or was stopped (SIGSTOP) is noticed when it would be
given a query and replaced, and the query goes to another one. A worker that dies during a
query is logged with its signal and the query's hash (``sha256:`` and 16 hex digits, as in
the access log).

A reload (:mod:`napkg_server.reload`) forks a new pool from a new store and *retires* the
old one: its running queries finish on the old data, later jobs go to the new pool, and the
old workers are stopped once idle (or after the time limit); a closed pool lets go of its
store, so that the old data is freed once its last query is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import pickle
import resource
import signal
import socket
import struct
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import NoReturn

from pyoxigraph import Store

from napkg_server.engine.evaluation import QueryJob, QueryOutcome, QueryRefused, Refusal, evaluate
from napkg_server.engine.sandbox import forbid_sockets
from napkg_server.http.access_log import query_hash

log = logging.getLogger(__name__)

_FRAME = struct.Struct("!Q")  # length prefix of every message
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# The evaluation thread's stack: address space only (pages are touched as the recursion goes),
# deep enough for any chain a query within the default length limit can write.
EVALUATION_STACK = 1024 * 2**20
# Replace a worker after a query raised its peak resident memory by this much (or a quarter of its limit).
RECYCLE_GROWTH = 256 * 2**20
# The kernel's out-of-memory killer takes the process with the highest score: a worker, not the server.
_OOM_SCORE_ADJ = 800


class QueryTimeoutError(Exception):
    """The query (or its wait for a free worker) ran past the time limit."""

    def __init__(self, limit: float, *, waiting: bool) -> None:
        super().__init__(f"time limit of {limit:g} s reached")
        self.limit = limit
        self.waiting = waiting


class WorkerCrashedError(Exception):
    """The worker process died while evaluating; ``signal_name`` is what ended it, if a signal did."""

    def __init__(self, message: str, *, signal_name: str | None = None) -> None:
        super().__init__(message)
        self.signal_name = signal_name


class QueryMemoryError(Exception):
    """The query needed more memory than its worker may have (``--query-memory``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"memory limit of {limit} bytes reached")
        self.limit = limit


@dataclass(eq=False)
class _Worker:
    pid: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    pidfd: int | None  # Linux: signals and waits go through it, so a reused pid is never hit
    reaped: bool = field(default=False)


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


def _status_kib(*names: str) -> dict[str, int]:
    """Fields of /proc/self/status in KiB (empty where there is no /proc)."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in names:
                found[name] = int(value.split()[0])
    return found


def _limit_memory(limit: int | None) -> int | None:
    """Cap this process's address space at its present size plus ``limit``; the resident size to
    measure growth from (None where there is no /proc or no limit)."""
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as adj:
        adj.write(str(_OOM_SCORE_ADJ))
    sizes = _status_kib("VmSize", "VmRSS")
    if limit is None or "VmSize" not in sizes:
        return None
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = sizes["VmSize"] * 1024 + limit
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    return sizes["VmRSS"] * 1024


def _serve(sock: socket.socket, store: Store, memory_limit: int | None) -> None:
    """Answer jobs from ``sock`` until the parent closes it (on the evaluation thread)."""
    baseline = _limit_memory(memory_limit)
    while (header := _recv_exactly(sock, _FRAME.size)) is not None:
        payload = _recv_exactly(sock, _FRAME.unpack(header)[0])
        if payload is None:
            break
        job = pickle.loads(payload)
        try:
            outcome: QueryOutcome = evaluate(store, job)
        except BaseException as error:  # a panic of the engine (pyo3's PanicException): keep serving
            traceback.print_exc(file=sys.stderr)
            outcome = QueryRefused(Refusal.FAILED, f"the query engine failed: {type(error).__name__}")
        recycle = isinstance(outcome, QueryRefused) and outcome.reason is Refusal.MEMORY
        if baseline is not None and memory_limit is not None:
            peak = _status_kib("VmHWM").get("VmHWM", 0) * 1024
            recycle = recycle or peak - baseline > min(RECYCLE_GROWTH, memory_limit // 4)
        data = pickle.dumps((outcome, recycle), protocol=pickle.HIGHEST_PROTOCOL)
        sock.sendall(_FRAME.pack(len(data)))
        sock.sendall(data)


def _worker_main(sock: socket.socket, store: Store, parent: int, network: bool, memory_limit: int | None) -> NoReturn:
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
        if not network and not forbid_sockets():  # before the thread starts: it inherits the filter
            print("napkg worker: seccomp unavailable; only the SERVICE scan guards the network", file=sys.stderr)
        failed: list[BaseException] = []

        def run() -> None:
            try:
                _serve(sock, store, memory_limit)
            except BaseException as error:
                failed.append(error)
                traceback.print_exc(file=sys.stderr)

        try:
            threading.stack_size(EVALUATION_STACK)
            thread = threading.Thread(target=run, name="napkg-evaluation")
            thread.start()
        except (RuntimeError, ValueError):  # no room for the stack (strict overcommit): the usual 8 MiB then
            print("napkg worker: no large stack for queries; deep chains may crash the worker", file=sys.stderr)
            threading.stack_size(0)
            thread = threading.Thread(target=run, name="napkg-evaluation")
            thread.start()
        thread.join()
        code = 1 if failed else 0
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        code = 1
    finally:
        os._exit(code)


_FAULTS = frozenset({"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT"})


def _crash_message(how: str) -> str:
    """What to tell the client whose query's worker died ``how``; only what is known."""
    if how in _FAULTS:
        return (
            f"The query engine crashed on this query ({how}). The worker was replaced and the crash logged with "
            "the query's hash; the same query will most likely crash it again."
        )
    if how.startswith("SIG"):
        return (
            f"The query worker was stopped by {how} from outside the server (the system's out-of-memory killer, "
            "or an operator) while it ran this query. It was replaced; the query may succeed if sent again."
        )
    return f"The query worker ended unexpectedly ({how}) while it ran this query. It was replaced."


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class WorkerPool:
    """A fixed number of worker processes; at most that many queries run at once."""

    def __init__(self, store: Store, size: int, *, network: bool = False, memory_limit: int | None = None) -> None:
        self._store: Store | None = store
        self._size = size
        self._network = network  # False: workers cannot open sockets (no federation)
        self._memory_limit = memory_limit
        self._running = 0  # jobs waiting for a worker or running in one
        self._successor: WorkerPool | None = None
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._reaping: dict[int, int] = {}  # pid -> pidfd of killed workers not collected yet
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
        # Cycles left by a previous pool (a reload) must be collectable before the freeze below
        # moves every live object out of the collector's reach.
        gc.unfreeze()
        gc.collect()
        gc.freeze()  # keeps the parent's objects off pages that children would copy
        for _ in range(self._size):
            self._idle.put_nowait(await self._spawn())

    def _current(self) -> WorkerPool:
        """The newest pool of the reload chain; every retired pool points straight at it."""
        newest = self
        while newest._successor is not None:
            newest = newest._successor
        if self._successor is not None:
            self._successor = newest
        return newest

    async def execute(self, job: QueryJob, timeout: float) -> QueryOutcome:
        """Evaluate ``job`` in a worker, stopping it after ``timeout`` seconds.

        Waiting for a free worker is bounded by ``timeout`` too, but apart: a query
        that had to queue still gets its whole time limit once it runs.
        """
        if self._successor is not None:  # retired by a reload: the new data answers
            return await self._current().execute(job, timeout)
        self._running += 1
        try:
            return await self._execute(job, timeout)
        finally:
            self._running -= 1

    async def _healthy_worker(self, timeout: float) -> _Worker:
        """An idle worker that is alive and not stopped; the others are replaced on the way."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    worker = await self._idle.get()
                    problem = self._idle_problem(worker)
                    if problem is None:
                        return worker
                    log.warning("idle query worker %s %s; replacing it", worker.pid, problem)
                    self._replace(worker)
        except TimeoutError:
            raise QueryTimeoutError(timeout, waiting=True) from None

    @staticmethod
    def _idle_problem(worker: _Worker) -> str | None:
        """Why an idle ``worker`` cannot take a query (exited or stopped), or None."""
        if worker.pidfd is None:
            return None
        try:
            info = os.waitid(os.P_PIDFD, worker.pidfd, os.WEXITED | os.WSTOPPED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return "is gone"
        if info is None:
            return None
        if info.si_code == os.CLD_STOPPED:
            return f"was stopped ({_signal_name(info.si_status)})"
        if info.si_code == os.CLD_EXITED:
            return f"exited with status {info.si_status}"
        return f"was killed by {_signal_name(info.si_status)}"

    async def _execute(self, job: QueryJob, timeout: float) -> QueryOutcome:
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        worker = await self._healthy_worker(timeout)
        try:
            async with asyncio.timeout(timeout):
                outcome, recycle = await self._exchange(worker, payload)
        except BaseException as error:
            if isinstance(error, asyncio.IncompleteReadError | ConnectionError):
                raise await self._crashed(worker, job) from error
            # Over time or client gone: its state is unknown, so replace it.
            self._replace(worker)
            if isinstance(error, TimeoutError):
                raise QueryTimeoutError(timeout, waiting=False) from None
            raise
        if recycle:
            log.info("query worker %s replaced after a query that grew it (%s)", worker.pid, query_hash(job.query))
            self._replace(worker)
        else:
            self._idle.put_nowait(worker)
        return outcome

    async def _crashed(self, worker: _Worker, job: QueryJob) -> Exception:
        """Log how ``worker`` died during ``job``, replace it, and return the error for the client."""
        how = await self._exit_reason(worker)
        self._replace(worker)
        signal_name = how if how.startswith("SIG") else None
        if signal_name == "SIGABRT" and self._memory_limit is not None:
            log.warning(
                "query worker %s aborted (SIGABRT) running %s: the query exceeded the memory limit of %s bytes",
                worker.pid,
                query_hash(job.query),
                self._memory_limit,
            )
            return QueryMemoryError(self._memory_limit)
        log.error("query worker %s died (%s) running %s; replaced", worker.pid, how, query_hash(job.query))
        return WorkerCrashedError(_crash_message(how), signal_name=signal_name)

    async def _exit_reason(self, worker: _Worker, wait: float = 2.0) -> str:
        """How the (dying) worker ended: a signal name such as ``SIGSEGV``, or ``exit status N``."""
        if worker.pidfd is None:
            return "unknown"
        loop = asyncio.get_running_loop()
        exited = loop.create_future()

        def exited_now() -> None:
            if not exited.done():
                exited.set_result(None)

        loop.add_reader(worker.pidfd, exited_now)
        try:
            async with asyncio.timeout(wait):  # EOF comes as it exits; the exit itself a moment later
                await exited
        except TimeoutError:
            return "still running after closing its connection"
        finally:
            loop.remove_reader(worker.pidfd)
        try:
            info = os.waitid(os.P_PIDFD, worker.pidfd, os.WEXITED | os.WNOHANG)
        except ChildProcessError:
            return "unknown"
        if info is None:
            return "unknown"
        worker.reaped = True
        if info.si_code == os.CLD_EXITED:
            return f"exit status {info.si_status}"
        return _signal_name(info.si_status)

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
        # Let go of the data: whatever still holds this pool (a stale request) no longer holds the store.
        self._store = None
        _release_free_memory()

    @staticmethod
    async def _exchange(worker: _Worker, payload: bytes) -> tuple[QueryOutcome, bool]:
        worker.writer.write(_FRAME.pack(len(payload)) + payload)
        await worker.writer.drain()
        (size,) = _FRAME.unpack(await worker.reader.readexactly(_FRAME.size))
        outcome, recycle = pickle.loads(await worker.reader.readexactly(size))
        return outcome, bool(recycle)

    async def _spawn(self) -> _Worker:
        if self._store is None:
            raise RuntimeError("the pool is closed")
        parent_end, child_end = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            _worker_main(child_end, self._store, parent, self._network, self._memory_limit)
        child_end.close()
        pidfd: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            pidfd = os.pidfd_open(pid)
        reader, writer = await asyncio.open_unix_connection(sock=parent_end)
        worker = _Worker(pid, reader, writer, pidfd)
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
        worker.writer.close()
        if worker.pidfd is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
            self._reap(worker.pid)
            return
        if not worker.reaped:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(worker.pidfd, signal.SIGKILL)
        if worker.reaped:  # waited for already (its exit status was read): only the pidfd is left
            os.close(worker.pidfd)
            return
        self._reaping[worker.pid] = worker.pidfd
        asyncio.get_running_loop().add_reader(worker.pidfd, self._finish_reaping, worker.pid, worker.pidfd)

    def _reap(self, pid: int) -> None:
        """Collect a killed process that has no pidfd yet without blocking the event loop."""
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd (not Linux): a killed child exits at once
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            return
        self._reaping[pid] = pidfd
        asyncio.get_running_loop().add_reader(pidfd, self._finish_reaping, pid, pidfd)

    def _finish_reaping(self, pid: int, pidfd: int, *, block: bool = False) -> None:
        if self._reaping.pop(pid, None) is None:
            return
        with contextlib.suppress(RuntimeError, ValueError):
            asyncio.get_running_loop().remove_reader(pidfd)
        # By pid, not pidfd: the event loop may have made the pidfd non-blocking (uvloop does), and the
        # pid cannot be reused before this wait. Readable pidfd: it has exited, so this does not block.
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0 if block else os.WNOHANG)
        os.close(pidfd)


def _release_free_memory() -> None:
    """Hand memory freed by a closed pool's store back to the system (glibc keeps it otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
