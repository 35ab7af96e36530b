"""The expertise finder: people ranked by evidence that they know about a topic.

A topic is free text ("discharge delays") or an expertise tag. Each *source*
of evidence is a SELECT of rows (user_id, source, item_id, points); the finder
adds them up per person in SQL and shows the strongest items in words. What
counts, and for how much:

=================  ======  ==================================================
source             points  what it is
=================  ======  ==================================================
key_learning       5       a reply marked as its thread's key learning, in a
                           thread (or itself) about the topic
helpful_reply      1–3     a reply others marked helpful, about the topic:
                           1 + 0.5 per reaction, at most 3 (a key learning
                           with reactions scores both)
method             3–4     an author of a published method (or adaptation)
                           about the topic: 3, + 0.25 per member who has
                           used it, at most 4
project            1–2     on the team of a project about the topic: 2 for
                           a lead, 1 for another member
declared           1.5     lists a matching area of expertise on their profile
profile            0.5     their profile (job title, bio) mentions the topic
=================  ======  ==================================================

A topic the expertise vocabulary names ("SPC", "statistical process control",
"Statistical process control (SPC)": `community.search.vocabulary`) is the
same Topic however it is spelt, and its evidence is any of its tags' phrases
(never a bare ambiguous word: "falls" is not "fall away"); only a topic the
vocabulary does not know is matched by its words.

Evidence is found through the search index with the *viewer's* permissions,
so a reply in a private community the viewer is not in never counts, nor
shows, and neither does a method or project the viewer could not open. Every
source is bounded: evidence is drawn from the newest CANDIDATES documents of
its kind matching the topic (for "who else is working on this", the newest
RECENT_WINDOW with any of a title's words), and each source returns at most
SOURCE_LIMIT rows. The evidence is summed per person and ranked in the database,
and only a page's people's evidence is read back (`ranked_page`); nothing is kept
between requests, so evidence taken away (a post hidden, a
method unpublished, a community made private) never counts on the next one.

To add another source (mentorships, say): write a function returning such a
SELECT, add it to `SOURCES`, and add a line-writer to `DESCRIBERS` in
`evidence_lines.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from community.accounts.models import User, member_expertise
from community.core.extensions import db
from community.directory.models import Organisation
from community.discussions.models import Post, Thread
from community.methods.models import Method, MethodAuthor, MethodStatus
from community.projects.models import TeamMember
from community.search.backends import backend
from community.search.evidence_lines import EvidenceLine, explain
from community.search.index import kinds_in
from community.search.kinds.discussions import POST, THREAD
from community.search.models import SearchDocument
from community.search.query import SearchQuery
from community.search.services import matching
from community.search.topics import Topic, topic_from
from community.visibility import shown_to_every_reader

# The expertise finder reads the newest documents of each kind matching the topic,
# this many at most before visibility: its cost does not grow with the matches.
CANDIDATES = 500
# "Who else is working on this" reads the newest documents of each kind with any of
# a title's words, this many at most before visibility: a thread page costs about
# the same however many posts mention "discharge".
RECENT_WINDOW = 500
SOURCE_LIMIT = 5000
EVIDENCE_SHOWN = 3
KEY_LEARNING_POINTS = 5.0
DECLARED_POINTS = 1.5
METHOD_POINTS, METHOD_USE_POINTS, MAX_METHOD_POINTS = 3.0, 0.25, 4.0
PROJECT_LEAD_POINTS, PROJECT_MEMBER_POINTS = 2.0, 1.0
PROFILE_POINTS = 0.5
# ------------------------------------------------------------------ sources of evidence


def _newest_matching(stmt: sa.Select, viewer, topic: Topic, group: str,
                     leave_out=None) -> sa.Select:  # fmt: skip
    """Restrict `stmt` (over SearchDocument) to the newest matches of the topic the
    viewer may see: the newest RECENT_WINDOW with any of its words ("who else is
    working on this"), or the newest CANDIDATES matching it all (the finder)."""
    stmt = matching(stmt, viewer, SearchQuery(), [group])
    kinds = [k.name for k in kinds_in([group])]
    if topic.any_terms:
        return backend().match_any(stmt, list(topic.any_terms), RECENT_WINDOW, kinds, leave_out)
    if topic.phrases:
        return backend().match_any(stmt, list(topic.phrases), CANDIDATES, kinds)
    return backend().match_newest(stmt, topic.query, CANDIDATES, kinds)


def _topic_documents(viewer, topic: Topic, group: str = "discussions") -> sa.CTE:
    """The documents of one group about the topic that the viewer may see (bounded)."""
    stmt = sa.select(SearchDocument.kind, SearchDocument.object_id)
    this_thread = None
    if topic.exclude_thread_id and group == "discussions":
        in_thread = sa.select(Post.id).where(Post.thread_id == topic.exclude_thread_id)
        this_thread = sa.select(SearchDocument.id).where(sa.or_(
            sa.and_(SearchDocument.kind == THREAD,
                    SearchDocument.object_id == topic.exclude_thread_id),
            sa.and_(SearchDocument.kind == POST, SearchDocument.object_id.in_(in_thread)),
        ))  # fmt: skip
    stmt = _newest_matching(stmt, viewer, topic, group, leave_out=this_thread)
    if this_thread is not None:
        stmt = stmt.where(SearchDocument.id.not_in(this_thread))
    name = "topic_documents" if group == "discussions" else f"topic_{group}"
    return stmt.cte(name)


def discussion_evidence(viewer, topic: Topic) -> sa.Select:
    found = _topic_documents(viewer, topic)
    threads = sa.select(found.c.object_id).where(found.c.kind == THREAD)
    replies = sa.select(found.c.object_id).where(found.c.kind == POST)
    is_key = Thread.key_post_id == Post.id
    helpful_points = sa.case(
        (Post.helpful_count <= 0, 0.0),
        (Post.helpful_count >= 4, 3.0),
        else_=1.0 + 0.5 * Post.helpful_count,
    )
    return (
        sa.select(
            Post.author_id.label("user_id"),
            sa.case((is_key, "key_learning"), else_="helpful_reply").label("source"),
            Post.id.label("item_id"),
            (sa.case((is_key, KEY_LEARNING_POINTS), else_=0.0) + helpful_points).label("points"),
        )
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.position > 1,
            Post.author_id.is_not(None),
            shown_to_every_reader(),
            sa.or_(Post.thread_id.in_(threads), Post.id.in_(replies)),
            sa.or_(is_key, Post.helpful_count > 0),
        )  # fmt: skip
        .limit(SOURCE_LIMIT)
    )


