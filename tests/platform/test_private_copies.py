"""Private stays private on every path that copies or moves content.

Text read in a private community keeps that audience when it is copied (an
adaptation of a method), moved (a thread to another community), quoted,
linked (a project to a method), suggested (who else is working on this),
told (notifications and emails), exported, or traced (lineage and spread).
Widening it is always the member's explicit choice, made with a warning.
"""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from factories import (
    adapt,
    add_member,
    approach,
    client_as,
    first_post,
    index_everyone,
    make_community,
    make_post,
    make_thread,
    publish_method,
)
from factories import make_community as make_group
from helpers import emails_to, page_text

from community.accounts.export import member_data
from community.communities import services as communities
from community.communities.models import Visibility
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.discussions import moderation
from community.discussions import services as discussions
from community.discussions.models import Thread
from community.methods import services
from community.methods.lineage import descendants, spread
from community.methods.models import Method
from community.methods.snapshots import content_of, context_of
from community.notifications import digests
from community.notifications.models import EmailFrequency, WatchLevel
from community.projects import dashboards, method_links
from community.projects import services as projects
from community.search.working_on import working_on


@pytest.fixture
def insider(make_user):
    return make_user("ike-insider", name="Ike Insider")


@pytest.fixture
def outsider(make_user):
    return make_user("olu-outsider", name="Olu Outsider")


@pytest.fixture
def circle(author, insider):
    return make_community(author, "Night nurses circle", private=True, members=[insider])


@pytest.fixture
def secret(author, circle):
    return publish_method(
        author,
        "Quiet handover",
        community_id=circle.id,
        sections={"how_to": "Whisper the handover at bed 4"},
    )


def _with_co_author(method, user):
    changed = content_of(method)
    changed.co_authors = user.username
    return changed


def _url(method, suffix=""):
    return f"/methods/{method.id}-{method.slug}{suffix}"


def _count_methods() -> int:
    return db.session.scalar(sa.select(sa.func.count(Method.id)))


# ------------------------------------------------------------------ adapting a method


def test_an_adaptation_of_a_private_method_cannot_leave_its_community_unasked(
    insider, outsider, circle, secret
):
    before = _count_methods()
    with pytest.raises(RuleViolation) as refused:
        adapt(insider, secret, "Quiet handover at home")  # no community: every member
    assert refused.value.field == "widen_audience"
    assert "shared only with members of Night nurses circle" in refused.value.message
    db.session.rollback()
    assert _count_methods() == before  # nothing half-saved
    kept = adapt(insider, secret, "Quiet handover at home", community_id=circle.id)
    assert kept.community_id == circle.id
    assert not services.can_see_method(outsider, kept)


def test_another_private_community_is_wider_too(author, insider, make_user, circle, secret):
    other = make_community(insider, "Day nurses circle", private=True, members=[make_user()])
    with pytest.raises(RuleViolation) as refused:
        adapt(insider, secret, "Quiet handover by day", community_id=other.id)
    assert refused.value.field == "widen_audience"


def test_widening_is_the_authors_explicit_choice(insider, outsider, secret):
    shared = adapt(insider, secret, "Quiet handover at home", widen_audience=True)
    assert shared.community_id is None
    assert services.can_see_method(outsider, shared)


def test_an_open_methods_adaptation_goes_where_its_author_chooses(author, insider, outsider):
    parent = publish_method(author, "Loud handover")
    child = adapt(insider, parent, "Loud handover at home")
    assert child.community_id is None and services.can_see_method(outsider, child)


