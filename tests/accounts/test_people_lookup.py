"""Finding a person by name, organisation or username: the suggestions and the team form."""

from __future__ import annotations

import sqlalchemy as sa
from factories import client_as

from community.projects.models import TeamMember


def _url(project, tail: str = "") -> str:
    return f"/projects/{project.id}-{project.slug}{tail}"


def _names(response) -> list[str]:
    return [person["name"] for person in response.get_json()["people"]]


def test_suggestions_match_part_of_a_name_an_organisation_or_a_username(
    member, make_user, make_organisation
):
    leeds = make_organisation("Leeds Teaching Hospitals")
    make_user("kemi-adeyemi", name="Kemi Adeyemi", organisation=leeds)
    make_user("kp-data", name="Priya Kemp")
    make_user("jo-smith", name="Jo Smith", organisation=leeds)
    client = client_as(member)
    assert _names(client.get("/people/lookup?q=kem")) == ["Kemi Adeyemi", "Priya Kemp"]
    assert _names(client.get("/people/lookup?q=leeds")) == ["Jo Smith", "Kemi Adeyemi"]
    assert _names(client.get("/people/lookup?q=leeds jo")) == ["Jo Smith"]
    assert _names(client.get("/people/lookup?q=@kp-data")) == ["Priya Kemp"]
    assert _names(client.get("/people/lookup?q=k")) == []  # one letter is too little
    assert _names(client.get("/people/lookup?q=50%25")) == []  # % is a character, not "any"
    found = client.get("/people/lookup?q=kemi").get_json()["people"][0]
    assert found == {
        "username": "kemi-adeyemi", "name": "Kemi Adeyemi",
        "organisation": "Leeds Teaching Hospitals", "job_title": "",
    }  # fmt: skip
    assert "email" not in client.get("/people/lookup?q=kemi").get_data(as_text=True)


def test_suggestions_stop_at_ten_and_say_there_are_more(member, make_user):
    for n in range(12):
        make_user(f"ward-nurse-{n}", name=f"Alex Ward {n:02d}")
    body = client_as(member).get("/people/lookup?q=alex ward").get_json()
    assert len(body["people"]) == 10 and body["more"] is True