def declared_evidence(viewer, topic: Topic) -> sa.Select | None:
    if not topic.tag_ids:
        return None
    return (
        sa.select(
            member_expertise.c.user_id,
            sa.literal("declared").label("source"),
            sa.func.min(member_expertise.c.tag_id).label("item_id"),
            sa.literal(DECLARED_POINTS).label("points"),
        )
        .where(member_expertise.c.tag_id.in_(topic.tag_ids))
        .group_by(member_expertise.c.user_id)
        .limit(SOURCE_LIMIT)
    )


def profile_evidence(viewer, topic: Topic) -> sa.Select | None:
    if topic.any_terms or not topic.query.wanted:
        return None
    stmt = sa.select(
        SearchDocument.object_id.label("user_id"),
        sa.literal("profile").label("source"),
        SearchDocument.object_id.label("item_id"),
        sa.literal(PROFILE_POINTS).label("points"),
    )
    return _newest_matching(stmt, viewer, topic, "people")


def method_evidence(viewer, topic: Topic) -> sa.Select:
    """Every author of a published method about the topic (drafts are no evidence yet)."""
    found = _topic_documents(viewer, topic, "methods")
    most_uses = (MAX_METHOD_POINTS - METHOD_POINTS) / METHOD_USE_POINTS
    points = sa.case(
        (Method.use_count >= most_uses, MAX_METHOD_POINTS),
        else_=METHOD_POINTS + METHOD_USE_POINTS * Method.use_count,
    )
    return (
        sa.select(
            MethodAuthor.user_id,
            sa.literal("method").label("source"),
            Method.id.label("item_id"),
            points.label("points"),
        )
        # From the few documents found, not from every published method.
        .select_from(found)
        .join(Method, Method.id == found.c.object_id)
        .join(MethodAuthor, MethodAuthor.method_id == Method.id)
        .where(Method.status == MethodStatus.PUBLISHED)
        .limit(SOURCE_LIMIT)
    )


