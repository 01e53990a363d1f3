"""Inline SVG charts for the HTML pack: scorecard heat map, KPI trends, costs, savings funnel.

Each chart is one `<svg role="img">` with a `<title>` and a `<desc>` that says in words what it
shows, so a screen reader gets the content, and meaning never rides on colour alone: RAG is also a
shape (● ◆ ■) and a hatch pattern, and every bar and point carries its figure as text. Pattern
ids are prefixed per chart so several charts can share one page. Geometry is computed in Decimal
and written with one decimal, so the same data always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup, escape

from jwcli.render import filters
from jwcli.render.pack import FunnelView, KpiView, ProjectView, RunCostView, ScorecardView

WIDTH = 680
_FONT = 'font-family="inherit"'
FILL = {"green": "#cfe8cf", "amber": "#fde2a6", "red": "#f4c1bd", None: "#eeeeee"}
STROKE = {"green": "#1e6b34", "amber": "#8a5a00", "red": "#a3221b", None: "#6b6b6b"}
INK = "#1f2328"
MUTED = "#57606a"
ACTUAL = "#2f5d8a"
BASELINE = "#b9c3cc"


def _c(value: Decimal | int) -> str:
    """A coordinate written with at most one decimal."""
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    return text[:-2] if text.endswith(".0") else text


def _t(text: object) -> str:
    return str(escape(str(text)))


def _defs(prefix: str) -> str:
    """Hatch patterns: red diagonal lines, amber dots, baseline cross-hatch."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-red" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{STROKE["red"]}" stroke-width="1.2" '
        'stroke-opacity="0.45"/></pattern>'
        f'<pattern id="{prefix}-amber" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<circle cx="3" cy="3" r="0.9" fill="{STROKE["amber"]}" fill-opacity="0.5"/></pattern>'
        f'<pattern id="{prefix}-base" width="5" height="5" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)">'
        f'<line x1="0" y1="0" x2="0" y2="5" stroke="{MUTED}" stroke-width="1" '
        'stroke-opacity="0.5"/></pattern>'
        "</defs>"
    )


def _svg(prefix: str, width: int, height: int, title: str, desc: str, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" {_FONT}>'
        f'<title id="{prefix}-title">{_t(title)}</title>'
        f'<desc id="{prefix}-desc">{_t(desc)}</desc>'
        f"{_defs(prefix)}{body}</svg>"
    )


def _text(
    x: Decimal | int,
    y: Decimal | int,
    text: str,
    *,
    size: int = 11,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = INK,
    italic: bool = False,
) -> str:
    style = ' font-style="italic"' if italic else ""
    return (
        f'<text x="{_c(x)}" y="{_c(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}"{style}>{_t(text)}</text>'
    )


def _rect(
    x: Decimal | int,
    y: Decimal | int,
    w: Decimal | int,
    h: Decimal | int,
    fill: str,
    *,
    stroke: str | None = None,
    dash: bool = False,
) -> str:
    extra = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    if dash:
        extra += ' stroke-dasharray="4 3"'
    return (
        f'<rect x="{_c(x)}" y="{_c(y)}" width="{_c(max(Decimal(w), Decimal(0)))}" '
        f'height="{_c(h)}" fill="{fill}"{extra}/>'
    )


def _line(
    x1: Decimal | int,
    y1: Decimal | int,
    x2: Decimal | int,
    y2: Decimal | int,
    stroke: str,
    *,
    dash: str | None = None,
    width: str = "1",
) -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_c(x1)}" y1="{_c(y1)}" x2="{_c(x2)}" y2="{_c(y2)}" stroke="{stroke}" '
        f'stroke-width="{width}"{extra}/>'
    )


def _wrap(text: str, width: Decimal, size: int, lines: int = 2) -> list[str]:
    """Split `text` into at most `lines` lines that fit `width` (estimated glyph widths)."""
    per_char = Decimal(size) * Decimal("0.58")
    fit = max(int(width / per_char), 4)
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= fit:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return [line if len(line) <= fit else line[: fit - 1] + "…" for line in out]


def _rag_overlay(
    prefix: str, rag: str | None, x: Decimal, y: Decimal, w: Decimal, h: Decimal
) -> str:
    if rag in ("red", "amber"):
        return _rect(x, y, w, h, f"url(#{prefix}-{rag})")
    return ""


