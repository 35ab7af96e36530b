"""The search index's one table: a row per searchable thing, whatever its kind.

The text columns (title, body, tags) are what is searched; the other columns
say where the thing lives (community, author, organisation, system), when it
was written, and how much to boost it, so filters and ranking need no join.
Whether a member may *see* a row is never read from here: results are always
joined back to the content's own tables (see `community.search.kinds`).

The full-text machinery around this table depends on the database and is made
by the migration, not by this model:

* SQLite: an FTS5 table `search_fts` over (title, body, tags, kind_token) that
  reads its text from this table (`content='search_documents'`), kept in step by
  three triggers in the same transaction as every insert, update and delete
  here. `kind_token`, a generated column here, is the kind as a word no text
  holds ("xkindpost"), so one type's matches can be read alone.
* PostgreSQL: a generated `search_vector tsvector` column on this table
  (title weight A, tags B, body D) with a GIN index.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.core.extensions import db


class SearchDocument(db.Model):
    __tablename__ = "search_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the row stands for: "community", "thread", "post", "person", "method",
    # "project" (see community.search.kinds) and the id of that object in its own table.
    kind: Mapped[str] = mapped_column(sa.String(20))
    object_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[str] = mapped_column(sa.Text, default="")
    community_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    system_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("systems.id"), index=True)
    dated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    # Multiplies relevance: key learnings and helpful posts rank a little higher.
    boost: Mapped[float] = mapped_column(sa.Float, default=1.0)

    __table_args__ = (sa.UniqueConstraint("kind", "object_id"),)

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind} {self.object_id}>"
