"""The process flowchart (办理流程图) of a one-thing, as a standalone inline SVG.

It draws the common process of the Henan “一件事一次办” guides: 申请（线上/窗口） → 综合窗口收件 → 自动分发至联办部门 →
the items, handled in parallel by their departments → 统一出件 → 归档. Items stand in columns by prerequisite depth (an
item whose prerequisites all lie in column k-1 stands in column k), with an arrow from each prerequisite to its
dependent.

The SVG uses only rect, path, polygon and text/tspan with presentation attributes, so it renders the same in browsers
and in WeasyPrint's PDFs; arrowheads are polygons, not markers. It reads in black and white: optional items have a
dashed border and a “可选” tag, colours are accents only. Text widths are estimated (CJK ≈ 1em, ASCII ≈ 0.55em) to wrap
every text inside its box. The output depends only on its input: the same one-thing gives a byte-identical SVG.

`layout` is the pure part: node sizes and prerequisites in, positions and arrow routes out.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from core.graphs import find_cycle

if TYPE_CHECKING:
    from catalog.models import OneThing, OneThingItem

K = TypeVar("K", bound=Hashable)
Point = tuple[float, float]

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"

# Colours: accents only; every meaning is also carried by line style or text.
INK = "#222222"
MUTED = "#555555"
ACCENT = "#1f4e79"
STEP_FILL = "#eaf1f8"
BAND_FILL = "#f6f8fb"
BAND_STROKE = "#8a9bb0"
ARROW = "#333333"

# Geometry of the item grid (user units ≈ CSS px).
ITEM_W = 184.0
ITEM_PAD_X = 10.0
ITEM_PAD_Y = 9.0
NAME_SIZE = 14.0
NAME_LH = 19.0
SMALL_SIZE = 12.0
SMALL_LH = 16.0
TAG_SIZE = 10.5
EDGE_LABEL = "结果推送"
EDGE_LABEL_SIZE = 10.5
LABEL_ZONE = 56.0  # room right of a box for the label of its outgoing arrows
LANE = 10.0  # spacing of parallel vertical arrow segments in a gap
TRACK = 10.0  # spacing of parallel horizontal arrow segments in a corridor between rows
ARROW_ROOM = 16.0  # last horizontal run into a box, for the arrowhead
PLAIN_GAP = 28.0  # between two columns that no arrow crosses
ROW_GAP = 20.0
ARROW_LEN = 8.0
ARROW_HALF = 4.0

# Geometry of the main flow.
MARGIN = 16.0
MIN_WIDTH = 640.0
STEP_MIN_W = 300.0
STEP_PAD_X = 18.0
STEP_PAD_Y = 10.0
STEP_TITLE_SIZE = 15.0
STEP_TITLE_LH = 20.0
STEP_DETAIL_SIZE = 12.5
STEP_DETAIL_LH = 17.0
FLOW_GAP = 30.0  # vertical room for an arrow between two steps
BAND_PAD = 16.0
BAND_HEADER = 34.0
LEVEL_HEADER = 22.0
LEGEND_SIZE = 11.0

DELIVERY_LABELS = {"window": "窗口领取", "post": "邮寄送达", "download": "网上下载"}


# --------------------------------------------------------------------------------------------------------------------
# Text measuring and wrapping


def char_width(ch: str) -> float:
    """Estimated advance of one character in em (Noto Sans CJK SC): CJK and wide punctuation 1em, ASCII ≈ 0.55em."""
    if ch == " ":
        return 0.3
    if ord(ch) < 128:
        return 0.7 if ch in "MWmw@%&" or ch.isupper() else 0.55
    if unicodedata.east_asian_width(ch) in ("Na", "H"):
        return 0.55
    return 1.0


def text_width(text: str, size: float) -> float:
    return sum(char_width(ch) for ch in text) * size


# A line does not start with closing punctuation nor end with opening punctuation (GB/T 15834 line breaking).
NO_LINE_START = set("）》」』】〕〉，。、；：！？)]}>,.;:!?%…·—")
NO_LINE_END = set("（《「『【〔〈([{<")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/_]*")


def _tokens(text: str) -> list[str]:
    """Units that a line break must not split: Latin words and numbers, single CJK characters, with punctuation glued
    to its neighbour."""
    raw: list[str] = []
    i = 0
    while i < len(text):
        m = _WORD.match(text, i)
        if m:
            raw.append(m.group())
            i = m.end()
        else:
            raw.append(text[i])
            i += 1
    tokens: list[str] = []
    carry = ""
    for tok in raw:
        if tok[0] in NO_LINE_START and tokens and not carry:
            tokens[-1] += tok
        elif tok[-1] in NO_LINE_END:
            carry += tok
        else:
            tokens.append(carry + tok)
            carry = ""
    if carry:
        tokens.append(carry)
    return tokens


def wrap(text: str, width: float, size: float, *, balanced: bool = True) -> list[str]:
    """Break `text` into lines no wider than `width` at font size `size`.

    Greedy; `balanced`: then narrow the measure as long as the line count stays the same, so that the last line is not
    a lone character (“户外招牌设施设置规范管 / 理” becomes “户外招牌设施 / 设置规范管理”).
    """
    lines = _wrap_greedy(text, width, size)
    if balanced and len(lines) > 1:
        total = text_width("".join(lines), size)
        candidate = total / len(lines)
        while candidate < width:
            tighter = _wrap_greedy(text, candidate, size)
            if len(tighter) == len(lines):
                return tighter
            candidate += size / 4
    return lines


def _wrap_greedy(text: str, width: float, size: float) -> list[str]:
    text = " ".join(text.split())
    if not text:
        return []
    lines: list[str] = []
    line = ""
    for tok in _tokens(text):
        if text_width(line + tok, size) <= width:
            line += tok
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = tok.lstrip()
        while text_width(line, size) > width:  # a token longer than a line: break it anywhere
            cut = 1
            while cut < len(line) and text_width(line[: cut + 1], size) <= width:
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


# --------------------------------------------------------------------------------------------------------------------
# Layout: a pure function of node sizes and prerequisites


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Layout(Generic[K]):
    """Where `layout` put the nodes, in a frame whose origin is the top left of the grid."""

    boxes: dict[K, Box]
    levels: dict[K, int]  # prerequisite depth
    columns: dict[K, int]  # physical column (a crowded level spreads over several)
    rows: dict[K, int]
    routes: dict[tuple[K, K], list[Point]]  # (prerequisite, dependent) → polyline ending at the dependent's left side
    labels: dict[K, Point]  # node → start of the label of its outgoing arrows (text baseline)
    broken: list[tuple[K, K]]  # (prerequisite, dependent) edges dropped to break cycles
    level_spans: list[tuple[float, float]]  # x range of each level's columns
    width: float = 0.0
    height: float = 0.0
    corridors: list[tuple[float, float]] = field(default_factory=list)  # y range of the corridor above each row


def _break_cycles(keys: Sequence[K], deps: dict[K, list[K]]) -> list[tuple[K, K]]:
    """Drop edges until the graph is acyclic: in each cycle found, the earliest node (input order) loses the
    prerequisite that closes the cycle. Returns the dropped (prerequisite, dependent) edges."""
    index = {k: i for i, k in enumerate(keys)}
    broken: list[tuple[K, K]] = []
    for _ in range(sum(len(v) for v in deps.values()) + 1):
        cycle = find_cycle(deps)
        if not cycle:
            break
        dependent, prerequisite = min(zip(cycle, cycle[1:], strict=False), key=lambda e: (index[e[0]], index[e[1]]))
        deps[dependent].remove(prerequisite)
        broken.append((prerequisite, dependent))
    return broken


def _levels(keys: Sequence[K], deps: Mapping[K, list[K]]) -> dict[K, int]:
    """Longest-path depth of each node of an acyclic graph (0: no prerequisites), without recursion."""
    level: dict[K, int] = {}
    remaining = list(keys)
    while remaining:
        progress = []
        for k in remaining:
            if all(p in level for p in deps[k]):
                level[k] = 1 + max((level[p] for p in deps[k]), default=-1)
            else:
                progress.append(k)
        if len(progress) == len(remaining):  # cannot happen once cycles are broken; never loop forever anyway
            for k in progress:
                level[k] = 1 + max((level[p] for p in deps[k] if p in level), default=-1)
            break
        remaining = progress
    return level


def _place(
    by_level: list[list[K]], deps: Mapping[K, list[K]], index: Mapping[K, int], limit: int
) -> tuple[dict[K, int], dict[K, int], list[list[int]], int]:
    """Columns and rows: each level in its column(s), nodes ordered by the rows of their prerequisites (barycentre),
    a level with more than `limit` nodes spread over several columns. Returns column, row, the columns of each
    level and the number of columns."""
    column: dict[K, int] = {}
    row: dict[K, int] = {}
    level_columns: list[list[int]] = []
    col = 0
    for ks in by_level:

        def barycentre(k: K) -> float:
            ps = deps[k]
            return sum(row[p] for p in ps) / len(ps) if ps else 0.0

        ordered = sorted(ks, key=lambda k: (barycentre(k), index[k]))
        if len(ordered) <= limit:
            level_columns.append([col])
            last = -1
            for k in ordered:
                desired = math.floor(barycentre(k) + 0.5) if deps[k] else last + 1
                row[k] = max(desired, last + 1)
                column[k] = col
                last = row[k]
            col += 1
        else:
            n_sub = math.ceil(len(ordered) / limit)
            per = math.ceil(len(ordered) / n_sub)
            level_columns.append(list(range(col, col + n_sub)))
            for i, k in enumerate(ordered):
                column[k] = col + i // per
                row[k] = i % per
            col += n_sub
    return column, row, level_columns, col


def layout(
    sizes: Mapping[K, tuple[float, float]],
    prerequisites: Mapping[K, Iterable[K]],
    *,
    max_rows: int | None = None,
) -> Layout[K]:
    """Place nodes of the given (width, height) in columns by prerequisite depth and route an arrow per edge.

    `sizes` is in input order (ties keep it); `prerequisites[k]` are the nodes that k depends on (unknown keys are
    ignored). A cycle is broken (see `Layout.broken`). Within a column nodes are ordered by the rows of their
    prerequisites, so that chains run straight; a level with more than `max_rows` nodes spreads over several
    columns. Arrows are orthogonal polylines through the gaps between columns and the corridors between rows, so they
    never cross a box: one lane per source in the gap after it, one track per long arrow in a corridor.
    """
    keys = list(dict.fromkeys(sizes))
    index = {k: i for i, k in enumerate(keys)}
    deps: dict[K, list[K]] = {
        k: sorted({p for p in prerequisites.get(k, ()) if p in index}, key=index.__getitem__) for k in keys
    }
    broken = _break_cycles(keys, deps)
    level = _levels(keys, deps)
    n_levels = max(level.values(), default=-1) + 1
    by_level: list[list[K]] = [[] for _ in range(n_levels)]
    for k in keys:
        by_level[level[k]].append(k)
    widest = max((len(ks) for ks in by_level), default=0)
    limit = max_rows or max(4, math.ceil(widest / 3))

    column, row, level_columns, n_cols = _place(by_level, deps, index, limit)
    n_rows = max(row.values(), default=-1) + 1

    edges = [(p, k) for k in keys for p in deps[k]]
    long_edges = [e for e in edges if column[e[1]] - column[e[0]] > 1]

    # Corridors: a long edge runs along the corridor nearest to both ends, on its own track where it overlaps another.
    corridor_of: dict[tuple[K, K], int] = {}
    track_of: dict[tuple[K, K], int] = {}
    tracks: list[list[list[tuple[int, int]]]] = [[] for _ in range(n_rows + 1)]
    for e in long_edges:
        rs, rt = row[e[0]] + 0.5, row[e[1]] + 0.5
        c = min(range(n_rows + 1), key=lambda c: (abs(rs - c) + abs(rt - c), c))
        span = (column[e[0]], column[e[1]] - 1)  # gaps the edge occupies
        free = [i for i, used in enumerate(tracks[c]) if all(span[1] < a or b < span[0] for a, b in used)]
        if free:
            t = free[0]
            tracks[c][t].append(span)
        else:
            t = len(tracks[c])
            tracks[c].append([span])
        corridor_of[e], track_of[e] = c, t

    # Lanes: in the gap after column g, one lane per source in column g, then one per long edge ending in column g+1.
    out_lanes: list[list[K]] = [[] for _ in range(n_cols)]
    for k in sorted({p for p, _ in edges}, key=lambda k: (row[k], index[k])):
        out_lanes[column[k]].append(k)
    in_lanes: list[list[tuple[K, K]]] = [[] for _ in range(n_cols)]
    for e in sorted(long_edges, key=lambda e: (row[e[1]], corridor_of[e], track_of[e], index[e[0]])):
        in_lanes[column[e[1]] - 1].append(e)

    # x positions
    col_w = [0.0] * n_cols
    for k in keys:
        col_w[column[k]] = max(col_w[column[k]], sizes[k][0])
    col_x: list[float] = []
    gap_w: list[float] = []
    x = 0.0
    for c in range(n_cols):
        col_x.append(x)
        lanes = len(out_lanes[c]) + len(in_lanes[c])
        gap_w.append(LABEL_ZONE + lanes * LANE + ARROW_ROOM if lanes else PLAIN_GAP)
        x += col_w[c] + (gap_w[c] if c < n_cols - 1 else 0.0)
    width = x

    # y positions
    row_h = [0.0] * n_rows
    for k in keys:
        row_h[row[k]] = max(row_h[row[k]], sizes[k][1])
    row_y: list[float] = []
    corridors: list[tuple[float, float]] = []
    y = 0.0
    for c in range(n_rows + 1):
        n_tracks = len(tracks[c])
        base = ROW_GAP if 0 < c < n_rows else 0.0
        h = max(base, TRACK * (n_tracks + 1)) if n_tracks else base
        corridors.append((y, y + h))
        y += h
        if c < n_rows:
            row_y.append(y)
            y += row_h[c]
    height = y

    boxes = {k: Box(col_x[column[k]], row_y[row[k]], col_w[column[k]], row_h[row[k]]) for k in keys}

    def lane_x(g: int, i: int) -> float:
        return col_x[g] + col_w[g] + LABEL_ZONE + i * LANE

    def track_y(e: tuple[K, K]) -> float:
        return corridors[corridor_of[e]][0] + TRACK * (track_of[e] + 1)

    # Where each edge enters its dependent: spread along the left side, in the order the edges arrive from.
    def approach(e: tuple[K, K]) -> tuple[float, int]:
        return (track_y(e) if e in corridor_of else boxes[e[0]].cy, index[e[0]])

    entry: dict[tuple[K, K], float] = {}
    for k in keys:
        incoming = sorted(((p, k) for p in deps[k]), key=approach)
        b = boxes[k]
        for i, e in enumerate(incoming):
            entry[e] = b.y + b.h * (i + 1) / (len(incoming) + 1)

    routes: dict[tuple[K, K], list[Point]] = {}
    for e in edges:
        s, t = boxes[e[0]], boxes[e[1]]
        ox = lane_x(column[e[0]], out_lanes[column[e[0]]].index(e[0]))
        pts: list[Point] = [(s.right, s.cy), (ox, s.cy)]
        if e in corridor_of:
            g = column[e[1]] - 1
            ix = lane_x(g, len(out_lanes[g]) + in_lanes[g].index(e))
            ty = track_y(e)
            pts += [(ox, ty), (ix, ty), (ix, entry[e])]
        else:
            pts.append((ox, entry[e]))
        pts.append((t.x, entry[e]))
        routes[e] = _simplify(pts)

    labels = {k: (boxes[k].right + 4.0, boxes[k].cy - 4.0) for ks in out_lanes for k in ks}
    level_spans = [(col_x[cs[0]], col_x[cs[-1]] + col_w[cs[-1]]) for cs in level_columns]
    return Layout(
        boxes=boxes,
        levels=level,
        columns=column,
        rows=row,
        routes=routes,
        labels=labels,
        broken=broken,
        level_spans=level_spans,
        width=width,
        height=height,
        corridors=corridors,
    )


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and the middle of three collinear ones."""
    out: list[Point] = []
    for p in points:
        if out and math.isclose(out[-1][0], p[0]) and math.isclose(out[-1][1], p[1]):
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (math.isclose(ax, bx) and math.isclose(bx, p[0])) or (math.isclose(ay, by) and math.isclose(by, p[1])):
                out[-1] = p
                continue
        out.append(p)
    return out


