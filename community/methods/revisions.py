"""Keeping a method's revisions: its published text at one moment, and the files it had.

A revision is kept when a published method's text changes (methods/services.py) and when
files are attached to or removed from it (files/services.py), so each revision lists the
files the method had then. A file removed later is gone from every revision (its link
keeps a row with no file, and the revision's page says a file was removed): whoever
removes a file wants it gone, and an old revision must not keep it alive.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.files.models import MethodRevisionFile, StoredFile
from community.methods.models import Method, MethodRevision
from community.methods.snapshots import snapshot

MAX_NOTE = 200


def _next_revision_number(method: Method) -> int:
    latest = db.session.scalar(
        sa.select(sa.func.max(MethodRevision.number)).where(MethodRevision.method_id == method.id)
    )
    return (latest or 0) + 1


def latest_revision(method: Method) -> MethodRevision | None:
    return db.session.scalar(
        sa.select(MethodRevision)
        .where(MethodRevision.method_id == method.id)
        .order_by(MethodRevision.number.desc())
        .limit(1)
    )


def current_file_ids(method: Method) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(StoredFile.id)
            .where(StoredFile.method_id == method.id)
            .order_by(StoredFile.id)
        )
    )


def keep_revision(method: Method, user: User, note: str) -> MethodRevision:
    """Keep the method's text and its files as a new revision (in the caller's transaction)."""
    revision = MethodRevision(
        method_id=method.id,
        number=_next_revision_number(method),
        note=(note or "").strip()[:MAX_NOTE],
        author_id=user.id,
        created_at=utcnow(),
        **snapshot(method),
    )
    db.session.add(revision)
    db.session.flush()
    db.session.add_all(
        MethodRevisionFile(revision_id=revision.id, file_id=file_id)
        for file_id in current_file_ids(method)
    )
    return revision


@dataclass(frozen=True)
class RevisionFiles:
    """The files a revision had that are still kept, and how many were removed since."""

    files: list[StoredFile]
    removed: int

    @property
    def file_ids(self) -> list[int]:
        return [f.id for f in self.files]


def files_of_revision(revision: MethodRevision) -> RevisionFiles:
    rows = db.session.execute(
        sa.select(MethodRevisionFile.file_id, StoredFile)
        .outerjoin(StoredFile, StoredFile.id == MethodRevisionFile.file_id)
        .where(MethodRevisionFile.revision_id == revision.id)
        .order_by(MethodRevisionFile.id)
    ).all()
    return RevisionFiles(
        files=[stored for _, stored in rows if stored is not None],
        removed=sum(1 for file_id, _ in rows if file_id is None),
    )
