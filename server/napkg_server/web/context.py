"""What the linked-data pages need, built once per app and injected like ``EndpointContext``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from jinja2 import Environment
from napkg_graph.iris import Iris

from napkg_server.data.text_index import TextIndex
from napkg_server.sparql.runner import QueryRunner
from napkg_server.web.citations import CitedVersion
from napkg_server.web.resource_pages import Views
from napkg_server.web.resources import IriMapping, Lookup


@dataclass(frozen=True)
class WebContext:
    mapping: IriMapping
    lookup: Lookup
    runner: QueryRunner
    views: Views
    templates: Environment
    dist: Path | None
    text: TextIndex | None = None  # the full-text index of the served data (/zoeken)
    cited: CitedVersion | None = None  # the release served, which citations name (None: the data is no release)

    @property
    def iris(self) -> Iris:
        """The IRI scheme (napkg_graph.iris) under the served base IRI."""
        return Iris(self.mapping.base_iri)


async def web_context(request: Request) -> WebContext:
    # async on purpose, as endpoint_context: the store lookups must stay on the loop's thread.
    context: WebContext = request.app.state.web
    return context


Web = Annotated[WebContext, Depends(web_context)]
