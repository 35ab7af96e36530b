"""A lead takes a chart to a board paper: downloads it as a PNG from the measure
page. On a server without cairo the same link explains itself and offers the SVG.
Each page is checked with axe."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .support import Person, release

pytestmark = pytest.mark.browser


def test_a_lead_downloads_the_chart_as_a_png_or_is_offered_the_svg(
    page: Page, sign_in, axe_report, db, member, falls_chart, monkeypatch
):
    project, measure_url = falls_chart.project, falls_chart.url
    person, stem = Person.of(member), f"{project.slug[:40]}-falls-chart"
    release(db)  # and no more reads: the server must be able to write
    problems: dict[str, str] = {}

    sign_in(page, person, then=measure_url)
    if report := axe_report(page):
        problems["measure page"] = report
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the chart (PNG)").click()
    download = download_info.value
    assert download.suggested_filename == f"{stem}.png"
    assert Path(download.path()).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    # The server cannot load cairo: the link answers a page that says so.
    monkeypatch.setitem(sys.modules, "cairosvg", None)
    answer = page.goto(f"{measure_url}/chart.png")
    assert answer is not None and answer.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The chart cannot be downloaded as a PNG"
    )
    expect(page.get_by_text("download the SVG instead")).to_be_visible()
    if report := axe_report(page):
        problems["PNG unavailable"] = report
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the chart of Falls (SVG)").click()
    assert download_info.value.suggested_filename == f"{stem}.svg"
    page.get_by_role("link", name="Back to Falls").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Falls")
    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())
