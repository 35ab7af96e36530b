"""A thread page is drawn once for every reader who sees it alike, and filled in for each.

The kept page must be exactly the page drawn for its reader: each test reads it
as members would, changes something, and checks that what each reader sees is
their own and is up to date at once (see community/caching/pages.py).
"""

from __future__ import annotations

import re

import pytest
from factories import add_member, client_as, first_post, make_post, make_thread
from flask import current_app, g

from community.caching import pages as kept_pages
from community.caching import store
from community.caching.pages import CSRF_STAND_IN
from community.communities import services as communities
from community.core.extensions import db
from community.discussions import moderation, services
from community.notifications.inbox import unread_count
from community.notifications.models import WatchLevel


@pytest.fixture
def people(people, make_user):
    """The folder's people, a newcomer outside the lounge, and an unconfirmed member in it."""
    people["nia"] = make_user("nia-user", name="Nia Newcomer")
    people["una"] = make_user("una-user", name="Una Unconfirmed", confirmed=False)
    return people


@pytest.fixture
def lounge(lounge, people):
    add_member(lounge, people["una"])
    return lounge


@pytest.fixture(autouse=True)
def new_content_may_wait(app):
    """As in production: what is kept may be used a while after something is added.
    (And nothing kept by an earlier test.)"""
    with app.app_context():
        store("thread_pages").clear()
    app.config["NEW_CONTENT_WAIT_SECONDS"] = 60
    yield
    app.config["NEW_CONTENT_WAIT_SECONDS"] = 0


def kept_pages_now() -> list[kept_pages.PageWithHoles]:
    """The thread pages this app process keeps (each entry: when, then what was kept)."""
    return [entry[2] for entry in store("thread_pages").values()]


def path_of(thread) -> str:
    return f"/communities/{thread.community.slug}/threads/{thread.id}-{thread.slug}"


def reply_path(thread) -> str:
    return f"/communities/{thread.community.slug}/threads/{thread.id}/reply"