# --------------------------------------------------------------------------------------------------------------------
# Drawing


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: str) -> str:
    return escape(_XML_INVALID.sub("", str(text)), {'"': "&quot;"})


def _n(v: float) -> str:
    """A coordinate as short, stable text."""
    s = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


@dataclass
class _Line:
    text: str
    size: float
    lh: float
    weight: str = "normal"
    fill: str = INK


@dataclass
class _Node:
    key: int
    name: list[str]
    department: list[str]
    days: str
    optional: bool

    @property
    def height(self) -> float:
        h = ITEM_PAD_Y * 2 + len(self.name) * NAME_LH
        if self.department:
            h += 3 + len(self.department) * SMALL_LH
        if self.days or self.optional:
            h += 3 + SMALL_LH
        return h


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text(
        self, x: float, y: float, lines: Sequence[str], *, size: float, lh: float, anchor: str = "start", **attrs: str
    ) -> None:
        """A <text> whose lines are tspans; `y` is the first baseline."""
        extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{_esc(v)}"' for k, v in attrs.items())
        spans = "".join(f'<tspan x="{_n(x)}" y="{_n(y + i * lh)}">{_esc(line)}</tspan>' for i, line in enumerate(lines))
        self.add(f'<text font-size="{_n(size)}" text-anchor="{anchor}"{extra}>{spans}</text>')

    def arrow(self, points: Sequence[Point], *, cls: str, stroke_width: float = 1.3, data: str = "") -> None:
        """A polyline ending in a polygon arrowhead at its last point."""
        (ax, ay), (bx, by) = points[-2], points[-1]
        length = math.hypot(bx - ax, by - ay) or 1.0
        ux, uy = (bx - ax) / length, (by - ay) / length
        back = (bx - ux * ARROW_LEN, by - uy * ARROW_LEN)
        head = [
            (bx, by),
            (back[0] - uy * ARROW_HALF, back[1] + ux * ARROW_HALF),
            (back[0] + uy * ARROW_HALF, back[1] - ux * ARROW_HALF),
        ]
        line = [*points[:-1], (bx - ux * (ARROW_LEN - 1), by - uy * (ARROW_LEN - 1))]
        d = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in line)
        self.add(
            f'<g class="{cls}"{data}><path d="{d}" fill="none" stroke="{ARROW}" stroke-width="{_n(stroke_width)}" '
            f'stroke-linejoin="round"/><polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in head)}" '
            f'fill="{ARROW}"/></g>'
        )