def heatmap(card: ScorecardView, prefix: str = "heat") -> Markup:
    """Parties across, the ten behaviours down; each cell: score, RAG shape and trend arrow."""
    label_w = Decimal(200)
    n = max(len(card.parties), 1)
    col_w = min((Decimal(WIDTH) - label_w) / n, Decimal(120))
    head_h, row_h, gap = Decimal(40), Decimal(26), Decimal(8)
    rows = len(card.behaviours)
    width = int(label_w + col_w * n) + 1
    height = int(head_h + row_h * (rows + 1) + gap + 4)
    parts: list[str] = []
    for i, party in enumerate(card.parties):
        cx = label_w + col_w * i + col_w / 2
        lines = _wrap(party.name, col_w - 8, 10)
        for j, line in enumerate(lines):
            y = head_h - 8 - Decimal(12) * (len(lines) - 1 - j)
            parts.append(_text(cx, y, line, size=10, anchor="middle", weight="bold"))
    described: list[str] = []
    for r, (bid, title, short) in enumerate(card.behaviours):
        y = head_h + row_h * r
        parts.append(f"<g><title>{_t(title)}</title>")
        parts.append(_text(4, y + row_h / 2 + 4, short, size=11))
        parts.append("</g>")
        for i, party in enumerate(card.parties):
            cell = next(c for c in party.cells if c.behaviour == bid)
            parts.append(
                _cell(
                    prefix, label_w + col_w * i, y, col_w, row_h, cell.score, cell.rag, cell.trend
                )
            )
    y = head_h + row_h * rows + gap
    parts.append(_text(4, y + row_h / 2 + 4, "Overall", size=11, weight="bold"))
    for i, party in enumerate(card.parties):
        parts.append(
            _cell(
                prefix,
                label_w + col_w * i,
                y,
                col_w,
                row_h,
                party.overall,
                party.overall_rag,
                None,
                bold=True,
            )
        )
        described.append(
            f"{party.name}: overall {filters.number(party.overall)} "
            f"({filters.rag_label(party.overall_rag)})"
        )
    desc = (
        "Heat map of each party's score (1 to 5) on the ten behaviours, with RAG shown by shape "
        "and pattern and the trend against the previous quarter as an arrow. "
        + "; ".join(described)
        + "."
    )
    return _svg(prefix, width, height, "Scorecard heat map", desc, "".join(parts))


def _cell(
    prefix: str,
    x: Decimal,
    y: Decimal,
    w: Decimal,
    h: Decimal,
    score: Decimal | None,
    rag: str | None,
    trend: str | None,
    *,
    bold: bool = False,
) -> str:
    inner = (x + 1, y + 1, w - 2, h - 2)
    body = _rect(*inner, FILL[rag], stroke="#ffffff")
    body += _rag_overlay(prefix, rag, *inner)
    if score is None:
        label = "no data"
        return body + _text(
            x + w / 2, y + h / 2 + 4, label, size=10, anchor="middle", fill=MUTED, italic=True
        )
    arrow = filters.trend_arrow(trend)
    label = f"{filters.number(score)} {filters.rag_symbol(rag)}" + (f" {arrow}" if arrow else "")
    weight = "bold" if bold else "normal"
    return body + _text(
        x + w / 2, y + h / 2 + 4, label, size=12, anchor="middle", weight=weight, fill=STROKE[rag]
    )


def _short_quarter(label: str) -> tuple[str, str]:
    year, _, number = label.partition("-")
    return number, year


def _marker(rag: str | None, x: Decimal, y: Decimal) -> str:
    """A point shaped by its RAG: circle green, diamond amber, square red."""
    colour = STROKE[rag]
    if rag == "amber":
        pts = f"{_c(x)},{_c(y - 5)} {_c(x + 5)},{_c(y)} {_c(x)},{_c(y + 5)} {_c(x - 5)},{_c(y)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if rag == "red":
        return _rect(x - 4, y - 4, 8, 8, colour)
    return f'<circle cx="{_c(x)}" cy="{_c(y)}" r="4.5" fill="{colour}"/>'


