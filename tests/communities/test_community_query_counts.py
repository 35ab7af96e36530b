"""Pages that list things do the same database work for a few rows as for a full page.

Each test builds a small and a large version of the same page and counts the
SQL statements it takes to render each one. The rows differ in author,
organisation, quotes, reactions and states, so a relationship loaded one row
at a time would show up as extra statements on the large page.
"""

from __future__ import annotations

import pytest
from factories import (
    client_as,
    first_post,
    make_community,
    make_post,
    make_thread,
    notifications_for,
)
from helpers import count_queries

from community.communities import services as communities
from community.core.extensions import db
from community.discussions import moderation
from community.discussions import services as discussions


def statements_to_render(client, url: str) -> list[str]:
    """The statements one GET of `url` runs, with nothing already in the session."""
    db.session.expunge_all()
    assert client.get(url).status_code == 200  # warm up anything done once per process
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return list(statements)


def assert_same_work(small: list[str], large: list[str]) -> None:
    assert len(large) == len(small), "large page ran:\n" + "\n\n".join(large)


@pytest.fixture
def make_people(make_user, make_organisation, make_system):
    """Members spread over ten organisations, so no two neighbours share one."""

    def make(count: int):
        system = make_system()
        organisations = [make_organisation(system=system) for _ in range(min(count, 10))]
        return [
            make_user(f"person-{n:02d}", name=f"Person {n:02d}",
                      organisation=organisations[n % len(organisations)])
            for n in range(count)
        ]  # fmt: skip

    return make


def busy_thread(community, people, replies: int):
    """A thread with quotes, reactions, an edit, a removal, a hidden post and a key learning."""
    authors = people[:10]
    thread = make_thread(authors[0], community)
    posts = [first_post(thread)]
    for n in range(replies):
        posts.append(make_post(authors[(n + 1) % 10], thread, reply_to=posts[n // 2]))
    for n, post in enumerate(posts[1:], start=1):
        discussions.toggle_helpful(authors[(n + 3) % 10], post)
    discussions.edit_post(authors[1], posts[1], "Edited: we start at 8.30am.")
    discussions.delete_post(authors[2], posts[2])
    moderation.hide_post(community_facilitator(community), posts[3])
    discussions.set_key_learning(authors[0], posts[-1], mark=True)
    return thread


def community_facilitator(community):
    return communities.facilitators_of(community)[0]


def test_a_thread_page_with_50_posts_takes_no_more_statements_than_one_with_5(fay, make_people):
    people = make_people(11)
    community = make_community(fay, "Discharge Lounge", members=people)
    small = busy_thread(community, people, replies=4)
    large = busy_thread(community, people, replies=49)
    assert large.post_count == 50
    viewer = people[10]
    for thread in (small, large):
        moderation.flag_post(viewer, first_post(thread), "off_topic", "")
    urls = [f"/communities/discharge-lounge/threads/{t.id}-{t.slug}" for t in (small, large)]
    clients = [client_as(viewer), client_as(fay)]  # a member, and one who sees hidden posts

    for client in clients:
        assert_same_work(*(statements_to_render(client, url) for url in urls))


def test_a_community_page_with_25_threads_takes_no_more_statements_than_one_with_5(
    fay, make_people
):
    people = make_people(10)
    quiet = make_community(fay, "Quiet Corner", members=people)
    busy = make_community(fay, "Busy Ward", members=people)
    for community, count in ((quiet, 5), (busy, 25)):
        for n in range(count):
            thread = make_thread(people[n % 10], community)
            reply = make_post(people[(n + 1) % 10], thread)
            if n % 3 == 0:
                moderation.moderate_thread(fay, thread, "pin")
            if n % 4 == 0:
                discussions.set_key_learning(fay, reply, mark=True)
    client = client_as(people[0])

    assert_same_work(
        statements_to_render(client, "/communities/quiet-corner"),
        statements_to_render(client, "/communities/busy-ward"),
    )


def test_the_home_feed_with_20_threads_takes_no_more_statements_than_with_5(fay, make_people):
    people = make_people(12)
    few_reader, many_reader, authors = people[0], people[1], people[2:12]
    mine = make_community(fay, "Only Mine", members=[few_reader, *authors])
    places = [
        make_community(fay, f"Community {n}", members=[many_reader, *authors]) for n in range(3)
    ]
    for n in range(5):
        thread = make_thread(authors[n], mine)
        if n == 0:  # both feeds show key learnings: the large one shows ten
            discussions.set_key_learning(fay, make_post(authors[1], thread), mark=True)
    for n in range(20):
        thread = make_thread(authors[n % 10], places[n % 3])
        reply = make_post(authors[(n + 1) % 10], thread)
        if n % 2:
            discussions.set_key_learning(fay, reply, mark=True)
    clients = client_as(few_reader), client_as(many_reader)

    assert_same_work(*(statements_to_render(client, "/") for client in clients))


def test_the_notifications_page_with_25_takes_no_more_statements_than_with_5(fay, make_people):
    people = make_people(12)
    few_reader, many_reader, authors = people[0], people[1], people[2:12]
    community = make_community(fay, "Discharge Lounge", members=people)
    communities.set_watch_new_threads(many_reader, community, True)
    quiet_thread = make_thread(few_reader, community)
    busy = make_thread(many_reader, community)
    for n in range(5):
        make_post(authors[n], quiet_thread)
    for n in range(25):
        if n % 3 == 0:
            make_thread(authors[n % 10], community)  # a new-thread notification
        else:
            make_post(authors[n % 10], busy, f"Asking @{many_reader.username} too")
    assert len(notifications_for(few_reader)) == 5
    assert len(notifications_for(many_reader)) >= 25
    clients = client_as(few_reader), client_as(many_reader)

    assert_same_work(*(statements_to_render(client, "/notifications") for client in clients))


def test_the_members_page_with_50_takes_no_more_statements_than_with_5(fay, make_people):
    people = make_people(49)
    make_community(fay, "Quiet Corner", members=people[:4])
    make_community(fay, "Busy Ward", members=people)
    client = client_as(fay)

    assert_same_work(
        statements_to_render(client, "/communities/quiet-corner/members"),
        statements_to_render(client, "/communities/busy-ward/members"),
    )