def _step_lines(title: str, detail: str, inner: float) -> list[_Line]:
    lines = [_Line(t, STEP_TITLE_SIZE, STEP_TITLE_LH, "bold", ACCENT) for t in wrap(title, inner, STEP_TITLE_SIZE)]
    lines += [_Line(t, STEP_DETAIL_SIZE, STEP_DETAIL_LH, fill=MUTED) for t in wrap(detail, inner, STEP_DETAIL_SIZE)]
    return lines


def _lines_height(lines: Sequence[_Line]) -> float:
    return sum(line.lh for line in lines)


def _draw_lines(canvas: _Canvas, cx: float, top: float, lines: Sequence[_Line]) -> None:
    """Centred lines, each in its own <text> (sizes differ), `top` being the top of the first line box."""
    y = top
    for line in lines:
        baseline = y + line.lh / 2 + line.size * 0.36
        canvas.text(
            cx,
            baseline,
            [line.text],
            size=line.size,
            lh=line.lh,
            anchor="middle",
            font_weight=line.weight,
            fill=line.fill,
        )
        y += line.lh


def _items_of(one_thing: OneThing, items: Sequence[OneThingItem] | None) -> list[OneThingItem]:
    if items is None:
        return list(one_thing.items.select_related("service_item", "department").order_by("order", "pk"))
    seen: set[int] = set()
    chosen = []
    for item in items:
        if item.pk not in seen:
            seen.add(item.pk)
            chosen.append(item)
    return chosen


