"""Demo improvement projects: teams, measures with data showing every kind of SPC
signal, PDSA cycles, updates and progress scores.

Made through the same services members use, then dated into the past.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from community.accounts.models import User
from community.communities.models import Community, Membership
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.demo.projects_data import DISCUSSION, METHODS_USED, PROJECTS
from community.directory.models import Organisation
from community.discussions import services as discussions
from community.methods.models import Method
from community.projects import cycles, method_links, project_threads, services
from community.projects.measures import imports as measure_imports
from community.projects.measures import services as measure_services
from community.projects.measures.csv_files import write_points
from community.projects.measures.spc import ChartType
from community.projects.models import ProgressScore, Project, ProjectUpdate

# The demo member leads these projects (none is in a community they are not in).
DEMO_MEMBER_LEADS = ("Sepsis antibiotics within the hour", "Ambulance handovers within 30 minutes")


def _values(rng: random.Random, recipe: tuple, weeks: int) -> list[float]:
    kind, mean, spread, *rest = recipe
    values = []
    for week in range(weeks):
        level, noise = mean, rng.gauss(0, spread)
        if kind == "shift" and week >= rest[0]:
            level = rest[1]
        elif kind == "trend" and week >= rest[0]:
            # Steady steps with little noise, so the points keep rising (or falling).
            level = mean + rest[1] * (week - rest[0] + 1)
            noise = rng.gauss(0, abs(rest[1]) * 0.2)
        elif (kind == "outlier" and week == rest[0]) or (
            kind == "near" and week in (rest[0], rest[0] + 2)
        ):
            level, noise = rest[1], 0
        values.append(round(level + noise, 1))
    return values


def _numbers(rng: random.Random, chart_type: str, value: float, denominator: int | None):
    """(value, note, denominator) of a point of this type from a recipe's value: a
    percentage of a proportion's denominator, a rate per 1,000 of a rate's exposure, or
    a whole count (never below zero) for C, T and G."""
    if chart_type in (ChartType.P, ChartType.P_PRIME):
        size = max(10, round(rng.gauss(denominator, denominator * 0.1)))
        return min(size, max(0, round(value / 100 * size))), "", size
    if chart_type in (ChartType.U, ChartType.U_PRIME):
        exposure = max(100, round(rng.gauss(denominator, denominator * 0.1)))
        return max(0, round(value * exposure / 1000)), "", exposure
    if chart_type in (ChartType.C, ChartType.T, ChartType.G):
        return max(0, round(value)), "", None
    return value, "", None


def _monday(moment: date) -> date:
    return moment - timedelta(days=moment.weekday())


def _pick_organisation(organisations, org_type: str, used: dict[str, int]) -> Organisation:
    # Spread each type across the systems in turn.
    matching = [o for o in organisations if o.type == org_type] or organisations
    index = used.get(org_type, 0)
    used[org_type] = index + 1
    return matching[(index * 3) % len(matching)]


def _community_members(community: Community) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.community_id == community.id, User.email_confirmed_at.is_not(None))
            .order_by(User.id)
        )
    )


def seed_projects(
    rng: random.Random,
    members: list[User],
    organisations: list[Organisation],
    communities: list[Community],
    demo_member: User,
    methods: list[Method] = (),
) -> list[Project]:
    by_name = {c.name: c for c in communities}
    confirmed = [m for m in members if m.is_confirmed]
    first_week = _monday(utcnow().date()) - timedelta(weeks=36)
    used: dict[str, int] = {}
    made = []
    for spec in PROJECTS:
        (title, org_type, community_name, programme, status, score, aim, problem,
         measure_specs, cycle_specs, updates) = spec  # fmt: skip
        community = by_name.get(community_name) if community_name else None
        people = _community_members(community) if community else confirmed
        lead = demo_member if title in DEMO_MEMBER_LEADS else rng.choice(people)
        organisation = _pick_organisation(organisations, org_type, used)
        project = services.start_project(
            lead,
            services.ProjectDetails(
                title=title, aim=aim, problem=problem, organisation_id=organisation.id,
                community_id=community.id if community else None,
                programme_type="national" if programme else "local",
                national_programme=programme, status=status, start_date=first_week,
            ),
        )  # fmt: skip
        team = rng.sample([p for p in people if p.id != lead.id], min(3, len(people) - 1))
        if community and community.name == "Discharge before midday" and demo_member in people:
            team = [demo_member, *[p for p in team if p.id != demo_member.id]][:3]
        for person in team:
            if services.team_member(person, project) is None:
                services.add_team_member(
                    lead, project, username=person.username,
                    role=rng.choice(("Clinical lead", "Data analyst", "Ward manager",
                                     "Patient partner", "Improvement advisor")),
                    is_lead=False,
                )  # fmt: skip
        _measures_and_cycles(rng, lead, project, measure_specs, cycle_specs, first_week)
        for note in updates:
            services.post_update(lead, project, note)
        if score > 1:
            services.set_progress(lead, project, score - 1.0, "Where we started")
        services.set_progress(lead, project, score, "Agreed at the team meeting")
        _link_methods(lead, project, [m for m in methods if m.title in METHODS_USED.get(title, ())])
        if len(made) < 4:
            _discuss(rng, project, [lead, *team], people)
        made.append(project)
    _date_into_the_past(rng, made, first_week)
    return made


def _measures_and_cycles(rng, lead, project, measure_specs, cycle_specs, first_week) -> None:
    measures = []
    for spec in measure_specs:
        name, definition, unit, direction, target, recipe, weeks, rebaseline = spec[:8]
        chart_type, denominator = spec[8] if len(spec) > 8 else (ChartType.XMR, None)
        measure = measure_services.create_measure(
            lead, project,
            measure_services.MeasureDetails(name=name, definition=definition, unit=unit,
                                            direction=direction, target=target,
                                            chart_type=chart_type),
        )  # fmt: skip
        start = first_week + timedelta(weeks=36 - weeks)
        points = [
            (start + timedelta(weeks=week), *_numbers(rng, chart_type, value, denominator))
            for week, value in enumerate(_values(rng, recipe, weeks))
        ]
        measure_imports.import_points(
            lead, project, measure, write_points(points, chart_type).encode()
        )
        if rebaseline is not None:
            measure_services.add_process_change(
                lead, project, measure, points[rebaseline][0],
                "The change was adopted: the process is different from here",
            )  # fmt: skip
        measures.append((measure, start))
    for title, change, prediction, week, do, study, decision, act, linked in cycle_specs:
        started = (measures[0][1] if measures else first_week) + timedelta(weeks=week)
        cycles.record_cycle(
            lead, project,
            cycles.CycleDetails(
                title=title, change=change, prediction=prediction, started_on=started,
                do_notes=do, study_notes=study, decision=decision, act_notes=act,
                ended_on=started + timedelta(weeks=2) if decision else None,
                measure_ids=[measures[i][0].id for i in linked if i < len(measures)],
            ),
        )  # fmt: skip


def _link_methods(lead: User, project: Project, methods: list[Method]) -> None:
    for method in methods:
        try:
            method_links.link_method(lead, project, method.id)
        except RuleViolation:  # a method in a community the lead is not in
            db.session.rollback()


def _discuss(rng: random.Random, project: Project, team: list[User], people: list[User]) -> None:
    """Someone asks, the team answers: two exchanges in the project's discussion."""
    thread = project_threads.thread_of(project)
    visitors = [p for p in people if p.id not in {t.id for t in team}]
    for number, text in enumerate(DISCUSSION):
        author = rng.choice(visitors) if number % 2 == 0 else team[0]
        discussions.reply(author, thread, text)


def _date_into_the_past(rng: random.Random, projects: list[Project], first_week: date) -> None:
    now = utcnow()
    for project in projects:
        project.created_at = now - timedelta(weeks=36, days=rng.randint(0, 6))
        project.last_activity_at = now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 9))
        entries = db.session.scalars(
            sa.select(ProjectUpdate).where(ProjectUpdate.project_id == project.id)
        )
        for n, update in enumerate(entries):
            update.created_at = now - timedelta(weeks=30 - 12 * n, days=rng.randint(0, 5))
        scores = db.session.scalars(
            sa.select(ProgressScore)
            .where(ProgressScore.project_id == project.id)
            .order_by(ProgressScore.id)
        )
        for n, entry in enumerate(scores):
            entry.set_at = now - timedelta(weeks=20 - 15 * n)
    db.session.commit()
