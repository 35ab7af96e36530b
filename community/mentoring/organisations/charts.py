"""Bar charts drawn on the server as SVG: no JavaScript, each with a title, a description
and a table beside it on the page for people who would rather read the numbers.

The geometry is worked out here; templates/mentoring/_charts.html draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from community.mentoring.matching.comparison import number

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 60
BAR_HEIGHT = 26
GAP = 14
TOP = 8
AXIS_HEIGHT = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    value_text: str
    highlight: bool
    y: float
    width: float

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT / 2 + 5


@dataclass(frozen=True)
class Tick:
    x: float
    text: str


@dataclass
class BarChart:
    """A horizontal bar chart. `highlight` marks the bars that matter (gaps, say)."""

    chart_id: str
    title: str
    description: str
    scale_max: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    legend: str = ""
    highlight_note: str = ""  # written beside highlighted values, so colour is not the only cue

    width = WIDTH
    label_width = LABEL_WIDTH
    bar_height = BAR_HEIGHT

    @property
    def plot_width(self) -> float:
        return WIDTH - LABEL_WIDTH - VALUE_WIDTH

    @property
    def height(self) -> float:
        return TOP + len(self.bars) * (BAR_HEIGHT + GAP) + AXIS_HEIGHT

    @property
    def axis_y(self) -> float:
        return TOP + len(self.bars) * (BAR_HEIGHT + GAP)


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    values: list[tuple[str, float, bool]],
    *,
    scale_max: float | None = None,
    tick_step: float | None = None,
    suffix: str = "",
    legend: str = "",
    highlight_note: str = "",
) -> BarChart:
    """Bars for (label, value, highlight) triples, on a scale from 0 to `scale_max`.

    Without a `scale_max`, the scale runs to the largest value rounded up to a
    whole number of steps of 1, 2 or 5 × 10ⁿ, with at most six steps.
    """
    if scale_max is None:
        largest = max([v for _, v, _ in values] + [1])
        tick_step = tick_step or nice_step(largest)
        top = math.ceil(largest / tick_step) * tick_step
    else:
        top, tick_step = scale_max, tick_step or 1
    chart = BarChart(
        chart_id, title, description, top, legend=legend, highlight_note=highlight_note
    )
    plot = chart.plot_width
    for index, (label, value, highlight) in enumerate(values):
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                value_text=f"{number(value)}{suffix}",
                highlight=highlight,
                y=TOP + index * (BAR_HEIGHT + GAP),
                width=round(plot * value / top, 1) if top else 0,
            )
        )
    steps = int(round(top / tick_step))
    for step in range(steps + 1):
        tick = step * tick_step
        chart.ticks.append(Tick(x=round(LABEL_WIDTH + plot * tick / top, 1), text=number(tick)))
    return chart


def nice_step(largest: float, most_steps: int = 6) -> int:
    """The smallest whole step of 1, 2 or 5 × 10ⁿ that covers `largest` in `most_steps`."""
    power = 1
    while True:
        for multiple in (1, 2, 5):
            if largest <= multiple * power * most_steps:
                return multiple * power
        power *= 10
