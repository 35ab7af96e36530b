"""Methods services: writing, publishing, revisions, concurrent edits, uses, audit, notices."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import adapt, content, context, draft_method, publish_method

from community.accounts.models import ExpertiseTag, TagKind
from community.audit.models import AuditEvent
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.discussions.models import Thread
from community.methods import services, uses
from community.methods.models import Method, MethodStatus, MethodUse
from community.methods.queries import revisions_of
from community.methods.snapshots import content_of, revision_snapshot, snapshot
from community.notifications.models import Notification, NotificationKind, ThreadWatch


@pytest.fixture
def co_author(make_user):
    return make_user("cole-coauthor", name="Cole Coauthor")


def _edit(method, user, **changes):
    """The method's current content with `changes`, as its edit form would send it."""
    current = content_of(method)
    sections = changes.pop("sections", {})
    current.sections.update(sections)
    for name, value in changes.items():
        setattr(current, name, value)
    return current


# ------------------------------------------------------------------ writing


def test_a_draft_is_saved_with_its_sections_rendered_and_a_thread(author):
    method = draft_method(author, "Daily board rounds", sections={"how_to": "1. **Meet**"})
    assert method.status == MethodStatus.DRAFT
    assert "<strong>Meet</strong>" in method.how_to_html
    assert method.render_version >= 1
    assert method.lead_author.id == author.id
    thread = db.session.scalar(sa.select(Thread).where(Thread.method_id == method.id))
    assert thread.community_id is None and thread.title == "Daily board rounds"
    # The author follows the method's discussion from the start.
    assert db.session.get(ThreadWatch, (author.id, thread.id)).level == "watching"
    # A draft keeps no revision: history starts when it is published.
    assert revisions_of(method) == []


def test_markdown_in_sections_is_sanitised(author):
    method = draft_method(
        author, sections={"pitfalls": "<script>alert(1)</script> [x](javascript:1)"}
    )
    assert "<script>" not in method.pitfalls_html
    assert "javascript:" not in method.pitfalls_html


def test_the_summary_is_kept_as_one_plain_paragraph(author):
    method = draft_method(author, summary="First line\n\nsecond   paragraph")
    assert method.summary == "First line second paragraph"


def test_publishing_needs_summary_when_how_and_an_approach(author):
    bare = content("Bare", summary="", sections={"when_to_use": "", "how_to": ""}, approach_ids=[])
    bare.approach_ids = []
    with pytest.raises(RuleViolation) as refused:
        services.create_method(author, bare, publish=True)
    assert refused.value.field == "summary"
    assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 0  # nothing half-saved


def test_free_tags_are_created_once_and_shared(author):
    first = publish_method(author, free_tags="Huddles, huddles , Ward rounds")
    second = publish_method(author, free_tags="huddles")
    names = sorted(t.name for t in first.free_tags)
    assert names == ["Huddles", "Ward rounds"]
    assert [t.id for t in second.free_tags] == [
        t.id for t in first.free_tags if t.slug == "huddles"
    ]
    assert all(t.kind == TagKind.FREE for t in first.free_tags)


def test_bad_input_names_the_field_and_saves_nothing(author):
    cases = [
        (content(""), "title"),
        (content("x" * 201), "title"),
        (content(summary="x" * 601), "summary"),
        (content(impacts=[6]), "impacts"),
        (content(settings=["spaceship"]), "settings"),
        (content(free_tags=", ".join(f"tag {n}" for n in range(11))), "free_tags"),
        (content(co_authors="nobody-here"), "co_authors"),
        (content(community_id=999999), "community"),
    ]
    for bad, field_name in cases:
        with pytest.raises(RuleViolation) as refused:
            services.create_method(author, bad)
        assert refused.value.field == field_name
    assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ExpertiseTag.id)).where(
        ExpertiseTag.kind == TagKind.FREE)) == 0  # fmt: skip


def test_unconfirmed_members_cannot_write_methods(make_user):
    with pytest.raises(RuleViolation):
        services.create_method(make_user(confirmed=False), content())


# ------------------------------------------------------------------ revisions


def test_every_published_edit_keeps_a_complete_revision(author, co_author):
    method = publish_method(author, "Board rounds", co_authors=co_author.username)
    services.update_method(
        co_author, method, _edit(method, co_author, sections={"pitfalls": "Skipping weekends"}),
        base_version=method.version, note="Added a pitfall",
    )  # fmt: skip
    services.update_method(
        author, method, _edit(method, author, title="Board rounds, twice daily"),
        base_version=method.version,
    )  # fmt: skip
    revisions = revisions_of(method)
    assert [r.number for r in revisions] == [3, 2, 1]
    assert revisions[2].note == "First published" and revisions[2].author_id == author.id
    assert revisions[1].note == "Added a pitfall" and revisions[1].author_id == co_author.id
    assert revisions[1].pitfalls == "Skipping weekends"
    assert revisions[0].title == "Board rounds, twice daily"
    # The latest revision is exactly what readers see now.
    assert revision_snapshot(revisions[0]) == snapshot(method)
    assert method.version == 3


