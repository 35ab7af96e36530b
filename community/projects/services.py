"""Projects: finding them, starting and editing them, their team, progress and updates.

Each function that changes something checks its rules, commits once with its
audit entry and notifications, and raises RuleViolation (with the form field
it concerns) leaving nothing changed. PDSA cycles are in cycles.py and
measures in measures/services.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.audit.services import record
from community.communities.models import Community, CommunityStatus, Membership
from community.communities.services import require_confirmed
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.directory.models import Organisation
from community.discussions import services as discussions
from community.notifications import services as notify
from community.projects import project_threads
from community.projects.models import (
    PROGRESS_SCALE,
    ProgrammeType,
    ProgressScore,
    Project,
    ProjectStatus,
    ProjectUpdate,
    TeamMember,
)
from community.search import indexing
from community.visibility import (
    can_see_project,
    users_who_can_see_project,
    visible_projects_clause,
)

MAX_UPDATE = 20000
MAX_PROBLEM = 20000


# ------------------------------------------------------------------ finding


@dataclass(frozen=True)
class ProjectAccess:
    """A project as one member sees it: what they may do to it."""

    project: Project
    team_member: TeamMember | None
    can_record: bool  # add updates, cycles, measures and data: the team
    can_lead: bool  # change details, status and team: the leads

    @property
    def on_team(self) -> bool:
        return self.team_member is not None


# Team lists show names, not expertise: skip loading each member's expertise tags.
_WITHOUT_EXPERTISE = joinedload(TeamMember.user).lazyload(User.expertise)


def team_member(user, project: Project) -> TeamMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(TeamMember)
        .options(_WITHOUT_EXPERTISE)
        .where(TeamMember.project_id == project.id, TeamMember.user_id == user.id)
    )


def get_project_or_404(
    project_id: int, user, *, record_work: bool = False, lead: bool = False
) -> ProjectAccess:
    """The project if `user` may see it: 404 if not, 403 if they may not do what is asked."""
    project = db.session.get(Project, project_id)
    if project is None or not can_see_project(user, project):
        abort(404)
    member = team_member(user, project)
    can_lead = user.is_admin or (member is not None and member.is_lead)
    can_record = user.is_admin or member is not None
    if (lead and not can_lead) or (record_work and not can_record):
        abort(403)
    return ProjectAccess(project, member, can_record=can_record, can_lead=can_lead)


@dataclass(frozen=True)
class ProjectFilters:
    status: str | None = None
    system_id: int | None = None
    organisation_id: int | None = None
    programme_type: str | None = None
    community_id: int | None = None
    member: User | None = None  # only projects this member is on the team of
    archived: bool = False  # the archived projects instead of the active ones


def projects_query(user, filters: ProjectFilters) -> sa.Select:
    query = sa.select(Project).where(visible_projects_clause(user))
    # Archived projects leave the active lists; they have a list of their own.
    if filters.archived:
        query = query.where(Project.archived_at.is_not(None))
    else:
        query = query.where(Project.archived_at.is_(None))
    if filters.status:
        query = query.where(Project.status == filters.status)
    if filters.system_id:
        query = query.where(Project.system_id == filters.system_id)
    if filters.organisation_id:
        query = query.where(Project.organisation_id == filters.organisation_id)
    if filters.programme_type:
        query = query.where(Project.programme_type == filters.programme_type)
    if filters.community_id:
        query = query.where(Project.community_id == filters.community_id)
    if filters.member is not None:
        mine = sa.select(TeamMember.project_id).where(TeamMember.user_id == filters.member.id)
        query = query.where(Project.id.in_(mine))
    return query


def projects_page(user, filters: ProjectFilters, page: int, per_page: int):
    query = projects_query(user, filters).order_by(
        Project.last_activity_at.desc(), Project.id.desc()
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def team_of(project: Project) -> list[TeamMember]:
    return list(
        db.session.scalars(
            sa.select(TeamMember)
            .options(_WITHOUT_EXPERTISE)
            .join(User, TeamMember.user_id == User.id)
            .where(TeamMember.project_id == project.id)
            .order_by(TeamMember.is_lead.desc(), User.name, User.id)
        )
    )


def progress_history(project: Project, limit: int = 100) -> list[ProgressScore]:
    return list(
        db.session.scalars(
            sa.select(ProgressScore)
            .where(ProgressScore.project_id == project.id)
            .order_by(ProgressScore.set_at.desc(), ProgressScore.id.desc())
            .limit(limit)
        )
    )


def updates_page(project: Project, page: int, per_page: int):
    query = (
        sa.select(ProjectUpdate)
        .where(ProjectUpdate.project_id == project.id)
        .order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def latest_update(project: Project) -> ProjectUpdate | None:
    return db.session.scalar(
        sa.select(ProjectUpdate)
        .where(ProjectUpdate.project_id == project.id)
        .order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc())
        .limit(1)
    )


def community_choices(user) -> list[tuple[int, str]]:
    """Active communities `user` belongs to: the ones they may put a project in."""
    query = sa.select(Community.id, Community.name).where(
        Community.status == CommunityStatus.ACTIVE
    )
    if not user.is_admin:
        query = query.join(Membership, Membership.community_id == Community.id).where(
            Membership.user_id == user.id
        )
    return [(cid, name) for cid, name in db.session.execute(query.order_by(Community.name))]


def organisations_in(system_id: int) -> list[tuple[int, str]]:
    """The organisations of one system, for the list's organisation filter."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.system_id == system_id)
        .order_by(Organisation.name)
    )
    return [(oid, name) for oid, name in rows]


