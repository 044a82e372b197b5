"""``napkg publish``: its flags and what it prints; the writing itself is :mod:`napkg_graph.publish_remote`.

Exit status: 0 when every graph was written and the store reports the triple counts written; 1 when the store
reports other counts (the table goes to stderr); 2 when publication could not be done (the message says why).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx
from napkg_graph import publish_remote
from napkg_graph.config import BuildSettings
from napkg_graph.publish_remote import (
    AUTH_CHOICES,
    CountMismatch,
    Credentials,
    PublishError,
    check_counts,
    choose_auth,
    count_table,
    graph_url,
    publish,
    query_endpoint_for,
    read_graphs,
    select_graphs,
    union_payload,
)


def cmd_publish(args: argparse.Namespace) -> int:
    dist = Path(args.dist) if args.dist else BuildSettings().dist
    try:
        graphs = select_graphs(read_graphs(dist / "nap-kg.trig"), args.graph)
        # The default graph (or --union-graph) is the union of them all: rewritten only when all are published.
        union = None if args.graph else union_payload(dist / "nap-kg.trig", args.union_graph)
        target = f"{args.to}?graph={args.union_graph}" if args.union_graph else f"{args.to}?default"
        if args.dry_run:
            for graph in graphs:
                print(f"{graph.triples:>9,}  {graph.iri}")
            total = sum(g.triples for g in graphs)
            print(f"{total:>9,}  in {len(graphs)} graph(s); would PUT to {args.to}?graph=IRI (dry run)")
            if union is not None:
                print(f"{union.triples:>9,}  distinct: their union, would PUT to {target} (dry run)")
            return 0
        query_url = args.query_endpoint or query_endpoint_for(args.to)
        credentials = Credentials.from_env()
        payloads = graphs if union is None else [*graphs, union]
        with httpx.Client(timeout=args.timeout, follow_redirects=False) as client:
            auth = choose_auth(client, graph_url(args.to, payloads[0].iri), args.auth, credentials)
            say = lambda m: print(f"napkg publish: {m}", file=sys.stderr)  # noqa: E731
            say(f"authentication: {auth.scheme}")
            publish(args.to, payloads, client=client, progress=say, auth=auth)
            if auth.auth is not None:  # the query endpoint may want the same credentials
                client.auth = auth.auth
            rows = check_counts(client, query_url, payloads)
    except PublishError as error:
        print(f"napkg publish: {error}", file=sys.stderr)
        return 2
    except CountMismatch as mismatch:
        print(f"napkg publish: {mismatch} ({query_url}):\n{count_table(mismatch.rows)}", file=sys.stderr)
        if union is not None and union.iri is None:
            print(
                "napkg publish: an engine whose default graph is more than one graph of its own (Virtuoso) needs the "
                "union in a named graph: --union-graph IRI (and napkg serve --remote-union-graph IRI)",
                file=sys.stderr,
            )
        return 1
    print(f"published {len(graphs)} graph(s), {sum(g.triples for g in graphs):,} triples, to {args.to}")
    if union is not None:
        print(f"and their union, {union.triples:,} distinct triples, as {target.split('?', 1)[1]}")
    print(f"the store reports the same triple count for all {len(rows)} ({query_url})")
    return 0


def add_publish_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``napkg publish`` on the subcommands ``sub``."""
    p = sub.add_parser(
        "publish",
        help="write the named graphs of dist/nap-kg.trig into a SPARQL Graph Store (HTTP PUT per graph)",
        description=publish_remote.__doc__.split("\n\n>>>")[0] if publish_remote.__doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--to", required=True, metavar="URL", help="Graph Store endpoint, e.g. http://host:7878/store")
    p.add_argument("--dist", metavar="DIR", help="directory holding nap-kg.trig (default: dist/)")
    p.add_argument("--graph", metavar="IRI", action="extend", nargs="+", help="publish only these named graphs")
    p.add_argument("--dry-run", action="store_true", help="list the graphs and their triple counts; write nothing")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS", help="per request (default 300)")
    p.add_argument(
        "--auth",
        choices=AUTH_CHOICES,
        default="auto",
        help="authentication: as the store's 401 challenge asks (auto, the default), or basic, digest "
        "(NAPKG_PUBLISH_USER, NAPKG_PUBLISH_PASSWORD) or bearer (NAPKG_PUBLISH_TOKEN)",
    )
    p.add_argument(
        "--query-endpoint",
        metavar="URL",
        help="the store's SPARQL query endpoint, to count what was written (default: beside --to: /store -> "
        "/query, /sparql-graph-crud[-auth] -> /sparql, /DATASET/data -> /DATASET/sparql)",
    )
    p.add_argument(
        "--union-graph",
        metavar="IRI",
        help="write the union of the graphs into this named graph instead of the default graph (Virtuoso); "
        "serve it with napkg serve --remote-union-graph IRI",
    )
    p.set_defaults(func=cmd_publish)
