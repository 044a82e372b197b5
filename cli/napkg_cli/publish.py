"""``napkg publish``: its flags and what it prints; the writing itself is :mod:`napkg_graph.publish_remote`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx
from napkg_graph import publish_remote
from napkg_graph.config import BuildSettings
from napkg_graph.publish_remote import PublishError, auth_from_env, publish, read_graphs, select_graphs, union_payload


def cmd_publish(args: argparse.Namespace) -> int:
    dist = Path(args.dist) if args.dist else BuildSettings().dist
    try:
        graphs = select_graphs(read_graphs(dist / "nap-kg.trig"), args.graph)
        # The default graph is the union of them all: rewritten only when all of them are published.
        union = None if args.graph else union_payload(dist / "nap-kg.trig")
        if args.dry_run:
            for graph in graphs:
                print(f"{graph.triples:>9,}  {graph.iri}")
            total = sum(g.triples for g in graphs)
            print(f"{total:>9,}  in {len(graphs)} graph(s); would PUT to {args.to}?graph=IRI (dry run)")
            if union is not None:
                print(f"{union.triples:>9,}  distinct: their union, would PUT to {args.to}?default (dry run)")
            return 0
        auth = auth_from_env()
        with httpx.Client(auth=auth, timeout=args.timeout, follow_redirects=False) as client:
            payloads = graphs if union is None else [*graphs, union]
            publish(args.to, payloads, client=client, progress=lambda m: print(f"napkg publish: {m}", file=sys.stderr))
    except PublishError as error:
        print(f"napkg publish: {error}", file=sys.stderr)
        return 1
    print(f"published {len(graphs)} graph(s), {sum(g.triples for g in graphs):,} triples, to {args.to}")
    if union is not None:
        print(f"and their union, {union.triples:,} distinct triples, as the default graph")
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
    p.set_defaults(func=cmd_publish)
