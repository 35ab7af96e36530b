"""Importing a CSV file into a measure: a preview first, saved only on confirm.

`preview_import` checks the file (csv_files) and sorts its rows into dates to
add, dates already on the measure with a different value or note, and dates
unchanged; nothing is saved. `apply_import` saves a preview in one
transaction, replacing the changed dates or keeping them as the member chose,
and puts each replaced value in the audit log with what it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from community.accounts.models import User
from community.audit.services import record
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.projects.measures import csv_files
from community.projects.measures.data import describe_point, lock_for_change, refresh_results
from community.projects.measures.models import DataPoint, Measure
from community.projects.models import Project


@dataclass(frozen=True)
class ChangedRow:
    row: csv_files.ParsedRow
    old_value: float
    old_note: str
    old_denominator: float | None = None


@dataclass
class ImportPreview:
    """What importing a file would do to a measure, before anything is saved."""

    result: csv_files.ImportResult
    added: list[csv_files.ParsedRow] = field(default_factory=list)
    changed: list[ChangedRow] = field(default_factory=list)
    unchanged: list[csv_files.ParsedRow] = field(default_factory=list)
    data_version: int = 0

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def problems(self) -> list[csv_files.Problem]:
        return self.result.problems


def _compare(measure: Measure, result: csv_files.ImportResult) -> ImportPreview:
    preview = ImportPreview(result, data_version=measure.data_version)
    if not result.ok:
        return preview
    existing = {
        row.observed_on: (row.value, row.note, row.denominator)
        for row in db.session.execute(
            sa.select(
                DataPoint.observed_on, DataPoint.value, DataPoint.note, DataPoint.denominator
            ).where(DataPoint.measure_id == measure.id)
        )
    }
    for row in result.rows:
        old = existing.get(row.observed_on)
        if old is None:
            preview.added.append(row)
        elif (float(old[0]), old[1], _number(old[2])) == (
            row.value,
            _tidy(row.note),
            _number(row.denominator),
        ):
            preview.unchanged.append(row)
        else:
            preview.changed.append(ChangedRow(row, old[0], old[1], old[2]))
    return preview


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


def _tidy(note: str) -> str:
    return " ".join(note.split())


def preview_import(measure: Measure, data: bytes) -> ImportPreview:
    """Check a CSV file and sort its rows into added, changed and unchanged; saves nothing."""
    return _compare(measure, csv_files.parse_points(data, chart_type=measure.chart_type))


def preview_rows(measure: Measure, rows: list[csv_files.ParsedRow]) -> ImportPreview:
    """The preview of rows already checked (kept, signed, between preview and confirm)."""
    return _compare(measure, csv_files.ImportResult(rows=list(rows)))


def apply_import(
    user: User, project: Project, measure: Measure, preview: ImportPreview, *, replace: bool
) -> tuple[int, int]:
    """Save a previewed import in one transaction: add the new dates and, if `replace`,
    replace the values on dates already there. Returns (added, replaced)."""
    if not preview.ok:
        raise RuleViolation("The file has problems: nothing was imported")
    lock_for_change(measure)
    now = utcnow()
    if preview.added:
        db.session.execute(
            sa.insert(DataPoint),
            [
                {"measure_id": measure.id, "observed_on": row.observed_on, "value": row.value,
                 "denominator": row.denominator, "note": _tidy(row.note),
                 "created_by_id": user.id, "created_at": now}
                for row in preview.added
            ],
        )  # fmt: skip
    replaced = preview.changed if replace else []
    if replaced:
        ids = dict(
            db.session.execute(
                sa.select(DataPoint.observed_on, DataPoint.id).where(
                    DataPoint.measure_id == measure.id,
                    DataPoint.observed_on.in_([c.row.observed_on for c in replaced]),
                )
            ).all()
        )
        db.session.execute(
            sa.update(DataPoint),
            [
                {"id": ids[c.row.observed_on], "value": c.row.value,
                 "denominator": c.row.denominator, "note": _tidy(c.row.note),
                 "changed_by_id": user.id, "changed_at": now}
                for c in replaced
            ],
        )  # fmt: skip
        for c in replaced:
            before = describe_point(c.row.observed_on, c.old_value, c.old_note, c.old_denominator)
            after = describe_point(c.row.observed_on, c.row.value, _tidy(c.row.note),
                                   c.row.denominator)  # fmt: skip
            record("measure.point_changed", user, measure,
                   f"{measure.name}: {before} -> {after} (CSV import)"[:300],
                   community_id=project.community_id)  # fmt: skip
    refresh_results(measure)
    record(
        "measure.data_imported", user, measure,
        f"{measure.name}: {len(preview.added)} added, {len(replaced)} replaced, "
        f"{len(preview.unchanged) + len(preview.changed) - len(replaced)} left as they were",
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
    return len(preview.added), len(replaced)


def import_points(
    user: User, project: Project, measure: Measure, data: bytes
) -> csv_files.ImportResult:
    """Check a CSV file and, only if every row is good, save all of it at once (replacing
    values on dates already there): the preview and its confirmation in one step."""
    preview = preview_import(measure, data)
    if preview.ok:
        apply_import(user, project, measure, preview, replace=True)
    return preview.result