def project_evidence(viewer, topic: Topic) -> sa.Select:
    """The team of each project about the topic: its leads count double."""
    found = _topic_documents(viewer, topic, "projects")
    points = sa.case((TeamMember.is_lead, PROJECT_LEAD_POINTS), else_=PROJECT_MEMBER_POINTS)
    return (
        sa.select(
            TeamMember.user_id,
            sa.literal("project").label("source"),
            TeamMember.project_id.label("item_id"),
            points.label("points"),
        )
        .select_from(found)
        .join(TeamMember, TeamMember.project_id == found.c.object_id)
        .limit(SOURCE_LIMIT)
    )


SOURCES: list[Callable[[object, Topic], sa.Select | None]] = [
    discussion_evidence,
    method_evidence,
    project_evidence,
    declared_evidence,
    profile_evidence,
]


def evidence(viewer, topic: Topic) -> sa.CTE:
    """Every piece of evidence on the topic, one row each (user_id, source, item_id, points)."""
    selects = [s for s in (source(viewer, topic) for source in SOURCES) if s is not None]
    # Each source is wrapped so its own ORDER BY/LIMIT stays inside it.
    parts = [sa.select(*s.subquery().c) for s in selects]
    return sa.union_all(*parts).cte("evidence")


# ------------------------------------------------------------------ ranking


def _people_filters(stmt: sa.Select, user_id, topic: Topic, system_id: int | None,
                    name: str) -> sa.Select:  # fmt: skip
    """Keep to the people the filters name (`user_id`: the column that says who); the
    members' table is joined only when a filter reads it."""
    if system_id or name:
        stmt = stmt.join(User, User.id == user_id)
    if system_id:
        in_system = sa.select(Organisation.id).where(Organisation.system_id == system_id)
        stmt = stmt.where(User.organisation_id.in_(in_system))
    if topic.exclude_user_ids:
        stmt = stmt.where(user_id.not_in(topic.exclude_user_ids))
    if name:
        pattern = name.lower()
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).contains(pattern, autoescape=True),
                User.username.contains(pattern, autoescape=True),
            )
        )
    return stmt


COUNTED = {
    "key_learning": "key_learnings",
    "helpful_reply": "helpful_replies",
    "method": "methods",
    "project": "projects",
}


@dataclass
class Expert:
    user_id: int
    score: float
    key_learnings: int = 0
    helpful_replies: int = 0
    methods: int = 0
    projects: int = 0
    lines: list[EvidenceLine] = field(default_factory=list)
    person: User | None = None
    # (points, item id, source) of each piece of their evidence.
    items: list[tuple[float, int, str]] = field(default_factory=list, repr=False)

    @property
    def summary(self) -> str:
        parts = []
        if self.key_learnings:
            parts.append(
                f"{self.key_learnings} key learning{'s' if self.key_learnings > 1 else ''}"
            )
        if self.helpful_replies:
            n = self.helpful_replies
            parts.append(f"{n} helpful repl{'y' if n == 1 else 'ies'}")
        if self.methods:
            parts.append(f"{self.methods} method{'s' if self.methods > 1 else ''}")
        if self.projects:
            parts.append(f"{self.projects} project{'s' if self.projects > 1 else ''}")
        if len(parts) > 2:
            return ", ".join(parts[:-1]) + " and " + parts[-1]
        return " and ".join(parts)

    def add(self, points: float, item_id: int, source: str) -> None:
        self.items.append((float(points), item_id, source))
        if source in COUNTED:
            setattr(self, COUNTED[source], getattr(self, COUNTED[source]) + 1)


