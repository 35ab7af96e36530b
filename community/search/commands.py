"""`flask search reindex` and `flask search check`.

`reindex` walks every kind of content window by window, compares it with the
index and writes only what differs (so a second run on a current index writes
nothing), committing after each window so writers are never blocked for long;
then it checks and optimises the full-text index itself. `check` walks the
same way without writing and exits with status 1 if anything differs.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from community.core.extensions import db
from community.search import index
from community.search import kinds as _kinds  # noqa: F401  (registers the kinds)
from community.search.backends import backend
from community.search.models import SearchDocument

search_cli = AppGroup("search", help="Keep the search index in step with the content.")


def reindex(progress=None, step=None) -> int:
    """Bring the whole index in step with the content; returns how many rows changed.

    `progress(scanned)` is told how far the walk has gone, and `step(words)` what
    comes after it, which can take minutes on a large index and moves no bar.
    """
    step = step or (lambda _words: None)
    changed = 0
    for kind in index.KINDS.values():
        for scanned, window in index.compare_in_windows(kind):
            missing = [d.expected for d in window if d.stored is None and d.expected]
            if missing:  # one multi-row INSERT for a fresh index: much faster than one by one
                index.add_all(missing)
            for difference in window:
                if difference.stored is not None:
                    index.repair(difference)
            changed += len(window)
            db.session.commit()
            if progress is not None:
                progress(scanned)
    step("Checking the full-text index …")
    if backend().problems():  # the full-text index itself has drifted: rebuild it
        step("Rebuilding the full-text index from the documents (minutes for a million) …")
        backend().rebuild()
        changed += 1
    step("Optimising the full-text index …")
    backend().optimise()
    db.session.commit()
    return changed


def problems(limit: int | None = None) -> list[str]:
    """Every way the index differs from the content, in words (empty when in step)."""
    found = [str(d) for d in index.differences(limit)]
    return found + backend().problems()


@search_cli.command("reindex")
@click.option("--if-empty", is_flag=True, help="Only if the index is empty (for `make run`).")
def reindex_command(if_empty: bool) -> None:
    """Rebuild the search index from the content."""
    if if_empty and db.session.query(SearchDocument.id).first() is not None:
        click.echo("The search index already has content: nothing to do.")
        return
    total = sum(kind.count() for kind in index.KINDS.values())
    with click.progressbar(length=total, label="Indexing", file=sys.stderr) as bar:
        changed = reindex(bar.update, step=lambda words: click.echo(f"\n{words}", err=True))
    counts = index.counts_by_kind()
    summary = ", ".join(f"{counts.get(name, 0)} {name}" for name in index.KINDS)
    click.echo(f"Search index up to date ({changed} changed): {summary}.")


@search_cli.command("check")
@click.option("--limit", default=50, show_default=True, help="Most differences to list.")
def check_command(limit: int) -> None:
    """Report differences between the content and the search index (exit 1 if any)."""
    found = problems(limit)
    if not found:
        click.echo("The search index matches the content.")
        return
    for line in found:
        click.echo(line)
    click.echo(f"{len(found)} difference(s){' (list cut short)' if len(found) >= limit else ''}.")
    click.echo("Run `flask search reindex` to repair them.")
    sys.exit(1)
