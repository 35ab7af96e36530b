"""The content generation, and the search answers it lets each app process keep.

A kept answer must never outlive a change to what it was made from: these
tests change content every way search reads it (a post hidden, a community
made private, a new reply) and search again, and check that writes searching
never reads (notifications, signing in) leave kept answers in place.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import PASSWORD
from methods_support import count_queries
from search_support import add_member, counts, found, make_community, reply, start_thread

from community import generation
from community.communities import services as communities
from community.communities.models import Visibility
from community.discussions import moderation
from community.discussions import services as discussions
from community.discussions.models import Post
from community.extensions import db
from community.generation import ADDED, ALTERED
from community.notifications.models import Notification


@pytest.mark.parametrize(
    ("statement", "change"),
    [
        ("INSERT INTO posts (thread_id, body) VALUES (?, ?)", ADDED),
        ("  insert or replace into search_documents (id) values (1)", ALTERED),
        (
            "UPDATE threads SET last_post_at=?, post_count=(threads.post_count + ?) WHERE id=?",
            ADDED,
        ),
        ("UPDATE search_documents SET boost=? WHERE search_documents.id = ?", ADDED),
        ("UPDATE posts SET hidden_at=? WHERE posts.id = ?", ALTERED),
        ("UPDATE posts SET helpful_count=?, body_html=? WHERE posts.id = ?", ALTERED),
        ("UPDATE search_documents SET body=?, boost=? WHERE search_documents.id = ?", ALTERED),
        ("DELETE FROM memberships WHERE memberships.id = ?", ALTERED),
        # Redacting a version and purging a post take text away: kept pages must not show it.
        (
            "UPDATE post_revisions SET body_source=?, body_html=?, redacted_at=?, "
            "redacted_by_id=? WHERE post_revisions.id = ?",
            ALTERED,
        ),
        ("DELETE FROM post_revisions WHERE post_revisions.id = ?", ALTERED),
        ("UPDATE posts SET body_source=?, body_html=?, purged_at=? WHERE posts.id = ?", ALTERED),
        ("DELETE FROM helpful_reactions WHERE id = ?", ALTERED),
        ('UPDATE "communities" SET visibility=%(visibility)s WHERE id = %(id)s', ALTERED),
        ("UPDATE communities SET thread_count=CASE WHEN a = b THEN 1 END", ALTERED),
        ("REPLACE INTO tags VALUES (1)", ALTERED),
        ("WITH gone AS (SELECT id FROM posts) DELETE FROM posts WHERE id IN gone", ALTERED),
        ("UPDATE users SET name=?, last_sign_in_at=? WHERE users.id = ?", ALTERED),
        ("INSERT INTO notifications (user_id, kind) VALUES (?, ?)", None),
        ("UPDATE outbox_messages SET sent_at=? WHERE id = ?", None),
        ("DELETE FROM thread_watches WHERE user_id = ?", None),
        ("INSERT INTO audit_events (action) VALUES (?)", None),
        ("UPDATE users SET last_sign_in_at=?, session_token=? WHERE users.id = ?", None),
        ('UPDATE "users" SET "password_hash"=%(p)s WHERE "users".id = %(id)s', None),
        ("SELECT posts.id FROM posts WHERE posts.body LIKE '%update posts set%'", None),
        ("WITH RECURSIVE tree(id) AS (SELECT 1) SELECT id FROM tree", None),
        ("PRAGMA foreign_keys = ON", None),
        ("SET jit = off", None),
        ("SAVEPOINT sa_savepoint_1", None),
        ("/* a comment */ SELECT 1", None),
        # Fail closed: what the rules cannot read for sure is an alteration.
        ("/* from a tool */ DELETE FROM posts WHERE id = 1", ALTERED),
        ("-- tidy up\nUPDATE posts SET body_html = '' WHERE id = 1", ALTERED),
        ("(DELETE FROM posts WHERE id = 1)", ALTERED),
        ("COPY posts (id, body) FROM stdin", ALTERED),
        ("DO $$ BEGIN DELETE FROM posts; END $$", ALTERED),
        ("TRUNCATE posts", ALTERED),
        ("MERGE INTO posts USING x ON posts.id = x.id WHEN MATCHED THEN DELETE", ALTERED),
        ("SELECT 1; DELETE FROM posts", ALTERED),
        ("ALTER TABLE posts ADD COLUMN x INTEGER", ALTERED),
        ("DROP TABLE search_documents", ALTERED),
        (
            "INSERT INTO posts (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = ?",
            ALTERED,
        ),
        ("WITH x AS (SELECT 1) MERGE INTO posts USING x ON true WHEN MATCHED THEN DELETE", ALTERED),
        # A sub-select's WHERE does not hide the columns assigned after it, and a counter
        # set from a sub-select may have gone down.
        (
            "UPDATE posts SET helpful_count=(SELECT count(*) FROM r WHERE r.post_id = posts.id), "
            "body_html=? WHERE posts.id = ?",
            ALTERED,
        ),
        (
            "UPDATE posts SET helpful_count=(SELECT count(*) FROM r WHERE r.post_id = posts.id) "
            "WHERE posts.id = ?",
            ALTERED,
        ),
        ("UPDATE users SET last_sign_in_at=?, name='a, b' WHERE users.id = ?", ALTERED),
        ("VACUUM", ALTERED),
    ],
)
def test_what_each_statement_does_to_content(statement, change):
    assert generation.change_made_by(statement) == change


def test_each_committed_change_is_counted_once_and_other_writes_not_at_all(db, member):
    start = generation.current()
    member.job_title = "Improvement lead"
    db.session.rollback()  # rolled back: nothing changed
    assert generation.current() == start

    member.name = "Sam Patel-Jones"
    db.session.commit()
    assert generation.current() == (start.altered + 1, start.added)  # once for the transaction

    db.session.execute(sa.update(Post).values(helpful_count=0))  # a bulk statement that adds
    db.session.commit()
    assert generation.current() == (start.altered + 1, start.added + 1)
    db.session.rollback()  # (lets go of SQLite's write lock)
    with db.engine.begin() as connection:  # and SQL outside the session
        connection.execute(sa.text("UPDATE users SET job_title = 'Analyst'"))
    assert generation.current() == (start.altered + 2, start.added + 1)

    db.session.add(Notification(recipient_id=member.id, kind="reply"))
    db.session.commit()
    assert generation.current() == (start.altered + 2, start.added + 1)


def test_signing_in_leaves_the_generation_alone(client, member):
    start = generation.current()
    response = client.post("/account/sign-in", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.last_sign_in_at is not None  # it wrote to the member's row …
    assert generation.current() == start  # … only columns searching never reads


def test_replying_and_marking_helpful_only_add(neighbourhood):
    owner, reader, _other, _community, thread = neighbourhood
    start = generation.current()
    post = reply(reader, thread, "Our discharge lounge opened in May")
    discussions.toggle_helpful(owner, post, True)
    assert generation.current() == (start.altered, start.added + 2)
    moderation.hide_post(owner, post)
    db.session.commit()
    assert generation.current() == (start.altered + 1, start.added + 2)


@pytest.fixture
def neighbourhood(make_user, admin):
    owner, reader, other = make_user("owner"), make_user("reader"), make_user("other")
    community = make_community(owner, admin, "Discharge collaborative")
    add_member(community, reader, owner)
    thread = start_thread(owner, community, "Discharge before noon", "Morning discharge huddles")
    return owner, reader, other, community, thread


def test_the_same_search_again_is_answered_from_the_kept_answer(neighbourhood):
    owner, reader, other, _community, thread = neighbourhood
    first = found(reader, "discharge")
    assert ("thread", thread.id) in first
    db.session.refresh(other)  # (loaded before counting)
    with count_queries() as asked:
        again = found(reader, "discharge")
        also = found(other, "discharge")  # another reader who may see the same things
    assert again == first and also == first
    # Neither asks the index: only what the reader may see, and the generation (read
    # once per request: these share the test's application context).
    assert not any("search_documents" in q or "search_fts" in q for q in asked.statements)
    assert asked.count <= 4, asked.statements


def test_a_hidden_post_leaves_the_kept_answers_and_counts_at_once(neighbourhood):
    owner, reader, _other, _community, thread = neighbourhood
    post = reply(reader, thread, "Our discharge lounge opened in May")
    assert ("post", post.id) in found(reader, "lounge")
    assert counts(reader, "lounge")["discussions"] == 1
    moderation.hide_post(owner, post)
    db.session.commit()
    assert found(reader, "lounge") == []
    assert counts(reader, "lounge")["discussions"] == 0


def test_a_community_made_private_leaves_a_non_members_kept_answer(neighbourhood):
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
    private = make_community(owner, admin, "Night nurses", private=True)
    add_member(private, reader, owner)
    secret = start_thread(owner, private, "Discharge at night", "Night discharge lounge")
    assert ("thread", secret.id) in found(reader, "night")
    assert found(other, "night") == []
    assert counts(other, "night")["discussions"] == 0


def test_something_new_waits_for_the_window_and_a_removal_does_not(app, neighbourhood):
    owner, reader, _other, _community, thread = neighbourhood
    first = reply(owner, thread, "A discharge lounge in the east wing")
    app.config["NEW_CONTENT_WAIT_SECONDS"] = 60
    try:
        assert found(reader, "lounge") == [("post", first.id)]
        second = reply(owner, thread, "A second discharge lounge")
        assert found(reader, "lounge") == [("post", first.id)]  # kept: new things may wait
        moderation.hide_post(owner, first)
        db.session.commit()
        assert found(reader, "lounge") == [("post", second.id)]  # taken away at once
    finally:
        app.config["NEW_CONTENT_WAIT_SECONDS"] = 0
