"""Members learning together in a community, and a facilitator moderating it, as people see it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from factories import add_member, make_community, make_post, make_thread
from playwright.sync_api import expect

from community.accounts.models import User
from community.communities.models import Community

from .support import Person, release

pytestmark = pytest.mark.browser


def test_members_discuss_mention_each_other_and_keep_the_key_learning(
    new_page, live_server, db, make_user, sign_in, monkeypatch
):
    # Proposals open at once here: approval has its own tests.
    monkeypatch.setitem(live_server.app.config, "COMMUNITY_APPROVAL_REQUIRED", False)
    author = Person.of(make_user("asha-lead", name="Asha Lead"))
    replier = Person.of(make_user("ben-nurse", name="Ben Nurse"))
    mentioned = Person.of(make_user("cara-pharm", name="Cara Pharmacist"))
    release(db)

    # The author proposes a community and starts a thread with Markdown.
    page = new_page()
    sign_in(page, author, then="/communities")
    page.get_by_role("button", name="Propose a community").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a community")
    page.get_by_label("Name", exact=True).fill("Discharge before noon")
    page.get_by_label("Purpose").fill("Reduce delays in discharging frail patients.")
    page.get_by_label("Learning question").fill("What helps wards discharge before midday?")
    page.get_by_label("Open: anyone signed in can read it and join").check()
    page.get_by_role("button", name="Propose community").click()
    expect(
        page.get_by_text("Discharge before noon is ready. You are its facilitator.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discharge before noon")
    community_path = page.url.removeprefix(live_server.url)

    page.get_by_role("button", name="Start a thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a thread")
    page.get_by_label("Title").fill("Board rounds at 8am")
    page.get_by_label("Your post").fill(
        "We moved the board round to **8am**.\n\n- Fewer delays\n- Earlier transport\n"
    )
    page.get_by_role("button", name="Start thread").click()
    expect(page.get_by_text("Your thread has been started.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board rounds at 8am")
    opening = page.locator("article.ic-post").first
    expect(opening.locator(".ic-markdown strong")).to_have_text("8am")
    expect(opening.locator(".ic-markdown li")).to_have_text(["Fewer delays", "Earlier transport"])
    expect(opening).not_to_contain_text("**")
    thread_path = page.url.removeprefix(live_server.url)

    # The member to be mentioned belongs to the community.
    community = db.session.scalar(
        sa.select(Community).where(Community.name == "Discharge before noon")
    )
    add_member(community, db.session.get(User, mentioned.id))
    db.session.commit()
    release(db)

    # A second member, in another browser, joins and replies to the first post.
    other = new_page()
    sign_in(other, replier, then=community_path)
    other.get_by_role("button", name="Join this community").click()
    expect(other.get_by_text("You have joined Discharge before noon.")).to_be_visible()
    other.get_by_role("link", name="Board rounds at 8am").click()
    other.get_by_role("link", name="Reply to post by Asha Lead").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Reply")
    expect(other.locator("blockquote")).to_contain_text("Replying to Asha Lead")
    other.get_by_label("Your reply").fill(
        "We did the same and moved pharmacy earlier. @cara-pharm can say how TTOs changed."
    )
    other.get_by_role("button", name="Post reply").click()
    expect(other.get_by_text("Your reply has been posted.")).to_be_visible()
    reply = other.locator("article.ic-post").nth(1)
    expect(reply.locator("blockquote")).to_contain_text("In reply to Asha Lead")
    expect(reply.get_by_role("link", name="@cara-pharm")).to_be_visible()

    # The mentioned member sees the count in the header, opens it and lands on the post.
    third = new_page()
    sign_in(third, mentioned)
    header_link = third.get_by_role("banner").get_by_role("link", name=re.compile("^Notifications"))
    expect(header_link).to_have_text(re.compile(r"Notifications\s*1\s*unread"))
    header_link.click()
    expect(third.get_by_role("heading", level=1)).to_have_text("Notifications")
    third.get_by_role(
        "button", name="Ben Nurse mentioned you in “Board rounds at 8am” in Discharge before noon"
    ).click()
    expect(third).to_have_url(re.compile(re.escape(thread_path) + r"#post-\d+$"))
    post_id = third.url.rsplit("#", 1)[1]
    expect(third.locator(f"#{post_id}")).to_contain_text("moved pharmacy earlier")
    expect(third.get_by_role("banner").get_by_role("link", name="Notifications")).to_have_text(
        "Notifications"
    )

    # The thread's author marks the reply as the key learning.
    page.goto(thread_path)
    page.get_by_role("button", name="Mark as key learning: the post by Ben Nurse").click()
    expect(page.get_by_text("Marked as the key learning.")).to_be_visible()
    key_learning = page.locator("article.ic-post + section.ic-key-learning")
    expect(key_learning.get_by_role("heading")).to_have_text("Key learning")
    expect(key_learning).to_contain_text("From Ben Nurse's reply")
    expect(key_learning).to_contain_text("moved pharmacy earlier")


def test_a_facilitator_hides_a_post_a_member_flagged(new_page, db, make_user, sign_in):
    facilitator = make_user("fay-facilitator", name="Fay Facilitator")
    flagger = make_user("flo-member", name="Flo Member")
    poster = make_user("pat-poster", name="Pat Poster")
    community = make_community(facilitator, "Frailty front door", members=[flagger, poster])
    thread = make_thread(facilitator, community, "Frailty scores at triage")
    make_post(poster, thread, "Buy cheap scrubs at my shop!")
    db.session.commit()
    thread_path = f"/threads/{thread.id}"
    community_path = f"/communities/{community.slug}"
    facilitator, flagger = Person.of(facilitator), Person.of(flagger)
    release(db)

    member_page = new_page()
    sign_in(member_page, flagger, then=thread_path)
    member_page.get_by_role("link", name="Flag post by Pat Poster").click()
    expect(member_page.get_by_role("heading", level=1)).to_have_text("Flag a post")
    member_page.get_by_label("Spam or advertising").check()
    member_page.get_by_role("button", name="Flag post").click()
    expect(
        member_page.get_by_text("Thank you. The facilitators will review this post.")
    ).to_be_visible()

    page = new_page()
    sign_in(page, facilitator, then=community_path)
    page.get_by_role("link", name="Moderation queue (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    expect(page.get_by_text("Spam or advertising — Flo Member")).to_be_visible()
    page.get_by_label("Hide the post", exact=True).check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Your decision has been recorded.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()

    member_page.goto(thread_path)
    hidden = member_page.locator("article.ic-post").nth(1)
    expect(hidden).to_contain_text("This post has been hidden by the community's facilitators.")
    expect(hidden).not_to_contain_text("cheap scrubs")