def test_editing_an_adaptation_out_of_the_private_community_asks_too(insider, circle, secret):
    child = adapt(insider, secret, "Quiet handover at home", community_id=circle.id)
    moved = content_of(child)
    moved.community_id = None
    with pytest.raises(RuleViolation) as refused:
        services.update_method(
            insider, child, moved, base_version=child.version, context=context_of(child.adaptation)
        )
    assert refused.value.field == "widen_audience"
    db.session.expire_all()
    assert db.session.get(Method, child.id).community_id == circle.id
    child = db.session.get(Method, child.id)
    moved = content_of(child)
    moved.community_id = None
    services.update_method(
        insider, child, moved, base_version=child.version, widen_audience=True,
        context=context_of(child.adaptation),
    )  # fmt: skip
    assert child.community_id is None
    # Once widened by choice, later edits that leave it there do not ask again.
    again = content_of(child)
    again.summary = "Handover without waking anyone."
    assert services.update_method(
        insider, child, again, base_version=child.version, context=context_of(child.adaptation)
    )


def _adapt_form(**changes) -> dict:
    return {
        "title": "Quiet handover at home",
        "summary": "Handover without waking anyone.",
        "when_to_use": "At night.",
        "how_to": "Whisper.",
        "what_you_need": "",
        "evidence": "",
        "pitfalls": "",
        "free_tags": "",
        "approaches": [str(approach().id)],
        "co_authors": "",
        "care_setting": "community",
        "what_changed": "At home",
        "why": "Patients sleep",
        "action": "publish",
        **changes,
    }


def test_the_adapt_form_starts_in_the_private_community_and_warns(insider, circle, secret):
    client = client_as(insider)
    page = client.get(_url(secret, "/adapt")).text
    assert re.search(rf'<option value="{circle.id}" selected\s*>', page)  # as the original
    text = page_text(client.get(_url(secret, "/adapt")))
    assert "shared only with members of Night nurses circle" in text
    assert "Share it beyond Night nurses circle anyway" in text
    assert "Whisper the handover at bed 4" in page  # the copied text it warns about


def test_the_adapt_form_refuses_a_wider_audience_without_the_choice(
    insider, outsider, circle, secret
):
    client = client_as(insider)
    before = _count_methods()
    refused = client.post(_url(secret, "/adapt"), data=_adapt_form(community="0"))
    assert refused.status_code == 200
    text = page_text(refused)
    assert "Your adaptation copies text shared only with members of Night nurses circle" in text
    assert _count_methods() == before
    kept = client.post(_url(secret, "/adapt"), data=_adapt_form(community=str(circle.id)))
    assert kept.status_code == 302
    child = db.session.scalar(sa.select(Method).where(Method.parent_id == secret.id))
    assert child.community_id == circle.id
    assert client_as(outsider).get(_url(child)).status_code == 404


def test_the_adapt_form_widens_with_the_choice(insider, outsider, secret):
    client = client_as(insider)
    done = client.post(_url(secret, "/adapt"), data=_adapt_form(community="0", widen_audience="y"))
    assert done.status_code == 302
    child = db.session.scalar(sa.select(Method).where(Method.parent_id == secret.id))
    assert child.community_id is None
    assert client_as(outsider).get(_url(child)).status_code == 200


def test_an_open_methods_adapt_form_has_no_warning(author, insider):
    parent = publish_method(author, "Loud handover")
    text = page_text(client_as(insider).get(_url(parent, "/adapt")))
    assert "shared only with members" not in text and "anyway" not in text


def test_the_edit_form_warns_while_the_adaptation_is_still_private(insider, circle, secret):
    child = adapt(insider, secret, "Quiet handover at home", community_id=circle.id)
    text = page_text(client_as(insider).get(_url(child, "/edit")))
    assert "The method you adapted is shared only with members of Night nurses circle" in text


# ------------------------------------------------------------------ moving a thread


@pytest.fixture
def lounges(author, insider, outsider):
    """A private and an open community, both run by `author`."""
    private = make_group(author, "Quiet lounge", visibility=Visibility.PRIVATE, members=[insider])
    public = make_group(author, "Open lounge", members=[outsider])
    return private, public


