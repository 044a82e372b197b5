"""A written release as its ``release.json`` records it, and the releases of a folder in the order they were made
(release.py writes them; catalog_versions.py, ldes.py and the server read them)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

RECORD = "release.json"
CHANGELOG_TTL = "changelog.ttl"
CHANGELOG_JSON = "changelog.json"


def release_iri(base_iri: str, version: str) -> str:
    """The IRI of a release: the dataset as published in that version (served at ``/releases/{version}``)."""
    return f"{base_iri}releases/{version}"


@dataclass(frozen=True)
class Release:
    """A written release, as its release.json records it."""

    version: str
    previous: str | None
    issued: str  # xsd:dateTime, UTC
    files: dict[str, tuple[int, str]]  # name -> (bytes, sha256)
    folder: Path

    @classmethod
    def read(cls, folder: Path) -> Release:
        record = json.loads((folder / RECORD).read_text("utf-8"))
        files = {name: (int(size), digest) for name, (size, digest) in record["files"].items()}
        return cls(record["version"], record["previous"], record["issued"], files, folder)

    def iri(self, base_iri: str) -> str:
        return release_iri(base_iri, self.version)


def releases(folder: Path) -> list[Release]:
    """The releases in ``folder``, oldest first (folders being written, with a leading dot, are not releases)."""
    if not folder.is_dir():
        return []
    found = [
        Release.read(entry)
        for entry in folder.iterdir()
        if entry.is_dir() and not entry.name.startswith(".") and (entry / RECORD).is_file()
    ]
    return sorted(found, key=lambda r: (r.issued, r.version))


def current_release(folder: Path) -> Release | None:
    found = releases(folder)
    return found[-1] if found else None


def current_release_iri(base_iri: str, folder: Path) -> str | None:
    """The IRI of the newest release in ``folder`` (None before the first). Citations name the release the server
    serves instead (napkg_server.web.releases.cited_release), which need not be the newest."""
    latest = current_release(folder)
    return latest.iri(base_iri) if latest else None
