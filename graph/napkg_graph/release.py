"""Versioned releases: ``napkg release VERSION`` copies the dumps of a built dist/ into ``releases/VERSION/`` with
the changelog since the previous release, a catalog describing every version, and checksums. A release is
immutable: its folder is written beside the others under a temporary name and renamed into place in one step,
and an existing version is never written again.

    releases/VERSION/
        nap-kg.trig, nap-kg.nq.gz, nap-kg.jsonld, nap-kg.ttl, nap-kg.nt.gz, void.ttl, validation.txt, ontology.html
        catalog.ttl, catalog.jsonld    the DCAT catalog with this version and every earlier one (catalog_versions.py)
        changelog.ttl, changelog.json  what changed since the previous release (changelog.py, changelog_rdf.py)
        release.json                   version, previous version, issue time, files with size and sha256
        SHA256SUMS                     sha256sum-compatible checksums of the files above

Versions are semantic (``1.0.0``, ``2.1.0-rc.1``) or dates (``2026-12-03``, ``2026-12-03.2``); the order of
releases is the order they were made in (``issued``), which the previous-version links record.

>>> check_version("2.1.0-rc.1"), check_version("2026-12-03.2")
('2.1.0-rc.1', '2026-12-03.2')
>>> check_version("v2")
Traceback (most recent call last):
napkg_graph.release.ReleaseError: version 'v2' is neither semantic (1.2.0) nor a date (2026-12-03, 2026-12-03.2)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .catalog import CatalogSource
from .catalog_versions import versioned_catalog
from .changelog import Diff, diff_dumps
from .changelog_rdf import changelog_summary, changelog_turtle
from .publish import CATALOG, CATALOG_JSONLD, CHECKSUMS, NQUADS
from .release_record import (
    CHANGELOG_JSON,
    CHANGELOG_TTL,
    RECORD,
    Release,
    current_release,
    current_release_iri,
    release_iri,
    releases,
)

__all__ = [
    "CHANGELOG_JSON",
    "CHANGELOG_TTL",
    "Release",
    "ReleaseError",
    "ReleaseResult",
    "check_version",
    "current_release_iri",
    "make_release",
    "release_iri",
    "releases",
]
from .user_errors import UserError

SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?")
DATED = re.compile(r"(\d{4}-\d{2}-\d{2})(\.[1-9]\d*)?")
#: The files of dist/ a release copies (the catalog is written anew, with the versions).
COPIED_LEAVE_OUT = {CATALOG, CATALOG_JSONLD, CHECKSUMS}


class ReleaseError(UserError):
    """A release that cannot be made as asked (bad version, existing release, nothing built): exit 2."""


def check_version(version: str) -> str:
    if SEMVER.fullmatch(version):
        return version
    dated = DATED.fullmatch(version)
    if dated:
        try:
            dt.date.fromisoformat(dated.group(1))
        except ValueError:
            raise ReleaseError(f"version {version!r} is not a real date") from None
        return version
    raise ReleaseError(f"version {version!r} is neither semantic (1.2.0) nor a date (2026-12-03, 2026-12-03.2)")


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_issued(issued: str) -> str:
    """An ISO date-time with a time zone, as xsd:dateTime in UTC."""
    try:
        when = dt.datetime.fromisoformat(issued.replace("Z", "+00:00"))
    except ValueError:
        raise ReleaseError(f"--issued {issued!r} is not an ISO date-time (2026-12-03T12:00:00Z)") from None
    if when.tzinfo is None:
        raise ReleaseError(f"--issued {issued!r} has no time zone (add Z for UTC)")
    return when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class ReleaseResult:
    release: Release
    diff: Diff


def make_release(
    version: str,
    dist: Path,
    folder: Path,
    base_iri: str,
    catalog: CatalogSource,
    issued: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> ReleaseResult:
    """Write ``folder/version`` from the built ``dist``; refuses an existing version and an older ``issued``."""

    check_version(version)
    issued = check_issued(issued) if issued else _now()
    target = folder / version
    if target.exists():
        raise ReleaseError(f"{target}: release {version} exists already; releases are never rewritten")
    if not (dist / NQUADS).is_file():
        raise ReleaseError(f"{dist / NQUADS}: no built dataset to release (run napkg build first)")
    previous = current_release(folder)
    if previous and previous.issued > issued:
        raise ReleaseError(f"release {previous.version} was issued at {previous.issued}, after {issued}")
    progress(f"comparing with {'release ' + previous.version if previous else 'nothing (first release)'}")
    changes = diff_dumps(previous.folder / NQUADS if previous else None, dist / NQUADS)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=folder))
    try:
        files: dict[str, tuple[int, str]] = {}

        def write(name: str, data: bytes) -> None:
            (staging / name).write_bytes(data)
            files[name] = (len(data), hashlib.sha256(data).hexdigest())
            progress(f"wrote {name} ({len(data):,} bytes)")

        for entry in sorted(dist.iterdir()):
            if entry.is_file() and not entry.name.startswith(".") and entry.name not in COPIED_LEAVE_OUT:
                write(entry.name, entry.read_bytes())
        iri = release_iri(base_iri, version)
        previous_iri = previous.iri(base_iri) if previous else None
        write(CHANGELOG_TTL, changelog_turtle(iri, previous_iri, issued, changes))
        summary = changelog_summary(version, previous.version if previous else None, issued, changes)
        write(CHANGELOG_JSON, (json.dumps(summary, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        this = Release(version, previous.version if previous else None, issued, dict(files), target)
        history = [*releases(folder), this]
        for name, data in versioned_catalog(base_iri, catalog, history, changes, dist).items():
            write(name, data)
        record = {
            "version": version,
            "previous": this.previous,
            "issued": issued,
            "files": {name: list(entry) for name, entry in sorted(files.items())},
        }
        (staging / RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        sums = {**{name: digest for name, (_, digest) in files.items()}}
        sums[RECORD] = hashlib.sha256((staging / RECORD).read_bytes()).hexdigest()
        (staging / CHECKSUMS).write_text("".join(f"{h}  {n}\n" for n, h in sorted(sums.items())))
        for path in staging.iterdir():
            path.chmod(0o444)  # immutable: a release is never written again
        staging.chmod(0o755)  # mkdtemp made it private
        os.rename(staging, target)  # fails if another release of this version won the race
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ReleaseResult(Release.read(target), changes)
