"""Threads and posts: starting, replying, quoting, paging, editing, reacting, following."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import (
    client_as,
    first_post,
    make_community,
    make_post,
    make_thread,
    notifications_for,
)
from helpers import page_text

from community.communities import services as communities
from community.communities.models import Visibility
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.discussions import services
from community.discussions.models import HelpfulReaction, Post, Thread
from community.notifications.models import NotificationKind, ThreadWatch, WatchLevel


def thread_path(thread: Thread) -> str:
    return f"/communities/{thread.community.slug}/threads/{thread.id}-{thread.slug}"


def posts_in(thread: Thread) -> list[Post]:
    return list(
        db.session.scalars(
            sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.position)
        )
    )


# ---------------------------------------------------------------- threads and replies


def test_starting_a_thread_shows_it_at_its_readable_address(lounge, ash):
    response = client_as(ash).post(
        "/communities/discharge-lounge/threads/new",
        data={"title": "Criteria-led discharge", "body": "Who signs off the **criteria**?"},
    )

    thread = db.session.scalar(sa.select(Thread))
    assert (
        response.location
        == f"/communities/discharge-lounge/threads/{thread.id}-criteria-led-discharge"
    )
    page = client_as(ash).get(response.location)
    assert "Criteria-led discharge" in page_text(page)
    assert "<strong>criteria</strong>" in page.get_data(as_text=True)
    assert lounge.thread_count == 1
    assert "Criteria-led discharge" in page_text(
        client_as(ash).get("/communities/discharge-lounge")
    )


def test_replies_are_numbered_in_order(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge)
    for author in (mo, fay, mo):
        make_post(author, thread)

    assert [p.position for p in posts_in(thread)] == [1, 2, 3, 4]
    assert thread.post_count == 4
    assert "3 replies" in page_text(client_as(mo).get(thread_path(thread)))


def test_a_reply_quotes_the_post_it_answers_with_a_link_back(lounge, ash, mo):
    thread = make_thread(ash, lounge, body="We moved the board round to 8am.")
    opening = first_post(thread)

    form = client_as(mo).get(
        f"/communities/discharge-lounge/threads/{thread.id}/reply?to={opening.id}"
    )
    assert "Replying to Ash Author : We moved the board round to 8am." in page_text(form)
    response = client_as(mo).post(
        f"/communities/discharge-lounge/threads/{thread.id}/reply",
        data={"body": "Did it help the 11am peak?", "reply_to": str(opening.id)},
        follow_redirects=True,
    )

    reply = posts_in(thread)[-1]
    assert reply.reply_to_id == opening.id
    html = response.get_data(as_text=True)
    assert f'<a href="/posts/{opening.id}">In reply to Ash Author</a>' in html
    assert "In reply to Ash Author : We moved the board round to 8am." in page_text(response)
    assert "Your reply has been posted." in page_text(response)


def test_a_permalink_goes_to_the_page_and_anchor_of_its_post(lounge, ash, mo):
    thread = make_thread(ash, lounge, body="Opening post")
    for number in range(2, 56):
        make_post(mo if number % 2 else ash, thread, f"Reply number {number}.")
    post_52 = posts_in(thread)[51]

    response = client_as(mo).get(f"/posts/{post_52.id}")

    assert response.status_code == 302
    assert response.location == f"{thread_path(thread)}?page=2#post-{post_52.id}"
    page_two = client_as(mo).get(response.location.split("#")[0])
    assert f'id="post-{post_52.id}"' in page_two.get_data(as_text=True)
    assert "Reply number 52." in page_text(page_two) and "Reply number 51." in page_text(page_two)
    assert "Reply number 50." not in page_text(page_two)
    page_one = client_as(mo).get(thread_path(thread))
    assert "Reply number 50." in page_text(page_one)
    assert "Reply number 51." not in page_text(page_one)
    assert f'href="{thread_path(thread)}?page=2"' in page_one.get_data(as_text=True)


def test_a_wrong_or_old_address_redirects_permanently_to_the_canonical_one(lounge, ash):
    thread = make_thread(ash, lounge, "Criteria-led discharge")

    wrong_slug = client_as(ash).get(
        f"/communities/discharge-lounge/threads/{thread.id}-old-title?page=1"
    )
    short = client_as(ash).get(f"/threads/{thread.id}")

    assert wrong_slug.status_code == 301
    assert wrong_slug.location == thread_path(thread)
    assert short.location == thread_path(thread)


# ---------------------------------------------------------------- editing and removing


def test_editing_keeps_the_earlier_text_in_the_history(lounge, ash, mo):
    thread = make_thread(ash, lounge, body="Board round at 8am.")
    post = first_post(thread)

    response = client_as(ash).post(
        f"/posts/{post.id}/edit", data={"body": "Board round at 8.30am."}, follow_redirects=True
    )

    assert "Your post has been updated." in page_text(response)
    assert "Board round at 8.30am." in page_text(response)
    assert "edited 1 time" in page_text(response)
    history = page_text(client_as(mo).get(f"/posts/{post.id}/history"))
    assert "Version 2 (current)" in history and "Board round at 8.30am." in history
    assert "Original" in history and "Board round at 8am." in history


def test_editing_someone_elses_post_is_forbidden_and_changes_nothing(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge, body="Board round at 8am.")
    post = first_post(thread)

    for user in (mo, fay):
        assert client_as(user).get(f"/posts/{post.id}/edit").status_code == 403
        response = client_as(user).post(f"/posts/{post.id}/edit", data={"body": "Vandalised"})
        assert response.status_code == 403

    assert post.body_source == "Board round at 8am."
    assert post.edit_count == 0
    with pytest.raises(RuleViolation, match="only edit your own posts"):
        services.edit_post(mo, post, "Vandalised")


def test_deleting_leaves_a_placeholder(lounge, ash, mo):
    thread = make_thread(ash, lounge)
    post = make_post(mo, thread, "I posted this in the wrong thread.")

    client_as(mo).post(f"/posts/{post.id}/delete")

    page = page_text(client_as(ash).get(thread_path(thread)))
    assert "This post was removed by its author." in page
    assert "I posted this in the wrong thread." not in page
    assert client_as(ash).get(f"/posts/{post.id}/history").status_code == 404
    assert client_as(ash).get(f"/posts/{post.id}").status_code == 302  # the place stays


def test_only_the_author_can_delete_a_post(lounge, ash, mo):
    thread = make_thread(ash, lounge)
    post = make_post(mo, thread, "Keep me.")

    response = client_as(ash).post(f"/posts/{post.id}/delete", follow_redirects=True)

    assert "You can only delete your own posts" in page_text(response)
    assert "Keep me." in page_text(response)
    assert post.deleted_at is None


# ---------------------------------------------------------------- reactions and key learning


def test_helpful_is_one_mark_per_member_and_never_your_own(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge)
    post = make_post(mo, thread, "Start the board round at 8am.")
    helpful = f"/posts/{post.id}/helpful"

    client_as(ash).post(helpful, data={"mark": "1"})
    client_as(fay).post(helpful, data={"mark": "1"})
    page = client_as(ash).get(thread_path(thread))
    assert post.helpful_count == 2
    assert "Marked helpful (2)" in page_text(page)
    assert 'name="mark" value="0"' in page.get_data(as_text=True)  # pressing it takes it off

    twice = client_as(fay).post(helpful, data={"mark": "1"}, follow_redirects=True)
    own = client_as(mo).post(helpful, data={"mark": "1"}, follow_redirects=True)

    assert "You have already marked this post as helpful" in page_text(twice)
    assert "You cannot mark your own post as helpful" in page_text(own)
    assert post.helpful_count == 2
    assert "2 found this helpful" in page_text(own)

    client_as(fay).post(helpful, data={"mark": "0"})
    assert post.helpful_count == 1
    again = client_as(fay).post(helpful, data={"mark": "0"}, follow_redirects=True)
    assert "You have not marked this post as helpful" in page_text(again)
    assert post.helpful_count == 1


def test_a_second_helpful_press_that_raced_past_the_check_is_refused(lounge, ash, mo, monkeypatch):
    """Two presses at once both read "not marked yet"; the second must meet the
    row the first wrote: a clear refusal, not a server error or a double count."""
    post = make_post(mo, make_thread(ash, lounge), "Start the board round at 8am.")
    services.toggle_helpful(ash, post, mark=True)  # the press that won
    real_get = db.session.get
    monkeypatch.setattr(db.session, "get", lambda model, key, **kw: (
        None if model is HelpfulReaction else real_get(model, key, **kw)
    ))  # fmt: skip

    with pytest.raises(RuleViolation, match="already marked"):
        services.toggle_helpful(ash, post, mark=True)
    monkeypatch.undo()
    db.session.rollback()
    assert db.session.get(Post, post.id).helpful_count == 1
    assert _helpful_rows(post) == 1


def test_a_second_unmark_that_raced_past_the_check_is_refused(lounge, ash, mo):
    post = make_post(mo, make_thread(ash, lounge), "Start the board round at 8am.")
    services.toggle_helpful(ash, post, mark=True)
    db.session.get(HelpfulReaction, (post.id, ash.id))  # the loser has read "marked"
    # … and the winner's unmark lands before the loser writes.
    db.session.execute(sa.delete(HelpfulReaction).where(HelpfulReaction.post_id == post.id))
    db.session.execute(sa.update(Post).where(Post.id == post.id).values(helpful_count=0))

    with pytest.raises(RuleViolation, match="not marked"):
        services.toggle_helpful(ash, post, mark=False)
    count = sa.select(Post.helpful_count).where(Post.id == post.id)
    assert db.session.scalar(count) == 0  # not taken below zero by the loser


def _helpful_rows(post) -> int:
    query = sa.select(sa.func.count()).select_from(HelpfulReaction)
    return db.session.scalar(query.where(HelpfulReaction.post_id == post.id))


def test_the_author_is_offered_edit_and_delete_and_others_flag(lounge, ash, mo):
    thread = make_thread(ash, lounge)
    post = first_post(thread)

    own = client_as(ash).get(thread_path(thread)).get_data(as_text=True)
    other = client_as(mo).get(thread_path(thread)).get_data(as_text=True)

    assert f'href="/posts/{post.id}/edit"' in own and f'"/posts/{post.id}/delete"' in own
    assert f'href="/posts/{post.id}/flag"' not in own
    assert f'href="/posts/{post.id}/edit"' not in other
    assert f'href="/posts/{post.id}/flag"' in other


def test_the_key_learning_is_chosen_by_the_author_or_a_facilitator(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge, body="How do we cut the 11am peak?")
    answer = make_post(mo, thread, "Discharge lounge from 9am cut the peak by a third.")
    other = make_post(fay, thread, "Pharmacy to-take-out medicines the night before.")

    refused = client_as(mo).post(
        f"/posts/{other.id}/key-learning", data={"mark": "1"}, follow_redirects=True
    )
    assert "Only the thread's author or a facilitator can mark the key learning" in page_text(
        refused
    )
    assert thread.key_post_id is None
    first = first_post(thread)
    with pytest.raises(RuleViolation, match="not the first post"):
        services.set_key_learning(ash, first, mark=True)

    marked = client_as(ash).post(
        f"/posts/{answer.id}/key-learning", data={"mark": "1"}, follow_redirects=True
    )

    text = page_text(marked)
    assert "Marked as the key learning." in text
    key_section = text.index("Key learning From Mo Member's reply")
    assert text.index("How do we cut the 11am peak?") < key_section
    assert key_section < text.index("Pharmacy to-take-out medicines")
    assert [n.kind for n in notifications_for(mo)][-1] == NotificationKind.KEY_LEARNING
    client_as(fay).post(f"/posts/{other.id}/key-learning", data={"mark": "1"})
    assert thread.key_post_id == other.id


# ---------------------------------------------------------------- pin, lock, resolve


def test_a_facilitator_pins_and_locks_and_the_author_resolves(lounge, ash, mo, fay):
    older = make_thread(ash, lounge, "Older question")
    make_thread(mo, lounge, "Newer question")
    moderate = f"/communities/discharge-lounge/threads/{older.id}/moderate"

    refused = client_as(mo).post(moderate, data={"action": "pin"}, follow_redirects=True)
    assert "Only this community's facilitators can do that" in page_text(refused)
    assert older.is_pinned is False

    client_as(fay).post(moderate, data={"action": "pin"})
    home = page_text(client_as(mo).get("/communities/discharge-lounge"))
    assert home.index("Older question") < home.index("Newer question")
    assert "Pinned" in home

    locked = client_as(fay).post(moderate, data={"action": "lock"}, follow_redirects=True)
    assert "Thread locked: no new replies." in page_text(locked)
    resolved = client_as(ash).post(moderate, data={"action": "resolve"}, follow_redirects=True)
    assert "Thread marked as resolved." in page_text(resolved)
    assert (older.is_pinned, older.is_locked, older.is_resolved) == (True, True, True)


def test_a_locked_thread_refuses_replies_and_saves_nothing(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge)
    client_as(fay).post(
        f"/communities/discharge-lounge/threads/{thread.id}/moderate", data={"action": "lock"}
    )

    page = page_text(client_as(mo).get(thread_path(thread)))
    response = client_as(mo).post(
        f"/communities/discharge-lounge/threads/{thread.id}/reply",
        data={"body": "One more thing"},
    )

    assert "This thread is locked" in page
    assert response.status_code == 200
    assert "This thread is locked: no new replies can be added" in page_text(response)
    assert thread.post_count == 1
    assert len(posts_in(thread)) == 1


def test_an_unconfirmed_member_is_asked_to_confirm_and_nothing_is_saved(lounge, ash, unconfirmed):
    communities.join(unconfirmed, lounge)
    thread = make_thread(ash, lounge)

    replied = client_as(unconfirmed).post(
        f"/communities/discharge-lounge/threads/{thread.id}/reply", data={"body": "Hello"}
    )
    started = client_as(unconfirmed).post(
        "/communities/discharge-lounge/threads/new", data={"title": "Hi", "body": "Hello"}
    )

    for response in (replied, started):
        assert response.status_code == 200
        assert "Confirm your email address before you post" in page_text(response)
    assert len(posts_in(thread)) == 1
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 1
    assert lounge.thread_count == 1


def test_a_non_member_is_asked_to_join_before_posting(lounge, ash, make_user):
    visitor = make_user("vic-visitor")
    thread = make_thread(ash, lounge)

    response = client_as(visitor).post(
        f"/communities/discharge-lounge/threads/{thread.id}/reply", data={"body": "Hello"}
    )

    assert "Join this community to take part in its discussions" in page_text(response)
    assert len(posts_in(thread)) == 1


# ---------------------------------------------------------------- Markdown


def test_markdown_is_sanitised(lounge, ash, mo):
    body = (
        "**Bold** words\n\n<script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n[click](javascript:alert(1))'
    )
    thread = make_thread(ash, lounge, body=body)

    html = client_as(mo).get(thread_path(thread)).get_data(as_text=True)

    assert "<strong>Bold</strong>" in html
    assert "alert('x')</script>" not in html and "alert(&#39;x&#39;)</script>" not in html
    assert "onerror" not in html
    assert "javascript:alert" not in html
    assert "<script>" not in first_post(thread).body_html


# ---------------------------------------------------------------- mentions and watching


def test_a_mention_notifies_only_members_who_can_see_the_thread(fay, mo, ash, make_user):
    outsider = make_user("nia-outsider", name="Nia Outsider")
    huddle = make_community(fay, "Night Huddle", visibility=Visibility.PRIVATE, members=[mo, ash])

    thread = make_thread(ash, huddle, body="Thoughts, @mo-member and @nia-outsider?")

    assert [n.kind for n in notifications_for(mo)] == [NotificationKind.MENTION]
    assert notifications_for(outsider) == []
    html = client_as(mo).get(thread_path(thread)).get_data(as_text=True)
    assert '<a href="/people/mo-member" rel="nofollow noopener">@mo-member</a>' in html


def test_watch_levels_decide_who_hears_about_a_reply(lounge, fay, mo, ash, make_user):
    quiet = make_user("quinn-quiet", name="Quinn Quiet")
    communities.join(quiet, lounge)
    thread = make_thread(ash, lounge)  # Ash posted, so Ash watches: every reply
    opening = first_post(thread)
    mo_post = make_post(mo, thread, "Ours starts at 9.")  # Mo now watches too
    quiet_post = make_post(quiet, thread, "Ours at 10.")
    services.set_watch_level(mo, thread, WatchLevel.NORMAL)
    services.set_watch_level(quiet, thread, WatchLevel.MUTED)
    before = {u.id: len(notifications_for(u)) for u in (ash, mo, quiet)}

    def new_for(user):
        return [n.kind for n in notifications_for(user)[before[user.id] :]]

    make_post(fay, thread, "A general reply.", reply_to=opening)
    assert new_for(ash) == [NotificationKind.REPLY_TO_YOU]
    assert new_for(mo) == [] and new_for(quiet) == []

    make_post(fay, thread, "To Mo.", reply_to=mo_post)
    make_post(fay, thread, "Asking @mo-member.")
    assert new_for(mo) == [NotificationKind.REPLY_TO_YOU, NotificationKind.MENTION]

    make_post(fay, thread, "To Quinn, with @quinn-quiet.", reply_to=quiet_post)
    assert new_for(quiet) == []
    assert len(new_for(ash)) == 4  # watching: every reply


def test_posting_in_a_thread_watches_it(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge)
    assert db.session.get(ThreadWatch, (mo.id, thread.id)) is None

    make_post(mo, thread, "Following this.")
    make_post(fay, thread, "A reply for everyone.")

    assert db.session.get(ThreadWatch, (mo.id, thread.id)).level == WatchLevel.WATCHING
    assert [n.kind for n in notifications_for(mo)] == [NotificationKind.REPLY]
    html = client_as(mo).get(thread_path(thread)).get_data(as_text=True)
    assert 'value="watching" checked' in html


def test_changing_the_watch_level_on_the_thread_page(lounge, ash, mo):
    thread = make_thread(ash, lounge)

    response = client_as(ash).post(
        f"/communities/discharge-lounge/threads/{thread.id}/watch",
        data={"level": "muted"},
        follow_redirects=True,
    )
    make_post(mo, thread, "Anyone?", reply_to=first_post(thread))

    assert "Your notification setting for this thread has been saved." in page_text(response)
    assert 'value="muted" checked' in response.get_data(as_text=True)
    assert notifications_for(ash) == []


def test_watching_a_community_tells_of_new_threads(lounge, ash, mo, fay):
    communities.set_watch_new_threads(mo, lounge, True)

    thread = make_thread(ash, lounge, "Weekend discharges")

    [notification] = notifications_for(mo)
    assert notification.kind == NotificationKind.NEW_THREAD
    assert notification.text == "Ash Author started “Weekend discharges” in Discharge Lounge"
    assert notification.thread_id == thread.id
    assert notifications_for(fay) == []


# ---------------------------------------------------------------- home feed


def test_the_home_feed_shows_only_the_members_own_communities(fay, mo, ash, make_user):
    stranger = make_user("sol-stranger")
    mine = make_community(fay, "Discharge Lounge", members=[mo])
    open_elsewhere = make_community(stranger, "Open Elsewhere")
    private_elsewhere = make_community(stranger, "Private Elsewhere", visibility="private")
    make_thread(fay, mine, "In my community")
    make_thread(stranger, open_elsewhere, "In an open community I have not joined")
    make_thread(stranger, private_elsewhere, "In a private community")

    home = page_text(client_as(mo).get("/"))

    assert "In my community" in home
    assert "In an open community I have not joined" not in home
    assert "In a private community" not in home
    assert "Private Elsewhere" not in home
    # Ash belongs to no community: an empty feed says where to start.
    empty = page_text(client_as(ash).get("/"))
    assert "Find communities to join" in empty and "In my community" not in empty


def test_the_home_feed_merges_communities_newest_first_across_pages(fay, mo, ash):
    """Each community gives its newest threads; the pages continue without gaps or repeats."""
    from helpers import PASSWORD

    from community.accounts import deletion

    lounge = make_community(fay, "Discharge Lounge", members=[mo, ash])
    wards = make_community(fay, "Ward Rounds", members=[mo])
    for n in range(25):
        make_thread(fay, (lounge, wards)[n % 3 == 0], f"Feed item {n:02d}")
    make_thread(ash, lounge, "Feed item 25")
    deletion.delete_account(ash, PASSWORD)
    db.session.expire_all()

    as_mo = client_as(mo)
    first, second = page_text(as_mo.get("/")), page_text(as_mo.get("/?page=2"))
    shown = [f"Feed item {n:02d}" for n in range(26)]
    assert [t for t in shown if t in first] == shown[6:]
    assert [t for t in shown if t in second] == shown[:6]
    assert first.index("Feed item 25") < first.index("Feed item 24") < first.index("Feed item 06")
    assert "Feed item 25 in Discharge Lounge · new thread by a former member" in first
    assert "Feed item 24 in Ward Rounds" in first


def test_a_communitys_threads_are_paged_and_counted_by_its_counter(
    app, lounge, fay, mo, monkeypatch
):
    """Pinned first, then the latest active; the count follows threads moved in and out."""
    from community.discussions import moderation

    monkeypatch.setitem(app.config, "PER_PAGE", 3)
    threads = [make_thread(mo, lounge, f"Lounge thread {n}") for n in range(5)]
    services.reply(fay, threads[0], "Still the busiest.")
    moderation.moderate_thread(fay, threads[1], "pin")
    elsewhere = make_community(fay, "Ward Rounds", members=[mo])
    moderation.move_thread(fay, threads[4], elsewhere)
    as_mo = client_as(mo)
    first = page_text(as_mo.get("/communities/discharge-lounge"))
    second = page_text(as_mo.get("/communities/discharge-lounge?page=2"))
    assert "Showing 1 to 3 of 4 threads" in first and "Showing 4 to 4 of 4 threads" in second
    order = ["Lounge thread 1", "Lounge thread 0", "Lounge thread 3"]
    assert [t for t in order if t in first] == order and "Lounge thread 2" in second
    assert first.index(order[0]) < first.index(order[1]) < first.index(order[2])
    assert "Lounge thread 4" not in first + second
    assert "1 thread" in page_text(as_mo.get("/communities/ward-rounds"))


# ---------------------------------------------------------------- posting limit


def test_posting_is_limited_per_member_across_threads_and_replies(
    app, lounge, ash, mo, monkeypatch
):
    monkeypatch.setitem(app.config, "POST_LIMIT_PER_MEMBER", "3 per minute")
    thread = make_thread(ash, lounge)
    reply = f"/communities/discharge-lounge/threads/{thread.id}/reply"
    new = "/communities/discharge-lounge/threads/new"
    as_mo = client_as(mo)

    assert as_mo.post(reply, data={"body": ""}).status_code == 200  # refused: not counted
    assert as_mo.post(reply, data={"body": "First."}).status_code == 302
    assert as_mo.post(new, data={"title": "Ward rounds", "body": "Second."}).status_code == 302
    assert as_mo.post(reply, data={"body": "Third."}).status_code == 302
    refused = as_mo.post(reply, data={"body": "Fourth, too soon."})

    assert refused.status_code == 429
    assert "You are posting too quickly" in page_text(refused)
    assert "reset your password" not in page_text(refused)
    assert "Fourth, too soon." not in {p.body_source for p in posts_in(thread)}
    # Another member's posts are counted apart.
    assert client_as(ash).post(reply, data={"body": "Mine."}).status_code == 302


def test_a_deleted_members_posts_stay_by_a_former_member(lounge, fay, mo, ash):
    """Their name goes from their reply, the quote of it and the key learning it became."""
    from helpers import PASSWORD

    from community.accounts import deletion

    thread = services.start_thread(fay, lounge, "Discharge lounge hours", "When is it open?")
    answer = services.reply(ash, thread, "From **eight** until six.")
    services.reply(mo, thread, "Thanks!", answer)
    services.set_key_learning(fay, answer, True)
    before = page_text(client_as(mo).get(thread_path(thread)))
    assert "Ash Author" in before and "From Ash Author's reply" in before
    deletion.delete_account(ash, PASSWORD)
    db.session.expire_all()
    text = page_text(client_as(mo).get(thread_path(thread)))
    assert "Ash Author" not in text
    assert "From a former member's reply" in text  # the key learning
    assert "A former member" in text and "From eight until six." in text
