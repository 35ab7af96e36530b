"""An analyst checks a chart against R: sets how the limits are worked out, reads the
chart's note, and downloads the chart's numbers. Each page is checked with axe."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .support import DEVIATIONS, Person, release

pytestmark = pytest.mark.browser


def test_an_analyst_sets_the_limit_options_and_downloads_the_chart_data(
    page: Page, sign_in, axe_report, db, member, falls_chart
):
    measure_url = falls_chart.url
    person = Person.of(member)
    release(db)
    problems: dict[str, str] = {}

    sign_in(page, person, then=measure_url)
    chart = page.get_by_role("img", name="Falls: XmR chart")
    expect(chart).to_contain_text("Unusually large moving ranges are left out of the limits.")

    page.get_by_role("link", name="Edit the measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the measure")
    options = page.get_by_label("Leave out unusually large moving ranges when computing the limits")
    expect(options).to_be_checked()
    options.uncheck()
    page.get_by_label("Fix the limits on the first points (optional)").fill("6")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_text("Fix the limits on at least 12 points, or leave it empty").first
    ).to_be_visible()
    if report := axe_report(page):
        problems["edit the measure, with an error"] = report
    page.get_by_label("Fix the limits on the first points (optional)").fill("12")
    page.get_by_role("button", name="Save changes").click()

    expect(chart).to_contain_text("Mean and limits fixed on the first 12 points.")
    expect(chart).not_to_contain_text("Unusually large moving ranges")
    if report := axe_report(page):
        problems["measure with fixed limits"] = report

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download chart data (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-falls-chart-data.csv")
    table = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(table) == len(DEVIATIONS)
    assert table[4]["special_cause_type"] == "Above UCL"
    assert table[4]["variation"] == "concern"  # lower is better
    assert {r["limits_fixed_on_first_points"] for r in table} == {"12"}
    assert {r["leave_out_large_moving_ranges"] for r in table} == {"no"}
    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())