def read(user, thread, query: str = "") -> str:
    g.pop("csrf_token", None)  # (the test's one app context would hand it on)
    g.pop("csp_nonce", None)
    response = client_as(user).get(path_of(thread) + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "kept-hole-" not in html and CSRF_STAND_IN not in html
    return html


def drawn_afresh(user, thread, query: str = "") -> str:
    """The page as drawn for `user` alone, never kept (as on the development server)."""
    current_app.jinja_env.auto_reload = True
    try:
        return read(user, thread, query)
    finally:
        current_app.jinja_env.auto_reload = False


TOKENS = re.compile(r'(name="csrf_token" type="hidden" value|name="csrf_token" value)="[^"]+"')
NONCE = re.compile(r'nonce="[^"]+"')


def normalised(html: str) -> str:
    return NONCE.sub('nonce="…"', TOKENS.sub(r'\1="…"', html))


def test_each_reader_gets_exactly_the_page_drawn_for_them(people, thread, lounge):
    p = people
    ash_first = make_post(p["ash"], thread, "Pharmacy checks the night before.")
    hidden = make_post(p["ash"], thread, "Bed 4 is Mrs J Smith.")
    make_post(p["kit"], thread, "Which pharmacy?", reply_to=hidden)
    marked = make_post(p["fay"], thread, "Criteria-led discharge.", reply_to=ash_first)
    moderation.hide_post(p["fay"], hidden)
    client_as(p["kit"]).post(f"/posts/{marked.id}/helpful", data={"mark": "1"})
    client_as(p["mo"]).post(f"/posts/{ash_first.id}/flag", data={"reason": "off_topic"})
    services.set_watch_level(p["kit"], thread, WatchLevel.WATCHING)
    outsider = p["nia"]  # may read the open community, may not reply

    for user in (p["kit"], p["ash"], p["fay"], p["mo"], p["una"], outsider, p["kit"]):
        kept, again = read(user, thread), read(user, thread)
        fresh = drawn_afresh(user, thread)
        assert normalised(kept) == normalised(fresh), user.username
        assert normalised(again) == normalised(fresh), user.username
    assert kept_pages_now(), "the pages were kept"


def test_readers_who_see_a_page_alike_share_one_drawing(people, thread):
    make_post(people["ash"], thread, "Pharmacy checks the night before.")
    read(people["kit"], thread)
    read(people["una"], thread)  # unconfirmed: no reply form, no helpful buttons
    assert len(kept_pages_now()) == 2
    read(people["kit"], thread)
    # Their own post is theirs, filled in: the same drawing (posting made them watch the
    # thread, which the page shows, so they go back to the usual setting first).
    services.set_watch_level(people["ash"], thread, WatchLevel.NORMAL)
    read(people["ash"], thread)
    assert len(kept_pages_now()) == 2
    read(people["fay"], thread)  # a facilitator sees hide buttons
    assert len(kept_pages_now()) == 3


def test_the_header_and_the_script_nonce_are_each_responses_own(people, thread, lounge):
    read(people["kit"], thread)
    reply_to_kit = make_post(people["kit"], thread, "We start at 8.")
    make_post(people["ash"], thread, "Thanks Kit.", reply_to=reply_to_kit)

    for_kit = client_as(people["kit"]).get(path_of(thread))
    html = for_kit.get_data(as_text=True)
    assert "Kit Member" in html and "Ash Author" not in html.split("</header>")[0]
    unread = unread_count(people["kit"])
    assert unread >= 1  # Ash's reply to Kit
    assert re.search(rf'ic-badge">{unread}<span class="nhsuk-u-visually-hidden"> unread', html)
    nonce = re.search(r"'nonce-([^']+)'", for_kit.headers["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in html

    for_ash = read(people["ash"], thread)
    assert "Ash Author" in for_ash.split("</header>")[0] and "ic-badge" not in for_ash


def test_a_name_changed_shows_at_once_in_the_header_and_on_posts(people, thread):
    make_post(people["kit"], thread, "We start at 8.")
    assert "Kit Member" in read(people["kit"], thread)
    people["kit"].name = "Kit Renamed"
    db.session.commit()
    for user in ("kit", "mo"):
        html = read(people[user], thread)
        assert "Kit Renamed" in html and "Kit Member" not in html


def test_a_helpful_mark_counts_at_once_for_every_reader(people, thread):
    post = make_post(people["ash"], thread, "Pharmacy checks the night before.")
    assert "Helpful (1)" not in read(people["kit"], thread)
    client_as(people["mo"]).post(f"/posts/{post.id}/helpful", data={"mark": "1"})
    assert "Helpful (1)" in read(people["kit"], thread)
    assert "Marked helpful (1)" in read(people["mo"], thread)
    assert "1 found this helpful" in read(people["ash"], thread)


def test_an_edit_in_another_thread_leaves_this_threads_kept_page_alone(
    people, thread, lounge, monkeypatch
):
    """An alteration confined to one thread (a post edited) moves that thread's own
    version: its page shows the edit at once, every other thread's page stays kept."""
    from community.discussions import thread_pages

    other = make_thread(people["ash"], lounge, "Pharmacy", "Night-before checks")
    drawn = []
    real = thread_pages._draw_with_holes
    monkeypatch.setattr(
        thread_pages, "_draw_with_holes", lambda *a: drawn.append(a[0].thread.id) or real(*a)
    )
    read(people["kit"], thread)
    read(people["kit"], other)
    assert drawn == [thread.id, other.id]
    services.edit_post(people["ash"], first_post(other), "Night-before checks, and TTOs")
    assert "and TTOs" in read(people["kit"], other)
    read(people["kit"], thread)
    assert drawn == [thread.id, other.id, other.id]  # this thread's page: still kept
    lounge.name = "Discharge Lounge North"  # shown on every thread's page
    db.session.commit()
    assert "Discharge Lounge North" in read(people["kit"], thread)
    assert drawn[-1] == thread.id


def test_a_thread_page_reads_no_table_whose_alterations_count_for_no_thread(
    people, thread, app, monkeypatch
):
    """changes.NOT_ON_THREAD_PAGES: an alteration of those tables leaves every thread's
    kept page alone, so drawing one (its rows and its page; the side panel is kept by
    the content version of its own) must not read them."""
    import sqlalchemy as sa

    from community.caching.changes import NOT_ON_THREAD_PAGES
    from community.discussions import thread_pages
    from community.search.working_on import Panel

    make_post(people["ash"], thread, "Pharmacy checks the night before.")
    monkeypatch.setattr(thread_pages, "working_on", lambda *a, **k: Panel((), "discharge"))
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        read(people["kit"], thread)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert any("from posts" in s for s in statements)  # (it was drawn, not kept)
    for table in NOT_ON_THREAD_PAGES:
        assert not [s for s in statements if table in s]


def test_a_member_who_joins_may_reply_at_once(people, thread, lounge):
    html = read(people["nia"], thread)
    assert "to reply" in html and "Post reply" not in html
    communities.join(people["nia"], lounge)
    html = read(people["nia"], thread)
    assert "Post reply" in html and "Join Discharge Lounge" not in html


def test_each_reader_sees_their_own_watch_setting(people, thread):
    services.set_watch_level(people["kit"], thread, WatchLevel.MUTED)
    checked = re.compile(r'value="(\w+)" checked')
    assert checked.findall(read(people["kit"], thread)) == [WatchLevel.MUTED.value]
    assert checked.findall(read(people["ash"], thread)) == [WatchLevel.NORMAL.value]


def test_a_flashed_message_shows_once_and_is_never_kept(people, thread):
    kit = client_as(people["kit"])
    read(people["kit"], thread)
    posted = kit.post(reply_path(thread), data={"body": "We start at 8."})
    assert posted.status_code == 302
    g.pop("csrf_token", None)
    after = kit.get(posted.headers["Location"]).get_data(as_text=True)
    assert "Your reply has been posted." in after
    assert "Your reply has been posted." not in read(people["kit"], thread)
    kept_text = [
        b"".join(p for p in page.parts if isinstance(p, bytes)) for page in kept_pages_now()
    ]
    assert kept_text and not any(b"Your reply has been posted." in text for text in kept_text)


def test_a_hole_nobody_fills_fails_rather_than_showing_its_stand_in(app):
    with app.test_request_context("/"):
        page = kept_pages.PageWithHoles(kept_pages.split(f"<p>{kept_pages.hole('post-1')}</p>"))
        with pytest.raises(KeyError):
            kept_pages.fill(page, {})
        filled = kept_pages.fill(page, {"post-1": f"<b>{CSRF_STAND_IN}</b>"})
        assert CSRF_STAND_IN.encode() not in filled and filled.startswith(b"<p><b>")
