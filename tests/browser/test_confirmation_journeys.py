"""Nothing destroyed by one stray click: people meet the question, can step back, then act."""

from __future__ import annotations

import re

import pytest
from factories import (
    ask,
    ask_of,
    make_community,
    make_post,
    make_thread,
    offer,
    publish_method,
    request_for,
)
from playwright.sync_api import expect

from community.communities.models import Visibility

from .support import Person, release

pytestmark = pytest.mark.browser


def test_a_member_steps_back_from_deleting_their_post_then_deletes_it(page, db, make_user, sign_in):
    fay = make_user("fay-facilitator", name="Fay Facilitator")
    ben = make_user("ben-nurse", name="Ben Nurse")
    community = make_community(fay, "Discharge before noon", members=[ben])
    thread = make_thread(fay, community, "Board rounds at 8am")
    make_post(ben, thread, "Our ward 7 patient in bed 3 went home at 10.")
    thread_path = f"/threads/{thread.id}"
    ben = Person.of(ben)
    release(db)

    sign_in(page, ben, then=thread_path)
    page.get_by_role("link", name="Delete your post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your post?")
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    page.get_by_role("link", name="Keep the post").click()
    reply = page.locator("article.ic-post").nth(1)
    expect(reply).to_contain_text("went home at 10")  # stepping back changed nothing

    page.get_by_role("link", name="Delete your post").click()
    page.get_by_role("button", name="Delete the post").click()
    expect(page.get_by_text("Your post has been removed.")).to_be_visible()
    expect(reply).to_contain_text("This post was removed by its author.")
    expect(reply).not_to_contain_text("went home at 10")


def test_a_facilitator_removes_a_member_from_a_private_community(page, db, make_user, sign_in):
    fay = make_user("fay-facilitator", name="Fay Facilitator")
    mo = make_user("mo-member", name="Mo Member")
    make_community(fay, "Night shift safety", visibility=Visibility.PRIVATE, members=[mo])
    fay = Person.of(fay)
    release(db)

    sign_in(page, fay, then="/communities/night-shift-safety/members")
    page.get_by_role("link", name="Remove Mo Member from the community").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove Mo Member from Night shift safety?"
    )
    expect(page.get_by_text("They will no longer see its threads")).to_be_visible()
    page.get_by_role("button", name="Remove Mo Member").click()
    expect(page.get_by_text("Mo Member has been removed from the community.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.get_by_role("main").get_by_role("link", name="Mo Member")).to_have_count(0)


def test_a_lead_withdraws_an_ask_then_the_whole_request(
    page, db, make_user, make_organisation, sign_in
):
    rita = make_user("rita-lead", name="Rita Lead")
    max_ = make_user("max-mentor", name="Max Mentor", organisation=make_organisation("Hill Trust"))
    offer(max_, capacity=2)
    wanted = request_for(rita, title="Coaching for our ward leaders")
    ask(rita, wanted, max_)
    assert ask_of(wanted, max_) is not None
    request_path = f"/mentoring/requests/{wanted.id}"
    rita = Person.of(rita)
    release(db)

    sign_in(page, rita, then=request_path)
    page.get_by_role("link", name="Withdraw ask to Max Mentor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your ask to Max Mentor?")
    page.get_by_role("button", name="Withdraw the ask").click()
    expect(page.get_by_text("You have withdrawn your ask to Max Mentor.")).to_be_visible()
    expect(page.get_by_role("link", name="Withdraw ask to Max Mentor")).to_have_count(0)

    page.get_by_role("link", name="Withdraw this request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Withdraw “Coaching for our ward leaders”?"
    )
    page.get_by_role("button", name="Withdraw the request").click()
    expect(page.get_by_text("Your request has been withdrawn.")).to_be_visible()
    expect(page.get_by_role("link", name="Withdraw this request")).to_have_count(0)


def test_an_author_unpublishes_their_method_then_deletes_it(
    page, db, make_user, sign_in, check_accessibility
):
    ama = make_user("ama-author", name="Ama Author")
    method = publish_method(ama, "Safety huddle")
    method_path = f"/methods/{method.id}-{method.slug}"
    ama = Person.of(ama)
    release(db)

    sign_in(page, ama, then=method_path)
    page.get_by_role("link", name="Unpublish this method").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unpublish “Safety huddle”?")
    expect(page.get_by_text("Its authors can publish it again.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Unpublish the method").click()
    expect(page.get_by_text("The method has been unpublished.")).to_be_visible()

    page.get_by_role("link", name="Delete this method").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Safety huddle”?")
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety huddle")

    page.get_by_role("link", name="Delete this method").click()
    page.get_by_role("button", name="Delete the method").click()
    expect(page.get_by_text("“Safety huddle” has been deleted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Methods library")
    page.goto(method_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_a_mentor_checks_their_decline_before_it_is_sent(
    page, db, make_user, make_organisation, sign_in, check_accessibility
):
    rita = make_user("rita-lead", name="Rita Lead")
    max_ = make_user("max-mentor", name="Max Mentor", organisation=make_organisation("Hill Trust"))
    offer(max_, capacity=2)
    wanted = request_for(rita, title="Coaching for our ward leaders")
    ask(rita, wanted, max_)
    request_path = f"/mentoring/requests/{wanted.id}"
    max_ = Person.of(max_)
    release(db)

    sign_in(page, max_, then=request_path)
    page.get_by_label("Decline").check()
    page.get_by_label("Message to the requester").fill("Fully booked until March, sorry.")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Decline to mentor "))
    expect(page.get_by_text("“Fully booked until March, sorry.”")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Decline the request").click()
    expect(page.get_by_text("You have declined. We have told the requester.")).to_be_visible()