def test_suggestions_are_for_confirmed_members_and_are_rate_limited(app, member, make_user):
    unconfirmed = make_user("not-yet", confirmed=False)
    assert client_as(unconfirmed).get("/people/lookup?q=member").status_code == 403
    assert client_as(None).get("/people/lookup?q=member").status_code == 302
    app.config["PEOPLE_LOOKUP_LIMIT_PER_MEMBER"] = "3 per minute"
    client = client_as(member)
    statuses = [client.get("/people/lookup?q=member").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_lead_adds_someone_to_the_team_by_part_of_their_name(member, make_user, make_project, db):
    project = make_project(member)
    kemi = make_user("kemi-adeyemi", name="Kemi Adeyemi")
    response = client_as(member).post(
        _url(project, "/team"), data={"username": "kemi ade", "role": "Data analyst"}
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(
            sa.select(TeamMember.role).where(
                TeamMember.project_id == project.id, TeamMember.user_id == kemi.id
            )
        )
        == "Data analyst"
    )


def test_several_matches_come_back_as_choices_and_the_chosen_one_joins(
    member, make_user, make_organisation, make_project, db
):
    project = make_project(member)
    leeds = make_organisation("Leeds Teaching Hospitals")
    york = make_organisation("York and Scarborough Teaching Hospitals")
    make_user("jo-smith", name="Jo Smith", organisation=leeds)
    york_sam = make_user("jo-smith-york", name="Jo Smith", organisation=york)
    client = client_as(member)
    page = client.post(_url(project, "/team"), data={"username": "Jo Smith"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in text and "2 people match “Jo Smith”. Choose one" in text
    assert "Jo Smith, Leeds Teaching Hospitals (jo-smith)" in text
    assert "Jo Smith, York and Scarborough Teaching Hospitals (jo-smith-york)" in text
    assert 'type="radio"' in text and 'value="jo-smith-york"' in text
    assert not db.session.scalar(sa.select(TeamMember.id).where(TeamMember.user_id == york_sam.id))
    chosen = client.post(
        _url(project, "/team"), data={"username": "Jo Smith", "chosen": "jo-smith-york"}
    )
    assert chosen.status_code == 302
    assert db.session.scalar(sa.select(TeamMember.id).where(TeamMember.user_id == york_sam.id))


def test_an_exact_username_is_that_person_and_nobody_matching_says_so(
    member, make_user, make_project, db
):
    project = make_project(member)
    make_user("jo-smith", name="Jo Smith")
    make_user("jo-smith-york", name="Jo Smith")
    client = client_as(member)
    assert client.post(_url(project, "/team"), data={"username": "@jo-smith"}).status_code == 302
    nobody = client.post(_url(project, "/team"), data={"username": "Zebedee"})
    assert "No one matches “Zebedee”. Check the spelling" in nobody.get_data(as_text=True)


# ---------------------------------------------------------------- inviting to a community


def test_a_facilitator_invites_a_member_by_name_without_seeing_their_address(make_user, db):
    from factories import make_community
    from helpers import emails_to, page_text

    from community.communities.models import Visibility

    fay = make_user("fay-facilitator", name="Fay Facilitator")
    rae = make_user("rae-colleague", name="Rae Colleague", email="rae.private@nhs.example")
    make_community(fay, "Night Shift Safety", visibility=Visibility.PRIVATE)
    client = client_as(fay)
    sent = client.post(
        "/communities/night-shift-safety/invite", data={"person": "rae coll"},
        follow_redirects=True,
    )  # fmt: skip
    text = page_text(sent)
    assert "We have emailed an invitation to Rae Colleague." in text
    assert "rae.private" not in text
    [email] = emails_to(rae)
    assert "/communities/night-shift-safety/invitations/" in email.body_text
    nobody = client.post("/communities/night-shift-safety/invite", data={"person": "Zebedee"})
    assert "No one matches “Zebedee”" in page_text(nobody)
    bad = client.post("/communities/night-shift-safety/invite", data={"person": "rae@"})
    assert "Enter an email address in the correct format" in page_text(bad)
    assert len(emails_to(rae)) == 1


# ---------------------------------------------------------------- asking a mentor


def test_a_member_asks_a_mentor_they_know_by_name(make_user, make_organisation, db):
    from factories import offer, request_for
    from helpers import page_text

    from community.mentoring.models import MentoringAsk

    rita = make_user("rita", name="Rita Requester")
    hill = make_organisation("Hill Trust")
    mina = make_user("mina", name="Mina Mentor", organisation=hill)
    make_user("otis", name="Otis Outsider", organisation=hill)  # offers no mentoring
    offer(mina)
    request = request_for(rita)
    url = f"/mentoring/requests/{request.id}/suggestions"
    client = client_as(rita)
    page = client.get(url).get_data(as_text=True)
    assert "Or ask a mentor you know by name (optional)" in page

    refused = client.post(url, data={"person": "otis"})
    assert "Otis Outsider cannot be asked for this request" in page_text(refused)
    assert db.session.scalar(sa.select(sa.func.count(MentoringAsk.id))) == 0

    asked = client.post(url, data={"person": "mina ment", "message": "Hello"})
    assert asked.status_code == 302
    assert db.session.scalar(sa.select(MentoringAsk.mentor_id)) == mina.id


def test_more_than_ten_matches_ask_for_more_of_the_name(member, make_user, make_project):
    project = make_project(member)
    for n in range(11):
        make_user(f"alex-ward-{n}", name=f"Alex Ward {n:02d}")
    page = client_as(member).post(_url(project, "/team"), data={"username": "alex"})
    text = page.get_data(as_text=True)
    assert "More than 10 people match “alex”. Choose one, or type more of their name" in text
    assert text.count('type="radio"') == 10


def test_suggestions_are_people_only_never_a_private_community(member, make_user):
    from factories import make_community

    from community.communities.models import Visibility

    make_community(member, "Quokka Ward Secrets", visibility=Visibility.PRIVATE)
    outsider = make_user("nia-outsider", name="Nia Outsider")
    body = client_as(outsider).get("/people/lookup?q=quokka").get_data(as_text=True)
    assert "Quokka" not in body and '"people":[]' in body.replace(" ", "")