def kpi_trend(kpi: KpiView, prefix: str = "kpi") -> Markup:
    """One KPI over the last eight quarters against its target, amber zone shaded and dotted."""
    title_lines = _wrap(kpi.name, Decimal(300), 11)
    shift = Decimal(13) * (len(title_lines) - 1)
    width, height = 330, int(182 + shift)
    left, right = Decimal(40), Decimal(318)
    # the target's label has a line of its own under the title, above the plot
    top, bottom = Decimal(42) + shift, Decimal(140) + shift
    values = [p.value for p in kpi.series if p.value is not None]
    amber_edge = (
        kpi.target - kpi.amber_within
        if kpi.direction == "higher"
        else kpi.target + kpi.amber_within
    )
    # milestones: each quarter's own target, drawn as steps when they differ from the final one
    targets = [p.target if p.target is not None else kpi.target for p in kpi.series]
    stepped = any(t != kpi.target for t in targets)
    edges = [*values, kpi.target, amber_edge, *targets]
    lo, hi = min(edges), max(edges)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) / 8
    lo, hi = lo - pad, hi + pad
    span = hi - lo

    def y_of(v: Decimal) -> Decimal:
        return top + (hi - v) / span * (bottom - top)

    step = (right - left) / max(len(kpi.series), 1)

    def x_of(i: int) -> Decimal:
        return left + step * i + step / 2

    parts = [
        _text(0, 14 + 13 * i, line, size=11, weight="bold") for i, line in enumerate(title_lines)
    ]
    z_top, z_bottom = y_of(max(kpi.target, amber_edge)), y_of(min(kpi.target, amber_edge))
    if z_bottom > z_top:
        parts.append(_rect(left, z_top, right - left, z_bottom - z_top, FILL["amber"]))
        parts.append(_rect(left, z_top, right - left, z_bottom - z_top, f"url(#{prefix}-amber)"))
    parts.append(_line(left, bottom, right, bottom, MUTED))
    parts.append(_line(left, top, left, bottom, MUTED))
    ty = y_of(kpi.target)
    if not stepped:
        parts.append(_line(left, ty, right, ty, STROKE["green"], dash="5 3", width="1.5"))
    for i, target in enumerate(targets if stepped else ()):
        y, x = y_of(target), x_of(i)
        parts.append(
            _line(x - step / 2, y, x + step / 2, y, STROKE["green"], dash="5 3", width="1.5")
        )
    better = "higher is better" if kpi.direction == "higher" else "lower is better"
    label = kpi.target_label or f"target {filters.plain(kpi.target)}"
    target_text = f"{label} ({better})"
    parts.append(_text(right, top - 16, target_text, size=9, anchor="end", fill=MUTED))
    for edge in (hi - pad, lo + pad):
        label = filters.number(edge, 1)
        parts.append(_text(left - 4, y_of(edge) + 3, label, size=8, anchor="end", fill=MUTED))
    # segments join consecutive measured quarters only: a gap in the data is a gap in the line
    previous: tuple[Decimal, Decimal] | None = None
    for i, point in enumerate(kpi.series):
        x = x_of(i)
        number, year = _short_quarter(point.quarter)
        parts.append(_text(x, bottom + 13, number, size=9, anchor="middle", fill=MUTED))
        if i == 0 or number == "Q1":
            parts.append(_text(x, bottom + 24, year, size=8, anchor="middle", fill=MUTED))
        if point.value is None:
            parts.append(_text(x, bottom - 4, "–", size=10, anchor="middle", fill=MUTED))
            previous = None
            continue
        y = y_of(point.value)
        if previous is not None:
            parts.append(_line(previous[0], previous[1], x, y, ACTUAL, width="1.5"))
        previous = (x, y)
    for i, point in enumerate(kpi.series):
        if point.value is None:
            continue
        x, y = x_of(i), y_of(point.value)
        parts.append(_marker(point.rag, x, y))
        parts.append(_text(x, y - 8, filters.plain(point.value), size=8, anchor="middle"))
    note = f"unit: {kpi.unit}; – = no measurement"
    parts.append(_text(left, height - 4, note, size=8, fill=MUTED))
    measured = [
        f"{p.quarter}: {filters.plain(p.value)} ({filters.rag_label(p.rag)})"
        for p in kpi.series
        if p.value is not None
    ]
    desc = (
        f"{kpi.name} in {kpi.unit} over {len(kpi.series)} quarters, target "
        f"{filters.plain(kpi.target)}, {better}. "
        + ("; ".join(measured) if measured else "No measurements.")
    )
    return _svg(prefix, width, height, f"Trend of {kpi.name}", desc, "".join(parts))


