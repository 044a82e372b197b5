"""The views' pictures as SVG, drawn by the server (no plotting library, no JavaScript): a UNGP coverage
matrix, a layered EU-law link map and a status overview.

Every function takes plain data (computed from saved questions by :mod:`napkg_server.web.views`),
computes the layout (positions, sizes, colours) and hands plain values to its template in
``templates/svg/``, which writes the markup, escaped. Marks carry classes and
``data-`` attributes (``cell explicit``, ``bar`` with ``data-count``, ``node`` with ``data-kind``)
so that tests can count them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from napkg_server.templating import make_environment

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


COLOURS = {"ink": INK, "muted": MUTED, "explicit": EXPLICIT, "curated": CURATED, "uncovered": UNCOVERED}


def draw(template: str, width: float, height: float, title: str, css_class: str, **marks: object) -> str:
    """The picture ``svg/{template}``: the layout computed here, the markup in the (autoescaped) template."""
    return (
        make_environment()
        .get_template(f"svg/{template}")
        .render(width=width, height=height, title=title, css_class=css_class, font=FONT, c=COLOURS, **marks)
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
    coverage: str = ""  # implemented, supported, intended, mentioned or uncovered (ungp-coverage)


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
    curated: dict[tuple[int, int], tuple[str, str]],
    s: dict[str, str],
) -> str:
    """Principles (rows) by action points (columns): a small blue square where a text names the principle; where
    the analysts align the action point with it (``curated`` maps the pair to its kind and delivery state), an
    orange square, filled for "implements" and outlined for "supports", dashed and pale when intended only."""
    cell, gap, left, top = 18, 10, 300, 74
    col_x, x = _place(columns, left, cell, gap)
    row_y, y = _place(rows, top, cell, gap)
    width, legend_y = x + 150, y + 26
    height = legend_y + 98
    # column groups (NAP pillars) and numbers
    column_groups = []
    for group in sorted({c.group for c in columns}):
        xs = [col_x[c.key] for c in columns if c.group == group]
        wide = max(xs) + cell - min(xs) >= 90  # a narrow group shows its number only, under the axis title
        label = f"{s['nap_pillar']} {group}" if wide else str(group)
        column_groups.append(
            {"x1": min(xs), "x2": max(xs) + cell, "mid": (min(xs) + max(xs) + cell) / 2, "label": label}
        )
    column_labels = [{"x": col_x[c.key] + cell / 2, "key": c.key, "href": c.href} for c in columns]
    # row groups (UNGP pillars), highlighted uncovered rows, labels
    row_groups = []
    for group in sorted({r.group for r in rows}):
        ys = [row_y[r.key] for r in rows if r.group == group]
        row_groups.append({"y1": min(ys), "y2": max(ys) + cell, "mid": (min(ys) + max(ys) + cell) / 2, "group": group})
    row_labels = [
        {
            "row": r,
            "y": row_y[r.key],
            "label": f"{r.key}. {clip(r.label, 42 if r.covered else 38)}",
            "tooltip": r.tooltip or r.label,
        }
        for r in rows
    ]
    grid = [col_x[c.key] + cell / 2 for c in columns]
    # cells
    by_row: dict[int, int] = {}
    cells = []
    for principle, ap in sorted(explicit | set(curated)):
        if principle not in row_y or ap not in col_x:
            continue
        by_row[principle] = by_row.get(principle, 0) + 1
        typed = curated.get((principle, ap))
        parts = ([s["explicit"]] if (principle, ap) in explicit else []) + (
            [f"{s['curated']}: {s[typed[0]]}, {s[typed[1]]}"] if typed else []
        )
        cells.append(
            {
                "principle": principle,
                "ap": ap,
                "x": col_x[ap],
                "y": row_y[principle],
                "curated": typed,  # (kind, state) or None; drawn first, so that an explicit mark stays on top
                "explicit": (principle, ap) in explicit,
                "tip": f"UNGP {principle} × {s['action_point']} {ap}: " + "; ".join(parts),
            }
        )
    counts = [{"row": r, "y": row_y[r.key], "n": by_row.get(r.key, 0)} for r in rows]
    return draw(
        "coverage_matrix.svg.j2",
        width,
        height,
        s["matrix_title"],
        "coverage-matrix",
        s=s,
        cell=cell,
        left=left,
        top=top,
        right=x,
        bottom=y,
        legend_y=legend_y,
        column_groups=column_groups,
        column_labels=column_labels,
        row_groups=row_groups,
        row_labels=row_labels,
        grid=grid,
        cells=cells,
        counts=counts,
    )


# ---------------------------------------------------------------- link map


@dataclass
class Node:
    id: str
    kind: str  # instrument, action-point, ministry, kamerstuk
    label: str
    href: str
    group: int = 0  # the pillar, for action points
    y: float = 0.0


# (colour, stroke-dasharray or "" for a solid line)
EDGE_STYLE = {
    "cites-instrument": ("#9aa5b1", "2 3"),
    "responsible-ministry": ("#52606d", ""),
    "cites-kamerstuk": ("#d9822b", "5 3"),
}
# The editors' typed relations of an action point to an EU act (eu-relations.yaml), by the local name of their
# property: drawn thicker than the explicit mention, each in its own colour, from the instrument to the action point.
TYPED_EDGE_STYLE = {
    "negotiatesAct": ("#1d4e89", ""),
    "implementsAct": ("#1b7837", ""),
    "preparesForAct": ("#762a83", ""),
    "monitorsAct": ("#c51b7d", "7 3"),
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
    action_points: Sequence[Node],
    others: Sequence[Node],
    edges: Sequence[tuple[str, str, str]],
    s: dict[str, str],
    relation_labels: dict[str, str] | None = None,
) -> str:
    """Layers: EU instruments | action points (grouped by pillar) | ministries, then parliamentary papers
    below them in the same right-hand layer (so no edge crosses a node). ``edges`` are (action point id,
    relation, node id); ``relation_labels`` names the typed relations (TYPED_EDGE_STYLE) in the legend."""
    relation_labels = relation_labels or {}
    node_h, step, top = 22, 28, 56
    col = {"instrument": 20, "action-point": 300, "ministry": 600, "kamerstuk": 600}
    widths = {"instrument": 170, "action-point": 150, "ministry": 170, "kamerstuk": 170}
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
    height = max([n.y for n in placed.values()], default=top) + node_h + 64 + 22  # two legend rows
    width = 800
    headings = [
        {"x": col[kind], "y": 24, "label": label}
        for kind, label in (
            ("instrument", s["instruments"]),
            ("action-point", s["action_points"]),
            ("ministry", s["ministries"]),
        )
    ]
    if by_kind["kamerstuk"]:
        y_top = min(n.y for n in by_kind["kamerstuk"]) - 12
        headings.append({"x": col["kamerstuk"], "y": y_top, "label": s["kamerstukken"]})
    pillars = [{"x": col["action-point"], "y": gy + 12, "label": f"{s['nap_pillar']} {g}"} for g, gy in group_heads]
    # edges first, so nodes sit on top of them
    lines = []
    for ap, relation, other in edges:
        a, b = placed.get(ap), placed.get(other)
        if a is None or b is None:
            continue
        typed = relation in TYPED_EDGE_STYLE
        colour, dash = TYPED_EDGE_STYLE[relation] if typed else EDGE_STYLE.get(relation, (MUTED, ""))
        ya, yb = a.y + node_h / 2, b.y + node_h / 2
        if b.kind == "instrument":
            # a typed relation runs a little below the explicit mention of the same pair, so both stay visible
            shift = 4 if typed else -3
            x1, x2 = col["instrument"] + widths["instrument"], col["action-point"]
            y1, y2 = yb + shift, ya + shift
        else:
            x1, x2 = col["action-point"] + widths["action-point"], col[b.kind]
            y1, y2 = ya, yb
        lines.append(
            {
                "relation": relation,
                "source": ap,
                "target": other,
                "x1": x1,
                "y1": y1,
                "x2": x2,
                "y2": y2,
                "mid": (x1 + x2) / 2,
                "colour": colour,
                "dash": dash,
                "stroke": 2.4 if typed else 1.4,
                "title": relation_labels.get(relation, relation),
            }
        )
    boxes = [
        {
            "node": n,
            "x": col[n.kind],
            "y": n.y,
            "width": widths[n.kind],
            "height": node_h,
            "fill": NODE_FILL[n.kind],
            "label": clip(n.label, 24),
        }
        for n in placed.values()
    ]
    # legend: what the texts say (first row), what the editors judge (second row)
    rows = (
        [
            (EDGE_STYLE[r], label, 2)
            for r, label in (
                ("cites-instrument", s["edge_instrument"]),
                ("responsible-ministry", s["edge_ministry"]),
                ("cites-kamerstuk", s["edge_kamerstuk"]),
            )
        ],
        [(style, relation_labels.get(r, r), 3) for r, style in TYPED_EDGE_STYLE.items()],
    )
    legend = []
    for i, row in enumerate(rows):
        ly, x = height - 56 + 22 * i, 20.0
        for (colour, dash), label, stroke in row:
            legend.append({"x": x, "y": ly, "colour": colour, "dash": dash, "stroke": stroke, "label": label})
            x += 60 + 6.2 * len(label)
    return draw(
        "link_map.svg.j2",
        width,
        height,
        s["map_title"],
        "link-map",
        s=s,
        headings=headings,
        pillars=pillars,
        lines=lines,
        boxes=boxes,
        legend=legend,
        empty=not placed,
    )


# ---------------------------------------------------------------- status overview


def status_bars(counts: dict[int, dict[str, int]], labels: dict[str, str], s: dict[str, str]) -> str:
    """Per pillar a stacked horizontal bar: one segment per status, its count printed in it; legend below."""
    left, top, bar_h, gap, unit = 130, 40, 30, 16, 26
    keys = [k for k in STATUS_COLOURS if any(k in c for c in counts.values())]
    keys += sorted({k for c in counts.values() for k in c} - set(keys))
    most = max([sum(c.values()) for c in counts.values()], default=0)
    width = left + max(most, 10) * unit + 60
    bars = []
    y = top
    for pillar in sorted(counts):
        row = counts[pillar]
        segments = []
        x = float(left)
        for key in keys:
            n = row.get(key, 0)
            if not n:
                continue
            fill, ink = STATUS_COLOURS.get(key, ("#cbd2d9", INK))
            tip = "{} {}: {}: {}".format(s["nap_pillar"], pillar, labels.get(key, key), n)
            segments.append({"key": key, "n": n, "x": x, "width": n * unit, "fill": fill, "ink": ink, "tip": tip})
            x += n * unit
        bars.append({"pillar": pillar, "y": y, "segments": segments, "end": x, "total": sum(row.values())})
        y += bar_h + gap
    # legend, wrapped into lines
    ly, lx = y + 8, float(left)
    legend = []
    for key in keys:
        label = f"{labels.get(key, key)} ({sum(c.get(key, 0) for c in counts.values())})"
        span = 22 + 6.6 * len(label) + 18
        if lx + span > width and lx > left:
            lx, ly = float(left), ly + 22
        legend.append({"x": lx, "y": ly, "fill": STATUS_COLOURS.get(key, ("#cbd2d9", INK))[0], "label": label})
        lx += span
    return draw(
        "status_bars.svg.j2",
        width,
        ly + 30,
        s["status_title"],
        "status-bars",
        s=s,
        left=left,
        top=top,
        bar_height=bar_h,
        bars=bars,
        legend=legend,
        empty=not counts,
    )
