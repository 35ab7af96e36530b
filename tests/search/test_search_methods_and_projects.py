"""Methods and improvement projects in search: indexed by their services, found only by
those who may open them (results, counts and snippets), and covered by reindex and check."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import (
    adapt,
    add_member,
    approach,
    content,
    counts,
    documents_of,
    draft_method,
    found,
    in_step,
    index_everyone,
    make_community,
    publish_method,
    results_html,
    search_as,
    tab_counts,
)
from helpers import page_text, sign_in_as

from community.core.extensions import db as _db
from community.core.timefmt import utcnow
from community.discussions import services as discussions
from community.methods import services as methods
from community.methods import uses
from community.methods.snapshots import content_of
from community.projects import services as projects
from community.projects.project_threads import thread_of as project_thread
from community.search.index import Document, save
from community.search.models import SearchDocument


@pytest.fixture
def cast(db, make_user, admin, vocabulary):
    people = {
        "ama": make_user("ama-author", name="Ama Author"),
        "ben": make_user("ben-coauthor", name="Ben Other"),
        "ian": make_user("ian-insider", name="Ian Insider"),
        "olga": make_user("olga-outsider", name="Olga Outsider"),
        "admin": admin,
    }
    circle = make_community(people["ama"], "Quiet circle", private=True)
    add_member(circle, people["ian"], people["ama"])
    index_everyone()  # the factories' members skip registration: index them now
    return {**people, "circle": circle}


def _stored(kind: str, object_id: int) -> SearchDocument | None:
    _db.session.expire_all()
    return _db.session.scalar(
        sa.select(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.object_id == object_id
        )
    )


def _project_details(project, **changes) -> projects.ProjectDetails:
    values = dict(
        title=project.title, aim=project.aim, problem=project.problem_source,
        organisation_id=project.organisation_id, community_id=project.community_id,
        programme_type=project.programme_type, national_programme=project.national_programme,
        status=project.status, start_date=project.start_date,
    )  # fmt: skip
    values.update(changes)
    return projects.ProjectDetails(**values)


# ------------------------------------------------------------ methods: their services index them


def test_a_method_is_indexed_by_every_service_that_changes_it(cast):
    ama, ian = cast["ama"], cast["ian"]
    method = draft_method(ama, "Wombat board round", summary="Plan each patient's day at 9.")
    stored = _stored("method", method.id)
    assert stored.title == "Wombat board round" and "Plan each patient" in stored.body
    assert "Lean" in stored.tags and stored.author_id == ama.id
    assert found(ama, "wombat") == [("method", method.id)]  # a draft: its authors only
    assert found(ian, "wombat") == [] and counts(ian, "wombat")["methods"] == 0
    assert in_step() == []

    methods.publish(ama, method)
    assert found(ian, "wombat") == [("method", method.id)]

    edited = content_of(method)
    edited.title = "Numbat huddle"
    edited.sections["pitfalls"] = "Starting late on Mondays."
    methods.update_method(ama, method, edited, base_version=method.version)
    assert found(ian, "wombat") == []
    assert found(ian, "numbat") == [("method", method.id)]
    assert found(ian, "mondays") == [("method", method.id)]  # every section is searched
    assert in_step() == []

    uses.record_use(ian, method)
    assert _stored("method", method.id).boost == pytest.approx(1.05)
    uses.withdraw_use(ian, method)
    assert _stored("method", method.id).boost == pytest.approx(1.0)
    assert in_step() == []

    methods.unpublish(ama, method)
    assert found(ian, "numbat") == [] and found(ama, "numbat") == [("method", method.id)]
    assert in_step() == []

    methods.delete_method(ama, method)
    assert _stored("method", method.id) is None  # out of the index, for everyone
    assert found(ama, "numbat") == [] and found(cast["admin"], "numbat") == []
    assert in_step() == []


def test_a_refused_method_change_leaves_the_index_as_it_was(cast):
    method = publish_method(cast["ama"], "Quoll rounds")
    emptied = content_of(method)
    emptied.title = ""
    with pytest.raises(Exception):  # noqa: B017  the rule's own message is tested elsewhere
        methods.update_method(cast["ama"], method, emptied, base_version=method.version)
    assert _stored("method", method.id).title == "Quoll rounds"
    assert in_step() == []


def test_the_use_boost_is_capped(cast, make_user):
    method = publish_method(cast["ama"], "Capped rounds")
    for n in range(12):
        uses.record_use(make_user(f"user-{n}"), method)
    assert _stored("method", method.id).boost == pytest.approx(1.5)  # ten uses and more


def test_method_tags_and_vocabulary_are_searched_as_tags(cast):
    method = publish_method(
        cast["ama"], "Pathway walk", impacts=[4], settings=["primary_care"],
        approach_ids=[approach("lean").id], free_tags="gemba",
    )  # fmt: skip
    ian = cast["ian"]
    assert found(ian, "tag:lean") == [("method", method.id)]
    assert found(ian, 'tag:"primary care"') == [("method", method.id)]
    assert found(ian, 'tag:"improvement capability"') == [("method", method.id)]
    assert found(ian, "gemba") == [("method", method.id)]


def test_a_method_in_a_private_community_follows_the_community(cast, auth):
    ama, ian, olga = cast["ama"], cast["ian"], cast["olga"]
    method = publish_method(ama, "Quokka safety huddle", community_id=cast["circle"].id,
                            summary="Quokka numbers are confidential.")  # fmt: skip
    assert found(olga, "quokka") == [] and counts(olga, "quokka")["methods"] == 0
    assert found(olga, "type:methods") == []
    assert ("method", method.id) in found(ian, "quokka")
    assert ("method", method.id) in found(cast["admin"], "quokka")  # administrators see all
    html = auth.as_user(olga).get("/search?q=quokka").get_data(as_text=True)
    assert "Quokka safety" not in html and "confidential" not in html


def test_another_authors_draft_is_never_found_counted_or_quoted(cast, make_client):
    ama, ben, admin = cast["ama"], cast["ben"], cast["admin"]
    draft = draft_method(ama, "Echidna checklist", summary="Echidna private notes.",
                         co_authors="ben-coauthor")  # fmt: skip
    for person in ("ian", "olga", "admin"):  # drafts are for their authors, admins included
        assert found(cast[person], "echidna") == []
        assert counts(cast[person], "echidna")["methods"] == 0
    client = make_client()
    sign_in_as(client, admin)
    response = client.get("/search?q=echidna")
    assert "Echidna" not in results_html(response) and "private notes" not in response.text
    assert tab_counts(response)["Methods"] == 0
    assert found(ben, "echidna") == [("method", draft.id)]  # a co-author finds it


def test_even_a_stale_index_cannot_show_a_deleted_method_or_a_private_project(
    cast,
    make_project,
):
    ama, olga = cast["ama"], cast["olga"]
    method = publish_method(ama, "Platypus rounds")
    methods.delete_method(ama, method)
    project = make_project(ama, title="Platypus flow", community=cast["circle"])
    # As if updates had been missed: the deleted method back, the project claiming no community.
    save(Document("method", method.id, "Platypus rounds", "", utcnow()))
    save(Document("project", project.id, "Platypus flow", "", utcnow()))
    _db.session.commit()
    assert found(olga, "platypus") == [] and counts(olga, "platypus")["projects"] == 0
    assert found(cast["ian"], "platypus") == [("project", project.id)]


def test_an_adaptation_names_the_method_it_came_from_when_the_reader_may_see_it(cast):
    ama, ben, ian = cast["ama"], cast["ben"], cast["ian"]
    parent = publish_method(ama, "Bedside handover")
    child = adapt(ben, parent, "Phone handover for district nurses")
    (hit,) = search_as(ian, "district nurses").hits
    assert hit.label == "Adaptation"
    assert hit.byline.startswith("Adapted from “Bedside handover” · By Ben Other")
    methods.unpublish(ama, parent)  # now a draft: only Ama may see it
    (hit,) = search_as(ian, "district nurses").hits
    assert (hit.kind, hit.object_id) == ("method", child.id)
    assert "Bedside" not in hit.byline and hit.byline.startswith("An adaptation")
    assert in_step() == []


def test_a_discussion_nobody_has_started_is_not_a_result_of_its_own(cast, make_project):
    method = publish_method(cast["ama"], "Kangaroo care")
    make_project(cast["ama"], title="Kangaroo ward")
    assert {kind for kind, _ in found(cast["ian"], "kangaroo")} == {"method", "project"}
    assert documents_of("thread") == set()
    assert in_step() == []
    discussions.reply(cast["ian"], methods.thread_of(method), "How long does it take?")
    assert ("thread", methods.thread_of(method).id) in found(cast["ian"], "kangaroo")
    assert in_step() == []


# ------------------------------------------------------------------ projects


def test_a_project_is_indexed_by_every_service_that_changes_it(cast, make_project):
    ama, ian = cast["ama"], cast["ian"]
    project = make_project(ama, title="Bilby discharge", aim="Home before noon by March",
                           problem="Patients wait for *medicines*.")  # fmt: skip
    stored = _stored("project", project.id)
    assert stored.title == "Bilby discharge" and "Patients wait for medicines" in stored.body
    assert stored.tags == "Testing, Local priority"
    assert stored.organisation_id == project.organisation_id and stored.author_id == ama.id
    assert found(ian, "medicines") == [("project", project.id)]
    assert found(ian, "type:project tag:testing") == [("project", project.id)]
    assert in_step() == []

    projects.update_project(ama, project, _project_details(
        project, title="Dunnart discharge", status="sustaining", programme_type="national",
        national_programme="Getting It Right First Time",
    ))  # fmt: skip
    assert found(ian, "bilby") == []
    assert found(ian, "dunnart") == [("project", project.id)]
    assert found(ian, 'tag:"getting it right"') == [("project", project.id)]
    assert in_step() == []

    projects.set_progress(ama, project, 4.0, "Significant")
    assert _stored("project", project.id).boost == pytest.approx(1.2)
    assert in_step() == []

    projects.update_project(ama, project, _project_details(project, community_id=cast["circle"].id))
    assert found(cast["olga"], "dunnart") == []
    assert counts(cast["olga"], "dunnart")["projects"] == 0
    assert found(ian, "dunnart") == [("project", project.id)]
    assert in_step() == []


def test_renaming_a_discussed_project_renames_its_discussion_in_search(cast, make_project):
    ama, ian = cast["ama"], cast["ian"]
    project = make_project(ama, title="Bandicoot flow")
    discussions.reply(ian, project_thread(project), "What did the first cycle show?")
    projects.update_project(ama, project, _project_details(project, title="Potoroo flow"))
    assert sorted(kind for kind, _ in found(ian, "potoroo")) == ["project", "thread"]
    assert in_step() == []


def test_a_project_in_a_private_community_is_invisible_to_outsiders(cast, auth, make_project):
    project = make_project(cast["ama"], title="Wallaby pathway", community=cast["circle"],
                           aim="Wallaby aims are confidential")  # fmt: skip
    olga = cast["olga"]
    assert found(olga, "wallaby") == [] and found(olga, "type:projects") == []
    assert counts(olga, "wallaby") == dict.fromkeys(
        ("discussions", "methods", "projects", "people", "communities"), 0
    )
    response = auth.as_user(olga).get("/search?q=wallaby")
    assert "Wallaby pathway" not in response.text and "confidential" not in response.text
    assert tab_counts(response)["Projects"] == 0
    assert found(cast["ian"], "wallaby") == [("project", project.id)]


# ------------------------------------------------------------------ type:, the results page


def test_type_method_and_type_project_limit_the_results(cast, make_project):
    method = publish_method(cast["ama"], "Falls huddle")
    project = make_project(cast["ama"], title="Falls at night")
    ian = cast["ian"]
    assert found(ian, "type:method falls") == [("method", method.id)]
    assert found(ian, "type:projects falls") == [("project", project.id)]
    assert set(counts(ian, "type:project falls")) == {"projects"}
    assert found(ian, "falls", group="methods") == [("method", method.id)]
    assert counts(ian, "falls")["methods"] == 1 and counts(ian, "falls")["projects"] == 1


def test_the_results_page_shows_method_and_project_lines(cast, make_client, make_project):
    ama, ian = cast["ama"], cast["ian"]
    method = publish_method(ama, "Sepsis screening huddle", community_id=cast["circle"].id,
                            summary="Screen every sepsis alert within the hour.")  # fmt: skip
    uses.record_use(ian, method)
    draft_method(ama, "Sepsis draft notes")
    project = make_project(ama, title="Sepsis six in the ED", aim="Antibiotics within the hour")
    client = make_client()
    sign_in_as(client, ian)
    response = client.get("/search?q=sepsis")
    assert response.status_code == 200
    assert tab_counts(response) == {"All": 2, "Discussions": 0, "Methods": 1, "Projects": 1,
                                    "People": 0, "Communities": 0}  # fmt: skip
    html = results_html(response)
    assert f'href="/methods/{method.id}-{method.slug}"' in html
    assert f'href="/projects/{project.id}-{project.slug}"' in html
    assert "<mark>sepsis</mark> alert" in html
    text = page_text(response)
    assert "Method Sepsis screening huddle" in text
    assert "By Ama Author · Used by 1 member · in Quiet circle" in text
    assert "Project Testing Sepsis six in the ED" in text
    assert "Led by Ama Author · Local priority · in Riverside Hospitals" in text
    assert "draft notes" not in text
    only_methods = client.get("/search?q=sepsis&type=methods")
    assert f"/projects/{project.id}-" not in results_html(only_methods)
    authors_page = make_client()
    sign_in_as(authors_page, ama)
    assert "Draft" in page_text(authors_page.get("/search?q=draft+notes"))


# ------------------------------------------------------------------ reindex and check


def test_check_and_reindex_cover_methods_and_projects(cast, app, make_project):
    method = publish_method(cast["ama"], "Reindexed method")
    deleted = publish_method(cast["ama"], "Deleted method")
    methods.delete_method(cast["ama"], deleted)
    project = make_project(cast["ama"], title="Reindexed project")
    _db.session.execute(
        sa.delete(SearchDocument).where(
            SearchDocument.kind == "method", SearchDocument.object_id == method.id
        )
    )
    _db.session.execute(
        sa.update(SearchDocument).where(SearchDocument.kind == "project").values(tags="Wrong")
    )
    save(Document("method", deleted.id, "Deleted method", "", utcnow()))
    _db.session.commit()
    assert sorted(in_step()) == sorted([
        f"method {method.id}: missing",
        f"method {deleted.id}: not expected",
        f"project {project.id}: stale: tags",
    ])  # fmt: skip
    runner = app.test_cli_runner()
    assert runner.invoke(args=["search", "check"]).exit_code == 1
    reindex = runner.invoke(args=["search", "reindex"])
    assert reindex.exit_code == 0, reindex.output
    assert "(3 changed)" in reindex.output
    assert "1 method" in reindex.output and "1 project" in reindex.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert "(0 changed)" in runner.invoke(args=["search", "reindex"]).output
    assert documents_of("method") == {method.id}
    assert documents_of("project") == {project.id}


def test_a_member_moving_organisation_moves_their_methods_not_their_projects(
    cast,
    make_organisation,
    make_project,
):
    from community.accounts import services as accounts

    ama = cast["ama"]
    method = publish_method(ama, "Moving method")
    project = make_project(ama, title="Staying project")
    elsewhere = make_organisation("Elsewhere Trust")
    accounts.update_profile(ama, name=ama.name, job_title="", organisation_id=elsewhere.id,
                            bio="", tag_ids=[], other_tags="")  # fmt: skip
    assert _stored("method", method.id).organisation_id == elsewhere.id
    assert _stored("project", project.id).organisation_id == project.organisation_id
    assert in_step() == []


def test_new_content_keeps_the_index_in_step(cast, make_project):
    ama = cast["ama"]
    parent = publish_method(ama, "Root", **{"summary": "A root."})
    adapt(cast["ben"], parent, "Child", publish=False)
    methods.create_method(ama, content("Straight to the library"), publish=True)
    make_project(ama, community=cast["circle"])
    assert in_step() == []


def test_moving_a_project_into_a_community_while_changing_its_status(cast, make_project):
    """The status notice goes to those who may see the project where it now lives."""
    ama, ian = cast["ama"], cast["ian"]
    project = make_project(ama, title="Quenda clinic")
    projects.add_team_member(ama, project, username="olga-outsider", role="", is_lead=False)
    projects.add_team_member(ama, project, username="ian-insider", role="", is_lead=False)
    projects.update_project(ama, project, _project_details(
        project, community_id=cast["circle"].id, status="complete",
    ))  # fmt: skip
    assert found(ian, "quenda") == [("project", project.id)]
    assert found(cast["olga"], "quenda") == []
    assert in_step() == []
