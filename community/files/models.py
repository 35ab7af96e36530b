"""A file a member attached: its facts here, its bytes in storage (storage.py).

A file belongs to exactly one thing: a post, a method, a project or a PDSA cycle (the
CHECK below). A method's revisions remember which of its files each had
(`MethodRevisionFile`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.core.extensions import db
from community.core.models_base import created_at_column


class FileKind(StrEnum):
    IMAGE = "image"  # re-encoded by Pillow; shown inline
    DOCUMENT = "document"  # kept as uploaded; always downloaded, never shown in the page


class ScanStatus(StrEnum):
    NOT_SCANNED = "not_scanned"  # scanning is off: served at once
    PENDING = "pending"  # waits for the scanner: not served
    PASSED = "passed"
    FAILED = "failed"  # found infected: never served (and its bytes are deleted)


SERVABLE = (ScanStatus.NOT_SCANNED, ScanStatus.PASSED)


# The columns that name what a file is attached to; exactly one of them is set.
OWNER_COLUMNS = ("post_id", "method_id", "project_id", "cycle_id")


class StoredFile(db.Model):
    """A file attached to a post, a method, a project or a PDSA cycle. It is seen by
    exactly those who may see what it is attached to (community/visibility.py:
    `can_see_file`), at an address holding `token`, which nobody can guess and which
    says nothing of the file or its owner."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    post_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    # A method is never deleted from its table (its lineage stays whole) and a project is
    # only marked deleted: their files are then seen by no one. A cycle is deleted, and
    # its files with it (community/projects/cycles.py deletes their bytes).
    method_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("methods.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    cycle_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("pdsa_cycles.id", ondelete="CASCADE"), index=True
    )
    uploader_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(sa.String(200))  # as the member named it, made safe
    content_type: Mapped[str] = mapped_column(sa.String(100))  # decided from the content
    kind: Mapped[str] = mapped_column(sa.String(10))
    size: Mapped[int]  # bytes as stored (after re-encoding, for an image)
    alt_text: Mapped[str] = mapped_column(sa.String(300), default="")
    width: Mapped[Optional[int]]
    height: Mapped[Optional[int]]
    storage_key: Mapped[str] = mapped_column(sa.String(100))
    scan_status: Mapped[str] = mapped_column(sa.String(12), default=ScanStatus.NOT_SCANNED)
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (
        # The daily quota sums what a member uploaded since a time.
        sa.Index("ix_stored_files_uploader_created", "uploader_id", "created_at"),
        sa.CheckConstraint(
            " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in OWNER_COLUMNS)
            + " = 1",
            name="one_owner",
        ),
    )

    @property
    def is_image(self) -> bool:
        return self.kind == FileKind.IMAGE

    @property
    def is_servable(self) -> bool:
        return self.scan_status in SERVABLE


class MethodRevisionFile(db.Model):
    """A file a method had when one of its revisions was kept. Removing the file sets
    `file_id` to NULL here (its bytes are gone from every revision, as the remover
    wanted) and the revision's page says that a file was removed."""

    __tablename__ = "method_revision_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("method_revisions.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("stored_files.id", ondelete="SET NULL"), index=True
    )
