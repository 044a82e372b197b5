"""``napkg publish``: write the named graphs of ``dist/nap-kg.trig`` into a SPARQL 1.1 Graph Store.

Each graph goes with one HTTP PUT to ``{URL}?graph={IRI}`` (SPARQL 1.1 Graph Store HTTP Protocol,
indirect graph identification) as N-Triples; a PUT replaces whatever the store held under that IRI,
so publishing twice leaves one copy, and a graph changed since the last publication is replaced as a
whole (atomically per graph on stores that apply a request in one transaction, as Oxigraph does).
Graphs of the store that are not in the dataset are left alone.

Then the default graph gets the set union of all the dataset's graphs, with one PUT to ``{URL}?default`` (left
alone when ``--graph`` picks graphs): ``napkg serve --remote`` queries the engine's default graph, which must be that
union, each triple once, as an RDF merge is. (Oxigraph's ``--union-default-graph`` matches a triple once per graph
holding it, so run the engine without it.)

Basic authentication comes from ``NAPKG_PUBLISH_USER`` and ``NAPKG_PUBLISH_PASSWORD``, never from flags
(which would show in the process list and shell history).

>>> graph_url("http://127.0.0.1:7878/store", "https://w3id.org/nap-kg/graph/redactie")
'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fnap-kg%2Fgraph%2Fredactie'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store, Triple, parse, serialize

from .union_graph import write_union

N_TRIPLES = RdfFormat.N_TRIPLES.media_type
USER_ENV = "NAPKG_PUBLISH_USER"
PASSWORD_ENV = "NAPKG_PUBLISH_PASSWORD"


class PublishError(Exception):
    """Publication stopped; the message says which graph, what the store answered, and what was done."""


@dataclass(frozen=True)
class GraphPayload:
    iri: str | None  # None: the default graph
    triples: int
    body: bytes  # N-Triples


def union_payload(trig: Path) -> GraphPayload:
    """The union of the named graphs of a TriG file, for the default graph (the engine keeps each triple once): in
    the order in which the embedded store writes its own (see :mod:`napkg_graph.union_graph`)."""
    store = Store()
    store.bulk_load(path=trig, format=RdfFormat.TRIG)
    with tempfile.TemporaryDirectory(prefix="napkg-publish-") as tmp:
        path = Path(tmp) / "union.nt"
        write_union(store, path)
        body = path.read_bytes()
    store.bulk_load(body, format=RdfFormat.N_TRIPLES, to_graph=DefaultGraph())
    return GraphPayload(None, sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph())), body)


def read_graphs(trig: Path) -> list[GraphPayload]:
    """The named graphs of a TriG file, sorted by IRI, each as N-Triples."""
    if not trig.is_file():
        raise PublishError(f"{trig}: no such file (run `napkg build` first, or pass --dist)")
    grouped: dict[str, list[Triple]] = {}
    try:
        for quad in parse(path=trig, format=RdfFormat.TRIG):
            if not isinstance(quad.graph_name, NamedNode):
                raise PublishError(f"{trig}: a triple in the default graph; only named graphs are published")
            grouped.setdefault(quad.graph_name.value, []).append(quad.triple)
    except SyntaxError as error:
        raise PublishError(f"{trig}: not valid RDF: {error}") from error
    return [
        GraphPayload(iri, len(triples), serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
        for iri, triples in sorted(grouped.items())
    ]


def select_graphs(graphs: Sequence[GraphPayload], wanted: Sequence[str] | None) -> list[GraphPayload]:
    """``graphs`` restricted to the IRIs in ``wanted`` (all when None); an unknown IRI is an error."""
    if not wanted:
        return list(graphs)
    known = {g.iri: g for g in graphs}
    unknown = [iri for iri in wanted if iri not in known]
    if unknown:
        listing = "\n  ".join(str(iri) for iri in known)
        raise PublishError(f"not a named graph of the dataset: {', '.join(unknown)}\nits graphs:\n  {listing}")
    return [known[iri] for iri in dict.fromkeys(wanted)]


def graph_url(endpoint: str, iri: str | None) -> str:
    """``endpoint`` with ``graph=iri`` added to its query string (``default`` for the default graph)."""
    parts = urlsplit(endpoint)
    query = "&".join(q for q in (parts.query, "default" if iri is None else urlencode({"graph": iri})) if q)
    return urlunsplit(parts._replace(query=query))


def auth_from_env(environ: Mapping[str, str] | None = None) -> httpx.BasicAuth | None:
    env = os.environ if environ is None else environ
    user, password = env.get(USER_ENV), env.get(PASSWORD_ENV)
    if not user and not password:
        return None
    if not user or password is None:
        raise PublishError(f"set both {USER_ENV} and {PASSWORD_ENV} for basic authentication, or neither")
    return httpx.BasicAuth(user, password)


def _explain(status: int) -> str:
    return {
        401: "the store wants credentials: set NAPKG_PUBLISH_USER and NAPKG_PUBLISH_PASSWORD",
        403: "the credentials are not allowed to write this graph",
        404: "no Graph Store endpoint at this URL (Oxigraph's is /store, Fuseki's /DATASET/data)",
        405: "the URL does not accept PUT: is it the read-only query endpoint rather than the Graph Store?",
        413: "the store refused the graph as too large",
        415: "the store does not accept N-Triples",
    }.get(status, "")


def publish(
    endpoint: str,
    graphs: Sequence[GraphPayload],
    *,
    client: httpx.Client,
    progress: Callable[[str], None] = lambda _: None,
) -> None:
    """PUT every graph to ``endpoint``; stops at the first failure with a :class:`PublishError`."""
    done: list[str] = []
    for graph in graphs:
        url = graph_url(endpoint, graph.iri)
        name = graph.iri or "the default graph"
        try:
            response = client.put(url, content=graph.body, headers={"Content-Type": N_TRIPLES})
        except httpx.HTTPError as error:
            raise PublishError(_stopped(f"{name}: could not reach {endpoint}: {error}", done, graphs)) from error
        if response.status_code not in (200, 201, 204):
            hint = _explain(response.status_code)
            detail = response.text.strip()[:500]
            message = f"{name}: the store answered {response.status_code} {response.reason_phrase}"
            message += f" ({hint})" if hint else ""
            message += f":\n  {detail}" if detail else ""
            raise PublishError(_stopped(message, done, graphs))
        done.append(name)
        progress(f"{name}: {graph.triples:,} triples replaced ({response.status_code})")


def _stopped(message: str, done: Sequence[str], graphs: Sequence[GraphPayload]) -> str:
    left = len(graphs) - len(done)
    return f"{message}\n{len(done)} graph(s) were replaced before this; {left} were not written."
