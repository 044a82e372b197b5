"""``SHA256SUMS`` files (``sha256sum`` format), as ``napkg build`` writes beside its dumps.

They serve two ends: ``/downloads/`` shows each file's checksum, and the loader trusts a file whose bytes
match the checksum listed beside it: this project wrote and validated it, so it is parsed leniently
(pyoxigraph's ``lenient=True`` skips re-validating every IRI, language tag and datatype, which halves the
time to load a million triples). Any other file is parsed strictly and a malformed one is refused.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

CHECKSUMS = "SHA256SUMS"


def read_checksums(directory: Path) -> dict[str, str]:
    """``SHA256SUMS`` in ``directory`` as name -> hex digest (text or binary mode); empty when there is none."""
    path = directory / CHECKSUMS
    if not path.is_file():
        return {}
    sums = {}
    for line in path.read_text("utf-8").splitlines():
        digest, _, name = line.partition(" ")
        if name:
            sums[name.strip().lstrip("*")] = digest
    return sums


def sha256_of(path: Path) -> str:
    """The file's sha256 in hex; remembered while its size and modification time stay the same, as loading
    asks twice (is it ours? and the dataset's checksum), 0.3 s per million triples each."""
    stat = path.stat()
    return _sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def written_by_us(path: Path) -> bool:
    """Whether ``path`` is listed, with its current sha256, in the ``SHA256SUMS`` beside it."""
    listed = read_checksums(path.parent).get(path.name)
    return listed is not None and listed == sha256_of(path)
