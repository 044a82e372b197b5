"""The views' pictures as SVG, written by hand (no plotting library, no JavaScript): a UNGP coverage
matrix, a layered EU-law link map and a status overview.

Every function takes plain data (computed from saved questions by :mod:`napkg_server.dashboards`)
and returns the SVG text; every text and attribute is XML-escaped here. Marks carry classes and
``data-`` attributes (``cell explicit``, ``bar`` with ``data-count``, ``node`` with ``data-kind``)
so that tests can count them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# A presentation attribute, not a style attribute: the pages' Content-Security-Policy allows no inline styles.
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
INK, MUTED, EXPLICIT, CURATED, UNCOVERED = "#1f2933", "#616e7c", "#1d4e89", "#d9822b", "#fdecea"

# Fill and ink per status key (skos:notation), in reading order (the order of the bars and the legend):
# done, on track, under way, ongoing, consultation, late, n/a.
STATUS_COLOURS = {
    "voltooid": ("#1b7837", "#fff"),
    "in-uitvoering-volgens-planning": ("#5aae61", "#fff"),
    "in-uitvoering": ("#2166ac", "#fff"),
    "doorlopend": ("#92c5de", INK),
    "in-formele-consultatie": ("#f4a582", INK),
    "in-uitvoering-maar-met-vertraging": ("#b2182b", "#fff"),
    "niet-van-toepassing": ("#bababa", INK),
}


def attr(value: object) -> str:
    return quoteattr(str(value))


def text(x: float, y: float, content: str, *, size: int = 12, anchor: str = "start", extra: str = "") -> str:
    fill = "" if " fill=" in extra else f' fill="{INK}"'  # ``extra`` may set its own colour
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{fill}{extra}>{escape(content)}</text>'
    )


def svg(width: float, height: float, title: str, body: list[str], css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class={attr(css_class)} width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label={attr(title)} font-family="{FONT}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="#fff"/>' + "".join(body) + "</svg>"
    )


def clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------- coverage matrix


@dataclass(frozen=True)
class Row:
    """A matrix row (a principle): its number, group (UNGP pillar), label, link and whether covered."""

    key: int
    group: int
    label: str
    href: str
    covered: bool
    tooltip: str = ""


@dataclass(frozen=True)
class Column:
    """A matrix column (an action point): its number, group (NAP pillar) and link."""

    key: int
    group: int
    href: str


def _place(items: Sequence[Row | Column], start: float, cell: float, gap: float) -> tuple[dict[int, float], float]:
    """Where each item starts along one axis, ``cell`` apart with an extra ``gap`` where the group
    changes; and where the last one ends."""
    at: dict[int, float] = {}
    previous = None
    for item in items:
        if previous is not None and item.group != previous:
            start += gap
        at[item.key], previous, start = start, item.group, start + cell
    return at, start


def coverage_matrix(
    rows: Sequence[Row],
    columns: Sequence[Column],
    explicit: set[tuple[int, int]],
    curated: set[tuple[int, int]],
    s: dict[str, str],
) -> str:
    """Principles (rows) by action points (columns): a filled square where a text names the principle,
    an outlined square where the analysts align the action point with it (both: filled and outlined)."""
    cell, gap, left, top = 18, 10, 300, 74
    col_x, x = _place(columns, left, cell, gap)
    row_y, y = _place(rows, top, cell, gap)
    width, legend_y = x + 105, y + 26
    height = legend_y + 58
    body: list[str] = []
    # column groups (NAP pillars) and numbers
    for group in sorted({c.group for c in columns}):
        xs = [col_x[c.key] for c in columns if c.group == group]
        body.append(f'<line x1="{min(xs):.1f}" y1="30" x2="{max(xs) + cell:.1f}" y2="30" stroke="{MUTED}"/>')
        wide = max(xs) + cell - min(xs) >= 90  # a narrow group shows its number only, under the axis title
        label = f"{s['nap_pillar']} {group}" if wide else str(group)
        body.append(text((min(xs) + max(xs) + cell) / 2, 24, label, size=12, anchor="middle"))
    body.append(text(left - 8, 24, s["nap_pillar"] + " →", size=11, anchor="end", extra=f' fill="{MUTED}"'))
    body.append(text(left - 8, top - 8, s["action_point_axis"], size=11, anchor="end", extra=f' fill="{MUTED}"'))
    for c in columns:
        body.append(
            f'<a href={attr(c.href)}><text class="col-label" x="{col_x[c.key] + cell / 2:.1f}" y="{top - 8}" '
            f'font-size="11" text-anchor="middle" fill="{INK}">{c.key}</text></a>'
        )
    # row groups (UNGP pillars), highlighted uncovered rows, labels
    for group in sorted({r.group for r in rows}):
        ys = [row_y[r.key] for r in rows if r.group == group]
        mid = (min(ys) + max(ys) + cell) / 2
        body.append(f'<line x1="14" y1="{min(ys):.1f}" x2="14" y2="{max(ys) + cell:.1f}" stroke="{MUTED}"/>')
        body.append(
            f'<text x="8" y="{mid:.1f}" font-size="11" text-anchor="middle" fill="{MUTED}" '
            f'transform="rotate(-90 8 {mid:.1f})">{escape(s["ungp_pillar"])} {group}</text>'
        )
    for r in rows:
        y0 = row_y[r.key]
        if not r.covered:
            body.append(
                f'<rect class="uncovered" data-principle="{r.key}" x="20" y="{y0:.1f}" width="{width - 24:.1f}" '
                f'height="{cell}" fill="{UNCOVERED}"/>'
            )
        weight = ' font-weight="700"' if not r.covered else ""
        label = f"{r.key}. {clip(r.label, 42 if r.covered else 38)}"
        body.append(
            f'<a href={attr(r.href)}><text class="row-label" x="24" y="{y0 + 13:.1f}" font-size="11" '
            f'fill="{INK if r.covered else "#a61b1b"}"{weight}><title>{escape(r.tooltip or r.label)}</title>'
            f"{escape(label)}</text></a>"
        )
    # grid
    for c in columns:
        x0 = col_x[c.key]
        body.append(
            f'<line x1="{x0 + cell / 2:.1f}" y1="{top:.1f}" x2="{x0 + cell / 2:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>'
        )
    # cells
    by_row: dict[int, int] = {}
    for principle, ap in sorted(explicit | curated):
        if principle not in row_y or ap not in col_x:
            continue
        by_row[principle] = by_row.get(principle, 0) + 1
        x0, y0 = col_x[ap], row_y[principle]
        kinds = [k for k, pairs in (("explicit", explicit), ("curated", curated)) if (principle, ap) in pairs]
        tip = f"UNGP {principle} × {s['action_point']} {ap}: " + ", ".join(s[k] for k in kinds)
        if "explicit" in kinds:
            body.append(
                f'<rect class="cell explicit" data-principle="{principle}" data-ap="{ap}" x="{x0 + 4:.1f}" '
                f'y="{y0 + 4:.1f}" width="{cell - 8}" height="{cell - 8}" fill="{EXPLICIT}"><title>{escape(tip)}'
                "</title></rect>"
            )
        if "curated" in kinds:
            body.append(
                f'<rect class="cell curated" data-principle="{principle}" data-ap="{ap}" x="{x0 + 1.5:.1f}" '
                f'y="{y0 + 1.5:.1f}" width="{cell - 3}" height="{cell - 3}" fill="none" stroke="{CURATED}" '
                f'stroke-width="2"><title>{escape(tip)}</title></rect>'
            )
    for r in rows:
        n = by_row.get(r.key, 0)
        body.append(
            text(
                x + 12,
                row_y[r.key] + 13,
                str(n),
                size=11,
                extra=f' class="row-count" fill="{MUTED if n else "#a61b1b"}"',
            )
        )
        if not r.covered:
            body.append(
                text(x + 30, row_y[r.key] + 13, s["not_covered"], size=11, extra=' fill="#a61b1b" font-weight="700"')
            )
    body.append(text(x + 12, top - 8, "Σ", size=11))
    # legend
    ly = legend_y
    body.append(f'<rect x="24" y="{ly:.1f}" width="10" height="10" fill="{EXPLICIT}"/>')
    body.append(text(40, ly + 9, s["legend_explicit"], size=11))
    body.append(
        f'<rect x="24" y="{ly + 18:.1f}" width="13" height="13" fill="none" stroke="{CURATED}" stroke-width="2"/>'
    )
    body.append(text(40, ly + 28, s["legend_curated"], size=11))
    body.append(f'<rect x="24" y="{ly + 37:.1f}" width="13" height="13" fill="{UNCOVERED}" stroke="#e0b4b4"/>')
    body.append(text(40, ly + 47, s["legend_uncovered"], size=11))
    return svg(width, height, s["matrix_title"], body, "coverage-matrix")


# ---------------------------------------------------------------- link map


@dataclass
class Node:
    id: str
    kind: str  # instrument, action-point, ministry, kamerstuk
    label: str
    href: str
    group: int = 0  # the pillar, for action points
    y: float = 0.0


EDGE_STYLE = {
    "cites-instrument": ("#1d4e89", ""),
    "responsible-ministry": ("#52606d", ""),
    "cites-kamerstuk": ("#d9822b", ' stroke-dasharray="5 3"'),
}
NODE_FILL = {"instrument": "#dbe9f6", "action-point": "#f5f7fa", "ministry": "#e3f1e3", "kamerstuk": "#fdf0e1"}


def _spread(nodes: list[Node], wanted: dict[str, float], top: float, step: float) -> None:
    """Place ``nodes`` at their wanted heights (the mean of their neighbours'), in that order, at least
    ``step`` apart and not above ``top``: deterministic, and edges stay short and mostly level."""
    nodes.sort(key=lambda n: (wanted.get(n.id, top), n.label))
    y = top
    for n in nodes:
        n.y = max(y, wanted.get(n.id, top))
        y = n.y + step


def link_map(
    action_points: Sequence[Node], others: Sequence[Node], edges: Sequence[tuple[str, str, str]], s: dict[str, str]
) -> str:
    """Layers: EU instruments | action points (grouped by pillar) | ministries, then parliamentary papers
    below them in the same right-hand layer (so no edge crosses a node). ``edges`` are (action point id,
    relation, node id)."""
    node_h, step, top = 22, 28, 56
    col = {"instrument": 20, "action-point": 300, "ministry": 600, "kamerstuk": 600}
    widths = {"instrument": 170, "action-point": 150, "ministry": 170, "kamerstuk": 170}
    body: list[str] = []
    aps = sorted(action_points, key=lambda n: (n.group, int(n.id) if n.id.isdigit() else 0))
    y = top
    previous = None
    group_heads = []
    for n in aps:
        if n.group != previous:
            if previous is not None:
                y += 12
            group_heads.append((n.group, y))
            y += 20
            previous = n.group
        n.y, y = y, y + step
    ap_y = {n.id: n.y for n in aps}
    neighbours: dict[str, list[float]] = {}
    for ap, _, other in edges:
        if ap in ap_y:
            neighbours.setdefault(other, []).append(ap_y[ap])
    wanted = {k: sum(v) / len(v) for k, v in neighbours.items()}
    by_kind = {k: [n for n in others if n.kind == k] for k in ("instrument", "ministry", "kamerstuk")}
    _spread(by_kind["instrument"], wanted, top + 20, step)
    _spread(by_kind["ministry"], wanted, top + 20, step)
    below = max([n.y for n in by_kind["ministry"]], default=top) + step + 34
    _spread(by_kind["kamerstuk"], {k: max(v, below) for k, v in wanted.items()}, below, step)
    placed = {n.id: n for n in [*aps, *others]}
    height = max([n.y for n in placed.values()], default=top) + node_h + 64
    width = 800
    # headings
    heads = (("instrument", s["instruments"]), ("action-point", s["action_points"]), ("ministry", s["ministries"]))
    for kind, label in heads:
        body.append(text(col[kind], 24, label, size=13, extra=' font-weight="700"'))
    if by_kind["kamerstuk"]:
        body.append(
            text(
                col["kamerstuk"],
                min(n.y for n in by_kind["kamerstuk"]) - 12,
                s["kamerstukken"],
                size=13,
                extra=' font-weight="700"',
            )
        )
    for group, gy in group_heads:
        body.append(text(col["action-point"], gy + 12, f"{s['nap_pillar']} {group}", size=11, extra=f' fill="{MUTED}"'))
    # edges first, so nodes sit on top of them
    for ap, relation, other in edges:
        a, b = placed.get(ap), placed.get(other)
        if a is None or b is None:
            continue
        colour, dash = EDGE_STYLE.get(relation, (MUTED, ""))
        ya, yb = a.y + node_h / 2, b.y + node_h / 2
        if relation == "cites-instrument":
            x1, x2 = col["instrument"] + widths["instrument"], col["action-point"]
            y1, y2 = yb, ya
        else:
            x1, x2 = col["action-point"] + widths["action-point"], col[b.kind]
            y1, y2 = ya, yb
        mid = (x1 + x2) / 2
        body.append(
            f'<path class="edge" data-relation={attr(relation)} data-from={attr(ap)} data-to={attr(other)} '
            f'd="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" fill="none" '
            f'stroke="{colour}" stroke-width="1.4" opacity="0.8"{dash}/>'
        )
    for n in placed.values():
        w = widths[n.kind]
        body.append(
            f'<a href={attr(n.href)}><g class="node" data-kind={attr(n.kind)} data-id={attr(n.id)}>'
            f"<title>{escape(n.label)}</title>"
            f'<rect x="{col[n.kind]}" y="{n.y:.1f}" width="{w}" height="{node_h}" rx="5" fill="{NODE_FILL[n.kind]}" '
            f'stroke="#9aa5b1"/>' + text(col[n.kind] + 8, n.y + 15, clip(n.label, 24), size=12) + "</g></a>"
        )
    # legend
    ly = height - 34
    x = 20.0
    for relation, label in (
        ("cites-instrument", s["edge_instrument"]),
        ("responsible-ministry", s["edge_ministry"]),
        ("cites-kamerstuk", s["edge_kamerstuk"]),
    ):
        colour, dash = EDGE_STYLE[relation]
        body.append(f'<line x1="{x}" y1="{ly}" x2="{x + 30}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash}/>')
        body.append(text(x + 36, ly + 4, label, size=11))
        x += 60 + 6.2 * len(label)
    if not placed:
        body.append(text(20, 80, s["nothing"], size=13))
    return svg(width, height, s["map_title"], body, "link-map")


# ---------------------------------------------------------------- status overview


def status_bars(counts: dict[int, dict[str, int]], labels: dict[str, str], s: dict[str, str]) -> str:
    """Per pillar a stacked horizontal bar: one segment per status, its count printed in it; legend below."""
    left, top, bar_h, gap, unit = 130, 40, 30, 16, 26
    keys = [k for k in STATUS_COLOURS if any(k in c for c in counts.values())]
    keys += sorted({k for c in counts.values() for k in c} - set(keys))
    most = max([sum(c.values()) for c in counts.values()], default=0)
    width = left + max(most, 10) * unit + 60
    body: list[str] = [text(left, 22, s["status_axis"], size=11, extra=f' fill="{MUTED}"')]
    y = top
    for pillar in sorted(counts):
        row = counts[pillar]
        total = sum(row.values())
        body.append(text(left - 10, y + 20, f"{s['nap_pillar']} {pillar}", size=13, anchor="end"))
        x = float(left)
        for key in keys:
            n = row.get(key, 0)
            if not n:
                continue
            fill, ink = STATUS_COLOURS.get(key, ("#cbd2d9", INK))
            w = n * unit
            tip = "{} {}: {}: {}".format(s["nap_pillar"], pillar, labels.get(key, key), n)
            body.append(
                f'<rect class="bar" data-pillar="{pillar}" data-status={attr(key)} data-count="{n}" x="{x:.1f}" '
                f'y="{y}" width="{w:.1f}" height="{bar_h}" fill="{fill}" stroke="#fff">'
                f"<title>{escape(tip)}</title></rect>"
            )
            body.append(
                f'<text class="bar-count" x="{x + w / 2:.1f}" y="{y + 20}" font-size="13" font-weight="700" '
                f'text-anchor="middle" fill="{ink}">{n}</text>'
            )
            x += w
        body.append(text(x + 8, y + 20, f"= {total}", size=12, extra=f' class="bar-total" fill="{MUTED}"'))
        y += bar_h + gap
    # legend, wrapped into lines
    ly, lx = y + 8, float(left)
    for key in keys:
        label = f"{labels.get(key, key)} ({sum(c.get(key, 0) for c in counts.values())})"
        span = 22 + 6.6 * len(label) + 18
        if lx + span > width and lx > left:
            lx, ly = float(left), ly + 22
        fill, _ = STATUS_COLOURS.get(key, ("#cbd2d9", INK))
        body.append(f'<rect class="legend" x="{lx:.1f}" y="{ly:.1f}" width="14" height="14" fill="{fill}"/>')
        body.append(text(lx + 20, ly + 12, label, size=12))
        lx += span
    if not counts:
        body.append(text(left, top + 20, s["nothing"], size=13))
    return svg(width, ly + 30, s["status_title"], body, "status-bars")
