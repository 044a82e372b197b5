"""Run the server's own ``.rq`` queries in the worker pool, with values bound, never spliced.

Pages and the RDF of resources go through the same :class:`~napkg_server.engine.evaluation.QueryExecutor`
as ``/sparql``, so the same time limit stops them. SELECT answers come back as SPARQL JSON
and are read into :class:`Value` rows here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from napkg_server.data.store import read_query
from napkg_server.engine.evaluation import QueryAnswer, QueryJob, QueryOutcome
from napkg_server.http.problems import HttpProblem
from napkg_server.sparql.answers import QueryExecutor, QueryPolicy, run_job
from napkg_server.sparql.protocol import SparqlHttpError


@dataclass(frozen=True)
class Value:
    """One bound value of a SELECT row: an IRI, a blank node (its label, local to the answer) or a literal."""

    value: str
    is_iri: bool
    lang: str | None = None
    datatype: str | None = None
    is_blank: bool = False


Row = dict[str, Value]


@dataclass(frozen=True)
class Answer:
    """A SPARQL JSON answer, parsed once: a SELECT's columns and rows, or an ASK's boolean."""

    columns: list[str]
    rows: list[Row]
    boolean: bool | None = None


def read_answer(body: bytes) -> Answer:
    """``body`` (SPARQL 1.1 JSON results) with its values as :class:`Value`, unbound variables left out."""
    data = json.loads(body)
    if "boolean" in data:
        return Answer([], [], data["boolean"])
    rows = [
        {
            name: Value(
                term["value"],
                term["type"] == "uri",
                term.get("xml:lang"),
                term.get("datatype"),
                term["type"] == "bnode",
            )
            for name, term in binding.items()
        }
        for binding in data.get("results", {}).get("bindings", [])
    ]
    return Answer(list(data["head"].get("vars", [])), rows)


def read_solutions(body: bytes) -> list[Row]:
    """The rows of a SELECT answer in SPARQL 1.1 JSON (see :func:`read_answer`)."""
    return read_answer(body).rows


Binding = NamedNode | Literal


class QueryRunner:
    """Runs query text in the pool with the endpoint's policy (union default graph, time limit)."""

    def __init__(self, executor: QueryExecutor, policy: QueryPolicy) -> None:
        self.executor = executor
        self.policy = policy

    async def run(self, job: QueryJob) -> QueryOutcome:
        try:
            return await run_job(self.executor, job, self.policy)
        except SparqlHttpError as error:  # the same failure, as a page for people
            raise HttpProblem(error.status, error.message, error.headers) from None

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
        outcome = await self.run(self.job(read_query(name), bindings, solutions="json", graph=None))
        if not isinstance(outcome, QueryAnswer):
            raise HttpProblem(500, f"Query {name}.rq failed: {outcome.message}")
        return read_solutions(outcome.body)

    async def construct(self, name: str, fmt: str, **bindings: Binding) -> bytes:
        """The graph of the CONSTRUCT ``queries/<name>.rq``, serialised as format ``fmt``."""
        outcome = await self.run(self.job(read_query(name), bindings, solutions=None, graph=fmt))
        if not isinstance(outcome, QueryAnswer):
            raise HttpProblem(500, f"Query {name}.rq failed: {outcome.message}")
        return outcome.body
