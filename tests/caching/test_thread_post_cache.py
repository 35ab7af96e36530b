"""A thread page's posts come from a cache of rendered posts: never stale, never another's.

Each test reads a page once to fill the cache, changes something, and reads
again as a member would: what they see must be the change, at once.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from factories import client_as, first_post, make_post
from flask import g

from community.caching import stores
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions import rendering
from community.discussions.models import Thread


@pytest.fixture(autouse=True)
def new_content_may_wait(app):
    """As in production: kept answers may be used a while after something is added.
    (A thread page's rows are kept too; nothing here may wait for that.)"""
    app.config["NEW_CONTENT_WAIT_SECONDS"] = 60
    yield
    app.config["NEW_CONTENT_WAIT_SECONDS"] = 0


@pytest.fixture
def cached(app, db):
    """The rendered posts kept by this app process, emptied for the test."""
    stores.remake("post_fragments", app)
    return lambda: stores.store("post_fragments")


def read(user, thread: Thread) -> str:
    path = f"/communities/{thread.community.slug}/threads/{thread.id}-{thread.slug}"
    response = client_as(user).get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def article(html: str, post_id: int) -> str:
    """One post's HTML on a page, its entities decoded."""
    match = re.search(rf'<article id="post-{post_id}".*?</article>', html, re.S)
    assert match, f"post {post_id} is not on the page"
    return unescape(match.group(0))


def cached_ids(cache) -> list[int]:
    return [view.id for view in cache.items]


def test_readers_who_see_a_post_alike_share_one_rendering(people, thread, cached):
    replies = [make_post(people["fay"], thread, f"Reply {n} about weekend cover.") for n in (1, 2)]

    read(people["ash"], thread)
    after_one = len(cached())
    read(people["kit"], thread)

    # Ash and Kit wrote none of these posts and reacted to none: the same three fragments,
    # and each post as its author sees it (kept with the page for when its author reads).
    assert after_one == 6
    assert len(cached()) == 6
    ids = [first_post(thread).id] + [r.id for r in replies]
    assert sorted(cached_ids(cached())) == sorted(ids * 2)


def test_a_new_reply_is_on_the_page_at_once(people, thread, cached):
    read(people["kit"], thread)
    reply = make_post(people["ash"], thread, "We open the lounge on Saturdays now.")
    assert "We open the lounge on Saturdays now." in article(read(people["kit"], thread), reply.id)


def test_an_edited_post_shows_its_new_text_at_once(people, thread, cached):
    post = make_post(people["ash"], thread, "Board round at 8am.")
    assert "Board round at 8am." in article(read(people["kit"], thread), post.id)
    assert post.id in cached_ids(cached())

    client_as(people["ash"]).post(f"/posts/{post.id}/edit", data={"body": "Board round at 8.30am."})

    shown = article(read(people["kit"], thread), post.id)
    assert "Board round at 8.30am." in shown
    assert "Board round at 8am." not in shown
    assert "edited 1 time" in shown


def test_a_hidden_post_is_hidden_at_once_from_those_who_read_it(people, thread, cached):
    post = make_post(people["ash"], thread, "Patient in bed 4 is Mrs J Smith, 82.")
    for user in ("kit", "ash", "fay"):
        assert "Mrs J Smith" in article(read(people[user], thread), post.id)

    client_as(people["fay"]).post(f"/posts/{post.id}/hide", data={"hide": "1"})

    for_kit = article(read(people["kit"], thread), post.id)
    for_ash = article(read(people["ash"], thread), post.id)
    for_fay = article(read(people["fay"], thread), post.id)
    assert "Mrs J Smith" not in for_kit
    assert "This post has been hidden by the community's facilitators." in for_kit
    assert "Mrs J Smith" in for_ash and "Hidden from other members" in for_ash
    assert "Mrs J Smith" in for_fay and ">Show</button>" in for_fay

    client_as(people["fay"]).post(f"/posts/{post.id}/hide", data={"hide": "0"})
    assert "Mrs J Smith" in article(read(people["kit"], thread), post.id)


def test_a_removed_post_leaves_only_its_placeholder(people, thread, cached):
    post = make_post(people["ash"], thread, "I posted this in the wrong thread.")
    assert "wrong thread" in read(people["kit"], thread)

    client_as(people["ash"]).post(f"/posts/{post.id}/delete")

    for user in ("kit", "ash", "fay"):
        shown = article(read(people[user], thread), post.id)
        assert "wrong thread" not in shown
        assert "This post was removed by its author." in shown


def test_a_quote_follows_the_post_it_quotes(people, thread, cached):
    quoted = make_post(people["ash"], thread, "Pharmacy checks the night before.")
    reply = make_post(people["fay"], thread, "This halved our waits.", reply_to=quoted)
    assert "Pharmacy checks the night before." in article(read(people["kit"], thread), reply.id)

    client_as(people["ash"]).post(
        f"/posts/{quoted.id}/edit", data={"body": "Pharmacy checks two nights before."}
    )
    assert "Pharmacy checks two nights before." in article(read(people["kit"], thread), reply.id)

    client_as(people["fay"]).post(f"/posts/{quoted.id}/hide", data={"hide": "1"})
    for_kit = article(read(people["kit"], thread), reply.id)
    assert "Pharmacy checks" not in for_kit
    assert "In reply to a post that is no longer shown." in for_kit
    # Its author still sees what they wrote, quoted.
    assert "Pharmacy checks two nights before." in article(read(people["ash"], thread), reply.id)


def test_a_renamed_author_is_shown_by_their_new_name(people, thread, cached):
    post = make_post(people["ash"], thread, "Weekend pharmacist on call.")
    assert "Ash Author" in article(read(people["kit"], thread), post.id)

    people["ash"].name = "Ash Okafor"
    db.session.commit()

    shown = article(read(people["kit"], thread), post.id)
    assert "Ash Okafor" in shown and "Ash Author" not in shown


def test_a_posts_age_moves_on_with_the_clock(people, thread, cached, monkeypatch):
    post = make_post(people["ash"], thread, "Started on Saturday.")
    assert "just now" in article(read(people["kit"], thread), post.id)

    later = utcnow() + timedelta(minutes=5)
    monkeypatch.setattr(rendering, "utcnow", lambda: later)

    shown = article(read(people["kit"], thread), post.id)
    assert "5 minutes ago" in shown and "just now" not in shown


# A one-button form (a post's, or signing out in the header, both cached), and the reply
# form (rendered with the page, outside any cache).
TOKEN = re.compile(
    r'action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"'
)
REPLY_FORM_TOKEN = re.compile(
    r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"'
)


def test_two_readers_of_one_cached_page_get_their_own_controls_and_tokens(
    app, people, thread, cached, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    own = make_post(people["ash"], thread, "Ash's idea: discharge lounge from 9am.")
    other = make_post(people["fay"], thread, "Fay's idea: criteria-led discharge.")
    ash, kit = client_as(people["ash"]), client_as(people["kit"])
    path = f"/communities/{thread.community.slug}/threads/{thread.id}-{thread.slug}"

    def page(client) -> str:
        # The test's one app context would otherwise hand the first reader's token to the next.
        g.pop("csrf_token", None)
        return client.get(path).get_data(as_text=True)

    for_ash, for_kit = page(ash), page(kit)

    mine = article(for_ash, own.id)
    assert f'href="/posts/{own.id}/edit"' in mine and f'"/posts/{own.id}/delete"' in mine
    assert f"/posts/{own.id}/flag" not in mine and f"/posts/{own.id}/helpful" not in mine
    theirs = article(for_kit, own.id)
    assert f"/posts/{own.id}/edit" not in theirs and f"/posts/{own.id}/delete" not in theirs
    assert f'href="/posts/{own.id}/flag"' in theirs and f'"/posts/{own.id}/helpful"' in theirs
    # Fay's post looks the same to both, from one cached fragment, but each page
    # carries its reader's own token in every form, the reply form's too.
    assert article(for_ash, other.id).count("csrf_token") == 1
    for html in (for_ash, for_kit):
        assert rendering.CSRF_STAND_IN not in html
        page_token = REPLY_FORM_TOKEN.search(html).group(1)
        forms = TOKEN.findall(html)
        assert "/account/sign-out" in {action for action, _ in forms}
        assert {token for _, token in forms} == {page_token}
    ash_token = REPLY_FORM_TOKEN.search(for_ash).group(1)
    kit_token = REPLY_FORM_TOKEN.search(for_kit).group(1)
    assert ash_token != kit_token

    # The token works for its reader and for no one else.
    helpful = f"/posts/{other.id}/helpful"
    assert kit.post(helpful, data={"mark": "1", "csrf_token": ash_token}).status_code == 400
    assert kit.post(helpful, data={"mark": "1", "csrf_token": kit_token}).status_code == 302

    marked, unmarked = article(page(kit), other.id), article(page(ash), other.id)
    assert "Marked helpful (1)" in marked
    assert "Marked helpful" not in unmarked and "Helpful (1)" in unmarked
