"""What every generator phase works with: the connection, seeded randomness, bulk inserts."""

from __future__ import annotations

import hashlib
import random
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import click
import sqlalchemy as sa

from bench.scales import Scale

SEED = 20261126
# Every timestamp is measured back from this moment, so two builds are identical.
ANCHOR = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
BATCH = 5_000


@dataclass
class Build:
    scale: Scale
    connection: sa.Connection
    # Shared between phases (ids, member lists); never stored.
    state: dict = field(default_factory=dict)
    # What the pages are measured on; stored in the stamp.
    landmarks: dict = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A generator of its own per name, so adding a phase changes no other phase's data."""
        digest = hashlib.sha256(f"{SEED}:{name}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def table(self, name: str) -> sa.Table:
        from community.core.extensions import db

        return db.metadata.tables[name]

    def insert(self, table: str, rows: Iterable[dict]) -> int:
        """Insert rows in batches of BATCH with executemany; returns how many."""
        target = self.table(table)
        count, batch = 0, []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self.connection.execute(target.insert(), batch)
                count += len(batch)
                batch = []
        if batch:
            self.connection.execute(target.insert(), batch)
            count += len(batch)
        self.rows[table] = self.rows.get(table, 0) + count
        return count

    def commit(self) -> None:
        self.connection.commit()

    @contextmanager
    def progress(self, label: str, total: int) -> Iterator[Progress]:
        bar = Progress(label, total)
        try:
            yield bar
        finally:
            bar.finish()


class Progress:
    """A progress bar on a terminal; a line every tenth of the way in a log file."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.timer = Timer()
        self.tty = sys.stderr.isatty()
        self.next_line = 0.1
        self.noted = False  # a note has ended the bar's line

    def update(self, count: int) -> None:
        self.done += count
        share = min(self.done / self.total, 1.0)
        if self.tty:
            filled = int(share * 30)
            sys.stderr.write(
                f"\r  {self.label:<14} [{'#' * filled}{'-' * (30 - filled)}] "
                f"{self.done:>10,}/{self.total:,} {self.timer.seconds:6.1f} s"
            )
            sys.stderr.flush()
        elif share >= self.next_line:
            click.echo(
                f"  {self.label:<14} {share:4.0%} {self.done:>10,}/{self.total:,} "
                f"{self.timer.seconds:6.1f} s",
                file=sys.stderr,
            )
            self.next_line = int(share * 10 + 1) / 10

    def note(self, words: str) -> None:
        """A step that moves no bar (on a terminal, below the bar)."""
        if self.tty and not self.noted:
            sys.stderr.write("\n")  # end the bar's line
        self.noted = True
        click.echo(f"  {self.label:<14} {words}", file=sys.stderr)

    def finish(self) -> None:
        if self.tty and not self.noted:
            sys.stderr.write("\n")


def directory(build: Build) -> dict:
    """Each member's organisation, and each organisation's system and type (read once)."""
    if "directory" not in build.state:
        connection = build.connection
        organisation_of = [0] * (build.scale.members + 1)
        for user_id, organisation_id in connection.execute(
            sa.text("SELECT id, organisation_id FROM users")
        ):
            organisation_of[user_id] = organisation_id
        system_of, type_of = {}, {}
        for organisation_id, system_id, kind in connection.execute(
            sa.text("SELECT id, system_id, type FROM organisations")
        ):
            system_of[organisation_id], type_of[organisation_id] = system_id, kind
        tags = {"approach": [], "topic": []}
        for tag_id, name, kind in connection.execute(
            sa.text("SELECT id, name, kind FROM expertise_tags ORDER BY id")
        ):
            if kind in tags:
                tags[kind].append((tag_id, name))
        build.state["directory"] = {
            "organisation_of": organisation_of, "system_of": system_of, "type_of": type_of,
            "tags": tags,
        }  # fmt: skip
    return build.state["directory"]


def next_thread_id(build: Build) -> int:
    if "next_thread_id" not in build.state:
        highest = build.connection.scalar(sa.text("SELECT max(id) FROM threads"))
        build.state["next_thread_id"] = (highest or 0) + 1
    return build.state["next_thread_id"]


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def distribute(total: int, weights: list[float], rng: random.Random, minimum: int = 1) -> list[int]:
    """Split `total` into len(weights) whole numbers of at least `minimum`, in proportion."""
    count = len(weights)
    spare = total - minimum * count
    if spare < 0:
        raise ValueError(f"cannot give {count} items at least {minimum} from {total}")
    scale = spare / sum(weights)
    shares = [w * scale for w in weights]
    result = [minimum + int(s) for s in shares]
    left = total - sum(result)
    # Hand out what rounding left, largest remainders first (ties broken by the seed).
    order = sorted(range(count), key=lambda i: (shares[i] - int(shares[i]), rng.random()))
    for i in order[len(order) - left :]:
        result[i] += 1
    return result


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank + 1) ** exponent for rank in range(count)]


class Timer:
    def __init__(self):
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started
