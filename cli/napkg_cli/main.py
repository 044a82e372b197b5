"""The `napkg` command line: build, validate, serve (query and publish follow). Flags are a stable interface."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import redirect_stdout
from pathlib import Path

import napkg_graph
from napkg_graph import __doc__ as package_doc
from napkg_graph.config import BuildSettings, flag_help, flag_name, opt, scalar_parser
from napkg_graph.dataset import union
from napkg_graph.pipeline import BuildFailed, build, build_and_validate
from napkg_graph.shacl.validate import ENGINES, check, load_shapes
from napkg_graph.sources import SourceError
from napkg_graph.user_errors import UserError, read_rdf
from napkg_graph.vocab import ontology
from rdflib import Dataset


def _progress(message: str) -> None:
    print(f"napkg: {message}", file=sys.stderr, flush=True)


def _settings(args: argparse.Namespace) -> BuildSettings:
    """The build's settings: the flags given, over ``NAPKG_*``, over the defaults."""
    given = {name: getattr(args, name, None) for name in BuildSettings.model_fields}
    try:
        return BuildSettings.from_env(**{name: value for name, value in given.items() if value})
    except ValueError as error:
        raise UserError(str(error)) from None


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """One flag per field of :class:`BuildSettings` that has one; help from the field's description and default."""
    for name, field in BuildSettings.model_fields.items():
        option = opt(field)
        if option.flag:
            parser.add_argument(
                flag_name(name), type=scalar_parser(field), metavar=option.metavar, help=flag_help(field)
            )


def cmd_build(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        result = build(settings, _progress)
    except BuildFailed as failed:
        print(failed.report.render(warnings=False), file=sys.stderr)
        print(f"napkg: build failed validation; {settings.dist} was left untouched", file=sys.stderr)
        return 1
    print(
        f"built {result.triples:,} triples in {result.seconds:.1f} s; "
        f"{len(result.report.warnings)} warning(s); dumps in {settings.dist}"
    )
    for name, digest in sorted(result.checksums.items()):
        print(f"  {settings.dist / name}  sha256:{digest[:16]}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.files:
        data = Dataset()
        for path in args.files:
            read_rdf(data, Path(path))
        report = check(union(data), load_shapes(settings), ontology(), engine=args.engine)
    else:
        _, _, report = build_and_validate(settings, _progress, engine=args.engine)
    print(report.render(warnings=not args.violations_only))
    return 0 if report.conforms else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from napkg_server.data.disk_store import is_unused
    from napkg_server.settings import DataSource

    from napkg_cli.serve import run_serve

    # `--remote URL` answers from that endpoint: nothing to build or parse, but dist/ is offered when built.
    if getattr(args, "remote", None) or os.environ.get("NAPKG_REMOTE", "").strip():
        dist = _settings(args).dist
        if not getattr(args, "dist", None) and (dist / "nap-kg.trig").is_file():
            args.dist = dist
        return run_serve(args)
    # `--store DIR` without --data reopens the store in DIR as it is (nothing to build or parse), or refuses one
    # whose load did not finish: only an unused DIR is filled, with the built dataset, and that is said.
    store = Path(args.store) if getattr(args, "store", None) else None
    if not getattr(args, "data_sources", None) and (store is None or is_unused(store)):
        settings = _settings(args)
        trig = settings.dist / "nap-kg.trig"
        if not _built(args, settings, trig):
            return 1
        if store is not None:
            _progress(f"{store} holds no store yet: loading {trig} into it")
        args.data_sources = [DataSource(trig)]
        args.dist = settings.dist  # so the server offers the dumps beside the data it serves
    return run_serve(args)


def cmd_release(args: argparse.Namespace) -> int:
    from napkg_cli.release import run_release

    settings = _settings(args)
    return run_release(args, settings, lambda: cmd_build(args), _progress)


def cmd_query(args: argparse.Namespace) -> int:
    from napkg_cli.query import list_queries, run_query

    if args.list or not args.name:
        sys.stdout.write(list_queries())
        return 0 if args.list else 2
    settings = _settings(args)
    trig = settings.dist / "nap-kg.trig"
    with redirect_stdout(sys.stderr):  # stdout carries the answer only
        if not _built(args, settings, trig):
            return 1
    return run_query(args, trig, settings.base_iri)


BUILD_INPUTS = {".py", ".ttl", ".yaml", ".txt", ".rq", ".jsonld"}


def _built(args: argparse.Namespace, settings: BuildSettings, trig: Path) -> bool:
    """Build first when ``trig`` is missing or older than its sources; False when that build fails."""
    if not _stale(settings, trig):
        return True
    _progress(f"{trig} is missing or older than its sources: building first")
    return cmd_build(args) == 0


def _stale(settings: BuildSettings, target: Path) -> bool:
    if not target.exists():
        return True
    built = target.stat().st_mtime
    inputs = [
        settings.ontology_dir,
        settings.sources_dir,
        *settings.extra_sources,
        settings.shapes_dir,
        Path(napkg_graph.__file__).parent,  # the build's code is an input too
    ]
    return any(
        p.stat().st_mtime > built for d in inputs for p in d.rglob("*") if p.suffix in BUILD_INPUTS and p.is_file()
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="napkg", description=(package_doc or "").strip())
    sub = top.add_subparsers(dest="command", required=True)

    common = add_build_arguments

    b = sub.add_parser("build", help="build the dataset, validate it and write dist/")
    common(b)
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="validate RDF files (or the freshly built dataset) against shapes/")
    common(v)
    v.add_argument("files", nargs="*", help="RDF files to validate (format by extension)")
    v.add_argument("--violations-only", action="store_true", help="leave warnings out of the report")
    v.add_argument(
        "--engine",
        choices=ENGINES,
        default="fast",
        help="SHACL engine: fast (default) or pyshacl, the reference it is tested against (same findings)",
    )
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("serve", help="serve the dataset over HTTP (SPARQL endpoint)", conflict_handler="resolve")
    common(s)
    from napkg_cli.serve import add_serve_arguments

    add_serve_arguments(s)
    s.set_defaults(func=cmd_serve)

    q = sub.add_parser("query", help="run a saved question (queries/saved/) on dist/nap-kg.trig and print the answer")
    common(q)
    from napkg_cli.query import add_query_arguments

    add_query_arguments(q)
    q.set_defaults(func=cmd_query)

    r = sub.add_parser("release", help="write an immutable release of the built dataset under releases/VERSION/")
    common(r)
    from napkg_cli.release import add_release_arguments

    add_release_arguments(r)
    r.set_defaults(func=cmd_release)

    from napkg_cli.publish import add_publish_parser

    add_publish_parser(sub)
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        code = args.func(args)
    except (UserError, SourceError) as exc:
        # A mistake in the user's input: one line, no traceback; exit 2 as argparse does for bad flags.
        print(f"napkg: error: {exc}", file=sys.stderr)
        code = 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"napkg: error: {where}{exc.strerror or exc}", file=sys.stderr)
        code = 2
    raise SystemExit(code)
