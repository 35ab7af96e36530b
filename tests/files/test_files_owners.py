"""Files on methods, projects and PDSA cycles: attaching them (and the refusals that keep
nothing), showing them on their pages, who sees them, removing them, the files each method
revision keeps, adaptations starting from their parent's files, deleting a cycle, and a
member's files in their data download and account deletion."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from factories import client_as, content, context, make_community, publish_method
from factories import files as files_support
from factories.files import EXECUTABLE, pdf, png, stored_paths, upload
from helpers import PASSWORD, error_summary

from community.accounts import deletion
from community.accounts.export import member_data
from community.audit.models import AuditEvent
from community.communities import services as communities
from community.communities.models import Visibility
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.files import services
from community.files.models import MethodRevisionFile, StoredFile
from community.files.owners import Owner
from community.methods import queries
from community.methods import services as methods
from community.methods.models import Method
from community.projects import cycles
from community.projects import services as projects

files_dir = files_support.files_dir  # (a fixture: each test's files in a folder of its own)
pytestmark = pytest.mark.usefixtures("files_dir")


def a_pdf(name: str = "measurement plan.pdf", field: str = "file_1") -> services.Upload:
    return services.Upload(io.BytesIO(pdf()), name, "", field)


def a_picture(alt: str = "Driver diagram: reduce falls by 20%", name="driver-diagram.png"):
    return services.Upload(io.BytesIO(png((120, 80))), name, alt, "file_1")


def attach(user, thing, *uploads) -> list[StoredFile]:
    return services.attach(user, Owner.of(thing), list(uploads))


def all_files() -> list[StoredFile]:
    return list(db.session.scalars(sa.select(StoredFile).order_by(StoredFile.id)))


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def people(make_user):
    return {
        "lead": make_user("lia-lead", name="Lia Lead"),
        "teammate": make_user("tom-teammate", name="Tom Teammate"),
        "reader": make_user("rae-reader", name="Rae Reader"),
        "outsider": make_user("oli-outsider", name="Oli Outsider"),
        "facilitator": make_user("fen-facilitator", name="Fen Facilitator"),
    }


@pytest.fixture
def private(people):
    """A private community the lead, teammate and reader are in, and the outsider is not."""
    return make_community(
        people["facilitator"], "Falls circle", visibility=Visibility.PRIVATE,
        members=[people["lead"], people["teammate"], people["reader"]],
    )  # fmt: skip


@pytest.fixture
def project(people, private, make_project):
    project = make_project(people["lead"], title="Fewer falls on ward 7", community=private)
    projects.add_team_member(people["lead"], project, username=people["teammate"].username,
                             role="", is_lead=False)  # fmt: skip
    return project


@pytest.fixture
def cycle(people, project):
    return cycles.record_cycle(people["lead"], project, cycles.CycleDetails(
        title="Hourly rounding", change="Round every hour", prediction="Fewer falls",
        started_on=date(2025, 2, 1),
    ))  # fmt: skip


# ---------------------------------------------------------------- attaching


def test_a_methods_picture_is_shown_in_the_method_with_its_alt_text(people, files_dir):
    method = publish_method(people["lead"], "Safety huddle")
    [picture] = attach(people["lead"], method, a_picture())
    assert picture.method_id == method.id and picture.post_id is None
    client = client_as(people["reader"])
    page = client.get(f"/methods/{method.id}-{method.slug}").text
    assert re.search(rf'<img src="/files/{picture.token}" alt="Driver diagram: reduce falls', page)
    served = client.get(f"/files/{picture.token}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert len(stored_paths(files_dir)) == 1
    [entry] = audit("file.attached")
    assert (entry.target_type, entry.target_id) == ("Method", method.id)


def test_a_projects_documents_are_listed_with_name_type_and_size(people, project):
    attach(people["lead"], project, a_pdf("measurement plan.pdf"))
    page = client_as(people["reader"]).get(f"/projects/{project.id}-{project.slug}").text
    assert "measurement plan.pdf" in page and "(PDF document, " in page
    assert project.last_activity_at is not None


def test_a_cycles_files_are_shown_with_the_cycle(people, project, cycle):
    [picture] = attach(people["teammate"], cycle, a_picture("Run chart of falls by week"))
    page = client_as(people["reader"]).get(f"/projects/{project.id}-{project.slug}/cycles").text
    section = page.split('id="cycle-1"', 1)[1]
    assert f'src="/files/{picture.token}" alt="Run chart of falls by week"' in section
    [entry] = audit("file.attached")
    assert entry.target_type == "Project" and entry.summary == "PDSA 1: driver-diagram.png"


@pytest.mark.parametrize("kind", ["method", "project", "cycle"])
def test_whoever_may_edit_it_attaches_and_no_one_else(people, project, cycle, kind):
    method = publish_method(people["lead"], "Safety huddle")
    thing = {"method": method, "project": project, "cycle": cycle}[kind]
    may = {"method": {"lead"}, "project": {"lead"}, "cycle": {"lead", "teammate"}}[kind]
    for role, person in people.items():
        if role in may:
            assert attach(person, thing, a_pdf())
        else:
            with pytest.raises(RuleViolation, match="Only whoever may edit this"):
                attach(person, thing, a_pdf())
    assert len(all_files()) == len(may)


@pytest.mark.parametrize("kind", ["method", "project", "cycle"])
def test_a_refused_upload_keeps_nothing(people, project, cycle, kind, files_dir):
    method = publish_method(people["lead"], "Safety huddle")
    thing = {"method": method, "project": project, "cycle": cycle}[kind]
    no_alt = services.Upload(io.BytesIO(png()), "board.png", "", "file_2")
    program = services.Upload(io.BytesIO(EXECUTABLE), "tool.exe", "", "file_3")
    with pytest.raises(RuleViolation) as refused:
        attach(people["lead"], thing, a_pdf(), no_alt, program)
    messages = [v.message for v in refused.value.violations]
    assert "Describe what board.png shows, for people who cannot see it" in messages
    assert len(messages) == 2
    assert all_files() == [] and stored_paths(files_dir) == [] and audit("file.attached") == []


@pytest.mark.parametrize("kind", ["method", "project", "cycle"])
def test_one_item_has_files_per_item_at_most(app, people, project, cycle, kind, files_dir):
    method = publish_method(people["lead"], "Safety huddle")
    thing = {"method": method, "project": project, "cycle": cycle}[kind]
    app.config["UPLOAD_FILES_PER_ITEM"] = 2
    try:
        attach(people["lead"], thing, a_pdf())
        with pytest.raises(RuleViolation, match="can have 2 files at most: this one has room"):
            attach(people["lead"], thing, a_pdf("a.pdf"), a_pdf("b.pdf", "file_2"))
    finally:
        app.config["UPLOAD_FILES_PER_ITEM"] = 5
    assert len(all_files()) == 1 and len(stored_paths(files_dir)) == 1


def test_the_daily_quota_counts_every_kind_of_item(app, people, project, files_dir):
    method = publish_method(people["lead"], "Safety huddle")
    app.config["UPLOAD_DAILY_QUOTA_MB"] = 0
    try:
        with pytest.raises(RuleViolation, match="MB of files a day"):
            attach(people["lead"], method, a_pdf())
    finally:
        app.config["UPLOAD_DAILY_QUOTA_MB"] = 50
    assert all_files() == [] and stored_paths(files_dir) == []


def test_the_files_page_attaches_through_the_form(people):
    method = publish_method(people["lead"], "Safety huddle")
    client = client_as(people["lead"])
    url = f"/methods/{method.id}-{method.slug}/files"
    refused = client.post(url, data={"file_1": upload(png(), "diagram.png")},
                          content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 200
    assert error_summary(refused) == [
        "Describe what diagram.png shows, for people who cannot see it"
    ]
    response = client.post(
        url, data={"file_1": upload(png(), "diagram.png"), "alt_1": "A driver diagram"},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"] == f"/methods/{method.id}-{method.slug}"
    assert [f.name for f in all_files()] == ["diagram.png"]
    # Someone who may see the method but not edit it reads the page and may not post.
    reader = client_as(people["reader"])
    assert reader.get(url).status_code == 200
    assert "Attach files" not in reader.get(url).text.split("</h1>", 1)[1].split("<footer")[0]
    assert reader.post(url, data={"file_1": upload(pdf(), "x.pdf")},
                       content_type="multipart/form-data").status_code == 403  # fmt: skip


# ---------------------------------------------------------------- who sees them


def test_a_file_is_seen_by_exactly_those_who_see_what_it_is_on(people, project, cycle):
    method = publish_method(people["lead"], "Private huddle", community_id=project.community_id)
    draft = methods.create_method(people["lead"], content("A draft"), publish=False)
    on = {
        "method": attach(people["lead"], method, a_pdf())[0],
        "draft": attach(people["lead"], draft, a_pdf())[0],
        "project": attach(people["lead"], project, a_pdf())[0],
        "cycle": attach(people["lead"], cycle, a_pdf())[0],
    }
    tokens = {kind: f.token for kind, f in on.items()}
    reader, outsider = client_as(people["reader"]), client_as(people["outsider"])
    for kind, token in tokens.items():
        assert outsider.get(f"/files/{token}").status_code == 404, kind
        expected = 404 if kind == "draft" else 200
        assert reader.get(f"/files/{token}").status_code == expected, kind
    # A deleted project's files are seen by no one, its lead included.
    projects.delete_project(people["lead"], project)
    lead = client_as(people["lead"])
    assert lead.get(f"/files/{tokens['project']}").status_code == 404
    assert lead.get(f"/files/{tokens['cycle']}").status_code == 404
    assert lead.get(f"/files/{tokens['method']}").status_code == 200


# ---------------------------------------------------------------- removing them


@pytest.mark.parametrize("kind", ["method", "project", "cycle"])
def test_removal_deletes_the_row_and_the_bytes_and_is_audited(people, project, cycle, kind,
                                                              files_dir):  # fmt: skip
    method = publish_method(people["lead"], "Safety huddle")
    thing = {"method": method, "project": project, "cycle": cycle}[kind]
    [stored] = attach(people["lead"], thing, a_pdf())
    with pytest.raises(RuleViolation):
        services.remove_file(people["reader"], stored)
    token = stored.token
    response = client_as(people["lead"]).post(f"/files/{token}/remove")
    assert response.status_code == 302
    assert all_files() == [] and stored_paths(files_dir) == []
    [entry] = audit("file.removed")
    assert entry.summary.endswith("measurement plan.pdf")
    assert client_as(people["lead"]).get(f"/files/{token}").status_code == 404


def test_who_attached_a_cycles_file_removes_it_and_so_does_an_administrator(
    people, cycle, make_user
):
    admin = make_user("ada-admin", role="admin")
    [by_teammate, other] = attach(people["teammate"], cycle, a_pdf(), a_pdf("b.pdf", "file_2"))
    services.remove_file(people["teammate"], by_teammate)
    services.remove_file(admin, other)
    assert all_files() == []


def test_deleting_a_cycle_deletes_its_files(people, project, cycle, files_dir):
    attach(people["lead"], cycle, a_pdf())
    cycles.delete_cycle(people["lead"], project, cycle)
    assert all_files() == [] and stored_paths(files_dir) == []


# ---------------------------------------------------------------- method revisions


def revision_page(client, method, number: int) -> str:
    return client.get(f"/methods/{method.id}-{method.slug}/history/{number}").text


def test_each_revision_keeps_the_files_the_method_had(people):
    lead = people["lead"]
    method = publish_method(lead, "Safety huddle")
    [plan] = attach(lead, method, a_pdf("plan v1.pdf"))  # revision 2
    [picture] = attach(lead, method, a_picture())  # revision 3
    revisions = {r.number: r for r in queries.revisions_of(method)}
    assert sorted(revisions) == [1, 2, 3]
    assert revisions[2].note == "Attached a file"
    client = client_as(people["reader"])
    first, second, third = (revision_page(client, method, n) for n in (1, 2, 3))
    assert "plan v1.pdf" not in first and "Files" not in first.split("<h1", 1)[1].split("Class")[0]
    assert "plan v1.pdf" in second and picture.token not in second
    assert "plan v1.pdf" in third and f'src="/files/{picture.token}"' in third
    assert "This is the current version" in third and "This is an earlier version" in second


def test_removing_a_file_takes_it_out_of_every_revision_and_they_say_so(people, files_dir):
    lead = people["lead"]
    method = publish_method(lead, "Safety huddle")
    [plan] = attach(lead, method, a_pdf("ward 7 names.pdf"))
    token = plan.token
    services.remove_file(lead, plan)
    links = list(db.session.scalars(sa.select(MethodRevisionFile)))
    assert [link.file_id for link in links] == [None]
    client = client_as(people["reader"])
    page = revision_page(client, method, 2)
    assert "ward 7 names.pdf" not in page and token not in page
    assert "A file this version had was removed since, and is no longer kept." in page
    history = client.get(f"/methods/{method.id}-{method.slug}/history").text
    assert "ward 7 names.pdf" not in history
    assert revision_page(client, method, 3).count("was removed since") == 0
    assert stored_paths(files_dir) == []


# ---------------------------------------------------------------- adaptations


def adapt_keeping(user, parent, file_ids, *, publish=True, **fields) -> Method:
    return methods.create_method(
        user, content("Huddle for community nursing", **fields), publish=publish, parent=parent,
        context=context(), keep_files=file_ids,
        widen_audience=fields.pop("widen", False),
    )  # fmt: skip


def test_an_adaptation_starts_with_copies_of_the_files_chosen(people, files_dir):
    parent = publish_method(people["lead"], "Safety huddle")
    picture, plan = attach(people["lead"], parent, a_picture(), a_pdf("plan.pdf", "file_2"))
    adaptation = adapt_keeping(people["reader"], parent, [picture.id])
    [copy] = services.files_of(adaptation)
    assert copy.name == picture.name and copy.alt_text == picture.alt_text
    assert copy.token != picture.token and copy.storage_key != picture.storage_key
    assert copy.uploader_id == people["reader"].id
    assert len(stored_paths(files_dir)) == 3
    # The copy is the adaptation's own: removing the parent's leaves it.
    services.remove_file(people["lead"], picture)
    served = client_as(people["outsider"]).get(f"/files/{copy.token}")
    assert served.status_code == 200 and served.data[:8] == b"\x89PNG\r\n\x1a\n"
    # Its first revision lists it.
    [first] = queries.revisions_of(adaptation)
    assert [link.file_id for link in db.session.scalars(
        sa.select(MethodRevisionFile).where(MethodRevisionFile.revision_id == first.id))
    ] == [copy.id]  # fmt: skip


def test_a_private_methods_files_go_no_wider_than_its_text(people, private, files_dir):
    parent = publish_method(people["lead"], "Private huddle", community_id=private.id)
    [plan] = attach(people["lead"], parent, a_pdf("ward 7 audit.pdf"))
    with pytest.raises(RuleViolation, match="confirm that you want to share it more widely"):
        adapt_keeping(people["reader"], parent, [plan.id], community_id=None)
    assert len(all_files()) == 1 and len(stored_paths(files_dir)) == 1
    assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 1
    # Kept in the community, the copy is seen by its members only.
    adaptation = adapt_keeping(people["reader"], parent, [plan.id], community_id=private.id)
    [copy] = services.files_of(adaptation)
    assert client_as(people["outsider"]).get(f"/files/{copy.token}").status_code == 404
    assert client_as(people["teammate"]).get(f"/files/{copy.token}").status_code == 200


def test_the_adapt_form_offers_the_parents_files_and_copies_those_left_ticked(people):
    parent = publish_method(people["lead"], "Safety huddle")
    picture, plan = attach(people["lead"], parent, a_picture(), a_pdf("plan.pdf", "file_2"))
    client = client_as(people["reader"])
    url = f"/methods/{parent.id}-{parent.slug}/adapt"
    form = client.get(url).text
    assert "Start with the files of “Safety huddle”" in form
    assert form.count('name="keep_files"') == 2 and form.count("checked") >= 2
    data = {
        "title": "Huddle for community nursing", "summary": "A huddle.",
        "when_to_use": "Daily.", "how_to": "Stand up.", "approaches": [],
        "care_setting": "community", "what_changed": "Shorter.", "why": "Busy.",
        "keep_files": [str(plan.id)], "action": "draft", "community": "0",
    }  # fmt: skip
    response = client.post(url, data=data)
    assert response.status_code == 302, error_summary(response)
    adaptation = db.session.scalar(sa.select(Method).where(Method.parent_id == parent.id))
    assert [f.name for f in services.files_of(adaptation)] == ["plan.pdf"]


# ---------------------------------------------------------------- your data


def test_the_data_download_names_each_file_and_the_files_download_holds_them(people, project):
    lead = people["lead"]
    method = publish_method(lead, "Safety huddle")
    [plan] = attach(lead, method, a_pdf("plan.pdf"))
    [diagram] = attach(lead, project, a_picture())
    entries = {e["name"]: e for e in member_data(lead)["files"]}
    assert entries["plan.pdf"]["method_id"] == method.id
    assert entries["driver-diagram.png"]["project_id"] == project.id
    assert entries["plan.pdf"]["in_files_download"] == f"files/{plan.id}-plan.pdf"
    response = client_as(lead).post("/account/settings/data/files")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted(
        [f"files/{plan.id}-plan.pdf", f"files/{diagram.id}-driver-diagram.png"]
    )
    assert archive.read(f"files/{plan.id}-plan.pdf") == pdf()
    assert audit("account.files_exported")


def test_the_files_download_leaves_out_a_file_its_member_can_no_longer_see(people, private):
    parent = publish_method(people["lead"], "Private huddle", community_id=private.id)
    [plan] = attach(people["lead"], parent, a_pdf("audit.pdf"))
    adaptation = adapt_keeping(people["reader"], parent, [plan.id], community_id=private.id)
    [copy] = services.files_of(adaptation)
    assert services.exported_files(people["reader"])[0]["in_files_download"] is not None
    communities.leave(people["reader"], private)
    [entry] = services.exported_files(people["reader"])
    assert entry["name"] == copy.name and entry["in_files_download"] is None


def test_deleting_an_account_removes_the_files_only_they_could_see(people, project, files_dir):
    lead, teammate = people["lead"], people["teammate"]
    draft = methods.create_method(teammate, content("My draft"), publish=False)
    attach(teammate, draft, a_pdf("draft plan.pdf"))
    shared_cycle = cycles.record_cycle(lead, project, cycles.CycleDetails(
        title="Shared test", change="c", prediction="p", started_on=date(2025, 3, 1)))  # fmt: skip
    attach(teammate, shared_cycle, a_pdf("cycle notes.pdf"))
    assert len(stored_paths(files_dir)) == 2
    deletion.delete_account(teammate, PASSWORD)
    assert [f.name for f in all_files()] == ["cycle notes.pdf"]
    assert len(stored_paths(files_dir)) == 1


def test_copies_count_towards_the_daily_quota_and_a_refusal_keeps_nothing(app, people, files_dir):
    parent = publish_method(people["lead"], "Safety huddle")
    [plan] = attach(people["lead"], parent, a_pdf())
    app.config["UPLOAD_DAILY_QUOTA_MB"] = 0
    try:
        with pytest.raises(RuleViolation, match="MB of files a day"):
            adapt_keeping(people["reader"], parent, [plan.id])
        assert db.session.scalar(sa.select(sa.func.count(Method.id))) == 1
        assert len(all_files()) == 1 and len(stored_paths(files_dir)) == 1
        # Without the files, the adaptation is no upload at all.
        assert services.files_of(adapt_keeping(people["reader"], parent, [])) == []
    finally:
        app.config["UPLOAD_DAILY_QUOTA_MB"] = 50


def test_a_files_page_with_an_out_of_date_slug_moves_to_the_current_one(people, project, cycle):
    method = publish_method(people["lead"], "Safety huddle")
    client = client_as(people["lead"])
    pages = [
        (f"/methods/{method.id}-old-name/files", f"/methods/{method.id}-{method.slug}/files"),
        (f"/projects/{project.id}-old-name/files", f"/projects/{project.id}-{project.slug}/files"),
        (f"/projects/{project.id}-old-name/cycles/{cycle.id}/files",
         f"/projects/{project.id}-{project.slug}/cycles/{cycle.id}/files"),
    ]  # fmt: skip
    for old, current in pages:
        moved = client.get(old + "?from=email")
        assert moved.status_code == 301, old
        assert moved.headers["Location"].endswith(current + "?from=email"), old
        assert client.get(current).status_code == 200, current
