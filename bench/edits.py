"""Edits elsewhere: another member edits one of their own posts once a second.

While the pages are driven, a member who is not the reader signs in and edits
one post they wrote, in another thread of the measured thread's community,
through the real edit form (GET for the CSRF token once, then a POST each
time, answered by a redirect once the edit is committed). Every edit writes
different words, so whatever depends on content (a page kept whole, search
results, counts) sees a real change once a second, as it would on a site
where somebody somewhere is always editing.

The post's row and its search document are saved before the run and put
back after it (bench/database.py: `snapshot`, `restore`); the edit history
the run adds goes with the rest of the run's new rows.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa

from bench.server import Visitor
from bench.text import Prose

INTERVAL_S = 1.0

# A post by someone other than the reader, in another thread of the reader's community,
# that its author may still edit: not removed, hidden or purged, the author confirmed and
# a member of the community.
_EDITABLE = sa.text("""
    SELECT p.id, p.thread_id, u.id, u.email
    FROM posts p
    JOIN threads t ON t.id = p.thread_id
    JOIN users u ON u.id = p.author_id
    WHERE t.community_id = :community_id AND t.id != :thread_id AND u.id != :reader_id
      AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.purged_at IS NULL
      AND u.email_confirmed_at IS NOT NULL
      AND EXISTS (SELECT 1 FROM memberships m
                  WHERE m.community_id = t.community_id AND m.user_id = u.id)
    ORDER BY p.id
    LIMIT 1
""")


@dataclass(frozen=True)
class EditedPost:
    post_id: int
    thread_id: int
    author_id: int
    author_email: str


def choose_post(engine: sa.Engine, landmarks: dict) -> EditedPost:
    """The post the run edits (the same one every run: the lowest id that qualifies)."""
    with engine.connect() as connection:
        row = connection.execute(
            _EDITABLE,
            {"community_id": landmarks["community_id"], "thread_id": landmarks["thread_id"],
             "reader_id": landmarks["user_id"]},
        ).first()  # fmt: skip
    if row is None:
        raise RuntimeError("No post in the measured community that another member may edit")
    return EditedPost(*row)


def rows_changed(engine: sa.Engine, post: EditedPost) -> dict[str, list[int]]:
    """The rows an edit changes in place, by table, for `database.snapshot` to keep."""
    # The post's own search document, or its thread's if it opens the thread.
    documents = sa.text("""
        SELECT id FROM search_documents
        WHERE (kind = 'post' AND object_id = :post_id)
           OR (kind = 'thread' AND object_id = :thread_id)
    """)
    with engine.connect() as connection:
        found = connection.scalars(
            documents, {"post_id": post.post_id, "thread_id": post.thread_id}
        ).all()
    return {"posts": [post.post_id], "threads": [post.thread_id], "search_documents": list(found)}


@dataclass(frozen=True)
class EditResult:
    edits: int
    failures: int
    p50_ms: float
    p95_ms: float

    def as_dict(self) -> dict:
        return {"edits": self.edits, "failures": self.failures,
                "p50_ms": round(self.p50_ms, 2), "p95_ms": round(self.p95_ms, 2)}  # fmt: skip


class Editor:
    """One member editing one of their own posts, by hand (`edit`) or once a `interval`
    in a background thread (`start`, `stop`)."""

    def __init__(self, visitor: Visitor, post: EditedPost, password: str):
        self.visitor = visitor
        self.post = post
        self.password = password
        self.path = f"/posts/{post.post_id}/edit"
        self.prose = Prose(random.Random(post.post_id))
        self.latencies: list[float] = []
        self.failures = 0
        self._token: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def sign_in(self) -> None:
        self.visitor.sign_in(self.post.author_email, self.password)
        self._token = self.visitor.csrf_token(self.path)

    @property
    def edits(self) -> int:
        with self._lock:
            return len(self.latencies)

    def next_body(self) -> str:
        """New words every time (and a number, so no two edits are the same text)."""
        return f"{self.prose.post(40, 80)}\n\nEdited {len(self.latencies) + self.failures + 1}."

    def edit(self) -> bool:
        """One edit through the form; True if it was saved."""
        body = self.next_body()
        started = time.perf_counter()
        try:
            if self._token is None:
                self.sign_in()
                started = time.perf_counter()
            status, headers, _ = self.visitor.post(
                self.path, {"csrf_token": self._token, "body": body}
            )
            elapsed = (time.perf_counter() - started) * 1000
            if status == 302:
                # As a browser would (and so the flashed message is shown, not piled up).
                target = urlsplit(headers["Location"])
                self.visitor.get(target.path + (f"?{target.query}" if target.query else ""))
        except (OSError, http.client.HTTPException, RuntimeError):
            status, elapsed = 0, 0.0
        with self._lock:
            if status == 302:
                self.latencies.append(elapsed)
            else:
                self.failures += 1
                self._token = None  # sign in and read the form again next time
        return status == 302

    def run(self, seconds: float | None = None, interval: float = INTERVAL_S) -> None:
        """Edit once every `interval` seconds until stopped (or for `seconds`)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        next_at = time.monotonic()
        while not self._stop.is_set() and (deadline is None or time.monotonic() < deadline):
            self.edit()
            next_at += interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def start(self, interval: float = INTERVAL_S) -> None:
        if self._token is None:
            self.sign_in()
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, args=(None, interval), daemon=True)
        self._thread.start()

    def stop(self) -> EditResult:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        return self.result()

    def result(self) -> EditResult:
        with self._lock:
            ordered = sorted(self.latencies)
            failures = self.failures

        def at(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

        return EditResult(len(ordered), failures, at(0.50), at(0.95))
