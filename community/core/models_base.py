"""Column helpers shared by every feature's models."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.core.timefmt import utcnow


def created_at_column() -> Mapped[datetime]:
    return mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
