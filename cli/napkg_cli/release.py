"""`napkg release VERSION`: an immutable, versioned copy of the built dataset with its changelog and catalog."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from napkg_graph.catalog import load_catalog_source
from napkg_graph.config import BuildSettings
from napkg_graph.release import make_release


def default_releases(dist: Path) -> Path:
    """releases/ beside dist/."""
    return dist.parent / "releases"


def add_release_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("version", help="semantic (1.2.0) or date-based (2026-12-03, 2026-12-03.2) version")
    parser.add_argument(
        "--releases", type=Path, metavar="DIR", help="folder of the releases (default: releases/ beside dist/)"
    )
    parser.add_argument(
        "--issued", metavar="DATETIME", help="release time, ISO 8601 with time zone (default: now, UTC)"
    )
    parser.add_argument("--no-build", action="store_true", help="release dist/ as it is instead of building it first")


def run_release(
    args: argparse.Namespace,
    settings: BuildSettings,
    build: Callable[[], int],
    progress: Callable[[str], None],
) -> int:
    if not args.no_build and build() != 0:
        return 1
    folder = args.releases or default_releases(settings.dist)
    result = make_release(
        args.version,
        settings.dist,
        folder,
        settings.base_iri,
        load_catalog_source(settings.sources_dir),
        issued=args.issued,
        progress=progress,
    )
    release, kinds = result.release, result.diff.per_kind()
    changed = ", ".join(f"{kind} {n}" for kind, n in kinds.items() if n)
    print(
        f"released {release.version} ({release.issued}) in {release.folder}; previous: {release.previous or 'none'}; "
        f"{len(result.diff.changes)} changed resource(s){': ' + changed if changed else ''}",
        file=sys.stdout,
    )
    return 0
