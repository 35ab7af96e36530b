"""Measures: a project's time series, their data points and where the process changed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.core.extensions import db
from community.core.models_base import created_at_column
from community.core.timefmt import utcnow
from community.projects.measures.spc import WITH_DENOMINATOR, ChartType, Direction, Variation
from community.projects.measures.spc_words import (
    ASSURANCE_LABELS,
    CHART_TYPE_LABELS,
    DIRECTION_LABELS,
    VARIATION_LABELS,
)


class Measure(db.Model):
    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    definition: Mapped[str] = mapped_column(sa.Text)  # the operational definition
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    direction: Mapped[str] = mapped_column(sa.String(8), default=Direction.NEITHER)
    target: Mapped[Optional[float]] = mapped_column(sa.Double)
    # How the limits are worked out (see spc.analyse): leave out unusually large
    # moving ranges (on for new measures, as in NHSRplotthedots), and fix the
    # mean and limits on the first n points of each period (None: not fixed).
    screen_outliers: Mapped[bool] = mapped_column(default=True, server_default=sa.false())
    fix_after: Mapped[Optional[int]] = mapped_column()
    # Which chart the measure is drawn as (spc.ChartType): a single value per period
    # (XmR), a proportion (P, Laney P′), a rate (U, Laney U′), a count (C) or a rare
    # event (T: days between events, G: cases between events).
    chart_type: Mapped[str] = mapped_column(
        sa.String(12), default=ChartType.XMR, server_default=ChartType.XMR.value
    )
    created_at: Mapped[datetime] = created_at_column()
    # Goes up whenever anything drawn on the chart changes: the key of the chart cache.
    data_version: Mapped[int] = mapped_column(default=1)
    # The latest SPC results, worked out when the data change, so that project
    # pages and dashboards never load a measure's points.
    point_count: Mapped[int] = mapped_column(default=0)
    latest_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    latest_value: Mapped[Optional[float]] = mapped_column(sa.Double)
    variation: Mapped[str] = mapped_column(sa.String(16), default="")
    # The side of the latest point's special cause: 1 high, -1 low, 0 none (the icon's H or L).
    variation_side: Mapped[int] = mapped_column(default=0, server_default="0")
    assurance: Mapped[str] = mapped_column(sa.String(16), default="")
    summary: Mapped[str] = mapped_column(sa.String(1000), default="")

    __table_args__ = (sa.Index("ix_measures_project_variation", "project_id", "variation"),)

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[Direction(self.direction)]

    @property
    def kind(self) -> ChartType:
        return ChartType(self.chart_type)

    @property
    def has_denominator(self) -> bool:
        return self.kind in WITH_DENOMINATOR

    @property
    def chart_type_label(self) -> str:
        return CHART_TYPE_LABELS[self.kind]

    @property
    def variation_label(self) -> str:
        return VARIATION_LABELS[Variation(self.variation)] if self.variation else "No data yet"

    @property
    def assurance_label(self) -> str:
        return ASSURANCE_LABELS.get(self.assurance, "") if self.assurance else ""

    @property
    def variation_colour(self) -> str:
        return VARIATION_TAG_COLOURS.get(self.variation, "white")

    @property
    def assurance_colour(self) -> str:
        return {"meet": "blue", "miss": "orange", "hit_and_miss": "grey"}.get(
            self.assurance, "white"
        )


VARIATION_TAG_COLOURS = {
    Variation.COMMON_CAUSE: "grey",
    Variation.IMPROVEMENT: "blue",
    Variation.CONCERN: "orange",
    Variation.NEUTRAL: "purple",
    Variation.TOO_FEW: "white",
}


class DataPoint(db.Model):
    __tablename__ = "measure_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measures.id", ondelete="CASCADE"))
    observed_on: Mapped[date] = mapped_column(sa.Date)
    # The value; for a proportion or a rate, its numerator (what is plotted is
    # value / denominator).
    value: Mapped[float] = mapped_column(sa.Double)
    # The denominator of a proportion or the exposure of a rate; None for other types.
    denominator: Mapped[Optional[float]] = mapped_column(sa.Double)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    # Who entered the point and who last changed it (points from before these were
    # kept have no entrant on record).
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[Optional[datetime]] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    changed_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    # One value per date; the constraint's index also serves reading a measure in date order.
    __table_args__ = (sa.UniqueConstraint("measure_id", "observed_on"),)


class ProcessChange(db.Model):
    """A re-baseline: from this date the process is different, so limits start again."""

    __tablename__ = "measure_process_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measures.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(300))
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (sa.UniqueConstraint("measure_id", "starts_on"),)
