"""The published files: ``/downloads/`` (index with SHA256SUMS), ``/downloads/{file}``, the
DCAT catalogue at ``/catalog`` and the VoID description at ``/.well-known/void``.

Only names listed in the dist directory are served: the requested name is looked up in that
listing and never joined to a path, so ``../`` in any encoding cannot leave the directory.
Media types go by extension. ``.gz`` files are sent as ``application/gzip`` *without*
``Content-Encoding: gzip``: with that header, browsers and HTTP clients would unpack the bytes
on the fly and save something that no longer matches ``SHA256SUMS``; the dumps are files to
keep, not a compressed transfer of another file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from pyoxigraph import RdfFormat, Triple, parse, serialize
from rdflib.namespace import DCAT, DCTERMS, RDF
from starlette.responses import RedirectResponse, Response

from napkg_server.data.checksums import CHECKSUMS, read_checksums
from napkg_server.formats import (
    BY_KEY,
    GZIP_MEDIA_TYPE,
    HTML_CONTENT_TYPE,
    JSON_MEDIA_TYPE,
    OCTET_STREAM_MEDIA_TYPE,
    TEXT_CONTENT_TYPE,
    ResultKind,
    formats_of,
)
from napkg_server.http.head_requests import HeadAwareFileResponse
from napkg_server.http.problems import HttpProblem
from napkg_server.web.context import Web
from napkg_server.web.dereference import choose_format
from napkg_server.web.rendering import HTML_VARY, render

router = APIRouter(include_in_schema=False)

# By extension. Of the RDF dumps only Turtle has ever been sent with a charset here (unlike
# /sparql, which also names it for TriG and RDF/XML); the headers of the files must not change.
MEDIA_TYPES: dict[str, str] = {
    **{f".{f.suffix}": f.media_type for f in formats_of(ResultKind.GRAPH)},
    ".ttl": BY_KEY["ttl"].content_type,
    ".gz": GZIP_MEDIA_TYPE,
    ".txt": TEXT_CONTENT_TYPE,
    ".html": HTML_CONTENT_TYPE,
    ".json": JSON_MEDIA_TYPE,
    ".csv": BY_KEY["csv"].content_type,
}


def media_type(name: str) -> str:
    if name == CHECKSUMS:
        return TEXT_CONTENT_TYPE
    return MEDIA_TYPES.get(Path(name).suffix.lower(), OCTET_STREAM_MEDIA_TYPE)


@dataclass(frozen=True)
class Published:
    name: str
    size: int
    media_type: str
    sha256: str | None


def is_published(dist: Path | None, name: str) -> bool:
    """Whether ``name`` is a regular file directly in ``dist`` (no hidden file, no symlink, no folder, no path).

    The name must be one the directory lists before anything is asked of the file system about it, so
    names no file can have (too long, a NUL byte) are simply not published rather than an ``OSError``.
    """
    if dist is None or not name or "/" in name or name.startswith("."):
        return False
    try:
        if name not in os.listdir(dist):
            return False
        entry = dist / name
        return not entry.is_symlink() and entry.is_file()
    except OSError:
        return False


def listing(dist: Path | None) -> dict[str, Published]:
    """The published files of ``dist`` (:func:`is_published`), with their checksums."""
    if dist is None or not dist.is_dir():
        return {}
    sums = read_checksums(dist)
    files = {}
    for entry in sorted(dist.iterdir()):
        if is_published(dist, entry.name):
            size = entry.stat().st_size
            files[entry.name] = Published(entry.name, size, media_type(entry.name), sums.get(entry.name))
    return files


@router.get("/downloads")
async def downloads_redirect() -> Response:
    return RedirectResponse("/downloads/", 308)


@router.get("/downloads/")
async def downloads_index(request: Request, web: Web) -> Response:
    files = listing(web.dist)
    sums = (web.dist / CHECKSUMS).read_text("utf-8") if CHECKSUMS in files and web.dist else ""  # shown as it is
    return render(
        web.templates, request, "downloads.html", files=list(files.values()), sums=sums, has_dist=web.dist is not None
    )


@router.get("/downloads/{name:path}")
async def download(name: str, web: Web) -> Response:
    if web.dist is None or not is_published(web.dist, name):
        raise HttpProblem(404, f"No published file is called {name!r}.", links=(("/downloads/", "the downloads"),))
    return HeadAwareFileResponse(web.dist / name, media_type(name))  # a HEAD reads no 50 MB dump


def _rdf_file(web: Web, name: str, what: str) -> Path:
    path = web.dist / name if web.dist is not None else None
    if path is None or not is_published(web.dist, name):
        raise HttpProblem(
            404,
            f"No {what} is published here: the server was started without {name} in its --dist directory.",
            links=(("/downloads/", "the downloads"), ("/", "home")),
        )
    return path


def _rdf_answer(path: Path, key: str, sibling: Path | None = None) -> Response:
    fmt = BY_KEY[key]
    if key == "ttl":
        body = path.read_bytes()
    elif sibling is not None and sibling.is_file():
        body = sibling.read_bytes()  # the published JSON-LD, with its context, as it is
    else:
        assert isinstance(fmt.serializer, RdfFormat)  # BY_KEY's RDF keys: ttl, jsonld, nt, rdf
        body = serialize(_triples(path), format=fmt.serializer) or b""
    return Response(body, headers={"Content-Type": fmt.content_type, "Vary": "Accept"})


def _triples(path: Path) -> list[Triple]:
    try:
        return list(parse(path=path, format=RdfFormat.TURTLE))
    except (SyntaxError, ValueError, OSError) as error:
        raise HttpProblem(500, f"The published file {path.name} is not valid Turtle: {error}") from None


def _summary(path: Path) -> list[dict[str, object]]:
    """Datasets and distributions of a DCAT catalogue (or VoID) file, for the HTML view."""
    triples = _triples(path)
    props: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        if isinstance(t.subject, Triple) or isinstance(t.object, Triple):
            continue  # an RDF-star statement describes no catalogue entry
        props.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object.value)
    wanted = {str(DCAT.Catalog), str(DCAT.Dataset), str(DCAT.Distribution), "http://rdfs.org/ns/void#Dataset"}
    items: list[dict[str, object]] = []
    for subject, p in sorted(props.items()):
        kinds = [t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in p.get(str(RDF.type), []) if t in wanted]
        if not kinds:
            continue
        items.append(
            {
                "iri": subject,
                "kinds": kinds,
                "title": (p.get(str(DCTERMS.title)) or [""])[0],
                "description": (p.get(str(DCTERMS.description)) or [""])[0],
                "links": sorted(set(p.get(str(DCAT.downloadURL), []) + p.get(str(DCAT.accessURL), []))),
                "media": sorted(set(p.get(str(DCAT.mediaType), []))),
            }
        )
    return items


async def _described(request: Request, web: Web, name: str, what: str, sibling: str | None) -> Response:
    path = _rdf_file(web, name, what)
    key = choose_format(request, None)  # as for every resource: ?format=, then Accept
    if key == "html":
        text = path.read_text("utf-8")
        return render(
            web.templates,
            request,
            "catalog.html",
            what=what,
            items=_summary(path),
            turtle=text,
            name=name,
            headers={"Vary": HTML_VARY},
        )
    return _rdf_answer(path, key, path.with_name(sibling) if sibling and key == "jsonld" else None)


@router.get("/catalog")
async def catalog(request: Request, web: Web) -> Response:
    return await _described(request, web, "catalog.ttl", "DCAT catalogue", "catalog.jsonld")


@router.get("/.well-known/void")
async def void(request: Request, web: Web) -> Response:
    return await _described(request, web, "void.ttl", "VoID description", None)
