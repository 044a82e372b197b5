"""``python -m napkg_server --data FILE ... [--port N]``: serve the files over SPARQL."""

import argparse

from napkg_server.cli import add_serve_arguments, run_serve


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m napkg_server", description="Serve RDF files over the SPARQL 1.1 Protocol."
    )
    add_serve_arguments(parser)
    return run_serve(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
