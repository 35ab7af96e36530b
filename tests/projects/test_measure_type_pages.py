"""Measures of every type through the pages: chosen at creation, points with numerators
and denominators by hand and by CSV (checked row by row), CSV round-trips for every
type, and the chart data download with each point's numerator, denominator and limits."""

# Fixtures come from project_factories and are named again as test arguments.
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from factories import import_file

from community.audit.models import AuditEvent
from community.projects.measures import services as measure_services
from community.projects.measures.csv_files import TYPE_HEADINGS, parse_points, write_points
from community.projects.measures.models import DataPoint, Measure
from community.projects.measures.spc import ChartType


def _url(project, tail: str = "") -> str:
    return f"/projects/{project.id}-{project.slug}{tail}"


def _problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_a_proportion_measure_is_created_with_its_type_and_takes_numerators_and_denominators(
    auth, member, make_project, db
):
    project = make_project(member)
    client = auth.as_user(member)
    form = client.get(_url(project, "/measures/new")).get_data(as_text=True)
    assert "What kind of data will the measure hold?" in form
    assert "(Laney P′ chart)" in form and "(G chart)" in form
    response = client.post(
        _url(project, "/measures/new"),
        data={"chart_type": "p", "name": "Patients screened for sepsis",
              "definition": "Screened within an hour / eligible patients.", "unit": "",
              "direction": "up"},
    )  # fmt: skip
    assert response.status_code == 302
    measure = db.session.scalar(sa.select(Measure))
    assert measure.chart_type == "p"

    add = _url(project, f"/measures/{measure.id}/data")
    page = client.get(add).get_data(as_text=True)
    labels = [
        " ".join(text.split()) for text in re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)
    ]
    assert labels[-3:] == ["Numerator", "Denominator", "Note (optional)"]
    # A numerator above its denominator is refused next to the field, and nothing saved.
    refused = client.post(add, data={"observed_on": "2025-01-06", "value": "12",
                                     "denominator": "10", "note": ""})  # fmt: skip
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "The numerator (12) is more than the denominator (10)" in text
    missing = client.post(add, data={"observed_on": "2025-01-06", "value": "3", "note": ""})
    assert "Enter the denominator as a number" in missing.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(DataPoint.id))) == 0

    saved = client.post(add, data={"observed_on": "2025-01-06", "value": "9",
                                   "denominator": "12", "note": ""})  # fmt: skip
    assert saved.status_code == 302
    point = db.session.scalar(sa.select(DataPoint))
    assert (point.value, point.denominator) == (9, 12)
    shown = client.get(_url(project, f"/measures/{measure.id}")).get_data(as_text=True)
    assert "0.75" in shown and "P chart" in shown
    audit = db.session.scalar(
        sa.select(AuditEvent.summary).where(AuditEvent.action == "measure.point_added")
    )
    assert "2025-01-06 9/12" in audit


@pytest.mark.parametrize("chart_type", list(ChartType))
def test_every_type_round_trips_through_its_csv_file(chart_type):
    with_denominator = chart_type in {"p", "p_prime", "u", "u_prime"}
    rows = [
        (date(2025, 1, 6), 3.0, "", 40.0 if with_denominator else None),
        (date(2025, 1, 13), 0.0, "No falls", 38.5 if chart_type in {"u", "u_prime"} else 38.0),
        (date(2025, 1, 20), 7.0, "=not a formula", 41.0),
    ]
    if not with_denominator:
        rows = [(d, v, n, None) for d, v, n, _ in rows]
    text = write_points(rows, chart_type)
    assert text.splitlines()[0] == ",".join(TYPE_HEADINGS[chart_type])
    result = parse_points(text.encode(), today=date(2026, 1, 1), chart_type=chart_type)
    assert result.ok, _problems(result)
    assert [(r.observed_on, r.value, r.note, r.denominator) for r in result.rows] == rows


def test_a_proportion_file_is_checked_row_by_row():
    data = (
        b"date,numerator,denominator,note\n"
        b"2025-01-06,4,40,\n"
        b"2025-01-13,41,40,\n"
        b"2025-01-20,3,,\n"
        b"2025-01-27,3,0,\n"
        b"2025-02-03,-1,10,\n"
        b"2025-02-10,2.5,10,\n"
    )
    result = parse_points(data, today=date(2026, 1, 1), chart_type="p")
    assert not result.ok and result.bad_rows == 5
    assert _problems(result) == [
        "Row 3, column “numerator”: the numerator (41) is more than the denominator (40): "
        "a proportion cannot be above 1",
        "Row 4, column “denominator”: the denominator is missing",
        "Row 5, column “denominator”: the denominator must be more than zero",
        "Row 6, column “numerator”: the numerator cannot be below zero",
        "Row 7, column “numerator”: the numerator must be a whole number",
    ]


def test_a_file_without_the_types_columns_says_which_it_needs():
    result = parse_points(b"date,value\n2025-01-06,4\n", chart_type="u")
    assert _problems(result) == [
        "Row 1: the first row must name the columns: date, numerator, exposure and, if you "
        "like, note (for example: date,numerator,exposure,note)"
    ]
    # A count accepts a file headed "value" as well as its own "count".
    assert parse_points(b"date,value\n2025-01-06,4\n", chart_type="c").ok
    negative = parse_points(b"date,count\n2025-01-06,-4\n", chart_type="c")
    assert _problems(negative) == ["Row 2, column “count”: the count cannot be below zero"]


