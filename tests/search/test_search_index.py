"""The index stays in step with the content through every change, and can prove it.

`in_step()` is `flask search check`'s logic: every difference between what the
content calls for and what the index holds, plus the full-text engine's own
integrity check. It must report nothing after any sequence of edits.
"""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from factories import add_member, documents_of, in_step, index_everyone, make_community

from community.accounts import services as accounts
from community.communities import services as communities
from community.core.errors import RuleViolation
from community.core.extensions import db as _db
from community.directory import services as directory
from community.discussions import moderation
from community.discussions import services as discussions
from community.discussions.models import Post, Thread
from community.methods import services as methods
from community.methods import uses
from community.methods.models import Method
from community.methods.snapshots import content_of
from community.projects import services as projects
from community.projects.models import Project
from community.search.models import SearchDocument


@pytest.fixture
def cast(db, make_user, make_organisation, admin, vocabulary):
    people = [make_user(f"person-{n}", name=f"Person {n}") for n in range(5)]
    organisations = [make_organisation() for _ in range(3)]
    index_everyone()
    return {"people": people, "admin": admin, "organisations": organisations, "tags": vocabulary}


WORDS = (
    "discharge",
    "falls",
    "frailty",
    "huddle",
    "board",
    "round",
    "lean",
    "sepsis",
    "ward",
    "audit",
    "flow",
    "virtual",
    "<b>bold</b>",
    "5 < 6 &",
    "co-design",
    "naïve",
    "**x**",
)


def _text(rng: random.Random, n: int = 6) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


