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

An engine whose default graph is not a graph of its own (Virtuoso: its default graph is all its graphs, and its
Graph Store refuses ``?default``) gets the union as a named graph instead: ``--union-graph IRI``, served with
``napkg serve --remote-union-graph IRI``.

Credentials come from ``NAPKG_PUBLISH_USER`` and ``NAPKG_PUBLISH_PASSWORD`` (Basic or Digest) or ``NAPKG_PUBLISH_TOKEN``
(a bearer token), never from flags (which would show in the process list and shell history). Which scheme is used
follows the store's 401 challenge (a ``HEAD`` of the first graph's URL before anything is written; ``--auth auto``),
or ``--auth basic|digest|bearer``.

Afterwards the store is asked how many triples each graph holds (``queries/publish/*.rq`` on its query endpoint:
``--query-endpoint``, or the Graph Store URL's known sibling: Oxigraph's ``/store`` -> ``/query``, Virtuoso's
``/sparql-graph-crud[-auth]`` -> ``/sparql``, Fuseki's ``/DATASET/data`` -> ``/DATASET/sparql``); a count that differs
from what was written is a :class:`CountMismatch`.

>>> graph_url("http://127.0.0.1:7878/store", "https://w3id.org/nap-kg/graph/redactie")
'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fnap-kg%2Fgraph%2Fredactie'
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
from pyoxigraph import DefaultGraph, NamedNode, QueryResultsFormat, RdfFormat, Store, Triple, parse, serialize

from .union_graph import write_union

N_TRIPLES = RdfFormat.N_TRIPLES.media_type
USER_ENV = "NAPKG_PUBLISH_USER"
PASSWORD_ENV = "NAPKG_PUBLISH_PASSWORD"
TOKEN_ENV = "NAPKG_PUBLISH_TOKEN"
AUTH_CHOICES = ("auto", "basic", "digest", "bearer")
SOLUTIONS_JSON = QueryResultsFormat.JSON.media_type
# The query endpoint beside a Graph Store endpoint, by the Graph Store path's last segment.
QUERY_SIBLINGS = {"store": "query", "sparql-graph-crud": "sparql", "sparql-graph-crud-auth": "sparql", "data": "sparql"}
# Graphs per count query (each a named-graph-uri in the form body).
COUNT_BATCH = 250
_SCHEME = re.compile(r"(?:^|,)\s*(digest|basic|bearer)\b", re.IGNORECASE)


class PublishError(Exception):
    """Publication stopped; the message says which graph, what the store answered, and what was done."""


@dataclass(frozen=True)
class CountRow:
    graph: str  # an IRI, or "(default graph)"
    written: int
    reported: int | None  # None: the store reports no such graph


class CountMismatch(Exception):
    """The store holds other numbers of triples than were written; ``rows`` are every graph's counts."""

    def __init__(self, rows: Sequence[CountRow]) -> None:
        super().__init__("the store reports other triple counts than were written")
        self.rows = list(rows)


@dataclass(frozen=True)
class Credentials:
    user: str | None = None
    password: str | None = None
    token: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if environ is None else environ
        user, password, token = env.get(USER_ENV) or None, env.get(PASSWORD_ENV), env.get(TOKEN_ENV) or None
        if (user is None) != (password is None):
            raise PublishError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
        return cls(user, password, token)

    def described(self) -> str:
        if self.user is not None:
            return f"{USER_ENV}={self.user!r} and {PASSWORD_ENV}"
        return TOKEN_ENV if self.token else "none"


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer TOKEN`` on every request."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


@dataclass(frozen=True)
class ChosenAuth:
    auth: httpx.Auth | None
    scheme: str  # "basic", "digest", "bearer" or "none"
    credentials: Credentials


def _auth_for(scheme: str, credentials: Credentials) -> httpx.Auth:
    if scheme == "bearer":
        if not credentials.token:
            raise PublishError(f"--auth bearer needs a token in {TOKEN_ENV}")
        return BearerAuth(credentials.token)
    if credentials.user is None or credentials.password is None:
        raise PublishError(f"--auth {scheme} needs {USER_ENV} and {PASSWORD_ENV}")
    return (
        httpx.DigestAuth(credentials.user, credentials.password)
        if scheme == "digest"
        else httpx.BasicAuth(credentials.user, credentials.password)
    )


def challenged_schemes(header: str) -> list[str]:
    """The schemes a ``WWW-Authenticate`` header offers, of those publish speaks, lower-cased.

    >>> challenged_schemes('Digest realm="SPARQL", qop="auth", Basic realm="x"')
    ['digest', 'basic']
    """
    return [m.lower() for m in _SCHEME.findall(header)]


def choose_auth(client: httpx.Client, url: str, forced: str, credentials: Credentials) -> ChosenAuth:
    """The authentication to write with: ``forced``, or (``auto``) the scheme the store's challenge to a ``HEAD`` of
    ``url`` asks for that ``credentials`` can answer (Digest, then Basic, then a bearer token); without a
    challenge, Basic or the token when they are set (as a proxy may ask only for writes), else none."""
    if forced != "auto":
        return ChosenAuth(_auth_for(forced, credentials), forced, credentials)
    try:
        # The client carries no auth yet. A connection of its own: Oxigraph 0.5 sends a body with its 404 to a
        # HEAD, which would be read as the start of the next answer on a kept-alive connection.
        response = client.head(url, headers={"Connection": "close"})
    except httpx.HTTPError as error:
        raise PublishError(_transport_problem(error, url, client.timeout.read)) from error
    if response.status_code == 401:
        offered = challenged_schemes(response.headers.get("www-authenticate", ""))
        usable = [s for s in ("digest", "basic", "bearer") if s in offered and _has(credentials, s)]
        if not usable:
            asked = ", ".join(s.capitalize() for s in offered) or "credentials of an unknown scheme"
            need = f"{TOKEN_ENV}" if offered == ["bearer"] else f"{USER_ENV} and {PASSWORD_ENV}"
            given = "" if credentials.described() == "none" else f" (given: {credentials.described()})"
            raise PublishError(f"the store at {url} asks for {asked}{given}: set {need}")
        return ChosenAuth(_auth_for(usable[0], credentials), usable[0], credentials)
    if credentials.user is not None:
        return ChosenAuth(_auth_for("basic", credentials), "basic", credentials)
    if credentials.token:
        return ChosenAuth(BearerAuth(credentials.token), "bearer", credentials)
    return ChosenAuth(None, "none", credentials)


def _has(credentials: Credentials, scheme: str) -> bool:
    return bool(credentials.token) if scheme == "bearer" else credentials.user is not None


def _transport_problem(error: httpx.HTTPError, url: str, timeout: float | None) -> str:
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect to {url}: {error} (is the store running, and is this its address?)"
    if isinstance(error, httpx.TimeoutException):
        return f"no answer from {url} within {timeout} s (--timeout)"
    return f"could not reach {url}: {type(error).__name__}: {error}"


def query_endpoint_for(store_url: str) -> str:
    """The query endpoint beside a Graph Store endpoint (see the module docstring).

    >>> query_endpoint_for("http://h:8890/sparql-graph-crud-auth"), query_endpoint_for("http://h/ds/data?x=1")
    ('http://h:8890/sparql', 'http://h/ds/sparql')
    """
    parts = urlsplit(store_url)
    head, _, last = parts.path.rstrip("/").rpartition("/")
    if last not in QUERY_SIBLINGS:
        raise PublishError(
            f"cannot tell the query endpoint of {store_url} (to count what was written): pass --query-endpoint URL"
        )
    return urlunsplit(parts._replace(path=f"{head}/{QUERY_SIBLINGS[last]}", query=""))


def _read_query(name: str) -> str:
    return (resources.files("napkg_graph") / "queries" / "publish" / f"{name}.rq").read_text("utf-8")


def _select(client: httpx.Client, query_url: str, name: str, named: Sequence[str] = ()) -> list[dict[str, str]]:
    """The rows of ``queries/publish/{name}.rq`` on the store (form POST: SPARQL 1.1 Protocol), values as text."""
    # The graphs go in the form body, not the URL: Virtuoso read only the first ~90 of 600 long IRIs from a URL.
    data = [("query", _read_query(name)), *(("named-graph-uri", iri) for iri in named)]
    try:
        response = client.post(
            query_url,
            content=urlencode(data).encode("ascii"),
            headers={"Accept": SOLUTIONS_JSON, "Content-Type": "application/x-www-form-urlencoded"},
        )
    except httpx.HTTPError as error:
        raise PublishError(_transport_problem(error, query_url, client.timeout.read)) from error
    if response.status_code != 200:
        raise PublishError(
            f"counting the triples written: the query endpoint {query_url} answered {response.status_code} "
            f"{response.reason_phrase}: {_text_of(response)}"
        )
    try:
        bindings = response.json()["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in bindings]
    except (ValueError, KeyError, TypeError) as error:
        raise PublishError(f"counting the triples written: {query_url} sent no SPARQL JSON results ({error})") from None


def check_counts(client: httpx.Client, query_url: str, graphs: Sequence[GraphPayload]) -> list[CountRow]:
    """The triples the store reports per graph written, against what was written; raises :class:`CountMismatch`."""
    named = [g.iri for g in graphs if g.iri is not None]
    reported: dict[str, int] = {}
    for start in range(0, len(named), COUNT_BATCH):  # 10M triples are ~5,700 graphs: a bounded request each
        answer = _select(client, query_url, "graph-counts", named[start : start + COUNT_BATCH])
        reported.update((r["graph"], int(r["triples"])) for r in answer)
    rows = [CountRow(g.iri, g.triples, reported.get(g.iri)) for g in graphs if g.iri is not None]
    if any(g.iri is None for g in graphs):
        (default,) = _select(client, query_url, "default-graph-count")
        union = next(g for g in graphs if g.iri is None)
        rows.append(CountRow("(default graph)", union.triples, int(default["triples"])))
    if any(r.written != r.reported for r in rows):
        raise CountMismatch(rows)
    return rows


def count_table(rows: Sequence[CountRow]) -> str:
    """The rows as a table: written, reported, and which differ."""
    lines = [f"{'written':>9}  {'store':>9}  graph"]
    for r in rows:
        shown = "(none)" if r.reported is None else f"{r.reported:,}"
        mark = "" if r.written == r.reported else "   <- differs"
        lines.append(f"{r.written:>9,}  {shown:>9}  {r.graph}{mark}")
    return "\n".join(lines)


def _text_of(response: httpx.Response) -> str:
    """The store's message without its HTML, on one line, at most 500 characters."""
    text = (
        re.sub(r"<[^>]+>", " ", response.text) if "html" in response.headers.get("content-type", "") else response.text
    )
    return " ".join(html.unescape(text).split())[:500]


@dataclass(frozen=True)
class GraphPayload:
    iri: str | None  # None: the default graph
    triples: int
    body: bytes  # N-Triples


def union_payload(trig: Path, graph: str | None = None) -> GraphPayload:
    """The union of the named graphs of a TriG file, for the default graph (the engine keeps each triple once): in
    the order in which the embedded store writes its own (see :mod:`napkg_graph.union_graph`); into the named
    graph ``graph`` instead when given (``--union-graph``)."""
    store = Store()
    store.bulk_load(path=trig, format=RdfFormat.TRIG)
    with tempfile.TemporaryDirectory(prefix="napkg-publish-") as tmp:
        path = Path(tmp) / "union.nt"
        write_union(store, path)
        body = path.read_bytes()
    store.bulk_load(body, format=RdfFormat.N_TRIPLES, to_graph=DefaultGraph())
    return GraphPayload(graph, sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph())), body)


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


def _explain(status: int, auth: ChosenAuth | None) -> str:
    if status == 401:
        if auth is not None and auth.scheme != "none":
            return (
                f"the store did not accept the {auth.scheme.capitalize()} credentials of {auth.credentials.described()}"
            )
        return f"the store wants credentials: set {USER_ENV} and {PASSWORD_ENV}, or {TOKEN_ENV}"
    if status == 403:
        if auth is None or auth.scheme == "none":
            return "anonymous clients may not write this graph: give credentials of a user who may"
        return f"the user of {auth.credentials.described()} may not write this graph"
    return {
        404: "no Graph Store endpoint at this URL (Oxigraph's is /store, Fuseki's /DATASET/data, Virtuoso's "
        "/sparql-graph-crud-auth)",
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
    auth: ChosenAuth | None = None,
) -> None:
    """PUT every graph to ``endpoint`` (with ``auth``, else the client's own); stops at the first failure with a
    :class:`PublishError`."""
    done: list[str] = []
    for graph in graphs:
        url = graph_url(endpoint, graph.iri)
        name = graph.iri or "the default graph"
        try:
            headers = {"Content-Type": N_TRIPLES}
            chosen = httpx.USE_CLIENT_DEFAULT if auth is None or auth.auth is None else auth.auth
            response = client.put(url, content=graph.body, headers=headers, auth=chosen)
        except httpx.HTTPError as error:
            problem = _transport_problem(error, endpoint, client.timeout.read)
            raise PublishError(_stopped(f"{name}: {problem}", done, graphs)) from error
        if response.status_code not in (200, 201, 204):
            hint = _explain(response.status_code, auth)
            detail = _text_of(response)
            message = f"{name}: the store answered {response.status_code} {response.reason_phrase}"
            message += f" ({hint})" if hint else ""
            message += f":\n  {detail}" if detail else ""
            raise PublishError(_stopped(message, done, graphs))
        done.append(name)
        progress(f"{name}: {graph.triples:,} triples replaced ({response.status_code})")


def _stopped(message: str, done: Sequence[str], graphs: Sequence[GraphPayload]) -> str:
    left = len(graphs) - len(done)
    return f"{message}\n{len(done)} graph(s) were replaced before this; {left} were not written."
