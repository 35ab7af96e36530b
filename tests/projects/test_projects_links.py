"""A project's discussion and the library methods it uses: what members see and do."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import adapt, client_as, make_community, publish_method
from helpers import page_text

from community.core.errors import RuleViolation
from community.discussions import services as discussions
from community.methods.lineage import descendants, spread
from community.notifications.models import Notification
from community.projects import dashboards, method_links, project_threads, services
from community.projects.models import ProjectMethod


def _url(project, tail: str = "") -> str:
    return f"/projects/{project.id}-{project.slug}{tail}"


# ------------------------------------------------------------------ discussion


def test_each_project_has_a_discussion_its_team_follows(member, make_user, make_project, db):
    project = make_project(member, title="Fewer falls at night")
    colleague, visitor = make_user(), make_user()
    services.add_team_member(member, project, username=colleague.username, role="",
                             is_lead=False)  # fmt: skip
    thread = project_threads.thread_of(project)
    assert (thread.title, thread.community_id, thread.method_id) == (project.title, None, None)
    client = client_as(visitor)
    page = client.get(_url(project, "/discussion"))
    assert page.status_code == 200
    assert "No one has commented yet. Ask the team a question" in page_text(page)
    posted = client.post(_url(project, "/discussion/reply"), data={"body": "How did you start?"})
    assert posted.status_code == 302
    assert "How did you start?" in page_text(client.get(_url(project, "/discussion")))
    summary = page_text(client.get(_url(project)))  # the project page says how it goes
    assert "1 post, the latest" in summary and "Read and join the discussion" in summary
    told = set(db.session.scalars(sa.select(Notification.recipient_id)))
    assert {member.id, colleague.id} <= told and visitor.id not in told
    text = db.session.scalar(
        sa.select(Notification.text).where(Notification.recipient_id == member.id)
    )
    assert "the discussion of “Fewer falls at night”" in text


def test_a_private_projects_discussion_stays_private(member, make_user, make_project, db):
    outsider = make_user()
    private = make_community(member, visibility="private")
    project = make_project(member, community=private)
    thread = project_threads.thread_of(project)
    assert client_as(outsider).get(_url(project, "/discussion")).status_code == 404
    assert (
        client_as(outsider)
        .post(_url(project, "/discussion/reply"), data={"body": "Hello"})
        .status_code
        == 404
    )
    discussions.reply(member, thread, "Only for the community.")
    details = services.ProjectDetails(
        title=project.title, aim=project.aim, problem="", organisation_id=project.organisation_id,
        community_id=None, programme_type="local", national_programme="", status="testing",
        start_date=project.start_date,
    )  # fmt: skip
    with pytest.raises(RuleViolation, match="stays there"):
        services.update_project(member, project, details)
    assert db.session.get(type(project), project.id).community_id == private.id


def test_renaming_a_project_renames_its_discussion(member, make_project, db):
    project = make_project(member, title="Old name")
    details = services.ProjectDetails(
        title="New name", aim=project.aim, problem="", organisation_id=project.organisation_id,
        community_id=None, programme_type="local", national_programme="", status="testing",
        start_date=project.start_date,
    )  # fmt: skip
    services.update_project(member, project, details)
    thread = project_threads.thread_of(project)
    assert (thread.title, thread.slug) == ("New name", "new-name")
    moved = client_as(member).get(f"/threads/{thread.id}")
    assert moved.location == f"/projects/{project.id}-new-name/discussion"


def test_leads_moderate_the_discussion_and_team_members_do_not(member, make_user, make_project, db):
    project = make_project(member)
    colleague = make_user()
    services.add_team_member(member, project, username=colleague.username, role="",
                             is_lead=False)  # fmt: skip
    assert (
        client_as(colleague)
        .post(_url(project, "/discussion/moderate"), data={"action": "lock"})
        .status_code
        == 403
    )
    client_as(member).post(_url(project, "/discussion/moderate"), data={"action": "lock"})
    assert project_threads.thread_of(project).is_locked


# ------------------------------------------------------------------ methods


def test_linking_a_method_counts_as_a_use_and_shows_on_its_spread(
    member, make_user, make_project, organisation, db
):
    author = make_user()
    method = publish_method(author, "SAFER board rounds")
    project = make_project(member, title="Discharge before midday")
    client = client_as(member)
    found = client.get(_url(project, "/methods?q=safer"))
    assert "Use SAFER board rounds in this project" in page_text(found)
    linked = client.post(_url(project, "/methods"), data={"method_id": method.id})
    assert linked.status_code == 302
    assert db.session.get(ProjectMethod, (project.id, method.id)) is not None
    assert "SAFER board rounds" in page_text(client.get(_url(project)))
    # The method's authors hear about it, with a link to the project.
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.recipient_id == author.id)
    )
    assert "linked your method “SAFER board rounds” to the project" in notice.text
    assert notice.project_id == project.id
    # The method's page counts the project, and its spread shows the project's organisation.
    method_page = page_text(client.get(f"/methods/{method.id}-{method.slug}"))
    assert "Used in 1 improvement project: Discharge before midday" in method_page
    reach = spread(method, descendants(member, method), member)
    assert [(e.organisation.id, e.projects, e.kind) for _s, e in reach.rows] == [
        (organisation.id, 1, "used")
    ]
    lineage = page_text(client.get(f"/methods/{method.id}-{method.slug}/lineage"))
    assert "Improvement projects using it" in lineage and organisation.name in lineage
    # Linking twice is refused; unlinking takes the use away.
    with pytest.raises(RuleViolation, match="already uses"):
        method_links.link_method(member, project, method.id)
    client.post(_url(project, f"/methods/{method.id}/remove"))
    assert db.session.get(ProjectMethod, (project.id, method.id)) is None
    assert spread(method, descendants(member, method), member).rows == []


def test_a_private_projects_use_shows_only_to_those_who_may_see_it(
    member, make_user, make_project, make_organisation, db
):
    outsider = make_user()
    elsewhere = make_organisation("Elsewhere Community Health Services")
    method = publish_method(member)
    private = make_community(member, visibility="private")
    project = make_project(member, community=private, organisation_id=elsewhere.id,
                           title="A private project")  # fmt: skip
    method_links.link_method(member, project, method.id)
    theirs = page_text(client_as(outsider).get(f"/methods/{method.id}-{method.slug}"))
    assert "improvement project" not in theirs and "A private project" not in theirs
    assert spread(method, descendants(outsider, method), outsider).rows == []
    mine = spread(method, descendants(member, method), member)
    assert [e.organisation.name for _s, e in mine.rows] == [elsewhere.name]


def test_adaptations_and_drafts(member, make_user, make_project, db):
    other = make_user()
    original = publish_method(other, "Safety huddles")
    adaptation = adapt(other, original, "Safety huddles for ambulance control rooms")
    draft = publish_method(other, "Draft method")
    draft.status = "draft"
    db.session.commit()
    project = make_project(member)
    method_links.link_method(member, project, adaptation.id)
    # A use of an adaptation counts in the original's spread as well.
    reach = spread(original, descendants(member, original), member)
    assert [e.projects for _s, e in reach.rows] == [1]
    with pytest.raises(RuleViolation, match="Choose a method from the library"):
        method_links.link_method(member, project, draft.id)  # only its authors see a draft
    assert method_links.find_methods(member, project, "draft") == []
    assert [m.title for m in method_links.find_methods(member, project, "huddles")] == [
        "Safety huddles"
    ]  # the linked adaptation is not offered again


def test_dashboards_list_the_methods_used(member, make_project, organisation, db):
    first, second = publish_method(member, "Run charts"), publish_method(member, "Driver diagrams")
    for n in range(3):
        project = make_project(member)
        method_links.link_method(member, project, first.id)
        if n == 0:
            method_links.link_method(member, project, second.id)
    board = dashboards.for_system(member, organisation.system)
    assert [(m.title, n) for m, n in board.methods] == [("Run charts", 3), ("Driver diagrams", 1)]
    page = page_text(client_as(member).get(f"/systems/{organisation.system.slug}/dashboard"))
    assert "Methods by projects using them" in page and "Run charts 3" in page
