"""The content version: which committed changes move it, read from what each statement is.

Every cache that ends with the content version (community/caching/stores.py)
relies on it: a change that may take something away or alter it must move
`altered`; one that only adds moves `added`; writes no cached page reads move
neither. What the rules cannot classify counts as an alteration. The
statements below are run for real (and rolled back), as the app runs them.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from factories import add_member, counts, found, make_community, reply, start_thread
from helpers import PASSWORD
from sqlalchemy.dialects import postgresql, sqlite

from community.accounts.models import User
from community.audit.models import AuditEvent
from community.caching import versions
from community.caching.changes import _CHANGED, ADDED, ALTERED, CHANGES_NOTHING
from community.communities import services as communities
from community.communities.models import Community, Membership, Visibility
from community.core.extensions import db
from community.discussions import moderation
from community.discussions import services as discussions
from community.discussions.models import HelpfulReaction, Post, PostRevision, Thread
from community.notifications.models import Notification
from community.outbox.models import OutboxMessage
from community.search.models import SearchDocument

NOBODY = -1  # an id no row has: the statements run, and change no row


def _upsert():
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(Post.__table__).values(id=NOBODY, body_source="")
    return insert.on_conflict_do_update(index_elements=["id"], set_={"body_source": "x"})


STATEMENTS = [
    ("a new post", lambda: sa.insert(Post).from_select(
        [Post.thread_id, Post.body_source], sa.select(Post.thread_id, Post.body_source).where(
            Post.id == NOBODY)), ADDED),
    ("a reply's counters", lambda: sa.update(Thread).where(Thread.id == NOBODY).values(
        post_count=Thread.post_count + 1, last_post_at=datetime.now(UTC)), ADDED),
    ("a search document's boost", lambda: sa.update(SearchDocument).where(
        SearchDocument.id == NOBODY).values(boost=1.5), ADDED),
    ("a post hidden", lambda: sa.update(Post).where(Post.id == NOBODY).values(
        hidden_at=datetime.now(UTC)), ALTERED),
    ("a counter and the text", lambda: sa.update(Post).where(Post.id == NOBODY).values(
        helpful_count=0, body_html=""), ALTERED),
    ("a counter from a sub-select", lambda: sa.update(Post).where(Post.id == NOBODY).values(
        helpful_count=sa.select(sa.func.count()).where(HelpfulReaction.post_id == Post.id)
        .scalar_subquery()), ALTERED),
    ("a counter from a CASE", lambda: sa.update(Community).where(Community.id == NOBODY).values(
        thread_count=sa.case((Community.id == 1, 1), else_=0)), ALTERED),
    ("a member leaving", lambda: sa.delete(Membership).where(Membership.id == NOBODY), ALTERED),
    ("a version redacted", lambda: sa.update(PostRevision).where(
        PostRevision.id == NOBODY).values(body_source="", redacted_at=datetime.now(UTC)),
        ALTERED),
    ("a helpful mark taken back", lambda: sa.delete(HelpfulReaction).where(
        HelpfulReaction.post_id == NOBODY), ALTERED),
    ("a community made private", lambda: sa.update(Community).where(
        Community.id == NOBODY).values(visibility=Visibility.PRIVATE), ALTERED),
    ("a name with a sign-in", lambda: sa.update(User).where(User.id == NOBODY).values(
        name="A", last_sign_in_at=datetime.now(UTC)), ALTERED),
    ("an upsert", _upsert, ALTERED),
    ("INSERT OR REPLACE", lambda: sa.insert(Post).prefix_with("OR REPLACE").from_select(
        [Post.thread_id, Post.body_source], sa.select(Post.thread_id, Post.body_source).where(
            Post.id == NOBODY)), ALTERED),
    ("a notification", lambda: sa.insert(Notification).from_select(
        [Notification.recipient_id, Notification.kind],
        sa.select(Notification.recipient_id, Notification.kind).where(sa.false())), None),
    ("an email sent", lambda: sa.update(OutboxMessage).where(OutboxMessage.id == NOBODY).values(
        sent_at=datetime.now(UTC)), None),
    ("an audit event", lambda: sa.insert(AuditEvent).values(action="x"), None),
    ("signing in", lambda: sa.update(User).where(User.id == NOBODY).values(
        last_sign_in_at=datetime.now(UTC), session_token="t"), None),
    ("a read", lambda: sa.select(Post.id).where(Post.body_source.like("%update posts set%")),
     None),
    ("a read of a union", lambda: sa.union_all(sa.select(Post.id), sa.select(Thread.id)), None),
    # Fail closed: SQL given as text is an alteration, whatever it says, unless the code
    # that runs it says it changes nothing.
    ("text that reads", lambda: sa.text("SELECT 1"), ALTERED),
    ("text that deletes", lambda: sa.text("DELETE FROM posts WHERE id = -1"), ALTERED),
    ("text declared as changing nothing",
     lambda: sa.text("SELECT 1").execution_options(**CHANGES_NOTHING), None),
]  # fmt: skip


def _change_of(run) -> str | None:
    """What running `run(connection)` in a transaction that is then rolled back moved."""
    db.session.rollback()  # (lets go of SQLite's write lock)
    with db.engine.connect() as connection:
        transaction = connection.begin()
        # (A statement the database refuses (a constraint, another dialect) was classified
        # on its way there: that is all this looks at.)
        with contextlib.suppress(sa.exc.DBAPIError):
            run(connection)
        try:
            changes = connection.info.get(_CHANGED)
            return changes.strongest if changes is not None else None
        finally:
            transaction.rollback()


@pytest.mark.parametrize(("statement", "change"), [
    pytest.param(make, change, id=name) for name, make, change in STATEMENTS
])  # fmt: skip
def test_what_each_statement_does_to_content(db, statement, change):
    made = statement()
    assert _change_of(lambda connection: connection.execute(made)) == change


def test_sql_the_driver_is_given_as_text_is_an_alteration_unless_declared(db):
    assert _change_of(lambda c: c.exec_driver_sql("SELECT 1")) == ALTERED
    quiet = _change_of(lambda c: c.exec_driver_sql("SELECT 1", execution_options=CHANGES_NOTHING))
    assert quiet is None


def test_a_schema_change_is_an_alteration(db):
    def run(connection):
        sa.Table("scratch_table", sa.MetaData(), sa.Column("id", sa.Integer)).create(connection)

    assert _change_of(run) == ALTERED


def test_each_committed_change_is_counted_once_and_other_writes_not_at_all(db, member):
    start = versions.current()
    member.job_title = "Improvement lead"
    db.session.rollback()  # rolled back: nothing changed
    assert versions.current() == start

    member.name = "Sam Patel-Jones"  # (shown on every thread page: not confined to one)
    db.session.commit()
    once = (start.altered + 1, start.added, start.shared + 1)
    assert versions.current() == once  # once for the transaction

    db.session.execute(sa.update(Post).values(helpful_count=0))  # a bulk statement that adds
    db.session.commit()
    assert versions.current() == (start.altered + 1, start.added + 1, start.shared + 1)
    db.session.rollback()  # (lets go of SQLite's write lock)
    with db.engine.begin() as connection:  # and SQL outside the session
        connection.execute(sa.text("UPDATE users SET job_title = 'Analyst'"))
    assert versions.current() == (start.altered + 2, start.added + 1, start.shared + 2)

    db.session.add(Notification(recipient_id=member.id, kind="reply"))
    db.session.commit()
    assert versions.current() == (start.altered + 2, start.added + 1, start.shared + 2)


def test_signing_in_leaves_the_content_version_alone(client, member):
    start = versions.current()
    response = client.post("/account/sign-in", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.last_sign_in_at is not None  # it wrote to the member's row …
    assert versions.current() == start  # … only columns no cached page shows


def test_replying_and_marking_helpful_only_add(neighbourhood):
    owner, reader, _other, _community, thread = neighbourhood
    start = versions.current()
    post = reply(reader, thread, "Our discharge lounge opened in May")
    discussions.toggle_helpful(owner, post, True)
    assert versions.current() == (start.altered, start.added + 2, start.shared)


def test_an_alteration_in_one_thread_moves_that_threads_version_only(neighbourhood):
    """Hiding or editing a post, or locking a thread, ends the kept pages of that thread
    (its own version) and of nothing else a thread page shows; every cache that ends
    with any alteration (`altered`) still forgets."""
    owner, reader, _other, community, thread = neighbourhood
    elsewhere = start_thread(owner, community, "Weekend discharges", "Saturday rota")
    post = reply(reader, thread, "Our discharge lounge opened in May")
    start, before = versions.current(), (thread.content_version, elsewhere.content_version)

    moderation.hide_post(owner, post)
    db.session.commit()
    assert versions.current() == (start.altered + 1, start.added, start.shared)
    assert (thread.content_version, elsewhere.content_version) == (before[0] + 1, before[1])

    discussions.edit_post(owner, _opening(thread), "Morning discharge huddles at 9")
    assert versions.current()[::2] == (start.altered + 2, start.shared)
    assert (thread.content_version, elsewhere.content_version) == (before[0] + 2, before[1])

    elsewhere.is_locked = True
    db.session.commit()
    assert versions.current()[::2] == (start.altered + 3, start.shared)
    assert (thread.content_version, elsewhere.content_version) == (before[0] + 2, before[1] + 1)

    community.name = "Discharge collaborative (North)"  # shown on every thread's page
    db.session.commit()
    assert versions.current()[::2] == (start.altered + 4, start.shared + 1)


def _opening(thread: Thread) -> Post:
    return db.session.scalars(
        sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1)
    ).one()


def test_an_update_is_confined_only_when_it_names_its_rows_and_their_thread_is_known(db):
    """Fail closed: an UPDATE of posts by anything but their ids, or of posts the session
    did not flush (so their thread is unknown), or that moves a post to another thread,
    alters everywhere."""

    def changes_of(statement):
        db.session.rollback()
        with db.engine.connect() as connection:
            transaction = connection.begin()
            with contextlib.suppress(sa.exc.DBAPIError):
                connection.execute(statement)
            try:
                return connection.info.get(_CHANGED)
            finally:
                transaction.rollback()

    locked = changes_of(sa.update(Thread).where(Thread.id == NOBODY).values(is_locked=True))
    assert (locked.everywhere, locked.threads) == (False, {NOBODY})
    searched = changes_of(sa.update(SearchDocument).where(SearchDocument.id == NOBODY)
                          .values(body="x"))  # fmt: skip
    assert (searched.altered, searched.everywhere, searched.threads) == (True, False, set())
    for everywhere in (
        sa.update(Thread).where(Thread.community_id == NOBODY).values(is_locked=True),
        sa.update(Thread).where(Thread.id.in_([NOBODY])).values(is_locked=True),
        sa.update(Post).where(Post.id == NOBODY).values(body_html=""),  # (thread unknown)
        sa.update(Post).where(Post.id == NOBODY).values(thread_id=NOBODY),
    ):
        assert changes_of(everywhere).everywhere, everywhere


@pytest.fixture
def neighbourhood(make_user, admin):
    owner, reader, other = make_user("owner"), make_user("reader"), make_user("other")
    community = make_community(owner, "Discharge collaborative")
    add_member(community, reader, owner)
    thread = start_thread(owner, community, "Discharge before noon", "Morning discharge huddles")
    return owner, reader, other, community, thread


def test_a_hidden_post_leaves_search_and_its_counts_at_once(neighbourhood):
    owner, reader, _other, _community, thread = neighbourhood
    post = reply(reader, thread, "Our discharge lounge opened in May")
    assert ("post", post.id) in found(reader, "lounge")
    assert counts(reader, "lounge")["discussions"] == 1
    moderation.hide_post(owner, post)
    db.session.commit()
    assert found(reader, "lounge") == []
    assert counts(reader, "lounge")["discussions"] == 0


def test_a_community_made_private_leaves_a_non_members_search(neighbourhood):
    owner, reader, other, community, thread = neighbourhood
    assert ("thread", thread.id) in found(other, "huddles")
    communities.update_community(
        owner, community, name=community.name, purpose=community.purpose,
        learning_question=community.learning_question, visibility=Visibility.PRIVATE,
        listed=False,
    )  # fmt: skip
    assert found(other, "huddles") == []
    assert counts(other, "huddles")["discussions"] == 0
    assert ("thread", thread.id) in found(reader, "huddles")  # a member still finds it


def test_a_new_reply_is_found_by_the_next_search(neighbourhood):
    owner, reader, _other, _community, thread = neighbourhood
    assert found(reader, "lounge") == []
    post = reply(owner, thread, "We opened a discharge lounge")
    assert found(reader, "lounge") == [("post", post.id)]


def test_a_private_members_answer_is_not_kept_for_others(neighbourhood, make_user, admin):
    owner, reader, other, _community, _thread = neighbourhood
    private = make_community(owner, "Night nurses", private=True)
    add_member(private, reader, owner)
    secret = start_thread(owner, private, "Discharge at night", "Night discharge lounge")
    assert ("thread", secret.id) in found(reader, "night")
    assert found(other, "night") == []
    assert counts(other, "night")["discussions"] == 0
