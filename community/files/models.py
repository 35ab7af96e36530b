"""A file a member attached: its facts here, its bytes in storage (storage.py)."""

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


class StoredFile(db.Model):
    """A file attached to a post. It is seen by exactly those who may see its post
    (community/visibility.py: `can_see_file`), at an address holding `token`, which
    nobody can guess and which says nothing of the file or its post."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    post_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True
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
    )

    @property
    def is_image(self) -> bool:
        return self.kind == FileKind.IMAGE

    @property
    def is_servable(self) -> bool:
        return self.scan_status in SERVABLE