def test_moving_a_thread_out_of_a_private_community_needs_the_choice(author, insider, lounges):
    private, public = lounges
    thread = make_thread(insider, private, "Night staffing", "Bed 4 is short-staffed tonight")
    with pytest.raises(RuleViolation) as refused:
        moderation.move_thread(author, thread, public)
    assert refused.value.field == "widen_audience"
    assert "written for members of Quiet lounge only" in refused.value.message
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).community_id == private.id
    moderation.move_thread(author, db.session.get(Thread, thread.id), public, widen_audience=True)
    assert db.session.get(Thread, thread.id).community_id == public.id


def test_moving_an_open_thread_does_not_ask(author, outsider, lounges):
    private, public = lounges
    thread = make_thread(outsider, public, "Day staffing")
    moderation.move_thread(author, thread, private)  # narrower: nobody new may read it
    assert thread.community_id == private.id


def test_the_move_page_warns_and_refuses_without_the_choice(author, insider, outsider, lounges):
    private, public = lounges
    thread = make_thread(insider, private, "Night staffing", "Bed 4 is short-staffed tonight")
    url = f"/communities/{private.slug}/threads/{thread.id}/move"
    client = client_as(author)
    text = page_text(client.get(url))
    assert "This thread is in Quiet lounge, a private community" in text
    assert "Move it out of Quiet lounge anyway" in text
    refused = client.post(url, data={"community": str(public.id)})
    assert refused.status_code == 200
    assert "written for members of Quiet lounge only" in page_text(refused)
    assert "Bed 4" not in page_text(client_as(outsider).get(f"/communities/{public.slug}"))
    moved = client.post(url, data={"community": str(public.id), "widen_audience": "y"})
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).community_id == public.id


# ------------------------------------------------------------------ quoting a post


def test_a_post_cannot_be_quoted_into_another_thread(author, insider, outsider, lounges):
    private, public = lounges
    secret = make_thread(insider, private, "Night staffing", "Bed 4 is short-staffed tonight")
    secret_post = first_post(secret)
    open_thread = make_thread(outsider, public, "Day staffing", "We have enough today")
    add_member(public, insider)
    # The reply form will not quote a post from another thread, for anyone.
    url = f"/communities/{public.slug}/threads/{open_thread.id}/reply?to={secret_post.id}"
    assert client_as(insider).get(url).status_code == 404
    # Nor will the service: a quote is a reference to a post in the same thread.
    reply = discussions.reply(insider, open_thread, "See the night thread", secret_post)
    assert reply.reply_to_id is None
    page = page_text(
        client_as(outsider).get(
            f"/communities/{public.slug}/threads/{open_thread.id}-{open_thread.slug}"
        )
    )
    assert "See the night thread" in page and "Bed 4" not in page


def test_a_quote_of_a_post_hidden_since_is_not_shown_to_readers(
    author, insider, outsider, make_user, lounges
):
    _private, public = lounges
    add_member(public, insider)
    thread = make_thread(outsider, public, "Day staffing", "We have enough today")
    quoted = make_post(insider, thread, "Bed 7 patient is called Mrs Example")
    make_post(outsider, thread, "Thanks for the detail", reply_to=quoted)
    moderation.hide_post(author, quoted)
    url = f"/communities/{public.slug}/threads/{thread.id}-{thread.slug}"
    reader = make_user("rae-reader")
    page = page_text(client_as(reader).get(url))
    assert "Thanks for the detail" in page and "Mrs Example" not in page
    assert "Mrs Example" in page_text(client_as(author).get(url))  # its facilitator still can


# ------------------------------------------------------------------ a project's methods


def test_an_open_projects_page_does_not_name_a_private_method(
    author, insider, outsider, circle, secret, make_project
):
    project = make_project(insider, title="Calmer nights")
    method_links.link_method(insider, project, secret.id)
    url = f"/projects/{project.id}-{project.slug}"
    theirs = client_as(outsider).get(url)
    assert theirs.status_code == 200
    assert "Quiet handover" not in page_text(theirs)
    assert method_links.linked_methods(outsider, project) == []
    assert "Quiet handover" in page_text(client_as(insider).get(url))
    # The methods used by projects on a dashboard leave it out too.
    board = dashboards.for_system(outsider, project.organisation.system)
    assert all(m.title != "Quiet handover" for m, _n in board.methods)