def test_saving_without_changes_keeps_no_revision(author):
    method = publish_method(author)
    assert services.update_method(author, method, _edit(method, author), base_version=1) is False
    assert len(revisions_of(method)) == 1 and method.version == 1


def test_classification_changes_are_part_of_the_history(author):
    method = publish_method(author)
    services.update_method(
        author, method, _edit(method, author, impacts=[4], settings=["acute"]), base_version=1
    )
    old, new = [revision_snapshot(r) for r in reversed(revisions_of(method))]
    assert "NHS IMPACT components: none" in old["classification"]
    assert "4 building improvement capability and capacity" in new["classification"]
    assert "Care settings: Acute hospital care" in new["classification"]


def test_draft_edits_keep_no_revision_until_published(author):
    method = draft_method(author)
    services.update_method(author, method, _edit(method, author, summary="Better"), base_version=1)
    assert revisions_of(method) == []
    services.publish(author, method)
    (first,) = revisions_of(method)
    assert first.summary == "Better"


def test_republishing_unchanged_text_adds_no_revision(author):
    method = publish_method(author)
    services.unpublish(author, method)
    services.publish(author, method)
    assert len(revisions_of(method)) == 1


# ------------------------------------------------------------------ concurrent edits


def test_a_second_save_from_an_older_version_is_refused_and_shows_the_saved_text(author, co_author):
    method = publish_method(author, co_authors=co_author.username)
    opened_at = method.version  # both open the edit form at version 1
    first = _edit(method, author, sections={"how_to": "1. Meet at 8am"})
    second = _edit(method, co_author, sections={"how_to": "1. Meet at 10am"})
    services.update_method(author, method, first, base_version=opened_at)
    with pytest.raises(services.EditConflict) as refused:
        services.update_method(co_author, method, second, base_version=opened_at)
    assert refused.value.current["how_to"] == "1. Meet at 8am"
    assert refused.value.version == 2
    db.session.expire_all()
    saved = db.session.get(Method, method.id)
    assert saved.how_to_source == "1. Meet at 8am"  # nothing overwritten
    assert len(revisions_of(saved)) == 2
    # Having seen the difference, the co-author saves again from the new version.
    services.update_method(co_author, saved, second, base_version=refused.value.version)
    assert saved.how_to_source == "1. Meet at 10am" and saved.version == 3


def test_only_authors_can_edit(author, member):
    method = publish_method(author)
    with pytest.raises(RuleViolation):
        services.update_method(member, method, _edit(method, member, title="Mine"), base_version=1)


# ------------------------------------------------------------------ co-authors


def test_co_authors_are_notified_and_can_be_removed(author, co_author):
    method = draft_method(author, co_authors=f"@{co_author.username}")
    assert method.is_author(co_author) and not method.is_lead_author(co_author)
    note = db.session.scalar(
        sa.select(Notification).where(Notification.recipient_id == co_author.id)
    )
    assert note.kind == NotificationKind.METHOD_CO_AUTHOR and note.method_id == method.id
    services.update_method(author, method, _edit(method, author, co_authors=""), base_version=1)
    assert not method.is_author(co_author)
    assert method.version == 2  # a change of authors is a change others must not overwrite


def test_co_authors_must_be_confirmed(author, make_user):
    pending = make_user("pat-pending", confirmed=False)
    with pytest.raises(RuleViolation) as refused:
        draft_method(author, co_authors=pending.username)
    assert refused.value.field == "co_authors"


# ------------------------------------------------------------------ publishing and audit


def test_publish_unpublish_and_delete_are_audited(author):
    method = publish_method(author)
    services.unpublish(author, method)
    services.publish(author, method)
    services.delete_method(author, method)
    actions = list(db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.target_type == "Method")
        .order_by(AuditEvent.id)
    ))  # fmt: skip
    assert actions == [
        "method.published",
        "method.unpublished",
        "method.published",
        "method.deleted",
    ]
    assert method.status == MethodStatus.DELETED and method.deleted_at is not None


def test_only_the_lead_author_or_an_administrator_deletes(author, co_author, admin):
    method = publish_method(author, co_authors=co_author.username)
    with pytest.raises(RuleViolation):
        services.delete_method(co_author, method)
    services.delete_method(admin, method)
    assert method.is_deleted


def test_an_administrator_can_unpublish_but_not_edit(author, admin):
    method = publish_method(author)
    services.unpublish(admin, method)
    assert method.is_draft
    with pytest.raises(RuleViolation):
        services.publish(admin, method)


# ------------------------------------------------------------------ uses


