"""A lead creates a proportion measure, imports numerators and denominators, sees its
P chart flag a shift, and finds it at the top of its organisation's board summary with
the concern icon. Every page on the way, and the new pages, are checked with axe."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from community.projects import services
from community.projects.measures import imports as measure_imports
from community.projects.measures import services as measure_services
from community.projects.measures.csv_files import write_points

from .support import Person, release

pytestmark = pytest.mark.browser

START = date(2025, 1, 6)


def _csv() -> bytes:
    # Twelve weeks near 90% of about 120 patients, then eight weeks near 75%.
    rows = ["date,numerator,denominator,note"]
    for week in range(20):
        size = 120 + (week % 3) * 5
        share = 0.9 if week < 12 else 0.75
        note = "New triage rota" if week == 12 else ""
        when = START + timedelta(weeks=week)
        rows.append(f"{when.isoformat()},{round(share * size)},{size},{note}")
    return ("\n".join(rows) + "\n").encode()


def test_a_proportion_measure_flags_a_shift_and_tops_the_board(
    page: Page, sign_in, axe_report, db, member, organisation
):
    project = services.start_project(
        member,
        services.ProjectDetails(
            title="Sepsis screening", aim="Screen 95% within the hour.", problem="Delays.",
            organisation_id=organisation.id, community_id=None, programme_type="local",
            national_programme="", status="testing", start_date=date(2025, 1, 1),
        ),
    )  # fmt: skip
    steady = measure_services.create_measure(
        member, project,
        measure_services.MeasureDetails(name="Antibiotics given", definition="Per week.",
                                        unit="", direction="up", target=None),
    )  # fmt: skip
    rows = [(START + timedelta(weeks=i), float(v), "") for i, v in enumerate([10, 11] * 8)]
    measure_imports.import_points(member, project, steady, write_points(rows).encode())
    project_url = f"/projects/{project.id}-{project.slug}"
    person, board_of = Person.of(member), f"/organisations/{organisation.slug}"
    release(db)  # and no more reads: the server must be able to write
    problems: dict[str, str] = {}

    def check(name: str) -> None:
        if report := axe_report(page):
            problems[name] = report

    sign_in(page, person, then=project_url)
    page.get_by_role("button", name="Add a measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a measure")
    check("new measure")
    page.get_by_label("A proportion: numerator and denominator per period (P chart)").check()
    page.get_by_label("Name").fill("Patients screened for sepsis")
    page.get_by_label("Operational definition").fill("Screened within an hour / eligible.")
    page.get_by_label("Higher is better").check()
    page.get_by_role("button", name="Add measure").click()
    expect(page.get_by_text("“Patients screened for sepsis” has been added")).to_be_visible()
    measure_url = page.url

    page.goto(f"{measure_url}/data")
    expect(page.get_by_label("Denominator")).to_be_visible()
    check("add a point with a denominator")

    page.goto(measure_url)
    page.get_by_role("button", name="Import from CSV").click()
    expect(page.get_by_text("date,numerator,denominator,note").first).to_be_visible()
    check("import numerators and denominators")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "screening.csv", "mimeType": "text/csv", "buffer": _csv()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("108 / 120").first).to_be_attached()
    expect(page.get_by_role("button", name="Confirm and import")).to_be_visible()
    check("import preview")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported: 20 added")).to_be_visible()

    # The P chart flags the fall as a shift of concern, in words and with the icon.
    expect(page.get_by_text("A shift of 8 points below the mean")).to_be_visible()
    concern = "Special cause variation: concern (low values)"
    expect(page.get_by_role("img", name=concern)).to_be_visible()
    expect(page.get_by_text("P chart").first).to_be_visible()
    check("P chart measure page")

    page.goto(f"{board_of}/dashboard")
    page.get_by_role("link", name="Board summary of every measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board summary of measures")
    first_row = page.locator("#board tbody tr").first
    expect(first_row).to_contain_text("Patients screened for sepsis")
    expect(first_row.get_by_role("img", name=concern)).to_be_visible()
    check("board summary")
    page.get_by_label("Variation").select_option("common_cause")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#board tbody tr")).to_have_count(1)
    expect(page.locator("#board tbody tr").first).to_contain_text("Antibiotics given")
    check("board summary filtered")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the summary (CSV)").click()
    assert download_info.value.suggested_filename.endswith("-board-summary.csv")
    first_row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antibiotics given")
    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())