def cost_bars(rows: Sequence[RunCostView], currency: str, prefix: str = "cost") -> Markup:
    """Each service and party: its saving against a quarter of the baseline, as a rate, with the
    agreed target rate marked; above-baseline costs go left of zero, hatched red."""
    label_w, value_w = Decimal(210), Decimal(170)
    bar_w = Decimal(WIDTH) - label_w - value_w
    row_h = Decimal(26)
    top = Decimal(26)
    shown = [r for r in rows if r.baseline_quarter]
    height = int(top + row_h * len(shown) + 10)
    rates = [r.saving_rate for r in shown if r.saving_rate is not None]
    rates += [r.target_rate for r in shown if r.target_rate is not None]
    low = min([Decimal(0), *rates])
    high = max([Decimal("0.01"), *rates])
    span = high - low

    def x_of(rate: Decimal) -> Decimal:
        return label_w + (rate - low) / span * bar_w

    zero = x_of(Decimal(0))
    parts = [
        _rect(label_w, 6, 12, 10, ACTUAL),
        _text(label_w + 16, 15, "saving against baseline", size=10, fill=MUTED),
        _line(label_w + 160, 11, label_w + 176, 11, STROKE["green"], dash="4 2", width="2"),
        _text(label_w + 180, 15, "target rate", size=10, fill=MUTED),
    ]
    described = []
    for i, row in enumerate(shown):
        y = top + row_h * i
        service = row.service_name if len(row.service_name) <= 22 else row.service
        label = f"{service}: {row.party_name}"
        if len(label) > 40:
            label = label[:39] + "…"
        parts.append(_text(0, y + 14, label, size=10))
        if row.target_rate is not None:
            tx = x_of(row.target_rate)
            parts.append(_line(tx, y + 1, tx, y + 21, STROKE["green"], dash="4 2", width="2"))
        if row.saving_rate is None:
            parts.append(_text(zero + 4, y + 14, "no run cost recorded", size=9, fill=MUTED))
            described.append(f"{label}: no run cost in the quarter")
            continue
        rate = row.saving_rate
        x0, x1 = (zero, x_of(rate)) if rate >= 0 else (x_of(rate), zero)
        if rate >= 0:
            parts.append(_rect(x0, y + 4, x1 - x0, 14, ACTUAL))
        else:
            parts.append(_rect(x0, y + 4, x1 - x0, 14, FILL["red"], stroke=STROKE["red"]))
            parts.append(_rect(x0, y + 4, x1 - x0, 14, f"url(#{prefix}-red)"))
        words = _saving_words(rate)
        target = f" (target {filters.percent(row.target_rate)})" if row.target_rate else ""
        end = max(x1, x_of(row.target_rate) if row.target_rate is not None else x1)
        parts.append(_text(end + 5, y + 15, f"{words}{target}", size=9))
        described.append(f"{label}: {words}{target}")
    parts.append(_line(zero, top - 2, zero, top + row_h * len(shown), INK))
    desc = "Saving against baseline by service and party. " + "; ".join(described) + "."
    return _svg(prefix, WIDTH, height, "Run costs against baseline", desc, "".join(parts))


def _saving_words(rate: Decimal | None) -> str:
    if rate is None:
        return ""
    if rate > 0:
        return f"{filters.percent(rate)} below baseline"
    if rate < 0:
        return f"{filters.percent(-rate)} above baseline"
    return "on baseline"


_PROJECT_FILL = {
    "within-budget": FILL["green"],
    "within-tolerance": FILL["amber"],
    "over-tolerance": FILL["red"],
    "no-spend": FILL[None],
}
_PROJECT_RAG = {"within-budget": "green", "within-tolerance": "amber", "over-tolerance": "red"}
PROJECT_WORDS = {
    "within-budget": "within budget",
    "within-tolerance": "over budget, within tolerance",
    "over-tolerance": "over tolerance",
    "no-spend": "no spend yet",
}


