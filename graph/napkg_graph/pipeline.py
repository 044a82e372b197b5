"""sources -> build -> validate -> dist/: the one-way flow behind `napkg build`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Dataset, Graph

from .catalog import load_catalog_source
from .config import BuildSettings
from .dataset import build_dataset, union
from .publish import write_dist
from .shacl.report import Report
from .shacl.validate import Engine, check, load_shapes
from .vocab import ontology


class BuildFailed(RuntimeError):
    """The data did not conform to the shapes; dist/ was left as it was."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.render(warnings=False))
        self.report = report


@dataclass(frozen=True)
class BuildResult:
    dataset: Dataset
    union: Graph
    report: Report
    checksums: dict[str, str]
    seconds: float

    @property
    def triples(self) -> int:
        return sum(len(g) for g in self.dataset.graphs())


def build_and_validate(
    settings: BuildSettings, progress: Callable[[str], None] = lambda _: None, engine: Engine = "fast"
) -> tuple[Dataset, Graph, Report]:
    progress("reading sources and building graphs")
    ds = build_dataset(settings, progress)
    data = union(ds)
    progress(f"validating {len(data):,} triples with the {engine} SHACL engine")
    report = check(data, load_shapes(settings), ontology(), engine=engine)
    return ds, data, report


def build(settings: BuildSettings, progress: Callable[[str], None] = lambda _: None) -> BuildResult:
    """Build, validate and, only when the data conforms, publish dist/."""
    started = time.perf_counter()
    catalog = load_catalog_source(settings.sources_dir)  # a malformed catalog.yaml fails before the long work
    ds, data, report = build_and_validate(settings, progress)
    if not report.conforms:
        raise BuildFailed(report)
    progress(f"writing {settings.dist}")
    sums = write_dist(ds, data, report.render(), catalog, settings, progress)
    return BuildResult(ds, data, report, sums, time.perf_counter() - started)