def ranked_page(viewer, topic: Topic, system_id: int | None = None, name: str = "",
                offset: int = 0, limit: int = 20) -> tuple[int, list[Expert]]:  # fmt: skip
    """How many people the filters keep have evidence on the topic, and those ranked
    `offset` to `offset + limit`, best first: by the sum of their evidence's points,
    then by name. Each comes with their evidence (points, item, source).

    One statement, read afresh with the viewer's permissions: the evidence is found
    once, summed per person and ranked in the database, and only the page's people's
    evidence comes back (a common topic has thousands of people with evidence, a page
    shows twenty).
    """
    found = evidence(viewer, topic)
    people = _people_filters(
        sa.select(found.c.user_id, sa.func.sum(found.c.points).label("score"))
        .group_by(found.c.user_id),
        found.c.user_id, topic, system_id, name,
    ).cte("people")  # fmt: skip
    # Names are read only for the people who can be on the page: those scoring at least
    # what the page's last place scores (ties with it included, to be ordered by name).
    # Reading every name to sort thousands of people cost about 10 ms a ranking.
    last_place = (
        sa.select(people.c.score).order_by(people.c.score.desc())
        .limit(1).offset(offset + limit - 1).scalar_subquery()
    )  # fmt: skip
    page = (
        sa.select(people.c.user_id, User.name, people.c.score)
        .join(User, User.id == people.c.user_id)
        .where(people.c.score >= sa.func.coalesce(last_place, people.c.score))
        .order_by(people.c.score.desc(), User.name, people.c.user_id)
        .limit(limit).offset(offset)
        .cte("page")
    )  # fmt: skip
    total = sa.select(sa.func.count()).select_from(people).scalar_subquery()
    # (From one constant row, so the count comes back even for a page past the end.)
    one = sa.select(sa.literal(1).label("one")).subquery("one")
    # (Evidence is kept to the page's people by IN as well as by the join: otherwise
    # SQLite reads all of it once for each person on the page.)
    on_page = sa.and_(
        found.c.user_id == page.c.user_id,
        found.c.user_id.in_(sa.select(page.c.user_id)),
    )
    rows = db.session.execute(
        sa.select(total.label("total"), page.c.user_id, page.c.name, page.c.score,
                  found.c.source, found.c.item_id, found.c.points)
        .select_from(one)
        .outerjoin(page, sa.true())
        .outerjoin(found, on_page)
    ).all()  # fmt: skip
    experts: dict[int, tuple[str, Expert]] = {}
    for row in rows:
        if row.user_id is None:
            continue
        if row.user_id not in experts:
            experts[row.user_id] = (row.name, Expert(row.user_id, float(row.score)))
        experts[row.user_id][1].add(row.points, row.item_id, row.source)
    order = sorted(experts.values(), key=lambda pair: (-pair[1].score, pair[0], pair[1].user_id))
    return (rows[0].total if rows else 0), [expert for _name, expert in order]


def with_people(ranked: list[Expert]) -> list[Expert]:
    """These experts, with each one's member (and their tags) loaded."""
    experts = list(ranked)
    if not experts:
        return []
    people = db.session.scalars(sa.select(User).where(User.id.in_([e.user_id for e in experts])))
    by_id = {person.id: person for person in people}
    for expert in experts:
        expert.person = by_id.get(expert.user_id)
    return [e for e in experts if e.person is not None]  # an account deleted since


class ExpertsPage(Pagination):
    """One page of the ranked people, ranked in the database (`ranked_page`)."""

    def _query_items(self) -> list[Expert]:
        args = self._query_args
        offset = (self.page - 1) * self.per_page
        args["total"], experts = ranked_page(args["viewer"], args["topic"], args["system_id"],
                                             args["name"], offset, self.per_page)  # fmt: skip
        return with_people(experts)

    def _query_count(self) -> int:
        return self._query_args["total"]


@dataclass
class Finding:
    topic: Topic
    page: Pagination


def find_experts(viewer, text: str, *, system_id: int | None = None, name: str = "",
                 page: int = 1, per_page: int = 20) -> Finding:  # fmt: skip
    """People ranked by evidence on the topic, each with the evidence in words."""
    topic = topic_from(text)
    result = ExpertsPage(page=page, per_page=per_page, error_out=False, viewer=viewer,
                         topic=topic, system_id=system_id, name=name)  # fmt: skip
    explain(viewer, topic, result.items, EVIDENCE_SHOWN)
    return Finding(topic, result)
