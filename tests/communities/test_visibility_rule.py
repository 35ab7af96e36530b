"""The visibility rule is one rule: its three forms agree in every world.

Each example builds a small random world (communities open and private, active
and waiting; members, facilitators, administrators and outsiders; methods
published, draft and deleted, in and out of communities, adapted from private
ones; projects in and out of communities with leads and measures; threads of
all three kinds; posts by anyone, hidden or removed; mentoring requests for
organisations, asked of mentors) and checks, for every reader and object, that
the per-object check (`can_see_*`), the SQL filter (`visible_*_clause`) and
the bulk "who may be told" form (`users_who_can_see_*`) give the same answer.

Each world is written in the test's own transaction (flushed, never committed)
and rolled back at the end of the example, so examples cannot see each other and
the run works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community import visibility
from community.accounts.models import Role, User
from community.communities.models import (
    Community,
    CommunityStatus,
    MemberRole,
    Membership,
    Visibility,
)
from community.core.timefmt import utcnow
from community.discussions.models import Post, Thread
from community.mentoring.models import MentoringAsk, MentoringRequest
from community.methods.models import AuthorRole, Method, MethodAuthor, MethodStatus
from community.projects.measures.models import Measure
from community.projects.models import Project, TeamMember

# The slow tier, `make test-fast` leaves it out: hypothesis builds many random worlds.
pytestmark = pytest.mark.slow

_names = itertools.count(1)

# ------------------------------------------------------------------ describing a world


@dataclass
class WorldPlan:
    """What hypothesis draws: small indices into lists, so that it can shrink them."""

    admins: list[bool]
    homes: list[int | None]  # each member's organisation: 0, 1 or none
    communities: list[tuple[str, str, int]]  # visibility, status, proposer
    roles: dict[tuple[int, int], str]  # (user, community) -> member / facilitator
    # community, status, authors, parent
    methods: list[tuple[int | None, str, list[int], int | None]]
    projects: list[tuple[int | None, list[int], int]]  # community, leads, measures
    threads: list[int]  # community threads, by community
    # thread, author, hidden, removed
    posts: list[tuple[int, int, bool, bool]] = field(default_factory=list)
    # organisation, requester (or a deleted account), mentors asked
    requests: list[tuple[int, int | None, list[int]]] = field(default_factory=list)


@st.composite
def worlds(draw) -> WorldPlan:
    users = draw(st.integers(2, 5))
    admins = draw(st.lists(st.booleans(), min_size=users, max_size=users).map(
        lambda flags: [f and i == 0 for i, f in enumerate(flags)]  # at most one administrator
    ))  # fmt: skip
    person = st.integers(0, users - 1)
    homes = draw(st.lists(st.sampled_from([0, 0, 1, None]), min_size=users, max_size=users))
    communities = draw(
        st.lists(
            st.tuples(
                st.sampled_from([Visibility.OPEN, Visibility.PRIVATE]),
                st.sampled_from(
                    [
                        CommunityStatus.ACTIVE,
                        CommunityStatus.ACTIVE,
                        CommunityStatus.PROPOSED,
                        CommunityStatus.DECLINED,
                    ]
                ),  # fmt: skip
                person,
            ),
            min_size=1,
            max_size=3,
        )
    )
    places = st.one_of(st.none(), st.integers(0, len(communities) - 1))
    roles = draw(
        st.dictionaries(
            st.tuples(person, st.integers(0, len(communities) - 1)),
            st.sampled_from([MemberRole.MEMBER, MemberRole.FACILITATOR]),
            max_size=users * len(communities),
        )
    )
    methods: list = []
    for index in range(draw(st.integers(0, 4))):
        parent = draw(st.one_of(st.none(), st.integers(0, index - 1))) if index else None
        methods.append((
            draw(places),
            draw(st.sampled_from(list(MethodStatus))),
            draw(st.lists(person, min_size=1, max_size=2, unique=True)),
            parent,
        ))  # fmt: skip
    projects = draw(
        st.lists(
            st.tuples(places, st.lists(person, max_size=2, unique=True), st.integers(0, 2)),
            max_size=3,
        )
    )
    threads = draw(st.lists(st.integers(0, len(communities) - 1), max_size=3))
    thread_count = len(threads) + len(methods) + len(projects)
    posts = []
    if thread_count:
        posts = draw(
            st.lists(
                st.tuples(st.integers(0, thread_count - 1), person, st.booleans(), st.booleans()),
                max_size=6,
            )
        )
    requests = draw(
        st.lists(
            st.tuples(
                st.integers(0, 1),
                st.one_of(st.none(), person),
                st.lists(person, max_size=2, unique=True),
            ),
            max_size=2,
        )
    )
    return WorldPlan(admins, homes, communities, roles, methods, projects, threads, posts,
                     requests)  # fmt: skip


# ------------------------------------------------------------------ building it


@dataclass
class World:
    users: list[User]
    communities: list[Community]
    methods: list[Method]
    projects: list[Project]
    measures: list[Measure]
    threads: list[Thread]
    posts: list[Post]
    requests: list[MentoringRequest]


def build(plan: WorldPlan, organisations) -> World:
    session = visibility.db.session
    now = utcnow()
    organisation = organisations[0]
    users = []
    for is_admin, home in zip(plan.admins, plan.homes, strict=True):
        n = next(_names)
        users.append(User(
            username=f"reader-{n}", name=f"Reader {n}", email=f"reader-{n}@nhs.example",
            password_hash="x", role=Role.ADMIN if is_admin else Role.MEMBER,
            organisation_id=organisations[home].id if home is not None else None,
            email_confirmed_at=now,
        ))  # fmt: skip
    session.add_all(users)
    session.flush()
    communities = []
    for kind, status, proposer in plan.communities:
        n = next(_names)
        communities.append(Community(
            name=f"World community {n}", slug=f"world-community-{n}", purpose="p",
            learning_question="q", visibility=kind, status=status,
            created_by_id=users[proposer].id, member_count=0, thread_count=0,
        ))  # fmt: skip
    session.add_all(communities)
    session.flush()
    session.add_all(
        Membership(community_id=communities[c].id, user_id=users[u].id, role=role)
        for (u, c), role in plan.roles.items()
    )
    methods = []
    for place, status, authors, parent in plan.methods:
        n = next(_names)
        method = Method(
            title=f"Method {n}", slug=f"method-{n}", summary="s", status=status,
            community_id=communities[place].id if place is not None else None,
            parent_id=methods[parent].id if parent is not None else None,
            created_by_id=users[authors[0]].id, version=1, use_count=0,
            organisation_count=0, adaptation_count=0,
        )  # fmt: skip
        method.authors = [
            MethodAuthor(user_id=users[a].id, role=AuthorRole.CO_AUTHOR if i else AuthorRole.LEAD)
            for i, a in enumerate(authors)
        ]  # fmt: skip
        session.add(method)
        session.flush()
        methods.append(method)
    projects, measures = [], []
    for place, leads, measure_count in plan.projects:
        n = next(_names)
        project = Project(
            title=f"Project {n}", slug=f"project-{n}", aim="a",
            organisation_id=organisation.id, system_id=organisation.system_id,
            community_id=communities[place].id if place is not None else None,
            start_date=date(2025, 1, 1),
        )  # fmt: skip
        session.add(project)
        session.flush()
        session.add_all(TeamMember(project_id=project.id, user_id=users[u].id, is_lead=True)
                        for u in leads)  # fmt: skip
        measures += [
            Measure(project_id=project.id, name=f"Measure {m}", definition="d")
            for m in range(measure_count)
        ]
        projects.append(project)
    session.add_all(measures)
    threads = []
    homes = (
        [{"community_id": communities[c].id} for c in plan.threads]
        + [{"method_id": m.id} for m in methods]
        + [{"project_id": p.id} for p in projects]
    )
    for home in homes:
        n = next(_names)
        threads.append(Thread(title=f"Thread {n}", slug=f"thread-{n}", post_count=0, **home))
    session.add_all(threads)
    session.flush()
    posts = []
    for position, (t, author, hidden, removed) in enumerate(plan.posts, start=1):
        posts.append(Post(
            thread_id=threads[t].id, position=position, author_id=users[author].id,
            body_source="b", body_html="<p>b</p>", hidden_at=now if hidden else None,
            deleted_at=now if removed else None,
        ))  # fmt: skip
    session.add_all(posts)
    requests = []
    for home, requester, mentors in plan.requests:
        request = MentoringRequest(
            organisation_id=organisations[home].id, title="Help with run charts", aim="a",
            timescale="months", requester_id=users[requester].id if requester is not None else None,
        )  # fmt: skip
        session.add(request)
        session.flush()
        session.add_all(
            MentoringAsk(request_id=request.id, mentor_id=users[m].id, expires_at=now)
            for m in mentors
        )
        requests.append(request)
    session.flush()
    session.expire_all()  # every check reads the world from the database, as a request would
    return World(users, communities, methods, projects, measures, threads, posts, requests)


# ------------------------------------------------------------------ the property

# (per-object check, SQL filter, bulk form, model) for each kind of object.
RULES = {
    "community": (
        visibility.can_see_community,
        visibility.visible_communities_clause,
        visibility.users_who_can_see,
        Community,
    ),
    "method": (
        visibility.can_see_method,
        visibility.visible_methods_clause,
        visibility.users_who_can_see_method,
        Method,
    ),
    "project": (
        visibility.can_see_project,
        visibility.visible_projects_clause,
        visibility.users_who_can_see_project,
        Project,
    ),
    "measure": (
        visibility.can_see_measure,
        visibility.visible_measures_clause,
        visibility.users_who_can_see_measure,
        Measure,
    ),
    "thread": (
        visibility.can_see_thread,
        visibility.visible_threads_clause,
        visibility.users_who_can_see_thread,
        Thread,
    ),
    "post": (
        visibility.can_see_post,
        visibility.visible_posts_clause,
        visibility.users_who_can_see_post,
        Post,
    ),
    "mentoring request": (
        visibility.can_see_request,
        visibility.visible_requests_clause,
        visibility.users_who_can_see_request,
        MentoringRequest,
    ),
}


def _disagreements(world: World) -> list[str]:
    session = visibility.db.session
    everyone = {u.id for u in world.users}
    objects = {
        "community": world.communities,
        "method": world.methods,
        "project": world.projects,
        "measure": world.measures,
        "thread": world.threads,
        "post": world.posts,
        "mentoring request": world.requests,
    }
    found = []
    for kind, (check, clause, bulk, model) in RULES.items():
        ids = [o.id for o in objects[kind]]
        if not ids:
            continue
        told = {o.id: bulk(session.get(model, o.id), set(everyone)) for o in objects[kind]}
        for reader in [*world.users, AnonymousUserMixin()]:
            filtered = set(
                session.scalars(sa.select(model.id).where(model.id.in_(ids), clause(reader)))
            )
            for object_id in ids:
                one = check(reader, session.get(model, object_id))
                in_sql = object_id in filtered
                in_bulk = getattr(reader, "id", None) in told[object_id]
                if not (one == in_sql == in_bulk):
                    name = getattr(reader, "username", "signed out")
                    found.append(
                        f"{kind} {object_id} for {name}: check {one}, SQL {in_sql}, bulk {in_bulk}"
                    )
    return found


@pytest.fixture
def organisations(organisation, make_organisation):
    return [organisation, make_organisation("Elsewhere Community Health")]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=worlds())
def test_the_check_the_filter_and_the_bulk_form_agree(db, organisations, plan):
    try:
        world = build(plan, organisations)
        assert _disagreements(world) == []
    finally:
        db.session.rollback()
