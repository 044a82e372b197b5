"""The IRIs that moved, as one table of old path prefixes and the prefixes that replace them.

Published IRIs must keep working, so the server answers every path under an old prefix with a permanent redirect
to the same path under the new one: sub-resources (``/toelichting/2024/verwijzing/72-csddd``), format suffixes
(``.ttl``) and the query string move along. A move is added here, never in the code that serves it.

Action points, themes and the curated statements keyed by an action point's number moved under their plan when
the IRIs were scoped by plan (so the next plan's action point 17 gets an IRI of its own); the pillars, which are
the UNGPs' and shared by every plan that follows them, moved under ``id/ungp/``, beside the principles.

>>> moved_path("id/actiepunt/17/toelichting/2024.ttl")
'id/plan/nap-2022-2026/actiepunt/17/toelichting/2024.ttl'
>>> moved_path("id/pijler/2"), moved_path("id/thema"), moved_path("id/redactie/eu-relatie/18/voert-uit-csddd")
('id/ungp/pijler/2', 'id/plan/nap-2022-2026/thema', 'id/plan/nap-2022-2026/redactie/eu-relatie/18/voert-uit-csddd')
>>> moved_path("id/redactie/methode") is None, moved_path("id/actiepunten") is None, moved_path("id/eu/csddd") is None
(True, True, True)
"""

from __future__ import annotations

import re

from napkg_graph.iris import CURRENT_PLAN

# Old path prefix (under the base IRI) -> new prefix. A prefix matches a whole path segment: followed by nothing,
# by "/" or by a format suffix ("." then a suffix).
_PLAN = f"id/plan/{CURRENT_PLAN}"
MOVES: tuple[tuple[str, str], ...] = (
    ("id/actiepunt", f"{_PLAN}/actiepunt"),
    ("id/thema", f"{_PLAN}/thema"),
    ("id/pijler", "id/ungp/pijler"),
    *((f"id/redactie/{kind}", f"{_PLAN}/redactie/{kind}") for kind in
      ("afstemming", "eu-relatie", "gebeurtenis", "update", "programma", "partner", "cijfer")),
)  # fmt: skip

_OLD = re.compile("^(" + "|".join(re.escape(old) for old, _ in MOVES) + r")(?=$|[/.])")
_NEW = dict(MOVES)


def moved_path(path: str) -> str | None:
    """The path that replaces ``path`` (relative to the base IRI, no leading slash), or None if it did not move."""
    match = _OLD.match(path)
    return None if match is None else _NEW[match.group(1)] + path[match.end() :]
