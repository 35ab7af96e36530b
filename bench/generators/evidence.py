"""Each mentor's discussion evidence, counted by the product's own `refresh_evidence`.

`flask mentoring refresh-evidence` (hourly from cron) does the same; run here
after the bulk load, so the suggestions page reads the counts a live site has.
"""

from __future__ import annotations

import sqlalchemy as sa

from bench.database import loading_app
from bench.generators.build import Progress


def build(url: str) -> int:
    from community.core.extensions import db
    from community.mentoring.matching.evidence import BATCH_SIZE, MentorEvidence, recount
    from community.mentoring.models import MentorOffer

    app = loading_app(url)
    with app.app_context():
        mentors = list(db.session.scalars(sa.select(MentorOffer.user_id).order_by("user_id")))
        bar = Progress("mentor evidence", len(mentors))
        try:
            # refresh_evidence's own batches, with a progress bar between them.
            for start in range(0, len(mentors), BATCH_SIZE):
                recount(mentors[start : start + BATCH_SIZE])
                db.session.commit()
                bar.update(len(mentors[start : start + BATCH_SIZE]))
        finally:
            bar.finish()
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(MentorEvidence))
        db.session.remove()
        db.engine.dispose()
    return rows
