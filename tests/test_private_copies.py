"""Private stays private on every path that copies or moves content.

Text read in a private community keeps that audience when it is copied (an
adaptation of a method), moved (a thread to another community), quoted,
linked (a project to a method), suggested (who else is working on this),
told (notifications and emails), exported, or traced (lineage and spread).
Widening it is always the member's explicit choice, made with a warning.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from community_factories import client_as, make_thread, page_text
from community_factories import make_community as make_group
from methods_support import adapt, approach, make_community, publish_method

from community.communities.models import Visibility
from community.discussions import moderation
from community.discussions.models import Thread
from community.errors import RuleViolation
from community.extensions import db
from community.methods import services
from community.methods.models import Method
from community.methods.snapshots import content_of, context_of


@pytest.fixture
def author(make_user):
    return make_user("ama-author", name="Ama Author")


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
    assert f'<option selected value="{circle.id}">' in page or (
        f'value="{circle.id}" selected' in page
    )
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
