"""Charts drawn on the server as accessible SVG: no JavaScript, no inline styles.

Each chart is an image with a title and a description (role="img"), axis
labels and a legend; colours are never the only difference (special causes
also differ in shape), and every chart is shown beside a table or words that
say the same. Pure functions: text in, SVG text out.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from community.projects.measures.spc import MIN_POINTS_FOR_LIMITS, Analysis, ChartType, Variation
from community.projects.measures.spc_words import format_number, nhsr_label, point_label

WIDTH = 800
LEFT, RIGHT, TOP = 76, 40, 44
PLOT_HEIGHT = 280
INK = "#212b32"
GRID = "#d8dde0"
LINE = "#768692"
LIMIT = "#425563"
TARGET = "#d5281b"
ANNOTATION = "#7c2855"
MARKERS = {  # colour and shape: shape carries the meaning for those who cannot tell colours
    Variation.COMMON_CAUSE: ("#768692", "circle", "Common cause"),
    Variation.IMPROVEMENT: ("#005eb8", "square", "Special cause: improvement"),
    Variation.CONCERN: ("#d06000", "diamond", "Special cause: concern"),
    Variation.NEUTRAL: ("#330072", "triangle", "Special cause: neither better nor worse"),
}
MAX_MARKED_COMMON_POINTS = 300  # beyond this, common-cause points are the line alone


@dataclass(frozen=True)
class Annotation:
    when: date
    label: str  # short, drawn on the chart: "PDSA 3"


# The SVG is built as Markup throughout: Markup.format and Markup.join escape whatever is
# not markup already (a label, a date, an attribute's value), so no piece of text can be
# left unescaped, nor a tag escaped twice, however the pieces are put together.
def _attrs(**attributes) -> Markup:
    return Markup(" ").join(
        Markup('{}="{}"').format(name.rstrip("_").replace("_", "-"), value)
        for name, value in attributes.items()
        if value is not None
    )


def _tag(name: str, body: str | Markup = "", **attributes) -> Markup:
    """An element; `body` is escaped unless it is Markup (another element)."""
    attrs = _attrs(**attributes)
    if body:
        return Markup("<{0} {1}>{2}</{0}>").format(name, attrs, body)
    return Markup("<{} {}/>").format(name, attrs)


def _text(x: float, y: float, words: str, **attributes) -> Markup:
    return _tag("text", words, x=f"{x:.1f}", y=f"{y:.1f}", fill=INK, **attributes)


def _line(x1, y1, x2, y2, colour, width=1.0, dash=None) -> Markup:
    return _tag(
        "line", x1=f"{x1:.1f}", y1=f"{y1:.1f}", x2=f"{x2:.1f}", y2=f"{y2:.1f}",
        stroke=colour, stroke_width=width, stroke_dasharray=dash,
    )  # fmt: skip


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round-numbered ticks covering low..high."""
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def marker(kind: Variation, x: float, y: float, tooltip: str | None = None) -> Markup:
    colour, shape, _ = MARKERS[kind]
    title = _tag("title", tooltip) if tooltip else Markup("")
    if shape == "circle":
        return _tag("circle", title, cx=f"{x:.1f}", cy=f"{y:.1f}", r="4", fill=colour)
    if shape == "square":
        return _tag("rect", title, x=f"{x - 4.5:.1f}", y=f"{y - 4.5:.1f}", width="9", height="9",
                    fill=colour)  # fmt: skip
    if shape == "diamond":
        points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
    else:
        points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},{y + 5:.1f}"
    return _tag("polygon", title, points=points, fill=colour)


def _short_date(moment: date) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _fractional_index(dates: Sequence[date], moment: date) -> float | None:
    """Where a date falls on an index axis, between the points either side of it."""
    if not dates or moment < dates[0] or moment > dates[-1]:
        return None
    for i in range(len(dates) - 1):
        if dates[i] <= moment <= dates[i + 1]:
            span = (dates[i + 1] - dates[i]).days or 1
            return i + (moment - dates[i]).days / span
    return float(len(dates) - 1)


