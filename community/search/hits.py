"""A result as search ranks it (`Scored`) and as the results page shows it (`Hit`),
whatever kind of thing it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from markupsafe import Markup


class Scored(NamedTuple):
    """A candidate document with its score (higher is better), before it is a line."""

    id: int
    kind: str
    object_id: int
    dated_at: datetime
    score: float


@dataclass
class Hit:
    label: str  # "Thread", "Reply", "Person", "Community", "Method", "Project" …
    title: str
    url: str
    dated_at: datetime | None = None
    date_label: str = "Written"
    # Where it lives: (text, address) pairs, e.g. the community of a thread.
    places: list[tuple[str, str]] = field(default_factory=list)
    byline: str = ""
    badges: list[str] = field(default_factory=list)
    # The start of the text, shown when nothing was matched in it (filters only).
    lead: str = ""
    title_html: Markup | None = None
    snippet_html: Markup | None = None
    tags_html: Markup | None = None
    # What the tags are called on this line ("Expertise" for a person).
    tags_label: str = "Expertise"
    kind: str = ""
    object_id: int = 0
