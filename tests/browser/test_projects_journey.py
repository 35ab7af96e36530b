"""A project lead's journey in a real browser: start a project, add a measure, import
its data, see the chart flag a shift, record a PDSA cycle and find the project on
the system's dashboard. Every project page is checked with axe on the way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import publish_method
from playwright.sync_api import Page, expect

from community.core.extensions import db as _db
from community.discussions import services as discussions
from community.projects import method_links, project_threads, services
from community.projects.measures import imports as measure_imports
from community.projects.measures import services as measure_services
from community.projects.measures.csv_files import write_points
from community.projects.measures.models import DataPoint, Measure

from .support import Person, release

pytestmark = pytest.mark.browser

# Twelve weeks around 11.5%, then eight weeks around 15.5%: a shift up.
SHIFT = [10, 12, 11, 13] * 3 + [15, 16] * 4


def _csv(values) -> bytes:
    from datetime import date, timedelta

    start = date(2025, 1, 6)
    return write_points(
        [(start + timedelta(weeks=i), float(v), "") for i, v in enumerate(values)]
    ).encode()


def _upload(page: Page, name: str, data: bytes) -> None:
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Check the file").click()


def _confirm_import(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    page.get_by_role("button", name="Confirm and import").click()


def _last_point_id(measure) -> int:
    return _db.session.scalar(
        sa.select(sa.func.max(DataPoint.id)).where(DataPoint.measure_id == measure.id)
    )


def _accessible(page: Page, axe_report, problems: dict[str, str], name: str) -> None:
    report = axe_report(page)
    if report:
        problems[name] = report


def test_a_lead_runs_a_project_from_start_to_the_dashboard(
    page: Page, sign_in, axe_report, db, member, organisation
):
    person, system = Person.of(member), organisation.system
    organisation_label = f"{organisation.name} ({system.name})"
    system_name, system_slug = system.name, system.slug
    release(db)
    problems: dict[str, str] = {}

    sign_in(page, person, then="/projects")
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement projects")
    _accessible(page, axe_report, problems, "project list")
    page.get_by_role("button", name="Start a project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a project")
    page.get_by_role("button", name="Start project").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    _accessible(page, axe_report, problems, "new project with errors")
    page.get_by_label("Title").fill("Discharge before midday on Ward 7")
    page.get_by_label("Aim statement").fill("Discharge 35% of patients before midday by March.")
    page.get_by_label("Problem and context (optional)").fill("Patients **wait** for medicines.")
    page.get_by_label("Organisation running the project").select_option(label=organisation_label)
    page.get_by_label("Start date").fill("2025-01-06")
    page.get_by_role("button", name="Start project").click()

    expect(page.get_by_text("Your project has started.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discharge before midday on Ward 7")
    _accessible(page, axe_report, problems, "project page, no measures")

    page.get_by_role("button", name="Add a measure").click()
    page.get_by_label("Name").fill("Discharges before midday")
    page.get_by_label("Operational definition").fill(
        "Discharges from Ward 7 before 12:00 as a share of all its discharges, by week."
    )
    page.get_by_label("Unit (optional)").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("Target (optional)").fill("14")
    _accessible(page, axe_report, problems, "new measure")
    page.get_by_role("button", name="Add measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discharges before midday")

    page.get_by_role("button", name="Import from CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import data from a CSV file")
    _upload(page, "bad.csv", b"date,value\n2025-01-06,12\n2025-02-30,x\n")
    expect(page.get_by_text("Nothing was imported: 2 problems in 1 row")).to_be_visible()
    expect(
        page.get_by_text("Row 3, column “date”: “2025-02-30” is not a real date")
    ).to_be_visible()
    _accessible(page, axe_report, problems, "import with problems")
    _upload(page, "ward7.csv", _csv(SHIFT))
    expect(page.locator("#import-summary")).to_contain_text("20 new dates")
    _confirm_import(page)

    expect(page.get_by_text("Imported: 20 added, 0 changed, 0 left as they were.")).to_be_visible()
    expect(page.get_by_text("A shift of 8 points above the mean")).to_be_visible()
    chart = page.get_by_role("img", name="Discharges before midday: XmR chart")
    expect(chart).to_be_visible()
    # The shift's eight points are drawn as special cause improvement (blue squares,
    # each with its date and value), and the legend says what the squares mean.
    expect(chart.locator("rect[fill='#005eb8']:has(title)")).to_have_count(8)
    expect(chart).to_contain_text("Special cause: improvement")
    # Each point carries one label: the shift's, where no other rule comes first.
    shift = page.get_by_role("cell", name="Shift: 7 or more points above the mean (improvement)")
    expect(shift.first).to_be_visible()
    _accessible(page, axe_report, problems, "measure with its chart")

    page.get_by_role("link", name="Discharge before midday on Ward 7").click()
    expect(page.get_by_text("Special cause: improvement")).to_be_visible()
    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="PDSA cycles"
    ).click()
    _accessible(page, axe_report, problems, "cycles, none yet")
    page.get_by_role("button", name="Record a PDSA cycle").click()
    page.get_by_label("Change being tested").fill("Pharmacist on the board round")
    page.get_by_label("Plan: what change will you test").fill(
        "A pharmacist joins the 9am board round for two weeks."
    )
    page.get_by_label("Plan: what do you predict will happen?").fill(
        "Medicines ready by 11am for half of planned discharges."
    )
    page.get_by_label("Date the test started").fill("2025-03-31")
    page.get_by_label("Discharges before midday").check()
    _accessible(page, axe_report, problems, "new cycle")
    page.get_by_role("button", name="Record cycle").click()

    expect(page.get_by_text("PDSA 1 has been recorded.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="PDSA 1: Pharmacist on the board round")
    ).to_be_visible()
    _accessible(page, axe_report, problems, "cycles")
    page.get_by_role("link", name="Discharges before midday").click()
    expect(page.get_by_role("img", name="Discharges before midday: XmR chart")).to_contain_text(
        "PDSA 1"
    )

    page.goto(f"/systems/{system_slug}")
    page.get_by_role("link", name="Improvement dashboard: projects and results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement dashboard")
    expect(page.get_by_text(system_name).first).to_be_visible()
    expect(page.get_by_text("1 project you can see")).to_be_visible()
    improving = page.get_by_role("heading", name="Measures showing improvement")
    expect(improving).to_be_visible()
    expect(page.get_by_role("link", name="Discharge before midday on Ward 7")).to_be_visible()
    _accessible(page, axe_report, problems, "system dashboard")

    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())


def test_every_other_project_page_passes_axe(
    page: Page, sign_in, axe_report, db, member, make_user, organisation
):
    """The pages the journey does not pass through, each as its visitor sees it."""
    details = services.ProjectDetails(
        title="Fewer falls", aim="Halve falls by June.", problem="Falls at night.",
        organisation_id=organisation.id, community_id=None, programme_type="national",
        national_programme="NHS IMPACT", status="testing", start_date=None,
    )  # fmt: skip
    from datetime import date

    details.start_date = date(2025, 1, 1)
    project = services.start_project(member, details)
    update = services.post_update(member, project, "We *started*.")
    services.set_progress(member, project, 2.0, "Tests under way")
    colleague = make_user("kemi-adeyemi", name="Kemi Adeyemi")
    services.add_team_member(member, project, username=colleague.username, role="Nurse",
                             is_lead=False)  # fmt: skip
    measure = measure_services.create_measure(
        member, project,
        measure_services.MeasureDetails(name="Falls", definition="Falls per week.", unit="",
                                        direction="down", target=None),
    )  # fmt: skip
    measure_imports.import_points(member, project, measure, _csv([5, 6, 4, 5, 7]))
    # Someone outside the team has written about falls prevention, the topic "falls" names
    # (the lone word is not searched in text, so "fall away" never counts): "who else is
    # working on this".
    publish_method(make_user("rae-rivers", name="Rae Rivers"), "Falls prevention huddles at night")
    linked = publish_method(colleague, "Run charts for ward dashboards")
    publish_method(colleague, "Run charts for primary care")
    method_links.link_method(member, project, linked.id)
    discussions.reply(colleague, project_threads.thread_of(project), "How do you count falls?")
    base = f"/projects/{project.id}-{project.slug}"
    measure_url = f"{base}/measures/{measure.id}"
    point_id = _last_point_id(measure)
    pages = {
        "project": (base, "Fewer falls"),
        "archive (asks first)": (f"{base}/archive", "Archive Fewer falls?"),
        "delete (asks first)": (f"{base}/delete", "Delete Fewer falls?"),
        "remove a team member (asks first)": (
            f"{base}/team/{colleague.username}/remove", "Remove Kemi Adeyemi from the team?"),
        "delete an update (asks first)": (f"{base}/updates/{update.id}/delete",
                                          "Delete this update?"),
        "delete the measure (asks first)": (f"{measure_url}/delete",
                                            "Delete the measure “Falls”?"),
        "change a point": (f"{measure_url}/data/{point_id}/edit",
                           "Change the point for 3 February 2025"),
        "remove a point (asks first)": (f"{measure_url}/data/{point_id}/remove",
                                        "Remove the point for 3 February 2025?"),
        "archived projects": ("/projects?archived=1", "Archived projects"),
        "edit": (f"{base}/edit", "Edit the project"),
        "team": (f"{base}/team", "Fewer falls"),
        "updates": (f"{base}/updates", "Fewer falls"),
        "progress": (f"{base}/progress", "Fewer falls"),
        "run chart": (measure_url, "Falls"),
        "edit measure": (f"{measure_url}/edit", "Edit the measure"),
        "add a point": (f"{measure_url}/data", "Add a point"),
        "import": (f"{measure_url}/import", "Import data from a CSV file"),
        "re-baseline": (f"{measure_url}/rebaseline", "Re-baseline: mark where the process changed"),
        "organisation dashboard": (
            f"/organisations/{organisation.slug}/dashboard", "Improvement dashboard"),
        "filtered list": (f"/projects?system={organisation.system_id}&status=testing",
                          "Improvement projects"),
        "methods, with search results": (f"{base}/methods?q=run", "Fewer falls"),
        "discussion": (f"{base}/discussion", "Discussion of the project Fewer falls"),
    }  # fmt: skip
    person = Person.of(member)
    release(db)
    problems: dict[str, str] = {}
    sign_in(page, person, then=base)
    for name, (path, heading) in pages.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        if name == "project":
            others = page.locator("section[aria-labelledby=working-on-heading]")
            expect(others.get_by_role("link", name="Rae Rivers")).to_be_visible()
            expect(others).to_contain_text("Wrote the method “Falls prevention huddles at night”")
            expect(others).not_to_contain_text("Kemi Adeyemi")  # on the team
        _accessible(page, axe_report, problems, name)
    # A form sent back with its errors.
    page.goto(f"{measure_url}/data")
    page.get_by_label("Value").fill("lots")
    page.get_by_role("button", name="Add point", exact=True).click()
    expect(page.get_by_text("Enter the value as a number, like 42 or 3.5").first).to_be_visible()
    _accessible(page, axe_report, problems, "add a point with errors")
    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())


def test_a_lead_imports_over_existing_dates_corrects_a_point_and_deletes_a_measure(
    page: Page,
    sign_in,
    axe_report,
    db,
    member,
    make_project,
):
    """Wrong data can be corrected, and nothing goes with one stray click."""
    project = make_project(member, title="Ward 7 discharges")
    measure = measure_services.create_measure(
        member, project,
        measure_services.MeasureDetails(name="Discharges before midday", definition="By week.",
                                        unit="%", direction="up", target=None),
    )  # fmt: skip
    measure_imports.import_points(member, project, measure, _csv([10, 12, 11]))
    measure_url = f"/projects/{project.id}-{project.slug}/measures/{measure.id}"
    measure_id, person = measure.id, Person.of(member)
    release(db)
    problems: dict[str, str] = {}
    sign_in(page, person, then=measure_url)

    # A corrected file: 13 January was 12 and is 21; 27 January is new; 6 January is the same.
    page.get_by_role("button", name="Import from CSV").click()
    _upload(page, "corrected.csv", b"date,value\n2025-01-06,10\n2025-01-13,21\n2025-01-27,9\n")
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("1 new date")
    expect(summary).to_contain_text("1 date already on the measure, with a different value")
    expect(summary).to_contain_text("1 date already on the measure, just as in the file")
    page.locator("#changed summary").click()
    changed = page.locator("#changed")
    expect(changed.get_by_role("row", name="13 January 2025 12 21")).to_be_visible()
    expect(page.get_by_label("Replace those values with the file's")).to_be_checked()
    _accessible(page, axe_report, problems, "import preview")
    page.get_by_role("button", name="Confirm and import").click()

    expect(page.get_by_text("Imported: 1 added, 1 changed, 1 left as they were.")).to_be_visible()
    expect(page.get_by_role("row", name="13 January 2025 21")).to_contain_text(
        f"changed by {person.name}"
    )

    # One value was mistyped: change it in the table.
    page.get_by_role("link", name="Change the point for 27 January 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change the point for 27 January 2025"
    )
    page.get_by_label("Value").fill("19")
    page.get_by_label("Note (optional)").fill("Mistyped")
    page.get_by_role("button", name="Save the point").click()
    expect(page.get_by_text("The point for 27 January 2025 has been saved.")).to_be_visible()
    expect(page.get_by_role("row", name="27 January 2025 19")).to_contain_text("Mistyped")

    # Deleting the measure asks first, and going back keeps it.
    page.get_by_role("link", name="Delete the measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Delete the measure “Discharges before midday”?"
    )
    expect(page.get_by_text("its 4 data points will be deleted for everyone")).to_be_visible()
    _accessible(page, axe_report, problems, "delete a measure (asks first)")
    page.get_by_role("link", name="Keep the measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discharges before midday")
    page.get_by_role("link", name="Delete the measure").click()
    page.get_by_role("button", name="Delete the measure").click()

    expect(
        page.get_by_text("The measure “Discharges before midday” has been deleted.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ward 7 discharges")
    assert _db.session.get(Measure, measure_id) is None
    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())
