"""Method pages through the test client: what a member sees and can do."""

from __future__ import annotations

import re

import sqlalchemy as sa
from factories import adapt, approach, draft_method, make_community, publish_method, switch_to
from helpers import error_summary

from community.core.extensions import db
from community.discussions.models import Post, Thread
from community.methods import services, uses
from community.methods.models import Method, MethodUse
from community.methods.snapshots import content_of
from community.notifications.models import Notification


def _url(method, suffix=""):
    return f"/methods/{method.id}-{method.slug}{suffix}"


FORM = {
    "title": "Daily board rounds",
    "summary": "A short daily meeting to plan each patient's day.",
    "when_to_use": "When patients wait for decisions.",
    "how_to": "1. Meet at 9am\n2. Review every patient",
    "what_you_need": "A whiteboard",
    "evidence": "",
    "pitfalls": "",
    "free_tags": "huddles",
    "impacts": ["4"],
    "settings": ["acute"],
    "community": "0",
    "co_authors": "",
}


# ------------------------------------------------------------------ library


def test_the_header_offers_methods(client, auth, member):
    page = auth.as_user(member).get("/")
    assert re.search(r'href="/methods"[^>]*>Methods</a>', page.text)
    library = client.get("/methods")
    assert library.status_code == 200
    assert re.search(r'href="/methods" aria-current="page">.*?Methods', library.text)


def test_the_library_filters_and_sorts(client, auth, author, member):
    lean = publish_method(author, "Lean huddles", approach_ids=[approach("lean").id])
    spc = publish_method(
        author, "Run charts for wards", approach_ids=[approach("statistical-process-control").id],
        impacts=[4], settings=["mental_health"],
    )  # fmt: skip
    draft_method(author, "Secret draft")
    uses.record_use(member, spc)
    auth.as_user(member)
    everything = client.get("/methods").text
    assert "Lean huddles" in everything and "Run charts for wards" in everything
    assert "Secret draft" not in everything
    assert "Lean huddles" not in client.get("/methods?approach=statistical-process-control").text
    assert "Lean huddles" not in client.get("/methods?impact=4").text
    assert "Lean huddles" not in client.get("/methods?setting=mental_health").text
    used = client.get("/methods?sort=used").text
    assert used.index("Run charts for wards") < used.index("Lean huddles")
    newest = client.get("/methods").text
    assert newest.index("Run charts for wards") < newest.index("Lean huddles")
    assert lean.title in client.get("/methods?approach=no-such-tag&impact=9&sort=bogus").text


def test_the_library_filters_by_community(client, auth, author, member):
    group = make_community(author, "Discharge network", members=[member])
    publish_method(author, "In the network", community_id=group.id)
    publish_method(author, "Everywhere")
    page = auth.as_user(member).get(f"/methods?community={group.slug}").text
    assert "In the network" in page and "Everywhere" not in page


def test_your_methods_include_your_drafts(client, auth, author):
    draft_method(author, "Half written")
    page = auth.as_user(author).get("/methods?show=mine").text
    assert "Half written" in page and "Draft" in page


def test_the_library_is_paginated(client, auth, author, app):
    total = app.config["PER_PAGE"] + 2
    for n in range(total):
        publish_method(author, f"Method number {n}")
    auth.as_user(author)
    first, second = client.get("/methods").text, client.get("/methods?page=2").text
    assert f"Showing 1 to {app.config['PER_PAGE']} of {total} methods" in first
    assert ">Method number 0<" in second and ">Method number 0<" not in first


# ------------------------------------------------------------------ writing


def test_writing_and_publishing_a_method(client, auth, author):
    auth.as_user(author)
    page = client.get("/methods/new")
    assert page.status_code == 200 and "Improvement approaches" in page.text
    lean = approach("lean")
    done = client.post(
        "/methods/new", data={**FORM, "approaches": [str(lean.id)], "action": "publish"}
    )
    method = db.session.scalar(sa.select(Method))
    assert done.status_code == 302 and done.location == _url(method)
    assert method.is_published and method.care_settings == ["acute"]
    shown = client.get(_url(method)).text
    assert "Daily board rounds" in shown and "Lean" in shown and "Acute hospital care" in shown
    assert "Building improvement capability and capacity" in shown