class Sequence:
    """Random edits of every kind the services allow, each followed by a check."""

    def __init__(self, rng: random.Random, cast: dict):
        self.rng, self.people, self.admin = rng, cast["people"], cast["admin"]
        self.organisations, self.tags = cast["organisations"], cast["tags"]
        self.communities: list = []

    def _posts(self):
        return list(_db.session.scalars(sa.select(Post).order_by(Post.id)))

    def _threads(self):
        return list(_db.session.scalars(sa.select(Thread).order_by(Thread.id)))

    def propose(self):
        owner = self.rng.choice(self.people)
        community = make_community(
            owner,
            f"Group {len(self.communities)} {_text(self.rng, 2)}",
            private=self.rng.random() < 0.4,
            purpose=_text(self.rng),
        )
        for person in self.people:
            if person.id != owner.id and self.rng.random() < 0.7:
                add_member(community, person, owner)
        self.communities.append(community)

    def update_community(self):
        community = self.rng.choice(self.communities)
        communities.update_community(
            self.admin,
            community,
            name=f"{community.name[:60]} {self.rng.randint(0, 99)}",
            purpose=_text(self.rng),
            learning_question=_text(self.rng),
            visibility=self.rng.choice(["open", "private"]),
            listed=False,
        )

    def start(self):
        discussions.start_thread(
            self.admin, self.rng.choice(self.communities), _text(self.rng, 4), _text(self.rng, 12)
        )

    def reply(self):
        thread = self.rng.choice(self._threads())
        discussions.reply(self.admin, thread, _text(self.rng, 10))

    def edit(self):
        post = self.rng.choice(self._posts())
        author = _db.session.get(type(self.admin), post.author_id)
        discussions.edit_post(author, post, _text(self.rng, 9))

    def delete(self):
        post = self.rng.choice(self._posts())
        discussions.delete_post(_db.session.get(type(self.admin), post.author_id), post)

    def hide(self):
        moderation.hide_post(self.admin, self.rng.choice(self._posts()))

    def unhide(self):
        moderation.unhide_post(self.admin, self.rng.choice(self._posts()))

    def flag_three_times(self):
        post = self.rng.choice(self._posts())
        for person in self.people[:3]:
            moderation.flag_post(person, post, "spam", "")

    def review(self):
        post = self.rng.choice(self._posts())
        moderation.review_flags(self.admin, post, self.rng.choice(["keep", "hide", "warn"]))

    def helpful(self):
        discussions.toggle_helpful(self.rng.choice(self.people), self.rng.choice(self._posts()))

    def key_learning(self):
        post = self.rng.choice(self._posts())
        discussions.set_key_learning(self.admin, post, mark=self.rng.random() < 0.7)

    def move(self):
        thread = self.rng.choice(self._threads())
        target = self.rng.choice(self.communities)
        # Out of a private community too (the facilitator's explicit choice): the index
        # must follow a thread wherever it goes.
        moderation.move_thread(self.admin, thread, target, widen_audience=True)

    def profile(self):
        person = self.rng.choice(self.people)
        accounts.update_profile(
            person,
            name=f"{person.name.split()[0]} {_text(self.rng, 1)}",
            job_title=_text(self.rng, 2),
            organisation_id=self.rng.choice(self.organisations).id,
            bio=_text(self.rng, 8),
            tag_ids=[t.id for t in self.rng.sample(self.tags, 2)],
            other_tags=_text(self.rng, 1),
        )

    def organisation(self):
        organisation = self.rng.choice(self.organisations)
        system = self.rng.choice(self.organisations).system
        directory.save_organisation(
            self.admin,
            organisation,
            name=f"Trust {_text(self.rng, 2)}"[:150],
            org_type="acute_trust",
            system_id=system.id,
        )

    def system(self):
        system = self.rng.choice(self.organisations).system
        directory.save_system(
            self.admin, system, name=f"System {self.rng.randint(0, 10**6)}", region="North"
        )

    # Methods and projects, written by the administrator (who may use any community).

    def _community_id(self):
        return self.rng.choice([None, *(c.id for c in self.communities)])

    def _methods(self):
        return list(_db.session.scalars(sa.select(Method).order_by(Method.id)))

    def write_method(self):
        from factories import content, context

        published = [m for m in self._methods() if m.is_published]
        parent = self.rng.choice(published) if published and self.rng.random() < 0.3 else None
        methods.create_method(
            self.admin,
            content(
                _text(self.rng, 3), summary=_text(self.rng), community_id=self._community_id()
            ),  # fmt: skip
            publish=self.rng.random() < 0.6,
            parent=parent,
            context=context(what_changed=_text(self.rng)) if parent else None,
        )

    def change_method(self):
        method = self.rng.choice(self._methods())
        step = self.rng.choice(["edit", "publish", "unpublish", "delete", "use", "unuse"])
        if step == "edit":
            edited = content_of(method)
            edited.title, edited.community_id = _text(self.rng, 3), self._community_id()
            edited.sections["pitfalls"] = _text(self.rng)
            methods.update_method(self.admin, method, edited, base_version=method.version)
        elif step == "publish":
            methods.publish(self.admin, method)
        elif step == "unpublish":
            methods.unpublish(self.admin, method)
        elif step == "delete":
            methods.delete_method(self.admin, method)
        elif step == "use":
            uses.record_use(self.rng.choice(self.people), method)
        else:
            uses.withdraw_use(self.rng.choice(self.people), method)

    def start_project(self):
        from datetime import date

        projects.start_project(self.admin, projects.ProjectDetails(
            title=_text(self.rng, 3), aim=_text(self.rng), problem=_text(self.rng),
            organisation_id=self.rng.choice(self.organisations).id,
            community_id=self._community_id(), programme_type="local", national_programme="",
            status="planning", start_date=date(2025, 1, 1),
        ))  # fmt: skip

    def change_project(self):
        project = self.rng.choice(list(_db.session.scalars(sa.select(Project))))
        if self.rng.random() < 0.3:
            projects.set_progress(self.admin, project, self.rng.choice([1.0, 3.5, 5.0]), "")
            return
        projects.update_project(self.admin, project, projects.ProjectDetails(
            title=_text(self.rng, 3), aim=_text(self.rng), problem=_text(self.rng),
            organisation_id=self.rng.choice(self.organisations).id,
            community_id=self._community_id(), programme_type="national",
            national_programme=_text(self.rng, 2), status=self.rng.choice(["testing", "complete"]),
            start_date=project.start_date,
        ))  # fmt: skip

    OPERATIONS = (
        "start",
        "reply",
        "reply",
        "edit",
        "delete",
        "hide",
        "unhide",
        "flag_three_times",
        "review",
        "helpful",
        "key_learning",
        "move",
        "update_community",
        "profile",
        "organisation",
        "system",
        "propose",
        "write_method",
        "change_method",
        "change_method",
        "start_project",
        "change_project",
    )

    def run(self, steps: int) -> None:
        self.propose()
        self.propose()
        self.start()
        self.write_method()
        self.start_project()
        for step in range(steps):
            name = self.rng.choice(self.OPERATIONS)
            try:
                getattr(self, name)()
            except RuleViolation:
                _db.session.rollback()  # refused, and nothing half-saved: still in step
            assert in_step() == [], f"after step {step}: {name}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_index_matches_the_content_after_any_sequence_of_edits(cast, seed):
    Sequence(random.Random(seed), cast).run(45)


