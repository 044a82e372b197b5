"""Writes dist/: the dataset dumps and their checksums. Deterministic (two builds give identical bytes) and
atomic (dist/ is replaced in one rename, so a failed build never leaves a half-written dist/ behind).

    nap-kg.trig      all named graphs (TriG)
    nap-kg.nq.gz     all named graphs (N-Quads, sorted, gzip)
    nap-kg.jsonld    all named graphs (JSON-LD, context ontology/context.jsonld inlined, never fetched)
    nap-kg.ttl       the union of the named graphs (Turtle)
    nap-kg.nt.gz     the union of the named graphs (N-Triples, sorted, gzip)
    validation.txt   the SHACL report of the build (warnings included)
    catalog.ttl      DCAT-AP 3 / DCAT-AP-NL 3.0 catalog of the dataset (catalog.py), also as catalog.jsonld
    void.ttl         VoID description with figures counted over the TriG dump (void.py)
    ontology.html    documentation of ontology/nap.ttl, one anchor per term (ontology_docs.py)
    SHA256SUMS       sha256sum-compatible checksums of the files above

The catalog lists the dumps with their sizes and checksums, so it is written after them; it cannot list its own
checksum (that would change the file it is in), so SHA256SUMS is where catalog.ttl's checksum stands.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import RdfFormat
from rdflib import Dataset, Graph

from .catalog import CatalogSource, DumpFile, catalog_graph, distribution_files
from .config import BuildSettings
from .iris import Iris
from .ontology_docs import ontology_html
from .vocab import ontology
from .void import load_store, void_figures, void_graph

# The dumps' suffixes are pyoxigraph's file extensions (this package may not import the server's
# format registry, napkg_server.formats, which derives its suffixes from the same objects).
STEM = "nap-kg"
TRIG = f"{STEM}.{RdfFormat.TRIG.file_extension}"
NQUADS = f"{STEM}.{RdfFormat.N_QUADS.file_extension}.gz"
JSONLD = f"{STEM}.{RdfFormat.JSON_LD.file_extension}"
TURTLE = f"{STEM}.{RdfFormat.TURTLE.file_extension}"
NTRIPLES = f"{STEM}.{RdfFormat.N_TRIPLES.file_extension}.gz"
REPORT = "validation.txt"
CATALOG = "catalog.ttl"
CATALOG_JSONLD = "catalog.jsonld"
VOID = "void.ttl"
ONTOLOGY_HTML = "ontology.html"
CHECKSUMS = "SHA256SUMS"


def _gzip(data: bytes) -> bytes:
    # mtime=0 and no file name keep the archive byte-identical across builds.
    return gzip.compress(data, compresslevel=9, mtime=0)


def _sorted_lines(text: str) -> bytes:
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def _trig(ds: Dataset) -> bytes:
    """TriG with graphs in IRI order: rdflib orders the triples in a graph but not the graphs themselves."""
    prefixes: set[str] = set()
    bodies: list[str] = []
    for ctx in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if not len(ctx):
            continue
        single = Dataset()
        for prefix, ns in ds.namespaces():
            single.bind(prefix, ns)
        target = single.graph(ctx.identifier)
        for triple in ctx:
            target.add(triple)
        lines = single.serialize(format="trig").splitlines()
        prefixes.update(line for line in lines if line.startswith("@prefix"))
        bodies.append("\n".join(line for line in lines if not line.startswith("@prefix")).strip())
    return ("\n".join(sorted(prefixes)) + "\n\n" + "\n\n".join(bodies) + "\n").encode("utf-8")


def _jsonld(ds: Graph, context: dict) -> bytes:
    raw = json.loads(ds.serialize(format="json-ld", context=context, auto_compact=True))
    graphs = raw.get("@graph", [])
    for graph in graphs:
        if isinstance(graph.get("@graph"), list):
            graph["@graph"].sort(key=lambda node: json.dumps(node, sort_keys=True))
    graphs.sort(key=lambda node: json.dumps(node, sort_keys=True))
    return (json.dumps(raw, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _turtle(g: Graph, context: dict) -> bytes:
    for prefix, namespace in context.items():
        g.bind(prefix, namespace)
    return g.serialize(format="turtle").encode("utf-8")


def _metadata(
    written: dict[str, bytes], sums: dict[str, str], source: CatalogSource, settings: BuildSettings, context: dict
) -> dict[str, bytes]:
    """Catalog, VoID and ontology page: made from the dumps as written (``sums``: their sha256), so their figures
    describe those bytes."""
    iris = Iris(settings.base_iri)
    dumps = [DumpFile(name, len(written[name]), sums[name]) for name in distribution_files(source)]
    catalog = catalog_graph(iris, source, dumps)
    figures = void_figures(load_store(written[TRIG]), iris)
    return {
        CATALOG: _turtle(catalog, context),
        CATALOG_JSONLD: _jsonld(catalog, context),
        VOID: _turtle(void_graph(figures, iris, [d.name for d in dumps], context), context),
        ONTOLOGY_HTML: ontology_html(ontology()).encode("utf-8"),
    }


def write_dist(
    ds: Dataset,
    union: Graph,
    report: str,
    catalog: CatalogSource,
    settings: BuildSettings,
    progress: Callable[[str], None],
) -> dict[str, str]:
    """Serialise into a fresh directory beside dist/, then swap it in. Returns file -> sha256."""
    context = json.loads((settings.ontology_dir / "context.jsonld").read_text(encoding="utf-8"))
    outputs: dict[str, Callable[[], bytes]] = {
        TRIG: lambda: _trig(ds),
        NQUADS: lambda: _gzip(_sorted_lines(ds.serialize(format="nquads"))),
        JSONLD: lambda: _jsonld(ds, context["@context"]),
        TURTLE: lambda: union.serialize(format="turtle").encode("utf-8"),
        NTRIPLES: lambda: _gzip(_sorted_lines(union.serialize(format="nt"))),
        REPORT: lambda: (report + "\n").encode("utf-8"),
    }
    settings.dist.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=settings.dist.parent))
    try:
        sums: dict[str, str] = {}
        written: dict[str, bytes] = {}

        def write(name: str, data: bytes) -> None:
            (staging / name).write_bytes(data)
            written[name] = data
            sums[name] = hashlib.sha256(data).hexdigest()
            progress(f"wrote {name} ({len(data):,} bytes)")

        for name, produce in outputs.items():
            write(name, produce())
        for name, data in _metadata(written, sums, catalog, settings, context["@context"]).items():
            write(name, data)
        (staging / CHECKSUMS).write_text("".join(f"{h}  {n}\n" for n, h in sorted(sums.items())))
        _swap(staging, settings.dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sums


def _swap(staging: Path, dist: Path) -> None:
    old = dist.with_name(dist.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dist.exists():
        os.replace(dist, old)
    os.replace(staging, dist)
    shutil.rmtree(old, ignore_errors=True)