# ------------------------------------------------------------------ who else is working on this


def test_the_panel_forgets_a_method_that_moved_into_a_private_community(
    app, author, insider, outsider, circle
):
    method = publish_method(author, "Sepsis screening")
    index_everyone()
    with app.test_request_context():
        before = working_on(outsider, "Sepsis bundle audit")
    assert [c.name for c in before.colleagues] == ["Ama Author"]
    moved = content_of(method)
    moved.community_id = circle.id
    services.update_method(author, method, moved, base_version=method.version)
    with app.test_request_context():
        after = working_on(outsider, "Sepsis bundle audit")
        inside = working_on(insider, "Sepsis bundle audit")
    assert after.colleagues == ()
    assert [c.name for c in inside.colleagues] == ["Ama Author"]


# ------------------------------------------------------------------ digests


def test_a_digest_leaves_out_a_private_thread_its_reader_was_removed_from(
    author, insider, make_user, circle
):
    stays = make_user("sue-stays", name="Sue Stays")
    add_member(circle, stays, author)
    thread = make_thread(author, circle, "Night staffing", "Who can cover?")
    for reader in (insider, stays):
        discussions.set_watch_level(reader, thread, WatchLevel.WATCHING)
        reader.email_notifications = EmailFrequency.DAILY
    db.session.commit()
    make_post(author, thread, "Bed 4 is short-staffed tonight")
    communities.remove_member(author, circle, insider)
    assert digests.send_digests(EmailFrequency.DAILY) == 1
    sent = [m for m in emails_to(insider) + emails_to(stays) if "since your last" in m.body_text]
    (digest,) = sent
    assert digest.to_address == stays.email
    assert "Night staffing" in digest.body_text


# ------------------------------------------------------------------ the data export


def test_an_export_keeps_no_title_of_others_it_can_no_longer_see(
    author, insider, circle, secret, make_project
):
    services.update_method(
        author, secret, _with_co_author(secret, insider), base_version=secret.version
    )
    project = make_project(author, title="Secret staffing project", community=circle)
    projects.add_team_member(author, project, username=insider.username, role="", is_lead=False)
    own = publish_method(insider, "My own handover", community_id=circle.id)
    before = member_data(insider)
    assert {m["title"] for m in before["methods_authored"]} == {"Quiet handover", own.title}
    assert [p["title"] for p in before["projects"]] == ["Secret staffing project"]
    communities.leave(insider, circle)
    after = member_data(insider)
    text = json.dumps(after)
    assert "Quiet handover" not in text and "Secret staffing project" not in text
    assert {m["id"] for m in after["methods_authored"]} == {secret.id, own.id}
    assert "My own handover" in text  # what they wrote themselves stays theirs
    assert [p["id"] for p in after["projects"]] == [project.id]


# ------------------------------------------------------------------ lineage and spread


def test_spread_never_names_where_a_private_adaptation_was_made(
    author, insider, outsider, circle, make_organisation, make_user
):
    root = publish_method(author, "Loud handover")
    far = make_organisation("Far Away Hospice")
    maker = make_user("fin-far", organisation=far)
    add_member(circle, maker, author)
    adapt(maker, root, "Quiet loud handover", community_id=circle.id)
    theirs = spread(root, descendants(outsider, root), outsider)
    assert [o.organisation.name for _s, o in theirs.rows] == []
    page = page_text(client_as(outsider).get(_url(root, "/lineage")))
    assert "Far Away Hospice" not in page and "Quiet loud handover" not in page
    mine = spread(root, descendants(insider, root), insider)
    assert [o.organisation.name for _s, o in mine.rows] == ["Far Away Hospice"]
