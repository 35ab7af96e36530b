"""What a file is attached to: a post, a method, a project or a PDSA cycle.

One `Owner` says, for each kind, which column of `stored_files` names it, what members
call it, who may attach files to it (whoever may edit it) and how many it has. The
services attach, list and remove files through it, so the four kinds share one way of
doing each. Who may see or remove a file is the visibility rule's
(community/visibility.py: `can_see_file`, `can_remove_file`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from community.core.extensions import db
from community.discussions.models import Post
from community.files.models import StoredFile
from community.methods.models import Method
from community.projects.models import PDSACycle, Project
from community.visibility import can_see_method, can_see_post, can_see_project, on_project_team


class OwnerKind(StrEnum):
    POST = "post"
    METHOD = "method"
    PROJECT = "project"
    CYCLE = "cycle"


_MODELS = {
    OwnerKind.POST: Post,
    OwnerKind.METHOD: Method,
    OwnerKind.PROJECT: Project,
    OwnerKind.CYCLE: PDSACycle,
}
_COLUMNS = {
    OwnerKind.POST: "post_id",
    OwnerKind.METHOD: "method_id",
    OwnerKind.PROJECT: "project_id",
    OwnerKind.CYCLE: "cycle_id",
}
_NOUNS = {
    OwnerKind.POST: "post",
    OwnerKind.METHOD: "method",
    OwnerKind.PROJECT: "project",
    OwnerKind.CYCLE: "PDSA cycle",
}


@dataclass(frozen=True)
class Owner:
    kind: OwnerKind
    thing: Post | Method | Project | PDSACycle

    @classmethod
    def of(cls, thing) -> Owner:
        kind = next(k for k, model in _MODELS.items() if isinstance(thing, model))
        return cls(kind, thing)

    @property
    def id(self) -> int:
        return self.thing.id

    @property
    def column(self) -> str:
        """The column of stored_files that names this owner."""
        return _COLUMNS[self.kind]

    @property
    def noun(self) -> str:
        return _NOUNS[self.kind]

    @property
    def values(self) -> dict[str, int]:
        return {self.column: self.id}

    @property
    def criterion(self) -> sa.ColumnElement[bool]:
        return getattr(StoredFile, self.column) == self.id

    @property
    def project(self) -> Project | None:
        """The project a project's or a cycle's files are in (the audit entry names it)."""
        if self.kind == OwnerKind.PROJECT:
            return self.thing
        if self.kind == OwnerKind.CYCLE:
            return db.session.get(Project, self.thing.project_id)
        return None

    @property
    def audit_target(self):
        """What the audit log names for a change to this owner's files."""
        return self.project or self.thing

    @property
    def community_id(self) -> int | None:
        target = self.audit_target
        if isinstance(target, Post):
            return None  # the post's thread is named by the audit entry's target
        return target.community_id

    def file_count(self) -> int:
        if self.kind == OwnerKind.POST:
            return self.thing.file_count
        return db.session.scalar(sa.select(sa.func.count(StoredFile.id)).where(self.criterion))

    def lock(self) -> None:
        """Hold the owner's row while its files are counted and added (PostgreSQL; SQLite
        writers are already serialised), so that two uploads at once cannot pass the
        count together."""
        model = _MODELS[self.kind]
        db.session.execute(sa.select(model.id).where(model.id == self.id).with_for_update())


def owner_of(stored: StoredFile) -> Owner | None:
    """What `stored` is attached to (None if that has gone)."""
    for kind, column in _COLUMNS.items():
        owner_id = getattr(stored, column)
        if owner_id is not None:
            thing = db.session.get(_MODELS[kind], owner_id)
            return Owner(kind, thing) if thing is not None else None
    return None


def may_attach(user, owner: Owner) -> bool:
    """Whoever may edit the thing attaches files to it: a post's author; a method's
    authors; a project's leads (who edit its details); a cycle's project team (who
    record and update its cycles)."""
    if not getattr(user, "is_authenticated", False):
        return False
    thing = owner.thing
    if owner.kind == OwnerKind.POST:
        return thing.author_id == user.id and not thing.is_removed and can_see_post(user, thing)
    if owner.kind == OwnerKind.METHOD:
        return thing.is_author(user) and can_see_method(user, thing)
    project = owner.project
    if project is None or not can_see_project(user, project):
        return False
    return user.is_admin or on_project_team(user, project, lead=owner.kind == OwnerKind.PROJECT)