def test_publishing_an_incomplete_method_lists_every_missing_part(client, auth, author):
    auth.as_user(author)
    page = client.post(
        "/methods/new",
        data={**FORM, "summary": "", "how_to": "", "free_tags": "", "action": "publish"},
    )
    assert page.status_code == 200
    for message in ("Write a one-paragraph summary", "Describe how to do it",
                    "Choose at least one improvement approach"):  # fmt: skip
        assert message in page.text
    assert "There is a problem" in page.text
    assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 0


def test_saving_a_draft_needs_only_a_title(client, auth, author):
    auth.as_user(author)
    done = client.post("/methods/new", data={"title": "Idea", "community": "0", "action": "draft"})
    method = db.session.scalar(sa.select(Method))
    assert done.status_code == 302 and method.is_draft and method.title == "Idea"


def test_a_wrong_slug_redirects_permanently_to_the_current_address(client, auth, author):
    method = publish_method(author, "Board rounds")
    auth.as_user(author)
    moved = client.get(f"/methods/{method.id}-old-name/history?from=1")
    assert moved.status_code == 301 and moved.location == _url(method, "/history?from=1")
    short = client.get(f"/methods/{method.id}")
    assert short.status_code == 302 and short.location == _url(method)


def test_editing_keeps_a_revision_and_the_history_shows_the_difference(client, auth, author):
    method = publish_method(author, "Board rounds")
    auth.as_user(author)
    form = client.get(_url(method, "/edit")).text
    assert 'name="version" type="hidden" value="1"' in form
    data = {**FORM, "title": "Board rounds", "approaches": [str(approach().id)], "version": "1",
            "how_to": "1. Meet at 8am\n2. Review every patient",
            "note": "Earlier start"}  # fmt: skip
    assert client.post(_url(method, "/edit"), data=data).status_code == 302
    history = client.get(_url(method, "/history")).text
    assert "Earlier start" in history and "Version 2" in history
    assert "Changes from version 1 to version 2" in history
    assert "<del>9am</del>" in history and "<ins>8am</ins>" in history
    assert "Added: " in history and "Removed: " in history
    old = client.get(_url(method, "/history/1")).text
    assert "This is an earlier version" in old


def test_history_refuses_versions_that_do_not_exist(client, auth, author):
    method = publish_method(author)
    page = auth.as_user(author).get(_url(method, "/history?from=1&to=7"))
    assert page.status_code == 200 and "Choose two versions to compare" in page.text
    assert client.get(_url(method, "/history/7")).status_code == 404


def test_diffs_escape_what_authors_wrote(client, auth, author):
    method = publish_method(author, sections={"pitfalls": "Plain"})
    changed = content_of(method)
    changed.sections["pitfalls"] = "<img src=x onerror=alert(1)>"
    services.update_method(author, method, changed, base_version=1)
    page = auth.as_user(author).get(_url(method, "/history")).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_stale_edit_is_refused_and_shows_the_difference(client, auth, author, make_user):
    co_author = make_user("cole-coauthor")
    method = publish_method(author, "Board rounds", co_authors=co_author.username)
    changed = content_of(method)
    changed.sections["how_to"] = "1. Meet at 8am"
    services.update_method(author, method, changed, base_version=1)
    auth.as_user(co_author)
    data = {**FORM, "title": "Board rounds", "approaches": [str(approach().id)],
            "co_authors": co_author.username, "version": "1",
            "how_to": "1. Meet at 10am"}  # fmt: skip
    page = client.post(_url(method, "/edit"), data=data)
    assert page.status_code == 200
    assert "Someone else saved changes to this method" in page.text
    assert "Only in the saved version: " in page.text and "Only in your version: " in page.text
    assert 'name="version" type="hidden" value="2"' in page.text  # saving again is informed
    assert "1. Meet at 10am" in page.text  # their text is still in the form
    db.session.expire_all()
    assert db.session.get(Method, method.id).how_to_source == "1. Meet at 8am"


def test_publish_unpublish_and_delete_from_the_page(client, auth, author):
    method = draft_method(author)
    auth.as_user(author)
    assert client.post(_url(method, "/publish")).status_code == 302
    assert db.session.get(Method, method.id).is_published
    assert client.post(_url(method, "/unpublish")).status_code == 302
    assert db.session.get(Method, method.id).is_draft
    assert "This cannot be undone" in client.get(_url(method, "/delete")).text
    done = client.post(_url(method, "/delete"))
    assert done.status_code == 302 and done.location == "/methods"
    assert client.get(_url(method)).status_code == 404


