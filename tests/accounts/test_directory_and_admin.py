"""The directory of systems and organisations, its administration, roles and the admin commands."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from helpers import (
    PASSWORD,
    RequestPerContextClient,
    error_summary,
    reload,
    run_command,
    sign_in_as,
    table_rows,
)

from community.accounts.models import Role, User
from community.audit.models import AuditEvent
from community.core.extensions import db as database
from community.demo import data as demo_data
from community.directory.models import Organisation, System
from community.projects.models import Project

pytestmark = pytest.mark.usefixtures("cheap_password_hashes")


def audit_events(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def directory(make_system, make_organisation, make_user):
    """Two systems: Northfold with two organisations and three members, Eastmarsh empty."""
    north = make_system("Northfold Integrated Care System", region="North West")
    east = make_system("Eastmarsh Integrated Care System", region="East of England")
    hospital = make_organisation("Northfold Hospitals NHS Foundation Trust", system=north)
    surgery = make_organisation("Wyreside Road Surgery", system=north, type="gp_practice")
    make_user("amir-khan", name="Amir Khan", organisation=hospital)
    make_user("bethan-jones", name="Bethan Jones", organisation=hospital)
    make_user("chloe-evans", name="Chloe Evans", organisation=surgery, job_title="Practice manager")
    return north, east, hospital, surgery


# ---------------------------------------------------------------- reading the directory


def test_systems_page_lists_each_system_with_its_counts(http, member, directory):
    sign_in_as(http, member)
    response = http.get("/systems")
    assert response.status_code == 200
    rows = table_rows(response)
    assert rows[0] == ["System", "Region", "Organisations", "Members"]
    assert [
        "Eastmarsh Integrated Care System",
        "East of England",
        "0",
        "0",
    ] in rows
    assert ["Northfold Integrated Care System", "North West", "2", "3"] in rows
    assert (
        '<a href="/systems/northfold-integrated-care-system">'
        "Northfold Integrated Care System</a>" in response.text
    )


def test_a_system_page_lists_its_organisations_with_member_counts(http, member, directory):
    sign_in_as(http, member)
    response = http.get("/systems/northfold-integrated-care-system")
    assert response.status_code == 200
    assert "North West" in response.text
    rows = table_rows(response)
    assert rows[1:] == [
        ["Northfold Hospitals NHS Foundation Trust", "Acute trust", "2"],
        ["Wyreside Road Surgery", "GP practice", "1"],
    ]
    assert '<a href="/organisations/wyreside-road-surgery">Wyreside Road Surgery</a>' in (
        response.text
    )


def test_an_empty_system_says_so(http, member, directory):
    sign_in_as(http, member)
    response = http.get("/systems/eastmarsh-integrated-care-system")
    assert "No organisations have been added to this system yet." in response.text


def test_organisations_can_be_filtered_by_system_and_type(http, member, directory):
    north, east, *_ = directory
    sign_in_as(http, member)
    everything = http.get("/organisations").text
    # The `member` fixture's own organisation is in a third system.
    assert "3 organisations" in everything

    in_north = http.get("/organisations", query_string={"system": north.id}).text
    assert "2 organisations" in in_north
    assert "Riverside Hospitals" not in in_north

    practices = http.get("/organisations", query_string={"type": "gp_practice"}).text
    assert "1 organisation<" in practices
    assert "Wyreside Road Surgery" in practices

    nothing = http.get("/organisations", query_string={"system": east.id}).text
    assert "No organisations" in nothing

    unknown_type = http.get("/organisations", query_string={"type": "castle"}).text
    assert "3 organisations" in unknown_type  # an unknown filter is ignored, not an error


def test_an_organisation_page_lists_its_members(http, member, directory):
    sign_in_as(http, member)
    response = http.get("/organisations/wyreside-road-surgery")
    assert response.status_code == 200
    assert "GP practice in" in response.text
    assert "1 member<" in response.text
    assert '<a href="/people/chloe-evans">Chloe Evans</a>' in response.text
    assert "Practice manager" in response.text
    assert "Amir Khan" not in response.text


def test_unknown_systems_and_organisations_are_not_found(http, member):
    sign_in_as(http, member)
    assert http.get("/systems/atlantis").status_code == 404
    assert http.get("/organisations/atlantis-trust").status_code == 404


def test_people_can_be_filtered_by_name_system_and_expertise(
    http, db, member, directory, vocabulary
):
    north, *_ = directory
    lean = next(tag for tag in vocabulary if tag.name == "Lean")
    chloe = db.session.scalar(sa.select(User).where(User.username == "chloe-evans"))
    chloe.expertise = [lean]
    db.session.commit()
    sign_in_as(http, member)

    def names(**query) -> list[str]:
        page = http.get("/people", query_string=query).text
        return re.findall(r'<a href="/people/[\w-]+">([^<]+)</a>', page)

    assert names() == ["Amir Khan", "Bethan Jones", "Chloe Evans", "Sam Patel"]
    assert names(q="jones") == ["Bethan Jones"]
    assert names(system=north.id) == ["Amir Khan", "Bethan Jones", "Chloe Evans"]
    assert names(topic="lean") == ["Chloe Evans"]


def test_a_profile_links_to_the_members_organisation_and_system(http, member, directory):
    sign_in_as(http, member)
    page = http.get("/people/amir-khan").text
    assert (
        '<a href="/organisations/northfold-hospitals-nhs-foundation-trust">'
        "Northfold Hospitals NHS Foundation Trust</a>" in page
    )
    assert (
        '<a href="/systems/northfold-integrated-care-system">Northfold Integrated Care System</a>'
        in page
    )


def test_names_in_directory_links_are_escaped(http, make_system, member):
    make_system("Bad <script>alert(1)</script> System")
    sign_in_as(http, member)
    page = http.get("/systems").text
    assert "<script>alert(1)</script>" not in page
    assert "Bad &lt;script&gt;alert(1)&lt;/script&gt; System</a>" in page


# ---------------------------------------------------------------- systems and organisations


def test_an_admin_adds_a_system(http, db, admin):
    sign_in_as(http, admin)
    assert http.get("/admin/systems/new").status_code == 200
    response = http.post(
        "/admin/systems/new",
        data={"name": " Severnvale Integrated Care System ", "region": "South West"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/systems/severnvale-integrated-care-system"
    assert (
        "Severnvale Integrated Care System has been saved."
        in http.get(response.headers["Location"]).text
    )
    system = db.session.scalar(
        sa.select(System).where(System.slug == "severnvale-integrated-care-system")
    )
    assert (system.name, system.region) == ("Severnvale Integrated Care System", "South West")
    (event,) = audit_events(db, "directory.system_created")
    assert (event.actor_id, event.target_id) == (admin.id, system.id)


@pytest.mark.parametrize(
    "name", ["Northfold Integrated Care System", "northfold integrated care system!"]
)
def test_a_duplicate_system_is_refused(http, db, admin, directory, name):
    sign_in_as(http, admin)
    systems_before = count(db, System)
    response = http.post("/admin/systems/new", data={"name": name, "region": ""})
    assert response.status_code == 200
    assert error_summary(response) == ["There is already one with this name"]
    assert count(db, System) == systems_before
    assert audit_events(db, "directory.system_created") == []


def test_an_admin_edits_a_system(http, db, admin, directory):
    north, *_ = directory
    sign_in_as(http, admin)
    form = http.get(f"/admin/systems/{north.id}/edit")
    assert 'value="Northfold Integrated Care System"' in form.text
    # Saving it unchanged is not a clash with itself.
    response = http.post(
        f"/admin/systems/{north.id}/edit",
        data={"name": "Northfold Integrated Care System", "region": "North East"},
    )
    assert response.status_code == 302
    assert reload_system(db, north).region == "North East"
    (event,) = audit_events(db, "directory.system_updated")
    assert event.actor_id == admin.id


def reload_system(db, system):
    db.session.expire_all()
    return db.session.get(System, system.id)


def test_a_system_cannot_take_another_systems_name(http, db, admin, directory):
    north, east, *_ = directory
    sign_in_as(http, admin)
    response = http.post(f"/admin/systems/{east.id}/edit", data={"name": north.name, "region": ""})
    assert error_summary(response) == ["There is already one with this name"]
    assert reload_system(db, east).name == "Eastmarsh Integrated Care System"


def test_an_admin_adds_an_organisation(http, db, admin, directory):
    _, east, *_ = directory
    sign_in_as(http, admin)
    response = http.post(
        "/admin/organisations/new",
        data={"name": "St Luke's Hospice, Fenbridge", "type": "hospice", "system": east.id},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/st-luke-s-hospice-fenbridge"
    organisation = db.session.scalar(
        sa.select(Organisation).where(Organisation.slug == "st-luke-s-hospice-fenbridge")
    )
    assert (organisation.type, organisation.system_id) == ("hospice", east.id)
    (event,) = audit_events(db, "directory.organisation_created")
    assert (event.actor_id, event.target_id) == (admin.id, organisation.id)
    page = http.get(response.headers["Location"]).text
    assert "Hospice in" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "Wyreside Road Surgery"}, "There is already one with this name"),
        ({"name": "WYRESIDE ROAD SURGERY"}, "There is already one with this name"),
        ({"system": 0}, "Select the integrated care system"),
        ({"type": "castle"}, "Not a valid choice."),
        ({"name": "   "}, "Name must contain letters or numbers"),
    ],
)
def test_a_refused_organisation_says_why_and_adds_nothing(
    http, db, admin, directory, fields, message
):
    north, *_ = directory
    sign_in_as(http, admin)
    organisations_before = count(db, Organisation)
    response = http.post(
        "/admin/organisations/new",
        data={"name": "Fenbridge Carers Together", "type": "vcse", "system": north.id, **fields},
    )
    assert response.status_code == 200
    assert message in error_summary(response)
    assert count(db, Organisation) == organisations_before
    assert audit_events(db, "directory.organisation_created") == []


def test_every_problem_with_an_organisation_is_shown_at_once(http, db, admin, directory):
    sign_in_as(http, admin)
    organisations_before = count(db, Organisation)
    response = http.post(
        "/admin/organisations/new",
        data={"name": "Wyreside Road Surgery", "type": "castle", "system": 0},
    )
    assert response.status_code == 200
    # The form's own check (a type not on the list) and the service's (a name taken,
    # no system chosen) in one submit.
    assert sorted(error_summary(response)) == [
        "Not a valid choice.",
        "Select the integrated care system",
        "There is already one with this name",
    ]
    assert count(db, Organisation) == organisations_before


def test_an_admin_moves_an_organisation_to_another_system(http, db, admin, directory):
    north, east, _, surgery = directory
    sign_in_as(http, admin)
    form = http.get(f"/admin/organisations/{surgery.id}/edit").text
    assert re.search(rf'<option value="{north.id}" selected', form)
    response = http.post(
        f"/admin/organisations/{surgery.id}/edit",
        data={"name": "Wyreside Road Surgery", "type": "gp_practice", "system": east.id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, surgery.id).system_id == east.id
    assert len(audit_events(db, "directory.organisation_updated")) == 1


def test_an_organisations_projects_move_system_with_it(
    http,
    db,
    admin,
    directory,
    make_project,  # noqa: F811 (the fixture)
):
    north, east, _, surgery = directory
    lead = db.session.scalar(sa.select(User).where(User.organisation_id == surgery.id))
    project = make_project(lead, organisation_id=surgery.id)
    assert project.system_id == north.id
    sign_in_as(http, admin)
    http.post(
        f"/admin/organisations/{surgery.id}/edit",
        data={"name": surgery.name, "type": "gp_practice", "system": east.id},
    )
    db.session.expire_all()
    assert db.session.get(Project, project.id).system_id == east.id
    sign_in_as(http, lead)
    listed = http.get(f"/projects?system={east.id}").text
    assert project.title in listed
    assert project.title not in http.get(f"/projects?system={north.id}").text


def test_editing_something_that_does_not_exist_is_not_found(http, admin):
    sign_in_as(http, admin)
    assert http.get("/admin/systems/99999/edit").status_code == 404
    assert http.get("/admin/organisations/99999/edit").status_code == 404
    assert http.get("/admin/members/99999").status_code == 404


# ---------------------------------------------------------------- roles and the audit log


def test_an_admin_makes_a_member_an_admin(http, db, admin, member):
    sign_in_as(http, admin)
    response = http.post(f"/admin/members/{member.id}", data={"role": Role.ADMIN})
    assert response.status_code == 302
    assert "Sam Patel is now: Site administrator." in http.get(response.headers["Location"]).text
    assert reload(member).role == Role.ADMIN
    (event,) = audit_events(db, "account.role_changed")
    assert (event.actor_id, event.target_id) == (admin.id, member.id)
    assert event.summary == "sam-patel: member to admin"

    # Sam can now reach the admin pages.
    sign_in_as(http, member)
    assert http.get("/admin/").status_code == 200


def test_an_admin_cannot_remove_their_own_admin_role(http, db, admin):
    sign_in_as(http, admin)
    response = http.post(f"/admin/members/{admin.id}", data={"role": Role.MEMBER})
    assert response.status_code == 200
    assert error_summary(response) == ["You cannot remove your own administrator role"]
    assert reload(admin).role == Role.ADMIN
    assert audit_events(db, "account.role_changed") == []


def test_an_admin_can_remove_another_admins_role(http, db, admin, make_user):
    other = make_user("other-admin", role=Role.ADMIN)
    sign_in_as(http, admin)
    http.post(f"/admin/members/{other.id}", data={"role": Role.MEMBER})
    assert reload(other).role == Role.MEMBER
    (event,) = audit_events(db, "account.role_changed")
    assert event.summary == "other-admin: admin to member"


def test_the_members_list_finds_people_by_name_username_or_email(http, admin, directory):
    sign_in_as(http, admin)

    def found(q: str) -> list[str]:
        rows = table_rows(http.get("/admin/members", query_string={"q": q}))
        return [row[0] for row in rows[1:]]

    assert found("bethan") == ["Bethan Jones"]
    assert found("CHLOE-EV") == ["Chloe Evans"]
    assert found("amir-khan@nhs") == ["Amir Khan"]
    assert found("nobody-called-this") == []


def test_the_audit_log_lists_events_newest_first_and_filters_by_action(
    http, admin, member, directory
):
    sign_in_as(http, admin)
    http.post(f"/admin/members/{member.id}", data={"role": Role.ADMIN})
    http.post("/admin/systems/new", data={"name": "Pennine Borders ICS", "region": ""})

    rows = table_rows(http.get("/admin/audit"))
    assert [row[2] for row in rows[1:]] == [
        "Added an integrated care system",
        "Changed a member's role",
    ]
    assert rows[1][1] == "ada-admin"

    filtered = table_rows(http.get("/admin/audit", query_string={"action": "account.role_changed"}))
    assert [row[3] for row in filtered[1:]] == ["sam-patel: member to admin"]


# ---------------------------------------------------------------- commands


def test_create_admin_makes_a_confirmed_administrator(app, db, http, organisation):
    answers = "Lead@NHS.example\nada-lead\nAda Lead\n" + f"{PASSWORD}\n{PASSWORD}\n"
    result = run_command(app, ["create-admin", "--organisation", organisation.slug], input=answers)
    assert result.exit_code == 0, result.output
    assert "Created site administrator ada-lead." in result.output

    user = db.session.scalar(sa.select(User).where(User.username == "ada-lead"))
    assert (user.email, user.name, user.role) == ("lead@nhs.example", "Ada Lead", Role.ADMIN)
    assert user.is_confirmed
    assert user.organisation_id == organisation.id
    assert len(audit_events(db, "account.role_changed")) == 1

    response = http.post(
        "/account/sign-in", data={"email": "lead@nhs.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert http.get("/admin/").status_code == 200


def test_create_admin_promotes_an_existing_member(app, db, member):
    result = run_command(
        app,
        ["create-admin", "--email", member.email, "--username", "x", "--name", "x"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "sam-patel is now a site administrator." in result.output
    assert reload(member).role == Role.ADMIN


@pytest.mark.parametrize(
    ("options", "password", "complaint"),
    [
        ([], "password1234", "Password is too common"),
        ([], "short", "Password must be 12 characters or more"),
        (["--organisation", "atlantis"], PASSWORD, "no organisation has that slug"),
    ],
)
def test_create_admin_refuses_bad_answers_and_makes_nobody(app, db, options, password, complaint):
    result = run_command(
        app,
        ["create-admin", "--email", "x@nhs.example", "--username", "ada-lead", "--name", "Ada"]
        + options,
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code != 0
    assert complaint in result.output
    assert count(db, User) == 0


def test_seed_demo_fills_an_empty_database_once(demo_seeded, demo_app):
    # `demo_seeded` is what seed-demo printed as it filled an empty database (once per run,
    # tests/demo_database.py); `demo_app` is this test's copy of that database.
    assert "8 systems, 40 organisations," in demo_seeded
    members = int(re.search(r"(\d+) members", demo_seeded).group(1))
    assert members >= 80
    assert f"password for all: {demo_data.DEMO_PASSWORD}" in demo_seeded
    for email in (
        "admin@improvement-commons.example",
        "morgan@improvement-commons.example",
        "una@improvement-commons.example",
    ):
        assert email in demo_seeded
    assert (count(database, System), count(database, Organisation), count(database, User)) == (
        8,
        40,
        members,
    )

    again = run_command(demo_app, ["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "The database already has data: no demo data added." in again.output
    assert (count(database, System), count(database, Organisation), count(database, User)) == (
        8,
        40,
        members,
    )

    refused = run_command(demo_app, ["seed-demo"])
    assert refused.exit_code == 1
    assert "seed-demo needs an empty one" in refused.output

    # The printed demo sign-ins work.
    http = RequestPerContextClient(demo_app, demo_app.response_class, use_cookies=True)
    response = http.post(
        "/account/sign-in",
        data={"email": "admin@improvement-commons.example", "password": demo_data.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert http.get("/admin/").status_code == 200