def _prerequisites_of(chosen: Sequence[OneThingItem]) -> dict[int, list[int]]:
    from catalog.models import OneThingItem

    pks = [item.pk for item in chosen]
    through = OneThingItem.prerequisites.through
    deps: dict[int, list[int]] = {pk: [] for pk in pks}
    rows = (
        through.objects.filter(from_onethingitem_id__in=pks, to_onethingitem_id__in=pks)
        .order_by("from_onethingitem_id", "to_onethingitem_id")
        .values_list("from_onethingitem_id", "to_onethingitem_id")
    )
    for dependent, prerequisite in rows:
        deps[dependent].append(prerequisite)
    return deps


def _days_text(days: int | None) -> str:
    return f"承诺时限 {days} 个工作日" if days is not None else ""


def flowchart_svg(
    one_thing: OneThing, *, items: Sequence[OneThingItem] | None = None, title: bool = False
) -> SafeString:
    """The process flowchart of `one_thing` as an inline <svg> (width 100%, scales with its container).

    `items`: the items to draw (e.g. those an applicant selected); default all items of the one-thing by `order`.
    Prerequisite arrows are drawn between drawn items only. `title`: also draw the title as a heading in the image
    (it is always in <title> and aria-label).
    """
    chosen = _items_of(one_thing, items)
    deps = _prerequisites_of(chosen)
    heading = f"“{one_thing.name}”一件事办理流程图"

    inner = ITEM_W - 2 * ITEM_PAD_X
    nodes = {
        item.pk: _Node(
            key=item.pk,
            name=wrap(item.service_item.name, inner, NAME_SIZE) or ["—"],
            department=wrap(item.department.name, inner, SMALL_SIZE),
            days=_days_text(item.effective_promised_days),
            optional=not item.mandatory,
        )
        for item in chosen
    }
    grid = layout({k: (ITEM_W, n.height) for k, n in nodes.items()}, deps)
    multi_level = len(grid.level_spans) > 1

    # Main-flow steps
    departments = {item.department_id for item in chosen}
    delivery = [DELIVERY_LABELS[m] for m in (one_thing.delivery_methods or []) if m in DELIVERY_LABELS]
    delivery = delivery or list(DELIVERY_LABELS.values())
    before = [
        ("申请", "线上（网上/掌上）或窗口提交，一表申请、一套材料"),
        ("综合窗口收件", "形式审查；材料不齐的，一次性告知补正"),
        ("自动分发至联办部门", f"{len(chosen)} 个事项、{len(departments)} 个部门同步办理"),
    ]
    after = [
        ("统一出件", "、".join(delivery)),
        ("归档", "办件材料与办理结果统一归档"),
    ]
    step_w = STEP_MIN_W
    for t, d in before + after:
        step_w = max(
            step_w, text_width(t, STEP_TITLE_SIZE) + 2 * STEP_PAD_X, text_width(d, STEP_DETAIL_SIZE) + 2 * STEP_PAD_X
        )
    step_w = min(step_w, 460.0)
    step_inner = step_w - 2 * STEP_PAD_X

    band_title = "并联办理：各联办部门同步审批"
    band_w = max(grid.width + 2 * BAND_PAD, text_width(band_title, 14) + 2 * BAND_PAD, ITEM_W + 2 * BAND_PAD)
    grid_top = BAND_HEADER + (LEVEL_HEADER if multi_level else 0.0)
    empty_h = 40.0 if not chosen else 0.0
    band_h = grid_top + grid.height + empty_h + BAND_PAD

    legend = ["图例：实线框为必办事项", "虚线框为可选事项"]
    if grid.routes:
        legend.append("箭头“结果推送”表示前置事项办结后结果共享至后续事项")
    legend_text = "；".join(legend) + "。"
    width = max(
        MIN_WIDTH,
        band_w + 2 * MARGIN,
        step_w + 2 * MARGIN,
        text_width(legend_text, LEGEND_SIZE) + 2 * MARGIN,
        text_width(heading, 18) + 2 * MARGIN if title else 0.0,
    )
    cx = width / 2

    canvas = _Canvas()
    y = MARGIN
    if title:
        canvas.text(cx, y + 18, [heading], size=18, lh=24, anchor="middle", font_weight="bold", fill=INK)
        y += 34

    def step(title_text: str, detail: str, top: float, cls: str) -> float:
        lines = _step_lines(title_text, detail, step_inner)
        h = _lines_height(lines) + 2 * STEP_PAD_Y
        x = cx - step_w / 2
        canvas.add(f'<g class="{cls}">')
        canvas.add(
            f'<rect x="{_n(x)}" y="{_n(top)}" width="{_n(step_w)}" height="{_n(h)}" rx="8" ry="8" '
            f'fill="{STEP_FILL}" stroke="{ACCENT}" stroke-width="1.5"/>'
        )
        _draw_lines(canvas, cx, top + STEP_PAD_Y, lines)
        canvas.add("</g>")
        return top + h

    def flow_arrow(y0: float, y1: float) -> None:
        canvas.arrow([(cx, y0), (cx, y1)], cls="flow-arrow", stroke_width=1.6)

    for i, (t, d) in enumerate(before):
        bottom = step(t, d, y, "step")
        if i < len(before) - 1:
            flow_arrow(bottom, bottom + FLOW_GAP)
        y = bottom + FLOW_GAP
    flow_arrow(y - FLOW_GAP, y)

    # The band of parallel items
    band_x = cx - band_w / 2
    band_y = y
    canvas.add('<g class="parallel">')
    canvas.add(
        f'<rect x="{_n(band_x)}" y="{_n(band_y)}" width="{_n(band_w)}" height="{_n(band_h)}" rx="10" ry="10" '
        f'fill="{BAND_FILL}" stroke="{BAND_STROKE}" stroke-width="1.2"/>'
    )
    canvas.text(band_x + BAND_PAD, band_y + 22, [band_title], size=14, lh=18, font_weight="bold", fill=ACCENT)
    ox = cx - grid.width / 2
    oy = band_y + grid_top
    if multi_level:
        for i, (x0, x1) in enumerate(grid.level_spans):
            label = "第1阶段（同步办理）" if i == 0 else f"第{i + 1}阶段（前置办结后）"
            canvas.text(ox + (x0 + x1) / 2, oy - 8, [label], size=SMALL_SIZE, lh=SMALL_LH, anchor="middle", fill=MUTED)
    if not chosen:
        canvas.text(cx, oy + 24, ["（未列出事项）"], size=SMALL_SIZE, lh=SMALL_LH, anchor="middle", fill=MUTED)

    for (src, dst), pts in sorted(
        grid.routes.items(), key=lambda kv: (grid.columns[kv[0][1]], grid.rows[kv[0][1]], kv[0])
    ):
        canvas.arrow(
            [(ox + px, oy + py) for px, py in pts],
            cls="edge",
            stroke_width=1.2,
            data=f' data-from="{src}" data-to="{dst}"',
        )
    for key in sorted(grid.labels, key=lambda k: (grid.columns[k], grid.rows[k])):
        lx, ly = grid.labels[key]
        canvas.text(
            ox + lx, oy + ly, [EDGE_LABEL], size=EDGE_LABEL_SIZE, lh=EDGE_LABEL_SIZE, fill=MUTED, class_="edge-label"
        )

    for key, node in nodes.items():
        b = grid.boxes[key]
        x, top = ox + b.x, oy + b.y
        dash = ' stroke-dasharray="5 3"' if node.optional else ""
        canvas.add(
            f'<g class="item{" optional" if node.optional else ""}" data-item="{key}" data-level="{grid.levels[key]}">'
        )
        canvas.add(
            f'<rect x="{_n(x)}" y="{_n(top)}" width="{_n(b.w)}" height="{_n(b.h)}" rx="4" ry="4" fill="#ffffff" '
            f'stroke="{INK}" stroke-width="1.2"{dash}/>'
        )
        content = node.height - 2 * ITEM_PAD_Y
        ty = top + (b.h - content) / 2
        mid = x + b.w / 2
        canvas.text(
            mid,
            ty + NAME_LH / 2 + NAME_SIZE * 0.36,
            node.name,
            size=NAME_SIZE,
            lh=NAME_LH,
            anchor="middle",
            font_weight="bold",
            fill=INK,
            class_="item-name",
        )
        ty += len(node.name) * NAME_LH
        if node.department:
            ty += 3
            canvas.text(
                mid,
                ty + SMALL_LH / 2 + SMALL_SIZE * 0.36,
                node.department,
                size=SMALL_SIZE,
                lh=SMALL_LH,
                anchor="middle",
                fill=MUTED,
                class_="item-department",
            )
            ty += len(node.department) * SMALL_LH
        if node.days or node.optional:
            ty += 3
            base = ty + SMALL_LH / 2 + SMALL_SIZE * 0.36
            tag_w = text_width("可选", TAG_SIZE) + 10 if node.optional else 0.0
            if node.days:
                days_x = mid - (tag_w + 6) / 2 if tag_w else mid
                canvas.text(
                    days_x,
                    base,
                    [node.days],
                    size=SMALL_SIZE,
                    lh=SMALL_LH,
                    anchor="middle",
                    fill=ACCENT,
                    class_="item-days",
                )
            if node.optional:
                days_w = text_width(node.days, SMALL_SIZE) if node.days else 0.0
                tx = mid + days_w / 2 - tag_w / 2 + 6 / 2 if node.days else mid - tag_w / 2
                canvas.add(
                    f'<rect x="{_n(tx)}" y="{_n(ty + 1.5)}" width="{_n(tag_w)}" height="{_n(SMALL_LH - 3)}" rx="3" ry="3" '
                    f'fill="#ffffff" stroke="{MUTED}" stroke-width="0.8"/>'
                )
                canvas.text(
                    tx + tag_w / 2,
                    ty + SMALL_LH / 2 + TAG_SIZE * 0.36,
                    ["可选"],
                    size=TAG_SIZE,
                    lh=TAG_SIZE,
                    anchor="middle",
                    fill=MUTED,
                    class_="item-optional",
                )
        canvas.add("</g>")
    canvas.add("</g>")

    y = band_y + band_h
    flow_arrow(y, y + FLOW_GAP)
    y += FLOW_GAP
    for i, (t, d) in enumerate(after):
        bottom = step(t, d, y, "step")
        if i < len(after) - 1:
            flow_arrow(bottom, bottom + FLOW_GAP)
        y = bottom + FLOW_GAP
    y = y - FLOW_GAP + 22
    canvas.text(MARGIN, y, [legend_text], size=LEGEND_SIZE, lh=LEGEND_SIZE, fill=MUTED, class_="legend")
    height = y + MARGIN - 4

    body = "".join(canvas.parts)
    digest = hashlib.sha256(body.encode()).hexdigest()[:10]
    names = "、".join(item.service_item.name for item in chosen)
    desc = f"申请 → 综合窗口收件 → 自动分发至联办部门 → 并联办理（{names}） → 统一出件 → 归档"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" id="flowchart-{one_thing.pk}-{digest}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" preserveAspectRatio="xMidYMin meet" '
        f'style="max-width:{_n(width)}px" role="img" aria-label="{_esc(heading)}" font-family="{_esc(FONT_FAMILY)}">'
        f"<title>{_esc(heading)}</title><desc>{_esc(desc)}</desc>{body}</svg>"
    )
    return mark_safe(svg)
