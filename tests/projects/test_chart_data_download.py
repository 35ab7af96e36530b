"""The chart's numbers as a download, the chart as a file, and the limit options
on the measure form: what an analyst checks a chart against."""

from __future__ import annotations

import csv
import io
import re

from community.projects.measures.models import Measure
from community.projects.measures.spc_words import format_number

# vignettes/deviations.Rmd (NHSRplotthedots): one outlier of 10 among ones and twos.
DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def _url(project, tail: str = "") -> str:
    return f"/projects/{project.id}-{project.slug}{tail}"


def _rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_chart_data_download_has_every_point_in_full_precision(
    auth, member, make_project, make_measure
):
    project = make_project(member)
    measure = make_measure(project, member, DEVIATIONS, name="Falls per 1,000 bed days")
    client = auth.as_user(member)
    page = client.get(_url(project, f"/measures/{measure.id}")).get_data(as_text=True)
    link = f'href="{_url(project, f"/measures/{measure.id}/chart-data.csv")}"'
    assert link in page and ">Download chart data (CSV)</a>" in page

    response = client.get(_url(project, f"/measures/{measure.id}/chart-data.csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{project.slug[:40]}-falls-per-1-000-bed-days-chart-data.csv"'
    )
    rows = _rows(response)
    assert len(rows) == len(DEVIATIONS)
    first = rows[0]
    assert first["date"] == "2025-01-06" and first["value"] == "1.0"
    # Full precision, not rounded for display: the mean is 35/18 and the limits use
    # the mean moving range with the two unusually large ranges left out (1.0).
    assert first["centre"] == repr(35 / 18) == "1.9444444444444444"
    assert first["lower_process_limit"] == repr(35 / 18 - 2.66)
    assert first["upper_process_limit"] == repr(35 / 18 + 2.66)
    assert format_number(float(first["centre"])) == "1.94"  # what the page shows
    # Each point's one label, in our words and in NHSRplotthedots' words.
    assert rows[4]["label"] == "Above the upper process limit"
    assert rows[4]["special_cause_type"] == "Above UCL"
    assert rows[4]["variation"] == "improvement"
    assert rows[4]["rules"] == "outside_limits"
    assert {r["special_cause_type"] for i, r in enumerate(rows) if i != 4} == {"Common Cause"}
    assert {r["label"] for i, r in enumerate(rows) if i != 4} == {""}
    # The options used, on every row.
    assert {r["leave_out_large_moving_ranges"] for r in rows} == {"yes"}
    assert {r["limits_fixed_on_first_points"] for r in rows} == {""}


def test_the_options_change_the_download_and_the_chart_says_so(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, DEVIATIONS + [1, 2], name="Falls")
    client = auth.as_user(member)
    edit = _url(project, f"/measures/{measure.id}/edit")
    form = {"name": "Falls", "definition": "Falls per 1,000 occupied bed days.", "unit": "",
            "direction": "down", "target": ""}  # fmt: skip

    # Too few points to fix the limits on: a message by the field, nothing saved.
    refused = client.post(edit, data={**form, "screen_outliers": "y", "fix_after": "10"})
    assert refused.status_code == 200
    assert "Fix the limits on at least 12 points, or leave it empty" in refused.get_data(
        as_text=True
    )
    refused = client.post(edit, data={**form, "screen_outliers": "y", "fix_after": "12.5"})
    assert "Enter the number of points as a whole number" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).fix_after is None

    # Every moving range kept (the Excel tool's way), limits fixed on the first 12.
    saved = client.post(edit, data={**form, "fix_after": "12"})
    assert saved.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Measure, measure.id)
    assert (stored.screen_outliers, stored.fix_after) == (False, 12)
    rows = _rows(client.get(_url(project, f"/measures/{measure.id}/chart-data.csv")))
    assert {r["leave_out_large_moving_ranges"] for r in rows} == {"no"}
    assert {r["limits_fixed_on_first_points"] for r in rows} == {"12"}
    first_twelve = DEVIATIONS[:12]
    mean = sum(first_twelve) / 12
    assert float(rows[0]["centre"]) == mean
    assert float(rows[-1]["centre"]) == mean  # points after the baseline keep its limits
    chart = client.get(_url(project, f"/measures/{measure.id}/chart.svg")).get_data(as_text=True)
    assert "Mean and limits fixed on the first 12 points." in chart
    assert "Unusually large moving ranges are left out" not in chart

    saved = client.post(edit, data={**form, "screen_outliers": "y", "fix_after": ""})
    chart = client.get(_url(project, f"/measures/{measure.id}/chart.svg")).get_data(as_text=True)
    assert "Unusually large moving ranges are left out of the limits." in chart
    assert "fixed on the first" not in chart


def test_a_new_measure_leaves_out_large_moving_ranges_by_default(auth, member, make_project):
    project = make_project(member)
    page = auth.as_user(member).get(_url(project, "/measures/new")).get_data(as_text=True)
    assert "Leave out unusually large moving ranges when computing the limits" in page
    checkbox = re.search(r'<input[^>]*name="screen_outliers"[^>]*>', page).group(0)
    assert 'type="checkbox"' in checkbox and "checked" in checkbox


def test_a_run_chart_says_when_limits_appear(auth, member, make_project, make_measure):
    project = make_project(member)
    measure = make_measure(project, member, [5, 6, 5, 7])
    client = auth.as_user(member)
    chart = client.get(_url(project, f"/measures/{measure.id}/chart.svg")).get_data(as_text=True)
    assert "Run chart: process limits appear at 12 points." in chart
    rows = _rows(client.get(_url(project, f"/measures/{measure.id}/chart-data.csv")))
    assert rows[0]["centre"] == "5.5"  # the median
    assert rows[0]["lower_process_limit"] == rows[0]["upper_process_limit"] == ""
    assert rows[0]["special_cause_type"] == ""  # no rule is applied to a run chart


def test_the_chart_downloads_as_a_named_svg_file(auth, member, make_project, make_measure):
    project = make_project(member)
    measure = make_measure(project, member, DEVIATIONS, name="Falls per 1,000 bed days")
    response = auth.as_user(member).get(_url(project, f"/measures/{measure.id}/chart.svg"))
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{project.slug[:40]}-falls-per-1-000-bed-days-chart.svg"'
    )


def test_limits_to_be_fixed_on_more_points_than_there_are_say_so(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, DEVIATIONS, name="Falls")
    client = auth.as_user(member)
    client.post(
        _url(project, f"/measures/{measure.id}/edit"),
        data={"name": "Falls", "definition": "Falls per 1,000 occupied bed days.", "unit": "",
              "direction": "down", "target": "", "fix_after": "24"},
    )  # fmt: skip
    chart = client.get(_url(project, f"/measures/{measure.id}/chart.svg")).get_data(as_text=True)
    assert "Mean and limits will be fixed on the first 24 points." in chart