# ------------------------------------------------------------------ checking


@dataclass
class ProjectDetails:
    title: str
    aim: str
    problem: str
    organisation_id: int | None
    community_id: int | None
    programme_type: str
    national_programme: str
    status: str
    start_date: date | None


def _checked(user: User, details: ProjectDetails, project: Project | None) -> Organisation:
    """Every problem with the details at once (a RuleViolations), or the organisation."""
    problems = Problems()
    details.title = " ".join((details.title or "").split())
    if not details.title:
        problems.add("Enter the project's title", "title")
    elif len(details.title) > 200:
        problems.add("Title must be 200 characters or fewer", "title")
    details.aim = (details.aim or "").strip()
    if not details.aim:
        problems.add("Enter the aim statement: what will improve, by how much, by when", "aim")
    if len(details.problem or "") > MAX_PROBLEM:
        problems.add(f"Problem and context must be {MAX_PROBLEM:,} characters or fewer",
                     "problem")  # fmt: skip
    organisation = (
        db.session.get(Organisation, details.organisation_id) if details.organisation_id else None
    )
    if organisation is None:
        problems.add("Select the organisation that runs the project", "organisation_id")
    changing_community = details.community_id != (project and project.community_id)
    if (
        details.community_id
        and changing_community
        and details.community_id not in {cid for cid, _ in community_choices(user)}
    ):
        problems.add("Select a community you belong to, or none", "community_id")
    if details.programme_type not in {p.value for p in ProgrammeType}:
        problems.add("Say whether this is a national programme or a local priority",
                     "programme_type")  # fmt: skip
    details.national_programme = " ".join((details.national_programme or "").split())
    if details.programme_type == ProgrammeType.NATIONAL and not details.national_programme:
        problems.add("Enter the name of the national programme", "national_programme")
    if details.programme_type == ProgrammeType.LOCAL:
        details.national_programme = ""
    if details.status not in {s.value for s in ProjectStatus}:
        problems.add("Select the project's status", "status")
    if details.start_date is None:
        problems.add("Enter the date the project started", "start_date")
    problems.raise_any()
    return organisation


def check_details(user: User, details: ProjectDetails, project: Project | None = None) -> None:
    """The checks `start_project` and `update_project` make, saving nothing."""
    _checked(user, details, project)


def follow_organisation(organisation: Organisation) -> None:
    """A project is in its organisation's system: when the organisation moves, so do they."""
    db.session.execute(
        sa.update(Project)
        .where(Project.organisation_id == organisation.id)
        .values(system_id=organisation.system_id)
    )


def _apply(project: Project, details: ProjectDetails, organisation: Organisation) -> None:
    project.title, project.slug = details.title, slugify(details.title) or "project"
    project.aim = details.aim
    project.set_problem((details.problem or "").strip())
    project.organisation_id, project.system_id = organisation.id, organisation.system_id
    project.community_id = details.community_id or None
    # The relationship too: who is told of a status change is decided from it below.
    project.community = (
        db.session.get(Community, project.community_id) if project.community_id else None
    )
    project.programme_type = details.programme_type
    project.national_programme = details.national_programme
    project.status = details.status
    project.start_date = details.start_date
    project.last_activity_at = utcnow()


# ------------------------------------------------------------------ changing


def start_project(user: User, details: ProjectDetails) -> Project:
    require_confirmed(user, "start a project")
    organisation = _checked(user, details, None)
    project = Project(created_by_id=user.id, cycle_count=0)
    _apply(project, details, organisation)
    db.session.add(project)
    db.session.flush()
    db.session.add(
        TeamMember(project_id=project.id, user_id=user.id, role="Project lead", is_lead=True)
    )
    project_threads.open_discussion(project, user.id)
    record("project.started", user, project, project.title, community_id=project.community_id)
    indexing.project_changed(project)
    db.session.commit()
    return project


def update_project(user: User, project: Project, details: ProjectDetails) -> None:
    organisation = _checked(user, details, project)
    project_threads.check_discussion_stays_private(project, details.community_id or None)
    old_status = project.status
    _apply(project, details, organisation)
    project_threads.retitle(project)
    record("project.updated", user, project, project.title, community_id=project.community_id)
    if old_status != project.status:
        label = ProjectStatus(project.status).label.lower()
        team = {m.user_id for m in team_of(project)}
        notify.project_status_changed(
            project, users_who_can_see_project(project, team), user, label
        )
        record(
            "project.status_changed", user, project,
            f"{ProjectStatus(old_status).label} to {ProjectStatus(project.status).label}",
            community_id=project.community_id,
        )  # fmt: skip
    indexing.project_changed(project)
    db.session.commit()


