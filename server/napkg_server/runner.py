"""Run the server's own ``.rq`` queries in the worker pool, with values bound, never spliced.

Pages and the RDF of resources go through the same :class:`~napkg_server.answers.QueryExecutor`
as ``/sparql``, so the same time limit stops them. SELECT answers come back as SPARQL JSON
and are read into :class:`Value` rows here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pyoxigraph import Literal, NamedNode

from napkg_server.answers import QueryExecutor, QueryPolicy
from napkg_server.evaluation import QueryAnswer, QueryJob, QueryOutcome
from napkg_server.problems import HttpProblem
from napkg_server.remote import RemoteUnavailableError
from napkg_server.workers import QueryTimeoutError, WorkerCrashedError


@dataclass(frozen=True)
class Value:
    """One bound value of a SELECT row: an IRI or a literal."""

    value: str
    is_iri: bool
    lang: str | None = None
    datatype: str | None = None


Row = dict[str, Value]


@cache
def server_query(name: str) -> str:
    """The text of ``queries/<name>.rq`` (read once)."""
    return (resources.files("napkg_server") / "queries" / f"{name}.rq").read_text("utf-8")


def read_solutions(body: bytes) -> list[Row]:
    """SPARQL 1.1 JSON results as rows of :class:`Value` (unbound variables left out)."""
    data = json.loads(body)
    rows = []
    for binding in data.get("results", {}).get("bindings", []):
        row = {}
        for name, term in binding.items():
            row[name] = Value(
                term["value"],
                term["type"] == "uri",
                term.get("xml:lang"),
                term.get("datatype"),
            )
        rows.append(row)
    return rows


Binding = NamedNode | Literal


class QueryRunner:
    """Runs query text in the pool with the endpoint's policy (union default graph, time limit)."""

    def __init__(self, executor: QueryExecutor, policy: QueryPolicy) -> None:
        self.executor = executor
        self.policy = policy

    async def run(self, job: QueryJob) -> QueryOutcome:
        try:
            return await self.executor.execute(job, self.policy.timeout)
        except QueryTimeoutError as error:
            raise HttpProblem(503, f"The query took longer than the time limit of {error.limit:g} s.") from None
        except WorkerCrashedError:
            raise HttpProblem(500, "The query worker stopped unexpectedly; it was replaced.") from None
        except RemoteUnavailableError as error:
            raise HttpProblem(502, str(error), {"Retry-After": "5"}) from None

    def job(self, query: str, bindings: dict[str, Binding], *, solutions: str | None, graph: str | None) -> QueryJob:
        return QueryJob(
            query=query,
            base_iri=self.policy.base_iri,
            union_default_graph=True,
            solutions_format=solutions,
            graph_format=graph,
            substitutions=tuple(sorted(bindings.items(), key=lambda item: item[0])),
        )

    async def select(self, name: str, **bindings: Binding) -> list[Row]:
        """Rows of the SELECT ``queries/<name>.rq`` with ``bindings`` substituted."""
        outcome = await self.run(self.job(server_query(name), bindings, solutions="json", graph=None))
        if not isinstance(outcome, QueryAnswer):
            raise HttpProblem(500, f"Query {name}.rq failed: {outcome.message}")
        return read_solutions(outcome.body)

    async def construct(self, name: str, fmt: str, **bindings: Binding) -> bytes:
        """The graph of the CONSTRUCT ``queries/<name>.rq``, serialised as format ``fmt``."""
        outcome = await self.run(self.job(server_query(name), bindings, solutions=None, graph=fmt))
        if not isinstance(outcome, QueryAnswer):
            raise HttpProblem(500, f"Query {name}.rq failed: {outcome.message}")
        return outcome.body