def test_a_refused_change_leaves_the_index_as_it_was(cast):
    person = cast["people"][0]
    community = make_community(person, "Locked group")
    thread = discussions.start_thread(person, community, "Locked thread", "Opening words")
    moderation.moderate_thread(person, thread, "lock")
    with pytest.raises(RuleViolation):
        discussions.reply(cast["people"][1], thread, "This reply is refused")
    _db.session.rollback()
    assert documents_of("post") == set()
    assert in_step() == []


def test_check_lists_differences_and_reindex_repairs_them(cast, app):
    person = cast["people"][0]
    community = make_community(person, "Repair group")
    thread = discussions.start_thread(person, community, "Repair thread", "Opening words")
    _db.session.execute(
        sa.delete(SearchDocument).where(
            SearchDocument.kind == "person", SearchDocument.object_id == person.id
        )
    )
    _db.session.execute(
        sa.update(SearchDocument).where(SearchDocument.kind == "thread").values(title="Wrong title")
    )
    _db.session.add(
        SearchDocument(
            kind="post",
            object_id=999999,
            title="",
            body="ghost",
            tags="",
            dated_at=thread.created_at,
            boost=1.0,
        )
    )
    _db.session.commit()
    assert sorted(in_step()) == sorted(
        [
            f"person {person.id}: missing",
            f"thread {thread.id}: stale: title",
            "post 999999: not expected",
        ]
    )
    runner = app.test_cli_runner()
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 1
    assert f"thread {thread.id}: stale: title" in check.output
    reindex = runner.invoke(args=["search", "reindex"])
    assert reindex.exit_code == 0, reindex.output
    assert "Search index up to date (3 changed)" in reindex.output
    assert "Rebuilding" not in reindex.output  # the full-text index itself was in step
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert in_step() == []


def test_reindex_twice_writes_nothing_the_second_time(cast, app):
    runner = app.test_cli_runner()
    runner.invoke(args=["search", "reindex"])
    assert "(0 changed)" in runner.invoke(args=["search", "reindex"]).output


def test_a_corrupted_full_text_index_is_reported_and_rebuilt(cast, app):
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's tsvector is generated from the row and cannot drift")
    person = cast["people"][0]
    row = _db.session.scalar(sa.select(SearchDocument).where(SearchDocument.object_id == person.id))
    # Tell FTS5 to forget words the row never had: its index no longer matches the table.
    _db.session.execute(
        sa.text(
            "INSERT INTO search_fts(search_fts, rowid, title, body, tags) "
            "VALUES ('delete', :id, 'phantom words', 'more phantom words', '')"
        ),
        {"id": row.id},
    )
    _db.session.commit()
    assert any("full-text index" in problem for problem in in_step())
    repaired = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert repaired.exit_code == 0
    # The steps after the walk, which move no bar, say what they are doing.
    assert "Rebuilding the full-text index" in repaired.output
    assert "Optimising the full-text index" in repaired.output
    assert in_step() == []
