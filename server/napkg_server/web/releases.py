"""The releases (``napkg release``): ``/releases/`` lists them; ``/releases/{version}`` is a release's page (its
changelog summarised per kind and per action point, its files); ``/releases/{version}/{file}`` its files as
written (dumps, ``changelog.ttl``, ``catalog.ttl``, ``SHA256SUMS``, ...); ``/releases/{version}/changelog`` and
``/releases/{version}/catalog`` the changelog and catalog by content negotiation (a page, or the Turtle file);
``/releases/{version}/sparql`` a SPARQL endpoint over that release's data (release_endpoints.py).

Only versions and names the folder lists are served, as under ``/downloads/``: nothing is joined to a path.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from napkg_graph.ldes import stream_iri
from napkg_graph.publish import TRIG
from napkg_graph.release import CHANGELOG_JSON, CHANGELOG_TTL, Release, release_iri, releases
from starlette.responses import RedirectResponse, Response

from napkg_server.data.checksums import read_checksums
from napkg_server.formats import CITATION_BY_KEY
from napkg_server.http.head_requests import HeadAwareFileResponse
from napkg_server.http.problems import HttpProblem
from napkg_server.settings import Settings
from napkg_server.sparql.service_description import ReleasesServed
from napkg_server.web import citations
from napkg_server.web.dereference import CITATION_KEYS, choose_format
from napkg_server.web.downloads import is_published, listing, media_type
from napkg_server.web.rendering import HTML_VARY, page_language, render

router = APIRouter(include_in_schema=False)


def releases_folder(settings: Settings) -> Path | None:
    """--releases, else releases/ beside --dist when that exists."""
    if settings.releases is not None:
        return settings.releases
    if settings.dist is not None and (settings.dist.parent / "releases").is_dir():
        return settings.dist.parent / "releases"
    return None


def _digest(path: Path) -> str:
    known = read_checksums(path.parent).get(path.name)
    if known:
        return known
    h = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class ServedRelease:
    """Which release the server's data is: ``version`` None for data that is no release; ``newest`` the newest."""

    version: str | None
    newest: str | None


def served_release(settings: Settings) -> ServedRelease:
    """The release whose TriG dump is byte for byte the one file served (by sha256), if any."""
    folder = releases_folder(settings)
    found = releases(folder) if folder else []
    newest = found[-1].version if found else None
    if len(settings.data) != 1 or settings.data[0].graph is not None or not settings.data[0].path.is_file():
        return ServedRelease(None, newest)
    digest = _digest(settings.data[0].path)
    version = next((r.version for r in reversed(found) if r.files.get(TRIG, (0, ""))[1] == digest), None)
    return ServedRelease(version, newest)


def cited_release(settings: Settings, served: ServedRelease) -> citations.CitedVersion | None:
    """The served release as the version every citation names (None when the data served is no release)."""
    folder = releases_folder(settings)
    if served.version is None or folder is None:
        return None
    release = next((r for r in releases(folder) if r.version == served.version), None)
    return citations.release_version(settings.base_iri, release) if release else None


def releases_served(settings: Settings, served: ServedRelease) -> ReleasesServed | None:
    """What the service description says about the releases (None when there are none)."""
    folder = releases_folder(settings)
    found = releases(folder) if folder else []
    if not found:
        return None
    return ReleasesServed(tuple(r.version for r in found), served.version, stream_iri(settings.base_iri))


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _history(request: Request) -> list[Release]:
    folder = releases_folder(_settings(request))
    return releases(folder) if folder else []


def find_release(request: Request, version: str) -> Release:
    release = next((r for r in _history(request) if r.version == version), None)
    if release is None:
        raise HttpProblem(404, f"No release is called {version!r}.", links=(("/releases/", "the releases"),))
    return release


@router.get("/releases")
async def releases_redirect() -> Response:
    return RedirectResponse("/releases/", 308)


@router.get("/releases/")
async def releases_index(request: Request) -> Response:
    history = list(reversed(_history(request)))
    summaries = [json.loads((r.folder / CHANGELOG_JSON).read_text("utf-8")) for r in history]
    return render(
        request.app.state.web.templates, request, "releases.html", releases=list(zip(history, summaries, strict=True))
    )


def _turtle_or_page(request: Request, release: Release, name: str, page: str) -> Response:
    key = choose_format(request, None)
    if key == "html":
        return RedirectResponse(f"/releases/{release.version}#{page}", 303)
    if key != "ttl":
        raise HttpProblem(
            406, f"{name} is published as Turtle only.", links=((f"/releases/{release.version}", "release"),)
        )
    return HeadAwareFileResponse(release.folder / name, media_type(name))


def release_citation(request: Request, release: Release) -> citations.Citation:
    """The release cited as itself: its page's title at its IRI, of its own version (whatever the server serves)."""
    lang = page_language(request).lang
    base_iri = _settings(request).base_iri
    title = f"{'Uitgave' if lang == 'nl' else 'Release'} {release.version}"
    return citations.citation(
        title, release.iri(base_iri), base_iri, lang, citations.release_version(base_iri, release)
    )


def _cite(request: Request, release: Release, key: str) -> Response:
    fmt = CITATION_BY_KEY[key]
    headers = {
        "Content-Type": fmt.content_type,
        "Content-Location": f"/releases/{release.version}?format={key}",
        "Content-Disposition": f'inline; filename="nap-kg-{release.version}.{fmt.suffix}"',
        "Vary": "Accept-Language",
    }
    return Response(citations.render(release_citation(request, release), key), headers=headers)


@router.get("/releases/{version}")
async def release_page(request: Request, version: str) -> Response:
    release = find_release(request, version)
    wanted = request.query_params.get("format")
    if wanted is not None:  # the page, or the release's citation (?format=csljson|bibtex|ris)
        if wanted.strip().lower() not in CITATION_KEYS:
            raise HttpProblem(
                400, f"Unknown format {wanted!r}; a release is cited as one of: {', '.join(CITATION_KEYS)}."
            )
        return _cite(request, release, wanted.strip().lower())
    summary = json.loads((release.folder / CHANGELOG_JSON).read_text("utf-8"))
    settings = _settings(request)
    lang = page_language(request).lang
    return render(
        request.app.state.web.templates,
        request,
        "release.html",
        release=release,
        iri=release_iri(settings.base_iri, version),
        summary=summary,
        files=list(listing(release.folder).values()),
        cite={
            "text": citations.text(release_citation(request, release)),
            "downloads": [
                (c.label, f"/releases/{release.version}?format={c.key}&lang={lang}") for c in CITATION_BY_KEY.values()
            ],
        },
        headers={"Vary": HTML_VARY},
    )


@router.get("/releases/{version}/changelog")
async def release_changelog(request: Request, version: str) -> Response:
    return _turtle_or_page(request, find_release(request, version), CHANGELOG_TTL, "wijzigingen")


@router.get("/releases/{version}/catalog")
async def release_catalog(request: Request, version: str) -> Response:
    return _turtle_or_page(request, find_release(request, version), "catalog.ttl", "bestanden")


@router.get("/releases/{version}/{name}")
async def release_file(request: Request, version: str, name: str) -> Response:
    release = find_release(request, version)
    if not is_published(release.folder, name):
        raise HttpProblem(404, f"Release {version} has no file {name!r}.", links=((f"/releases/{version}", "release"),))
    return HeadAwareFileResponse(release.folder / name, media_type(name))
