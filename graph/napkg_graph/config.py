"""Where things are and which base IRI the dataset is minted under; one place for both."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: The repository root: ontology/, graph/, shapes/ sit beside each other in it.
REPO_ROOT = Path(__file__).resolve().parents[2]

#: Default base IRI: w3id.org is a community persistent-identifier service, so the IRIs can outlive any host.
DEFAULT_BASE_IRI = "https://w3id.org/nap-kg/"


def _base_from_env() -> str:
    return os.environ.get("NAPKG_BASE_IRI", DEFAULT_BASE_IRI)


@dataclass(frozen=True)
class BuildSettings:
    """Inputs and outputs of `napkg build`; every field can be overridden from the command line."""

    base_iri: str = field(default_factory=_base_from_env)
    root: Path = REPO_ROOT
    dist: Path = field(default_factory=lambda: Path(os.environ.get("NAPKG_DIST", REPO_ROOT / "dist")))
    sources: Path | None = None  # default: graph/sources/ under root

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {self.base_iri!r}")

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def sources_dir(self) -> Path:
        return self.sources or self.root / "graph" / "sources"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"
