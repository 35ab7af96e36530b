"""A project lead on a 375 px phone adds a colleague to the team by typing part of
their name and choosing them from the suggestions by keyboard; and, with JavaScript
off, by name with the server's choices. axe checks every page on the way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from community.projects.models import TeamMember

from .support import Person, release, sideways_overflow

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def _no_sideways_scroll(page: Page) -> None:
    overflow = sideways_overflow(page)
    assert overflow is None, f"{page.url} scrolls sideways at {PHONE['width']} px: {overflow}"


def _team_of(db, project_id: int) -> set[str]:
    from community.accounts.models import User

    try:
        return set(
            db.session.scalars(
                sa.select(User.name)
                .join(TeamMember, TeamMember.user_id == User.id)
                .where(TeamMember.project_id == project_id)
            )
        )
    finally:
        release(db)


def test_a_lead_adds_a_colleague_by_part_of_their_name_on_a_phone(
    page: Page, sign_in, check_accessibility, db, member, make_user, make_organisation,
    make_project,
):  # fmt: skip
    leeds = make_organisation("Leeds Teaching Hospitals")
    make_user("kemal-osman", name="Kemal Osman")
    make_user("kemi-adeyemi", name="Kemi Adeyemi", organisation=leeds)
    project = make_project(member, title="Discharge before midday")
    team_url = f"/projects/{project.id}-{project.slug}/team"
    project_id, lead = project.id, Person.of(member)
    release(db)

    page.set_viewport_size(PHONE)
    sign_in(page, lead, then=team_url)
    expect(page.get_by_role("heading", name="Add someone to the team")).to_be_visible()
    check_accessibility(page)
    _no_sideways_scroll(page)

    person = page.get_by_role("combobox", name="Name, organisation or username")
    person.press_sequentially("kem")
    suggestions = page.get_by_role("listbox", name="People matching what you typed")
    expect(suggestions.get_by_role("option")).to_have_count(2)
    expect(page.get_by_role("status")).to_contain_text("2 people found")
    expect(person).to_have_attribute("aria-expanded", "true")
    check_accessibility(page)  # with the suggestions open
    _no_sideways_scroll(page)

    person.press("ArrowDown")
    expect(suggestions.get_by_role("option", selected=True)).to_contain_text("Kemal Osman")
    person.press("ArrowDown")
    kemi = suggestions.get_by_role("option", selected=True)
    expect(kemi).to_contain_text("Kemi Adeyemi")
    expect(kemi).to_contain_text("Leeds Teaching Hospitals, kemi-adeyemi")
    person.press("Enter")  # picks, does not submit
    expect(suggestions).to_be_hidden()
    expect(person).to_have_value("Kemi Adeyemi")
    expect(person).to_have_attribute("aria-expanded", "false")

    page.get_by_label("Role on the team (optional)").fill("Data analyst")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("Kemi Adeyemi has joined the team.")).to_be_visible()
    expect(page.get_by_role("table").get_by_text("Data analyst")).to_be_visible()
    check_accessibility(page)
    _no_sideways_scroll(page)
    assert _team_of(db, project_id) == {lead.name, "Kemi Adeyemi"}


def test_without_javascript_several_matches_come_back_as_choices(
    browser, live_server, sign_in, db, member, make_user,
    make_organisation, make_project,
):  # fmt: skip
    leeds = make_organisation("Leeds Teaching Hospitals")
    york = make_organisation("York Teaching Hospitals")
    make_user("jo-smith", name="Jo Smith", organisation=leeds)
    make_user("jo-smith-york", name="Jo Smith", organisation=york)
    project = make_project(member)
    team_url = f"/projects/{project.id}-{project.slug}/team"
    project_id, lead = project.id, Person.of(member)
    release(db)

    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    try:
        page = context.new_page()
        sign_in(page, lead, then=team_url)
        page.get_by_label("Name, organisation or username").fill("jo smith")
        page.get_by_role("button", name="Add to the team").click()
        expect(page.get_by_role("alert")).to_contain_text("2 people match “jo smith”")
        choices = page.get_by_role("group", name="Which person do you mean?")
        choices.get_by_label("Jo Smith, York Teaching Hospitals (jo-smith-york)").check()
        _no_sideways_scroll(page)
        page.get_by_role("button", name="Add to the team").click()
        expect(page.get_by_text("Jo Smith has joined the team.")).to_be_visible()
    finally:
        context.close()
    assert _team_of(db, project_id) == {lead.name, "Jo Smith"}


def test_the_choices_page_passes_axe_and_picking_a_suggestion_replaces_its_choices(
    page: Page, sign_in, check_accessibility, db, member, make_user, make_project,
):  # fmt: skip
    make_user("jo-smith", name="Jo Smith")
    make_user("jo-smith-york", name="Jo Smith")
    project = make_project(member)
    team_url = f"/projects/{project.id}-{project.slug}/team"
    project_id, lead = project.id, Person.of(member)
    release(db)

    page.set_viewport_size(PHONE)
    sign_in(page, lead, then=team_url)
    person = page.get_by_role("combobox", name="Name, organisation or username")
    person.fill("Jo Smith")
    person.press("Escape")  # close the suggestions; Enter then sends the form as typed
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("alert")).to_contain_text("2 people match “Jo Smith”")
    expect(page.get_by_role("radio")).to_have_count(2)
    check_accessibility(page)
    _no_sideways_scroll(page)

    person = page.get_by_role("combobox", name="Name, organisation or username")
    person.fill("")
    person.press_sequentially("jo-smith-y")
    option = page.get_by_role("option").filter(has_text="jo-smith-york")
    expect(option).to_be_visible()
    person.press("ArrowDown")
    person.press("Enter")
    expect(page.get_by_role("radio")).to_have_count(0)  # the old choices are gone
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("Jo Smith has joined the team.")).to_be_visible()
    assert _team_of(db, project_id) == {lead.name, "Jo Smith"}