def test_publishing_an_incomplete_draft_from_its_page_says_why(client, auth, author):
    services.create_method(author, services.MethodContent(title="Idea only"))
    method = db.session.scalar(sa.select(Method))
    auth.as_user(author)
    client.post(_url(method, "/publish"))
    assert "Write a one-paragraph summary" in client.get(_url(method)).text


# ------------------------------------------------------------------ using and adapting


def test_ive_used_this(client, auth, author, member):
    method = publish_method(author)
    auth.as_user(member)
    done = client.post(_url(method, "/used"), data={"used": "1"})
    assert done.status_code == 302 and done.location.endswith("#use")
    page = client.get(_url(method)).text
    assert "Used by 1 member in 1 organisation across 1 integrated care system" in page
    assert "I have not used it" in page
    client.post(_url(method, "/used"), data={"used": "0"})
    assert db.session.scalar(sa.select(sa.func.count(MethodUse.id))) == 0


def test_adapting_starts_from_a_copy_and_links_back(client, auth, author, member):
    parent = publish_method(author, "Board rounds", sections={"how_to": "Original steps"})
    auth.as_user(member)
    form = client.get(_url(parent, "/adapt")).text
    assert "Original steps" in form and "Your context" in form
    data = {**FORM, "title": "Virtual board rounds", "approaches": [str(approach().id)],
            "care_setting": "community", "what_changed": "By phone", "why": "Rural team",
            "scale": "team", "action": "publish"}  # fmt: skip
    done = client.post(_url(parent, "/adapt"), data=data)
    child = db.session.scalar(sa.select(Method).where(Method.parent_id == parent.id))
    assert done.status_code == 302 and done.location == _url(child)
    page = client.get(_url(child)).text
    assert "Adapted from" in page and "Board rounds" in page and "By phone" in page
    assert f'Adapted from <a href="{_url(parent)}">{parent.title}</a>' in page
    assert "Virtual board rounds" in client.get(_url(parent)).text


def test_an_adaptation_without_its_context_is_refused_by_the_fields(client, auth, author, member):
    parent = publish_method(author)
    auth.as_user(member)
    data = {**FORM, "approaches": [str(approach().id)], "action": "publish"}
    page = client.post(_url(parent, "/adapt"), data=data)
    assert page.status_code == 200
    assert "Choose the care setting you adapted it for" in page.text
    assert "Say what you changed" in page.text
    assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 1


def test_a_deleted_parent_leaves_its_adaptations_readable(client, auth, author, member):
    parent = publish_method(author, "Board rounds")
    child = adapt(member, parent, "Virtual board rounds")
    services.delete_method(author, parent)
    auth.as_user(member)
    page = client.get(_url(child))
    assert page.status_code == 200
    assert "Adapted from a method that is no longer published" in page.text
    assert "Board rounds</a>" not in page.text
    lineage = client.get(_url(child, "/lineage")).text
    assert "A method that is no longer published" in lineage


def test_the_lineage_and_spread_pages(client, auth, author, member, make_user, make_organisation):
    parent = publish_method(author, "Board rounds")
    child = adapt(member, parent, "Virtual board rounds")
    far = make_organisation("Seaside Hospice")
    grandchild = adapt(make_user(organisation=far), child, "Hospice board rounds")
    uses.record_use(make_user(organisation=far), parent)
    page = auth.as_user(member).get(_url(parent, "/lineage")).text
    assert "This is an original method" in page
    assert "Virtual board rounds" in page and "Hospice board rounds" in page
    assert page.index("Virtual board rounds") < page.index("Hospice board rounds")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "<desc id=" in page
    assert "Seaside Hospice" in page and "Riverside Hospitals NHS Foundation Trust" in page
    chain = client.get(_url(grandchild, "/lineage")).text
    assert chain.index("Board rounds") < chain.index("Virtual board rounds")
    assert "It is 2 adaptations away from the original method" in chain


def test_the_printable_view(client, auth, author):
    method = publish_method(author, "Board rounds", sections={"pitfalls": "Weekends"})
    page = auth.as_user(author).get(_url(method, "/print"))
    assert page.status_code == 200
    assert "Weekends" in page.text and "data-print" in page.text
    assert "css/print.css" in page.text