def _legend(items: list[tuple[Markup, str]], top: float) -> tuple[Markup, float]:
    """Legend entries as (symbol SVG, words), four to a row; returns SVG and its height."""
    parts, per_row, width = [], 3, (WIDTH - LEFT) / 3
    for n, (symbol, words) in enumerate(items):
        x = LEFT + (n % per_row) * width
        y = top + (n // per_row) * 22
        parts.append(_tag("g", symbol, transform=f"translate({x:.1f},{y:.1f})"))
        parts.append(_text(x + 28, y + 4, words))
    rows = -(-len(items) // per_row)
    return Markup("").join(parts), rows * 22


def _legend_line(colour: str, dash: str | None = None, width: float = 2) -> Markup:
    return _line(0, 0, 22, 0, colour, width, dash)


Y_LABELS = {
    ChartType.P: "Proportion",
    ChartType.P_PRIME: "Proportion",
    ChartType.U: "Rate",
    ChartType.U_PRIME: "Rate",
    ChartType.C: "Count",
    ChartType.T: "Days between events",
    ChartType.G: "Cases between events",
}
CENTRE_WORDS = {
    ChartType.P: "Centre (pooled proportion)",
    ChartType.P_PRIME: "Centre (pooled proportion)",
    ChartType.U: "Centre (pooled rate)",
    ChartType.U_PRIME: "Centre (pooled rate)",
    ChartType.T: "Centre (mean of transformed times)",
}
# The types whose limits come from moving ranges, so can leave out the large ones.
SCREENED_TYPES = frozenset({ChartType.XMR, ChartType.T})


def xmr_chart(
    analysis: Analysis,
    *,
    chart_id: str,
    title: str,
    description: str,
    unit: str = "",
    annotations: Sequence[Annotation] = (),
) -> Markup:
    """An XmR (or run) chart of an analysed measure."""
    points = analysis.points
    plot_width = WIDTH - LEFT - RIGHT
    bottom = TOP + PLOT_HEIGHT
    values = [p.value for p in points]
    lines = [v for period in analysis.periods if period.limits
             for own in (period.point_limits or (period.limits,))
             for v in (own.upper, own.lower)]  # fmt: skip
    if analysis.target is not None:
        lines.append(analysis.target)
    every = values + lines or [0.0, 1.0]
    ticks = nice_ticks(min(every), max(every))
    low, high = ticks[0], ticks[-1]

    def x_at(index: float) -> float:
        return (
            LEFT + plot_width / 2
            if len(points) < 2
            else LEFT + index * plot_width / (len(points) - 1)
        )

    def y_at(value: float) -> float:
        return bottom - (value - low) / ((high - low) or 1) * PLOT_HEIGHT

    body = [_tag("rect", x=LEFT, y=TOP, width=plot_width, height=PLOT_HEIGHT, fill="#ffffff",
                 stroke=GRID)]  # fmt: skip
    for tick in ticks:
        body.append(_line(LEFT, y_at(tick), LEFT + plot_width, y_at(tick), GRID))
        body.append(_text(LEFT - 8, y_at(tick) + 4, format_number(tick), text_anchor="end"))
    if points:
        step = max(1, math.ceil(len(points) / 7))
        shown = list(range(0, len(points), step))
        if shown[-1] != len(points) - 1:
            # Always label the latest point, dropping the label before it if too close.
            gap = x_at(len(points) - 1) - x_at(shown[-1])
            if gap < 130 and len(shown) > 1:
                shown.pop()
            shown.append(len(points) - 1)
        for i in shown:
            body.append(_line(x_at(i), bottom, x_at(i), bottom + 5, INK))
            anchor = "end" if i == len(points) - 1 and len(points) > 1 else "middle"
            body.append(_text(x_at(i), bottom + 20, _short_date(points[i].when),
                              text_anchor=anchor))  # fmt: skip
    body.append(_text(LEFT + plot_width / 2, bottom + 42, "Date", text_anchor="middle",
                      font_weight="bold"))  # fmt: skip
    y_label = Y_LABELS.get(analysis.chart_type, "Value")
    y_label = f"{y_label} ({unit})" if unit else y_label
    body.append(
        _text(18, TOP + PLOT_HEIGHT / 2, y_label, text_anchor="middle", font_weight="bold",
              transform=f"rotate(-90 18 {TOP + PLOT_HEIGHT / 2:.1f})")
    )  # fmt: skip
    legend: list[tuple[Markup, str]] = []
    notes: list[str] = []  # sentences under the legend: how the limits were worked out
    has_limits = has_run = False
    for number, period in enumerate(analysis.periods):
        x1, x2 = x_at(period.start), x_at(period.end - 1)
        if x1 == x2:
            x1, x2 = x1 - 8, x2 + 8
        if period.point_limits:
            # Limits that vary with each point's denominator: a step at each point.
            has_limits = True
            body.append(_line(x1, y_at(period.centre), x2, y_at(period.centre), INK, 1.5))
            for edge in ("upper", "lower"):
                steps = []
                for i, own in enumerate(period.point_limits, start=period.start):
                    left = x_at(i - 0.5) if i > period.start else x1
                    right = x_at(i + 0.5) if i < period.end - 1 else x2
                    y = y_at(getattr(own, edge))
                    steps.append(f"{left:.1f},{y:.1f} {right:.1f},{y:.1f}")
                body.append(_tag("polyline", points=" ".join(steps), fill="none", stroke=LIMIT,
                                 stroke_width="1.5", stroke_dasharray="6 4"))  # fmt: skip
        elif period.limits:
            has_limits = True
            limits = period.limits
            body.append(_line(x1, y_at(limits.mean), x2, y_at(limits.mean), INK, 1.5))
            for edge in (limits.upper, limits.lower):
                body.append(_line(x1, y_at(edge), x2, y_at(edge), LIMIT, 1.5, "6 4"))
        else:
            has_run = True
            body.append(_line(x1, y_at(period.centre), x2, y_at(period.centre), INK, 1.5, "2 3"))
        if number:
            x = (x_at(period.start - 1) + x_at(period.start)) / 2
            body.append(_line(x, TOP, x, bottom, INK, 1.5, "10 3 2 3"))
            body.append(_text(x + 4, bottom - 8, "Re-baselined", font_size="11"))
    if analysis.target is not None:
        y = y_at(analysis.target)
        body.append(_line(LEFT, y, LEFT + plot_width, y, TARGET, 1.5, "3 3"))
        body.append(_text(LEFT + plot_width - 4, y - 5, "Target", text_anchor="end",
                          font_size="11"))  # fmt: skip
    dates = [p.when for p in points]
    drawn = 0
    for note in annotations:
        where = _fractional_index(dates, note.when)
        if where is None:
            continue
        x = x_at(where)
        body.append(_line(x, TOP, x, bottom, ANNOTATION, 1.5, "1 3"))
        body.append(_text(x, TOP - 8 - 13 * (drawn % 2), note.label, text_anchor="middle",
                          font_size="11", fill_opacity=None))  # fmt: skip
        drawn += 1
    if len(points) > 1:
        path = " ".join(f"{x_at(i):.1f},{y_at(p.value):.1f}" for i, p in enumerate(points))
        body.append(_tag("polyline", points=path, fill="none", stroke=LINE, stroke_width="1.5"))
    kinds_seen = set()
    for i, point in enumerate(points):
        kind = point.variation if point.label else Variation.COMMON_CAUSE
        if kind == Variation.COMMON_CAUSE and len(points) > MAX_MARKED_COMMON_POINTS:
            continue
        kinds_seen.add(kind)
        tooltip = None
        if len(points) <= MAX_MARKED_COMMON_POINTS:
            tooltip = f"{_short_date(point.when)}: {format_number(point.value)}"
        body.append(marker(kind, x_at(i), y_at(point.value), tooltip))
    for kind in MARKERS:
        if kind in kinds_seen or kind == Variation.COMMON_CAUSE:
            legend.append((marker(kind, 11, 0), MARKERS[kind][2]))
    if has_limits:
        legend.append((_legend_line(INK), CENTRE_WORDS.get(analysis.chart_type, "Mean")))
        varying = any(p.point_limits for p in analysis.periods)
        legend.append(
            (
                _legend_line(LIMIT, "6 4"),
                "Process limits (each point's own)" if varying else "Process limits",
            )
        )
        sigma_z = next((p.limits.sigma_z for p in reversed(analysis.periods)
                        if p.limits and p.limits.sigma_z is not None), None)  # fmt: skip
        if sigma_z is not None:
            notes.append(f"Laney's adjustment: limits {format_number(sigma_z)} times as wide "
                         "as the binomial or Poisson ones.")  # fmt: skip
    if has_run:
        legend.append((_legend_line(INK, "2 3"), "Median (run chart)"))
        notes.append(f"Run chart: process limits appear at {MIN_POINTS_FOR_LIMITS} points.")
    if analysis.target is not None:
        legend.append((_legend_line(TARGET, "3 3"), "Target"))
    if drawn:
        legend.append((_legend_line(ANNOTATION, "1 3"), "PDSA cycle started"))
    if len(analysis.periods) > 1:
        legend.append((_legend_line(INK, "10 3 2 3"), "Re-baselined: new limits"))
    if has_limits and analysis.fix_after:
        fixed = any(p.limits and p.limits.baseline < p.size for p in analysis.periods)
        verb = "fixed" if fixed else "will be fixed"
        notes.append(f"Mean and limits {verb} on the first {analysis.fix_after} points.")
    if has_limits and analysis.screen_outliers and analysis.chart_type in SCREENED_TYPES:
        notes.append("Unusually large moving ranges are left out of the limits.")
    legend_svg, legend_height = _legend(legend, bottom + 70)
    height = bottom + 70 + legend_height + 4
    for words in notes:
        legend_svg += _text(LEFT, height + 12, words)
        height += 20
    return _svg(chart_id, title, description, height, Markup("").join(body) + legend_svg)


def _svg(
    chart_id: str,
    title: str,
    description: str,
    height: float,
    body: Markup,
    width: int = WIDTH,
    font_size: int = 12,
) -> Markup:
    head = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        'class="ic-chart" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false" '
        'font-family="Frutiger W01, Arial, Helvetica, sans-serif" font-size="{font_size}">'
    ).format(width=width, height=height, id=chart_id, font_size=font_size)
    return (
        head
        + _tag("title", title, id=f"{chart_id}-title")
        + _tag("desc", description, id=f"{chart_id}-desc")
        + body
        + Markup("</svg>")
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str = "#005eb8"


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> Markup:
    """Horizontal bars with their labels and values written beside them.

    Drawn narrower than the XmR chart, as it sits in two thirds of the page.
    """
    width, label_width, row = 560, 200, 30
    plot_width = width - label_width - 50
    top = 10
    largest = max((bar.value for bar in bars), default=0) or 1
    body = []
    for n, bar in enumerate(bars):
        y = top + n * row
        length = plot_width * bar.value / largest
        body.append(_text(label_width - 10, y + 19, bar.label, text_anchor="end"))
        if bar.value:
            body.append(_tag("rect", x=label_width, y=f"{y + 5}", width=f"{length:.1f}",
                             height="20", fill=bar.colour))  # fmt: skip
        body.append(_text(label_width + length + 8, y + 19, f"{bar.value:,}"))
    body.append(_line(label_width, top, label_width, top + len(bars) * row, INK))
    height = top + len(bars) * row + 10
    return _svg(
        chart_id, title, description, height, Markup("").join(body), width=width, font_size=14
    )


def sparkline(values: Sequence[float], words: str, width: int = 120, height: int = 32) -> Markup:
    """A small line of a measure's latest points, for the board summary; `words` is its
    text alternative (the table beside it carries the numbers)."""
    if not values:
        return Markup("")
    low, high = min(values), max(values)
    span = (high - low) or 1.0

    def x_at(i: int) -> float:
        return 3 + (i * (width - 6) / (len(values) - 1) if len(values) > 1 else (width - 6) / 2)

    def y_at(v: float) -> float:
        return height - 3 - (v - low) / span * (height - 6)

    path = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(values))
    last = _tag("circle", cx=f"{x_at(len(values) - 1):.1f}", cy=f"{y_at(values[-1]):.1f}",
                r="2.5", fill=INK)  # fmt: skip
    return _tag(
        "svg",
        _tag("title", words)
        + _tag("polyline", points=path, fill="none", stroke=LINE, stroke_width="1.5")
        + last,
        class_="ic-sparkline", role="img", width=width, height=height,
        viewBox=f"0 0 {width} {height}", xmlns="http://www.w3.org/2000/svg",
    )  # fmt: skip


# ------------------------------------------------------------------ the chart's numbers

CHART_DATA_COLUMNS = (
    "date",
    "chart_type",
    "numerator",
    "denominator",
    "value",
    "period",
    "centre",
    "lower_process_limit",
    "upper_process_limit",
    "label",
    "special_cause_type",
    "variation",
    "rules",
    "leave_out_large_moving_ranges",
    "limits_fixed_on_first_points",
)


def _full(number: float | None) -> str:
    """A number in full precision: the shortest text that reads back as the same float."""
    return "" if number is None else repr(float(number))


def chart_data_csv(analysis: Analysis) -> str:
    """One row per point: what the chart draws, to check it against NHSRplotthedots.

    `centre` is the mean (the median of a run chart, whose limits are empty);
    `label` is the one rule the point carries, `special_cause_type` the same in
    NHSRplotthedots' words, and `rules` every rule that flagged it. The last two
    columns say how the limits were worked out.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHART_DATA_COLUMNS)
    screened = "yes" if analysis.screen_outliers else "no"
    fixed = str(analysis.fix_after) if analysis.fix_after else ""
    for point in analysis.points:
        period = analysis.periods[point.period]
        limits = period.limits
        writer.writerow(
            (
                point.when.isoformat(),
                analysis.chart_type.value,
                _full(point.numerator),
                _full(point.denominator),
                _full(point.value),
                point.period + 1,
                _full(period.centre),
                _full(point.lower),
                _full(point.upper),
                point_label(point),
                nhsr_label(point) if limits else "",
                point.variation.value,
                " ".join(rule.value for rule in point.rules),
                screened,
                fixed,
            )
        )
    return out.getvalue()


# ------------------------------------------------------------------ the chart as a picture
PNG_SCALE = 2  # 1600 px wide: sharp on a slide or in a board paper


class PngUnavailable(RuntimeError):
    """The server cannot draw PNGs: cairo (Debian's libcairo2) is not installed."""


def svg_to_png(svg: str, scale: float = PNG_SCALE) -> bytes:
    """The same SVG drawn as a PNG on white, `scale` times its own size.

    cairosvg is an optional backend, imported here only: a server without
    libcairo2 still shows every page and serves the SVG.
    """
    try:
        import cairosvg
    except (ImportError, OSError) as missing:  # OSError: cairocffi finds no libcairo
        raise PngUnavailable(str(missing)) from missing
    return cairosvg.svg2png(
        bytestring=str(svg).encode("utf-8"), scale=scale, background_color="white"
    )