def add_team_member(
    lead: User, project: Project, *, username: str, role: str, is_lead: bool
) -> TeamMember:
    username = (username or "").strip().lstrip("@").lower()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise RuleViolation(f"There is no member with the username “{username}”", "username")
    if team_member(user, project) is not None:
        raise RuleViolation(f"{user.name} is already on the team", "username")
    if not users_who_can_see_project(project, {user.id}):
        raise RuleViolation(
            f"{user.name} cannot see this project because they are not a member of "
            f"{project.community.name}. Ask a facilitator to invite them first.",
            "username",
        )
    member = TeamMember(
        project_id=project.id, user_id=user.id, role=" ".join((role or "").split())[:80],
        is_lead=is_lead,
    )  # fmt: skip
    db.session.add(member)
    project.last_activity_at = utcnow()
    discussions.follow(project_threads.thread_of(project), [user.id])
    notify.added_to_team(project, user.id, lead, member.role)
    record("project.team_added", lead, project, user.username, community_id=project.community_id)
    db.session.commit()
    return member


def remove_team_member(actor: User, project: Project, user: User) -> None:
    member = team_member(user, project)
    if member is None:
        raise RuleViolation(f"{user.name} is not on the team")
    if member.is_lead:
        other_leads = db.session.scalar(
            sa.select(sa.func.count(TeamMember.id)).where(
                TeamMember.project_id == project.id,
                TeamMember.is_lead.is_(True),
                TeamMember.user_id != user.id,
            )
        )
        if not other_leads:
            raise RuleViolation("A project needs at least one lead: add another lead first")
    db.session.delete(member)
    record("project.team_removed", actor, project, user.username, community_id=project.community_id)
    db.session.commit()


def set_progress(user: User, project: Project, score: float | None, note: str) -> ProgressScore:
    problems = Problems()  # the score and the note's problems at once
    if score not in PROGRESS_SCALE:
        problems.add("Choose a progress score from the scale", "score")
    note = " ".join((note or "").split())
    if len(note) > 300:
        problems.add("Note must be 300 characters or fewer", "note")
    problems.raise_any()
    entry = ProgressScore(project_id=project.id, score=score, note=note, set_by_id=user.id)
    db.session.add(entry)
    project.progress_score = score
    project.last_activity_at = utcnow()
    record(
        "project.progress_set", user, project, f"{score:.1f} {note}".strip(),
        community_id=project.community_id,
    )  # fmt: skip
    indexing.project_changed(project)  # its boost follows the progress score
    db.session.commit()
    return entry


def post_update(user: User, project: Project, body: str) -> ProjectUpdate:
    require_confirmed(user, "post an update")
    body = (body or "").strip()
    if not body:
        raise RuleViolation("Write your update", "body")
    if len(body) > MAX_UPDATE:
        raise RuleViolation(f"Update must be {MAX_UPDATE:,} characters or fewer", "body")
    update = ProjectUpdate(project_id=project.id, author_id=user.id)
    update.set_body(body)
    db.session.add(update)
    project.last_activity_at = utcnow()
    db.session.commit()
    return update


def get_update_or_404(project: Project, update_id: int) -> ProjectUpdate:
    update = db.session.get(ProjectUpdate, update_id)
    if update is None or update.project_id != project.id:
        abort(404)
    return update


def delete_update(user: User, project: Project, update: ProjectUpdate) -> None:
    author = update.author.username if update.author else "a former member"
    record(
        "project.update_deleted", user, project,
        f"Update by {author} of {update.created_at:%Y-%m-%d}: {update.body_source}"[:300],
        community_id=project.community_id,
    )  # fmt: skip
    db.session.delete(update)
    db.session.commit()


# ------------------------------------------------------------------ archiving and deleting


def archive_project(user: User, project: Project) -> None:
    """Out of the active lists and dashboards; still readable at its address; restorable."""
    if project.archived_at is not None:
        raise RuleViolation("The project is already archived")
    project.archived_at = utcnow()
    record("project.archived", user, project, project.title, community_id=project.community_id)
    db.session.commit()


def restore_project(user: User, project: Project) -> None:
    if project.archived_at is None:
        raise RuleViolation("The project is not archived")
    project.archived_at = None
    project.last_activity_at = utcnow()
    record("project.restored", user, project, project.title, community_id=project.community_id)
    db.session.commit()


def delete_project(user: User, project: Project) -> None:
    """Gone for everyone: its pages, measures, data, cycles, updates and discussion.

    The row stays (marked deleted) so the audit log still says what was deleted;
    community/visibility.py lets nobody see it, or anything in it, again.
    """
    project.deleted_at = utcnow()
    record("project.deleted", user, project, project.title, community_id=project.community_id)
    indexing.project_changed(project)  # out of search
    db.session.commit()
