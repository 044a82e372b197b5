"""Where things are and which base IRI the dataset is minted under; one place for both."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: The package's data: ontology/, shapes/ and sources/. In a checkout, data/ holds links to the repository's
#: top-level ontology/, shapes/ and graph/sources/; a wheel carries copies of them (package data).
DATA_DIR = Path(__file__).resolve().parent / "data"

#: The repository root when running from a checkout (ontology/, graph/, shapes/ sit beside each other in it).
REPO_ROOT = Path(__file__).resolve().parents[2]


def _in_checkout() -> bool:
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "graph" / "sources").is_dir()


def _default_dist() -> Path:
    """$NAPKG_DIST, else dist/ in the checkout, else ./dist for an installed package."""
    if "NAPKG_DIST" in os.environ:
        return Path(os.environ["NAPKG_DIST"])
    return REPO_ROOT / "dist" if _in_checkout() else Path.cwd() / "dist"


#: Default base IRI: w3id.org is a community persistent-identifier service, so the IRIs can outlive any host.
DEFAULT_BASE_IRI = "https://w3id.org/nap-kg/"


def _base_from_env() -> str:
    return os.environ.get("NAPKG_BASE_IRI", DEFAULT_BASE_IRI)


@dataclass(frozen=True)
class BuildSettings:
    """Inputs and outputs of `napkg build`; every field can be overridden from the command line."""

    base_iri: str = field(default_factory=_base_from_env)
    root: Path = DATA_DIR  # holds ontology/, shapes/ and sources/
    dist: Path = field(default_factory=_default_dist)
    sources: Path | None = None  # default: sources/ under root (graph/sources/ in a checkout)

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {self.base_iri!r}")

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def sources_dir(self) -> Path:
        return self.sources or self.root / "sources"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"