def test_using_a_method_counts_members_and_organisations_and_tells_the_authors(
    author, make_user, make_organisation
):
    method = publish_method(author)
    elsewhere = make_organisation("Hillside Community Trust")
    users = [make_user(), make_user(), make_user(organisation=elsewhere)]
    for user in users:
        uses.record_use(user, method)
    assert (method.use_count, method.organisation_count) == (3, 2)
    use = db.session.scalar(sa.select(MethodUse).where(MethodUse.user_id == users[2].id))
    assert use.organisation_id == elsewhere.id
    notes = list(db.session.scalars(
        sa.select(Notification)
        .where(Notification.recipient_id == author.id)
        .order_by(Notification.id)
    ))  # fmt: skip
    assert {n.kind for n in notes} == {NotificationKind.METHOD_USED}
    assert "Hillside Community Trust" in notes[-1].text
    with pytest.raises(RuleViolation):
        uses.record_use(users[0], method)
    uses.withdraw_use(users[2], method)
    assert (method.use_count, method.organisation_count) == (2, 1)


def test_a_draft_cannot_be_used(author, member):
    with pytest.raises(RuleViolation):
        uses.record_use(member, draft_method(author))


def test_an_author_using_their_own_method_is_not_notified(author):
    uses.record_use(author, publish_method(author))
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


# ------------------------------------------------------------------ adaptations


def test_adapting_links_the_parent_records_the_context_and_tells_its_authors(author, member):
    parent = publish_method(author, "Board rounds")
    child = adapt(member, parent, "Virtual board rounds", context={"results": "Delays fell 20%"})
    assert child.parent_id == parent.id
    assert child.adaptation.care_setting == "community"
    assert child.adaptation.organisation_id == member.organisation_id
    assert "20%" in child.adaptation.results_html
    assert db.session.get(Method, parent.id).adaptation_count == 1
    note = db.session.scalar(sa.select(Notification).where(Notification.recipient_id == author.id))
    assert note.kind == NotificationKind.METHOD_ADAPTED and note.method_id == child.id
    assert "Virtual board rounds" in note.text


def test_a_draft_adaptation_tells_nobody_until_published(author, member):
    parent = publish_method(author)
    child = adapt(member, parent, publish=False)
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert db.session.get(Method, parent.id).adaptation_count == 0
    services.publish(member, child)
    assert db.session.get(Method, parent.id).adaptation_count == 1
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1


def test_unpublishing_or_deleting_an_adaptation_updates_the_parents_count(author, member):
    parent = publish_method(author)
    first, second = adapt(member, parent), adapt(member, parent)
    services.unpublish(member, first)
    services.delete_method(member, second)
    assert db.session.get(Method, parent.id).adaptation_count == 0


def test_only_a_published_method_can_be_adapted(author):
    with pytest.raises(RuleViolation):
        adapt(author, draft_method(author))


def test_an_adaptation_needs_its_context(author, member):
    parent = publish_method(author)
    for bad, field_name in (
        ({"care_setting": ""}, "care_setting"),
        ({"what_changed": ""}, "what_changed"),
        ({"why": " "}, "why"),
        ({"results_url": "javascript:alert(1)"}, "results_url"),
        ({"scale": "galaxy"}, "scale"),
    ):
        with pytest.raises(RuleViolation) as refused:
            services.create_method(member, content(), parent=parent, context=context(**bad))
        assert refused.value.field == field_name
    assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 1


def test_editing_an_adaptation_keeps_its_context_in_the_history(author, member):
    parent = publish_method(author)
    child = adapt(member, parent)
    services.update_method(
        member, child, content_of(child), base_version=1,
        context=context(results="Readmissions fell from 12% to 9%"),
    )  # fmt: skip
    latest, first = revisions_of(child)
    assert "Results:\nnot given" in first.adaptation
    assert "Readmissions fell from 12% to 9%" in latest.adaptation


def test_a_method_discussed_in_a_private_community_cannot_leave_it(author, member):
    from factories import make_community

    from community.discussions import services as discussions

    circle = make_community(author, "Private circle", private=True, members=[member])
    method = publish_method(author, community_id=circle.id)
    moved = _edit(method, author, community_id=None)
    discussions.reply(member, services.thread_of(method), "Only for the circle")
    with pytest.raises(RuleViolation) as refused:
        services.update_method(author, method, moved, base_version=method.version)
    assert refused.value.field == "community"
    db.session.expire_all()
    assert db.session.get(Method, method.id).community_id == circle.id


def test_a_method_not_yet_discussed_can_move_out_of_a_private_community(author):
    from factories import make_community

    circle = make_community(author, "Private circle", private=True)
    method = publish_method(author, community_id=circle.id)
    services.update_method(
        author, method, _edit(method, author, community_id=None), base_version=method.version
    )
    assert method.community_id is None and method.version == 2
