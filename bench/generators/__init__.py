"""The benchmark data, built in named phases (one module per feature).

A feature adds its data by appending a phase here; each phase draws from its
own seeded generator, so earlier phases' data do not change. Bump
GENERATOR_VERSION whenever the data a phase makes changes, so saved databases
are rebuilt rather than reused.
"""

from __future__ import annotations

import json
import sys

import click
import sqlalchemy as sa

from bench import database
from bench.generators import (
    communities,
    discussions,
    evidence,
    mentoring,
    methods,
    people,
    projects,
    search,
)
from bench.generators.build import Build, Timer
from bench.scales import Scale
from bench.text import Prose, check_against_renderer

GENERATOR_VERSION = "7"

# Bulk inserts, in order, through one connection.
PHASES = (
    ("people", people.build),
    ("communities", communities.build),
    ("discussions", discussions.build),
    ("methods", methods.build),
    ("projects", projects.build),
    ("mentoring", mentoring.build),
)
# Then what the product derives from the content, built by the product's own code
# through the app (each takes the database URL and returns the rows it wrote),
# after every content phase so that all of it is counted and indexed.
DERIVED = (
    ("mentor_evidence", evidence.build),
    ("search", search.build),
)


def stamp_for(scale: Scale) -> str:
    names = [name for name, _ in PHASES + DERIVED]
    return f"{GENERATOR_VERSION}:{scale.name}:{','.join(names)}"


def ensure_data(scale: Scale, url: str, *, rebuild: bool = False) -> tuple[dict, dict]:
    """The landmarks of a ready benchmark database, and how long building it took (if it did)."""
    engine = sa.create_engine(url)
    try:
        stamp = database.read_stamp(engine)
        if stamp.get("state") == "dirty" and stamp.get("restore"):
            _say("Undoing the writes of an earlier run that did not finish…")
            database.restore(engine)
            stamp = database.read_stamp(engine)
        if (
            not rebuild
            and stamp.get("generator") == stamp_for(scale)
            and stamp.get("state") == "clean"
        ):
            if database.current_revision(engine) != database.schema_head():
                # Same data, older schema: upgrade in place, as a deployment would.
                _say("Upgrading the saved benchmark database to the latest migration…")
                database.migrate(url)
            _say(f"Reusing the {scale.name} benchmark data in {engine.url.render_as_string()}")
            return database.landmarks_of(stamp), {}
    finally:
        engine.dispose()
    return build(scale, url)


def build(scale: Scale, url: str) -> tuple[dict, dict]:
    _say(f"Building the {scale.name} benchmark data (fixed seed) …")
    total = Timer()
    database.make_empty(url)
    timings: dict[str, dict] = {}
    step = Timer()
    database.migrate(url)
    timings["schema"] = {"seconds": round(step.seconds, 2), "rows": 0}
    engine = database.bulk_engine(url)
    try:
        with engine.connect() as connection:
            work = Build(scale=scale, connection=connection)
            # The posts' HTML is written without the renderer: prove it agrees first.
            check_against_renderer(Prose(work.rng("renderer-check")))
            for name, phase in PHASES:
                step = Timer()
                before = sum(work.rows.values())
                phase(work)
                rows = sum(work.rows.values()) - before
                timings[name] = {
                    "seconds": round(step.seconds, 2),
                    "rows": rows,
                    "rows_per_second": round(rows / max(step.seconds, 1e-9)),
                }
                _say(
                    f"  {name}: {rows:,} rows in {step.seconds:.1f} s "
                    f"({rows / max(step.seconds, 1e-9):,.0f} rows/s)"
                )
        step = Timer()
        database.finish_load(engine)
        timings["finish"] = {"seconds": round(step.seconds, 2), "rows": 0}
        for name, derive in DERIVED:
            step = Timer()
            rows = derive(url)
            work.rows[name] = rows
            timings[name] = {
                "seconds": round(step.seconds, 2),
                "rows": rows,
                "rows_per_second": round(rows / max(step.seconds, 1e-9)),
            }
            _say(f"  {name}: {rows:,} rows in {step.seconds:.1f} s")
        database.write_stamp(
            engine,
            generator=stamp_for(scale),
            state="clean",
            landmarks=json.dumps(work.landmarks),
            rows=json.dumps(work.rows),
        )
    finally:
        engine.dispose()
    rows = sum(work.rows.values())
    timings["total"] = {
        "seconds": round(total.seconds, 2),
        "rows": rows,
        "rows_per_second": round(rows / total.seconds),
        "tables": work.rows,
    }
    _say(f"Built {rows:,} rows in {total.seconds:.1f} s ({rows / total.seconds:,.0f} rows/s)")
    return work.landmarks, timings


def _say(message: str) -> None:
    click.echo(message, file=sys.stderr)