# ------------------------------------------------------------------ discussion


def test_a_method_has_its_own_discussion(client, auth, author, member):
    method = publish_method(author, "Board rounds")
    auth.as_user(member)
    page = client.get(_url(method, "/discussion"))
    assert page.status_code == 200 and "No one has commented yet" in page.text
    done = client.post(_url(method, "/discussion/reply"), data={"body": "Does it work at night?"})
    post = db.session.scalar(sa.select(Post))
    assert done.status_code == 302 and done.location == _url(method, f"/discussion#post-{post.id}")
    assert "Does it work at night?" in client.get(_url(method, "/discussion")).text
    # The author follows their method's discussion, so hears about it.
    note = db.session.scalar(sa.select(Notification).where(Notification.recipient_id == author.id))
    assert "the discussion of “Board rounds”" in note.text
    # Permalinks and the thread's short address lead to the method's discussion.
    assert client.get(f"/posts/{post.id}").location == _url(method, f"/discussion#post-{post.id}")
    thread = db.session.scalar(sa.select(Thread))
    assert client.get(f"/threads/{thread.id}").location == _url(method, "/discussion")
    assert client.get(f"/communities/x/threads/{thread.id}-board-rounds").status_code == 301


def test_a_draft_discussion_is_closed(client, auth, author):
    method = draft_method(author)
    auth.as_user(author)
    assert (
        "The discussion opens when the method is published"
        in client.get(_url(method, "/discussion")).text
    )
    refused = client.post(_url(method, "/discussion/reply"), data={"body": "Hello"})
    assert refused.status_code == 200
    assert "The discussion opens when the method is published" in refused.text
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


def test_authors_moderate_their_method_discussion(client, auth, author, member, make_user):
    method = publish_method(author)
    thread = services.thread_of(method)
    auth.as_user(member)
    client.post(_url(method, "/discussion/reply"), data={"body": "Buy cheap pills"})
    post = db.session.scalar(sa.select(Post))
    for flagger in (make_user(), make_user(), make_user()):
        switch_to(client, flagger)
        client.post(f"/posts/{post.id}/flag", data={"reason": "spam"})
    db.session.expire_all()
    assert db.session.get(Post, post.id).is_hidden  # three flags hide it
    switch_to(client, author)
    queue = client.get(_url(method, "/discussion/flags"))
    assert queue.status_code == 200 and "Buy cheap pills" in queue.text
    done = client.post(f"/posts/{post.id}/review", data={"decision": "hide"})
    assert done.location == _url(method, "/discussion/flags")
    assert (
        client.post(_url(method, "/discussion/moderate"), data={"action": "lock"}).status_code
        == 302
    )
    assert db.session.get(Thread, thread.id).is_locked
    switch_to(client, member)
    assert client.get(_url(method, "/discussion/flags")).status_code == 403


def test_every_problem_with_a_method_is_shown_at_once(client, auth, author):
    auth.as_user(author)
    page = client.post(
        "/methods/new",
        data={**FORM, "title": "", "summary": "", "free_tags": "huddles, " + "x" * 61,
              "action": "publish"},
    )  # fmt: skip
    assert page.status_code == 200
    # The form's own check (no title), what publishing needs (a summary) and the
    # service's (a tag too long) in one submit.
    listed = error_summary(page)
    for message in (
        "Enter a title",
        "Write a one-paragraph summary before publishing",
        "Each tag must be 60 characters or fewer and contain letters or numbers",
    ):
        assert message in listed
    assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 0


def test_every_problem_with_an_adaptation_is_shown_at_once(client, auth, author, member):
    parent = publish_method(author)
    auth.as_user(member)
    data = {**FORM, "title": "", "approaches": [str(approach().id)], "care_setting": "",
            "what_changed": "By phone", "why": "Rural team", "organisation_type": "castle",
            "results_url": "not a web address", "action": "draft"}  # fmt: skip
    page = client.post(_url(parent, "/adapt"), data=data)
    assert page.status_code == 200
    # The form's own checks (no title, no care setting) and the service's (a type of
    # organisation not on the list, a link that is not a web address) in one submit.
    assert sorted(error_summary(page)) == sorted([
        "Enter a title",
        "Choose the care setting you adapted it for",
        "Choose a type of organisation from the list",
        "Enter a web address starting with https://, like https://example.nhs.uk/report",
    ])  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 1
