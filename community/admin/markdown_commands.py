"""`flask markdown rerender`: stored HTML brought up to the renderer's RENDER_VERSION.

Every text members write is stored as source, HTML and the render version that
made the HTML. When the renderer changes (community/core/markdown.py), this renders
again every text made by an older version, from its unchanged source, window
by window, committing after each so writers are never held up for long. A
second run finds nothing to do. Search is unaffected (it indexes the source);
the kept pages and rankings forget on their own, as for any edit
(community/caching/changes.py counts the updates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from community.accounts.models import User
from community.audit.services import record
from community.core.extensions import db
from community.core.markdown import RENDER_VERSION, mentioned_usernames
from community.discussions.models import Post
from community.discussions.services import existing_usernames
from community.methods.models import Adaptation, Method
from community.methods.vocabulary import SECTION_KEYS
from community.projects.models import Project, ProjectUpdate

markdown_cli = AppGroup("markdown", help="Keep stored Markdown HTML in step with the renderer.")

WINDOW = 200
ADAPTATION_KEYS = ("what_changed", "why", "results")


def _post(post: Post) -> None:
    post.set_body(post.body_source, existing_usernames(mentioned_usernames(post.body_source)))


def _method(method: Method) -> None:
    for key in SECTION_KEYS:
        method.set_section(key, method.section_source(key))


def _adaptation(adaptation: Adaptation) -> None:
    for key in ADAPTATION_KEYS:
        adaptation.set_text(key, getattr(adaptation, f"{key}_source"))


@dataclass(frozen=True)
class StoredText:
    name: str
    model: type
    version: sa.orm.InstrumentedAttribute
    render_again: Callable[[object], None]
    key: sa.orm.InstrumentedAttribute


STORED_TEXTS = (
    StoredText("posts", Post, Post.render_version, _post, Post.id),
    StoredText("profiles", User, User.bio_render_version, lambda u: u.set_bio(u.bio_source),
               User.id),
    StoredText("projects", Project, Project.problem_render_version,
               lambda p: p.set_problem(p.problem_source), Project.id),
    StoredText("project updates", ProjectUpdate, ProjectUpdate.render_version,
               lambda u: u.set_body(u.body_source), ProjectUpdate.id),
    StoredText("methods", Method, Method.render_version, _method, Method.id),
    StoredText("adaptations", Adaptation, Adaptation.render_version, _adaptation,
               Adaptation.method_id),
)  # fmt: skip


def rerender(progress: Callable[[str, int], None] = lambda _name, _count: None) -> int:
    """Render again every stored text an older renderer made; returns how many."""
    total = 0
    for stored in STORED_TEXTS:
        done = 0
        while True:
            window = db.session.scalars(
                sa.select(stored.model)
                .where(stored.version < RENDER_VERSION)
                .order_by(stored.key)
                .limit(WINDOW)
            ).all()
            if not window:
                break
            for row in window:
                stored.render_again(row)
            db.session.commit()
            done += len(window)
        progress(stored.name, done)
        total += done
    if total:
        record("markdown.rerender", None, summary=f"{total} texts rendered again "
               f"with renderer version {RENDER_VERSION}")  # fmt: skip
        db.session.commit()
    return total


@markdown_cli.command("rerender")
def rerender_command() -> None:
    """Render again every stored text an older version of the renderer made."""

    def progress(name: str, count: int) -> None:
        if count:
            click.echo(f"{name}: {count}")

    total = rerender(progress)
    click.echo(f"{total} texts rendered again with renderer version {RENDER_VERSION}.")
