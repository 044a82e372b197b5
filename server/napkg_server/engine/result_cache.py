"""A bounded cache of query answers, in front of the worker pool.

The dataset is read-only between reloads, so the same job (query text, dataset options, bindings, formats
and limits: :class:`~napkg_server.engine.evaluation.QueryJob` is a frozen, hashable value) always gets the same
bytes. A hit skips the process hop and the evaluation. The cache belongs to one pool: a reload installs a
new pool and with it an empty cache.

Not cached: refusals and errors, answers over ``max_entry_bytes``, and queries whose answer can change
without the data changing (``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()``, ``BNODE()``, ``SERVICE``).

>>> import asyncio
>>> class Pool:
...     calls = 0
...     async def execute(self, job, timeout):
...         Pool.calls += 1
...         return QueryAnswer("json", b"{}")
>>> cache = ResultCache(Pool(), max_bytes=1000)
>>> job = QueryJob("SELECT * WHERE { ?s ?p ?o }", "http://ex/", True, solutions_format="json")
>>> _ = asyncio.run(cache.execute(job, 1.0)); _ = asyncio.run(cache.execute(job, 1.0))
>>> (Pool.calls, cache.hits, cache.misses)
(1, 1, 1)
>>> _ = asyncio.run(cache.execute(QueryJob("SELECT (NOW() AS ?t) {}", "http://ex/", True, "json"), 1.0))
>>> Pool.calls
2
"""

from __future__ import annotations

from collections import OrderedDict

from napkg_server.engine.evaluation import QueryAnswer, QueryExecutor, QueryJob, QueryOutcome
from napkg_server.engine.query_scan import keywords

# Keywords whose answer can change while the data does not (the same scan that build_job ran, memoised).
_VOLATILE = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE", "SERVICE"})


class ResultCache:
    """LRU over answers, bounded by their total size in bytes; implements :class:`QueryExecutor`."""

    def __init__(self, executor: QueryExecutor, max_bytes: int, max_entry_bytes: int | None = None) -> None:
        self._executor = executor
        self._max_bytes = max_bytes
        self._max_entry = max_entry_bytes if max_entry_bytes is not None else max(max_bytes // 16, 1)
        self._entries: OrderedDict[QueryJob, QueryAnswer] = OrderedDict()
        self._size = 0
        self.hits = 0
        self.misses = 0

    @property
    def size_bytes(self) -> int:
        return self._size

    async def execute(self, job: QueryJob, timeout: float) -> QueryOutcome:
        cacheable = self._max_bytes > 0 and not keywords(job.query) & _VOLATILE
        if cacheable:
            answer = self._entries.get(job)
            if answer is not None:
                self._entries.move_to_end(job)
                self.hits += 1
                return answer
        outcome = await self._executor.execute(job, timeout)
        if cacheable:
            self.misses += 1
            if isinstance(outcome, QueryAnswer) and len(outcome.body) <= self._max_entry:
                self._store(job, outcome)
        return outcome

    def _store(self, job: QueryJob, answer: QueryAnswer) -> None:
        previous = self._entries.pop(job, None)
        if previous is not None:
            self._size -= len(previous.body)
        self._entries[job] = answer
        self._size += len(answer.body)
        while self._size > self._max_bytes and self._entries:
            _, evicted = self._entries.popitem(last=False)
            self._size -= len(evicted.body)