def test_importing_numerators_and_denominators_and_downloading_them_again(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, chart_type="p", name="Screened")
    client = auth.as_user(member)
    base = _url(project, f"/measures/{measure.id}")
    assert "date,numerator,denominator,note" in client.get(f"{base}/import").get_data(as_text=True)
    data = b"date,numerator,denominator,note\n2025-01-06,4,40,\n2025-01-13,5,50,Half term\n"
    preview = client.post(
        f"{base}/import", data={"file": (io.BytesIO(data), "d.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert "4 / 40" in preview.get_data(as_text=True)
    assert import_file(client, base, data).status_code == 302
    exported = client.get(f"{base}/export.csv").get_data(as_text=True)
    assert exported == (
        "date,numerator,denominator,note\r\n2025-01-06,4,40,\r\n2025-01-13,5,50,Half term\r\n"
    )
    # A changed denominator on a date already there is a change, not "unchanged".
    again = b"date,numerator,denominator\n2025-01-06,4,44\n"
    preview = client.post(
        f"{base}/import", data={"file": (io.BytesIO(again), "d.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert "1 date already on the measure, with a different value" in " ".join(
        preview.get_data(as_text=True).split()
    )


def test_the_chart_data_download_has_numerators_denominators_and_each_points_limits(
    auth, member, make_project, make_measure
):
    project = make_project(member)
    measure = make_measure(
        project, member, [20] * 11 + [5], chart_type="p", denominators=[100] * 11 + [25],
        name="Screened",
    )  # fmt: skip
    response = auth.as_user(member).get(_url(project, f"/measures/{measure.id}/chart-data.csv"))
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    first, last = rows[0], rows[-1]
    assert first["chart_type"] == "p"
    assert (first["numerator"], first["denominator"], first["value"]) == ("20.0", "100.0", "0.2")
    assert float(first["centre"]) == pytest.approx(0.2)
    assert float(first["lower_process_limit"]) == pytest.approx(0.08)
    assert float(first["upper_process_limit"]) == pytest.approx(0.32)
    assert (last["numerator"], last["denominator"]) == ("5.0", "25.0")
    assert last["lower_process_limit"] == "0.0"
    assert float(last["upper_process_limit"]) == pytest.approx(0.44)
    # An XmR measure has no numerator or denominator.
    xmr = make_measure(project, member, [1, 2] * 6)
    rows = list(csv.DictReader(io.StringIO(
        auth.as_user(member).get(_url(project, f"/measures/{xmr.id}/chart-data.csv"))
        .get_data(as_text=True))))  # fmt: skip
    assert {(r["chart_type"], r["numerator"], r["denominator"]) for r in rows} == {("xmr", "", "")}


def test_a_proportion_is_not_given_a_percent_unit(auth, member, make_project, db):
    project = make_project(member)
    response = auth.as_user(member).post(
        _url(project, "/measures/new"),
        data={"chart_type": "p", "name": "Screened", "definition": "Screened / eligible.",
              "unit": "%", "direction": "up"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "A proportion is charted as a fraction from 0 to 1" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Measure.id))) == 0


def test_a_measure_with_data_switches_only_between_p_and_p_prime(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, [20] * 12, chart_type="p", denominators=[100] * 12)
    client = auth.as_user(member)
    edit = _url(project, f"/measures/{measure.id}/edit")
    form = {"name": measure.name, "definition": measure.definition, "unit": "",
            "direction": "up"}  # fmt: skip
    refused = client.post(edit, data={**form, "chart_type": "c"})
    assert "can only switch between a P chart and a P′ chart" in refused.get_data(as_text=True)
    assert client.post(edit, data={**form, "chart_type": "p_prime"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).chart_type == "p_prime"
    page = client.get(_url(project, f"/measures/{measure.id}")).get_data(as_text=True)
    assert "P′ chart" in page
    # Leaving the type out of the form keeps it.
    assert client.post(edit, data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).chart_type == "p_prime"


def test_existing_measures_are_xmr_and_an_empty_measure_may_change_type(
    member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member)
    assert measure.chart_type == "xmr"
    details = measure_services.MeasureDetails(
        name=measure.name, definition=measure.definition, unit="", direction="up",
        target=None, chart_type="g",
    )  # fmt: skip
    measure_services.update_measure(member, project, measure, details)
    assert db.session.get(Measure, measure.id).chart_type == "g"


def test_the_chart_draws_each_points_limits_and_says_how_they_were_worked_out(
    auth, member, make_project, make_measure
):
    project = make_project(member)
    measure = make_measure(
        project, member, [20] * 11 + [5], chart_type="p", denominators=[100] * 11 + [25],
        name="Screened",
    )  # fmt: skip
    client = auth.as_user(member)
    svg = client.get(_url(project, f"/measures/{measure.id}/chart.svg")).get_data(as_text=True)
    assert "Screened: P chart" in svg
    assert "Process limits (each point&#39;s own)" in svg and "Centre (pooled proportion)" in svg
    assert ">Proportion</text>" in svg
    page = client.get(_url(project, f"/measures/{measure.id}")).get_data(as_text=True)
    # The data table gives each point's numerator, denominator, proportion and limits.
    assert "0.08 to 0.32" in page and "0 to 0.44" in page
    assert "the process limits vary with each point&#39;s denominator" in page

    prime = make_measure(
        project, member, [4900, 5300] * 6, chart_type="p_prime", denominators=[10_000] * 12,
        name="Trust-wide",
    )  # fmt: skip
    svg = client.get(_url(project, f"/measures/{prime.id}/chart.svg")).get_data(as_text=True)
    assert "Trust-wide: P′ chart" in svg
    assert "Laney&#39;s adjustment: limits 7.09 times as wide" in svg
