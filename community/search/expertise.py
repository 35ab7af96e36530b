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
SOURCE_LIMIT rows. The rows are read once per request and ranked in Python;
nothing is kept between requests, so evidence taken away (a post hidden, a
method unpublished, a community made private) never counts on the next one.

To add another source (mentorships, say): write a function returning such a
SELECT, add it to `SOURCES`, and add a line-writer to `DESCRIBERS` in
`evidence_lines.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def evidence_rows(viewer, topic: Topic, system_id: int | None = None, name: str = "") -> list:
    """Every piece of evidence on the topic, for the people the filters keep:
    (user id, their name, source, item id, points). Read once per request: the
    ranking, the count and the evidence in words all come from these rows."""
    found = evidence(viewer, topic)
    stmt = sa.select(
        found.c.user_id, User.name, found.c.source, found.c.item_id, found.c.points
    ).join(User, User.id == found.c.user_id)
    if system_id:
        in_system = sa.select(Organisation.id).where(Organisation.system_id == system_id)
        stmt = stmt.where(User.organisation_id.in_(in_system))
    if topic.exclude_user_ids:
        stmt = stmt.where(User.id.not_in(topic.exclude_user_ids))
    if name:
        pattern = name.lower()
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).contains(pattern, autoescape=True),
                User.username.contains(pattern, autoescape=True),
            )
        )
    return db.session.execute(stmt).all()


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


class Ranking(Sequence):
    """People best first, each made an Expert (with their items and counts) only when
    a page asks for them: a common topic has thousands of people with evidence, a page
    shows twenty, and a few floats per row are all the ranking itself needs."""

    def __init__(self, order: list[tuple[int, float]], rows):
        self._order, self._rows = order, rows

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._experts(self._order[index])
        return self._experts([self._order[index]])[0]

    def _experts(self, chosen: list[tuple[int, float]]) -> list[Expert]:
        experts = {user_id: Expert(user_id, score) for user_id, score in chosen}
        for user_id, _name, source, item_id, points in self._rows:
            expert = experts.get(user_id)
            if expert is not None:
                expert.items.append((float(points), item_id, source))
                if source in COUNTED:
                    setattr(expert, COUNTED[source], getattr(expert, COUNTED[source]) + 1)
        return list(experts.values())


def rank_experts(rows) -> Ranking:
    """People by the sum of their evidence's points, then by name: best first."""
    scores: dict[int, float] = {}
    names: dict[int, str] = {}
    for user_id, name, _source, _item_id, points in rows:
        scores[user_id] = scores.get(user_id, 0.0) + float(points)
        names[user_id] = name
    order = sorted(scores, key=lambda user_id: (-scores[user_id], names[user_id], user_id))
    return Ranking([(user_id, scores[user_id]) for user_id in order], rows)


def _ranking(viewer, topic: Topic, system_id: int | None = None, name: str = "") -> Ranking:
    """The ranking for the topic and filters, read afresh with the viewer's permissions."""
    return rank_experts(evidence_rows(viewer, topic, system_id, name))


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
    """One page of the ranked people (ranked in full from the request's evidence rows)."""

    def _query_items(self) -> list[Expert]:
        start = (self.page - 1) * self.per_page
        return with_people(self._query_args["ranked"][start : start + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["ranked"])


@dataclass
class Finding:
    topic: Topic
    page: Pagination


def find_experts(viewer, text: str, *, system_id: int | None = None, name: str = "",
                 page: int = 1, per_page: int = 20) -> Finding:  # fmt: skip
    """People ranked by evidence on the topic, each with the evidence in words."""
    topic = topic_from(text)
    ranked = _ranking(viewer, topic, system_id, name)
    result = ExpertsPage(page=page, per_page=per_page, error_out=False, ranked=ranked)
    explain(viewer, topic, result.items, EVIDENCE_SHOWN)
    return Finding(topic, result)
