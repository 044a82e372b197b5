"""The answer cache in front of the worker pool: hits skip the pool, volatile queries and refusals never hit."""

from __future__ import annotations

import asyncio

from napkg_server.engine.evaluation import QueryAnswer, QueryJob, QueryOutcome, QueryRefused, Refusal
from napkg_server.engine.result_cache import ResultCache
from pyoxigraph import NamedNode


class CountingPool:
    def __init__(self, body: bytes = b"{}", outcome: QueryOutcome | None = None) -> None:
        self.jobs: list[QueryJob] = []
        self.body = body
        self.outcome = outcome

    async def execute(self, job: QueryJob, timeout: float) -> QueryOutcome:
        self.jobs.append(job)
        return self.outcome or QueryAnswer("json", self.body + job.query.encode())


def job(query: str, **changes: object) -> QueryJob:
    options: dict[str, object] = {"solutions_format": "json"} | changes
    return QueryJob(query, "https://w3id.org/nap-kg/", True, **options)  # type: ignore[arg-type]


def run(cache: ResultCache, j: QueryJob) -> QueryOutcome:
    return asyncio.run(cache.execute(j, 1.0))


def test_same_job_is_answered_once_and_every_option_is_part_of_the_key() -> None:
    pool = CountingPool()
    cache = ResultCache(pool, max_bytes=10_000)
    q = "SELECT ?o WHERE { ?s ?p ?o }"
    first = run(cache, job(q))
    assert run(cache, job(q)) == first and len(pool.jobs) == 1
    run(cache, job(q, solutions_format="csv"))
    run(cache, job(q, substitutions=(("s", NamedNode("https://example.org/a")),)))
    run(cache, job(q, default_graphs=("https://example.org/g",)))
    run(cache, job(q, max_rows=1))
    assert len(pool.jobs) == 5
    assert (cache.hits, cache.misses) == (1, 5)


def test_volatile_queries_and_refusals_are_not_kept() -> None:
    pool = CountingPool()
    cache = ResultCache(pool, max_bytes=10_000)
    for q in ["SELECT (now() AS ?t) {}", "SELECT (RAND () AS ?r) {}", "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"]:
        run(cache, job(q))
        run(cache, job(q))
    assert len(pool.jobs) == 6
    refusing = CountingPool(outcome=QueryRefused(Refusal.SYNTAX, "bad"))
    cache = ResultCache(refusing, max_bytes=10_000)
    run(cache, job("SELECT"))
    run(cache, job("SELECT"))
    assert len(refusing.jobs) == 2


def test_bounded_by_bytes_least_recently_used_first() -> None:
    pool = CountingPool(body=b"x" * 100)
    cache = ResultCache(pool, max_bytes=250, max_entry_bytes=200)
    for name in "abc":
        run(cache, job(name))
    assert cache.size_bytes <= 250
    run(cache, job("c"))  # still there
    assert len(pool.jobs) == 3
    run(cache, job("a"))  # evicted first
    assert len(pool.jobs) == 4
    big = ResultCache(CountingPool(body=b"x" * 500), max_bytes=10_000, max_entry_bytes=200)
    run(big, job("large"))
    assert big.size_bytes == 0  # over the per-entry bound: answered, not kept
    off = ResultCache(pool, max_bytes=0)
    run(off, job("a"))
    run(off, job("a"))
    assert len(pool.jobs) == 6