def project_bars(rows: Sequence[ProjectView], currency: str, prefix: str = "proj") -> Markup:
    """Spend to date of each project against its budget (solid line) and tolerance (dashed)."""
    label_w, value_w = Decimal(150), Decimal(250)
    bar_w = Decimal(WIDTH) - label_w - value_w
    row_h = Decimal(34)
    height = int(row_h * len(rows) + 30)
    top_value = max([r.limit for r in rows] + [r.spend_to_date for r in rows] + [Decimal(1)])
    parts = [
        _line(label_w, 9, label_w + 14, 9, INK, width="2"),
        _text(label_w + 18, 13, "budget", size=10, fill=MUTED),
        _line(label_w + 70, 9, label_w + 84, 9, INK, dash="3 2", width="2"),
        _text(label_w + 88, 13, "budget + tolerance", size=10, fill=MUTED),
    ]
    described = []
    for i, row in enumerate(rows):
        y = Decimal(24) + row_h * i
        owner = row.owner_name if len(row.owner_name) <= 30 else row.owner
        parts.append(_text(0, y + 12, row.project, size=10))
        parts.append(_text(0, y + 24, owner, size=9, fill=MUTED))
        rag = _PROJECT_RAG.get(row.status)
        sw = bar_w * row.spend_to_date / top_value
        parts.append(_rect(label_w, y + 3, sw, 18, _PROJECT_FILL[row.status], stroke=STROKE[rag]))
        parts.append(_rag_overlay(prefix, rag, label_w, y + 3, sw, Decimal(18)))
        bx = label_w + bar_w * row.budget / top_value
        lx = label_w + bar_w * row.limit / top_value
        parts.append(_line(bx, y, bx, y + 24, INK, width="2"))
        parts.append(_line(lx, y, lx, y + 24, INK, dash="3 2", width="2"))
        words = PROJECT_WORDS[row.status]
        spent = (
            f"{filters.money(row.spend_to_date, currency)} of {filters.money(row.budget, currency)}"
        )
        label = f"{spent} ({filters.percent(row.used)}), {words}"
        parts.append(_text(max(lx, label_w + sw) + 6, y + 16, label, size=9))
        described.append(f"{row.project}: spent {spent}, {words}")
    desc = "Project spend to date against budget and tolerance. " + "; ".join(described) + "."
    return _svg(prefix, WIDTH, height, "Project spend against budget", desc, "".join(parts))


def funnel(view: FunnelView, currency: str, prefix: str = "funnel") -> Markup:
    """Annual savings by the furthest stage reached, against the target and the measured saving."""
    label_w, bar_w = Decimal(110), Decimal(400)
    row_h = Decimal(30)
    top = Decimal(30)
    height = int(top + row_h * len(view.stages) + 34)
    candidates = [s.amount for s in view.stages]
    for ref in (view.target_annual, view.measured_annual):
        if ref is not None:
            candidates.append(ref)
    scale_top = max([abs(c) for c in candidates] + [Decimal(1)])
    parts: list[str] = []
    shades = ("#c9d7e6", "#9db8d3", "#6c93bb", ACTUAL)
    described = []
    for i, stage in enumerate(view.stages):
        y = top + row_h * i
        w = bar_w * stage.amount / scale_top
        weight = "bold" if stage.stage == "realised" else "normal"
        parts.append(_text(0, y + 15, stage.stage.capitalize(), size=11, weight=weight))
        parts.append(_rect(label_w, y + 3, w, 18, shades[min(i, 3)]))
        amount = filters.money(stage.amount, currency)
        label = f"{amount} a year ({filters.plural(stage.count, 'saving')})"
        parts.append(_text(label_w + w + 6, y + 16, label, size=10))
        described.append(f"{stage.stage}: {amount}")
    bottom = top + row_h * len(view.stages)
    refs = (
        (view.target_annual, "target", "6 3", STROKE["green"], top - 10),
        (view.measured_annual, "measured from costs", "2 2", STROKE["red"], bottom + 14),
    )
    for value, name, dash, colour, text_y in refs:
        if value is None:
            continue
        x = label_w + bar_w * max(value, Decimal(0)) / scale_top
        parts.append(_line(x, top - 6, x, bottom, colour, dash=dash, width="2"))
        # the label runs away from the chart's nearer edge, so it is never cut off
        anchor = "start" if x < label_w + bar_w / 2 else "end"
        text = f"{name}: {filters.money(value, currency)} a year"
        parts.append(_text(x, text_y, text, size=10, anchor=anchor, fill=colour, weight="bold"))
        described.append(f"{name} {filters.money(value, currency)}")
    desc = (
        "Savings funnel, annual amounts by the furthest stage reached. "
        + "; ".join(described)
        + "."
    )
    return _svg(prefix, WIDTH, height, "Savings funnel", desc, "".join(parts))


def legend() -> Markup:
    """The key to RAG shapes and trend arrows, as text."""
    items = [
        f"{filters.rag_symbol(r)} {filters.rag_label(r)}" for r in ("green", "amber", "red", None)
    ]
    arrows = [f"{filters.trend_arrow(t)} {t}" for t in ("up", "level", "down")]
    return Markup(
        f'<p class="legend">{_t(" · ".join(items))} — trend: {_t(" · ".join(arrows))}</p>'
    )


FILTERS: dict[str, Callable[..., Any]] = {
    "heatmap_svg": heatmap,
    "kpi_svg": kpi_trend,
    "cost_svg": cost_bars,
    "project_svg": project_bars,
    "funnel_svg": funnel,
}
