"""CSV import and download: every kind of bad row is reported by row and column and
nothing is saved; a good file round-trips; the importer never raises, whatever it is given."""

from __future__ import annotations

import io
import math
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.projects.measures import imports as measure_imports
from community.projects.measures import services as measure_services
from community.projects.measures.csv_files import (
    MAX_BYTES,
    MAX_NOTE,
    parse_date,
    parse_points,
    parse_value,
    write_points,
)
from community.projects.measures.models import DataPoint, Measure


def messages(result) -> list[str]:
    return [str(problem) for problem in result.problems]


# ------------------------------------------------------------------ cells


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-31", date(2025, 1, 31)),
        ("2025/01/31", date(2025, 1, 31)),
        ("31/01/2025", date(2025, 1, 31)),
        ("31/01/25", date(2025, 1, 31)),  # Excel's short date
        ("31-01-2025", date(2025, 1, 31)),
        ("31.01.2025", date(2025, 1, 31)),
        ("1/2/2025", date(2025, 2, 1)),  # UK order: day first
        ("31/01/2025 00:00", date(2025, 1, 31)),  # a date cell saved with its time
        ("31/01/2025 09:30:00", date(2025, 1, 31)),
        ("2025-01-31 00:00:00", date(2025, 1, 31)),
        ("2025-01-31T00:00", date(2025, 1, 31)),
        ("31-Jan-2025", date(2025, 1, 31)),
        ("31 Jan 25", date(2025, 1, 31)),
        (" 2025-01-31 ", date(2025, 1, 31)),
        # Monthly data is dated the first of its month.
        ("Jan-25", date(2025, 1, 1)),  # Excel's mmm-yy
        ("jan-25", date(2025, 1, 1)),
        ("Sept-24", date(2024, 9, 1)),
        ("Jan 2025", date(2025, 1, 1)),
        ("January 2025", date(2025, 1, 1)),
        ("2025-01", date(2025, 1, 1)),
        ("2025/1", date(2025, 1, 1)),
        ("31/01/99", date(1999, 1, 31)),  # a two-digit year not yet reached is last century
    ],
)
def test_dates_people_write(text, expected):
    assert parse_date(text) == (expected, "")


HOW = "write it like 31/01/2025 or 2025-01-31 (or Jan-25 or 2025-01 for a month)"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the date is missing"),
        ("2025-02-29", "“2025-02-29” is not a real date"),
        ("31/04/2025", "“31/04/2025” is not a real date"),
        ("2025-13", "“2025-13” is not a real date"),
        ("Foo-25", f"“Foo-25” is not a date: {HOW}"),
        ("yesterday", f"“yesterday” is not a date: {HOW}"),
        ("45678", f"“45678” is not a date: {HOW}"),  # a date cell saved as its serial number
        (
            "01/31/2025",
            "“01/31/2025” looks like a US date, with the month first: write the day first, "
            "like 31/01/2025, or write 2025-01-31",
        ),
        (
            "12/13/25",
            "“12/13/25” looks like a US date, with the month first: write the day first, "
            "like 31/01/2025, or write 2025-01-31",
        ),
        (
            "31-Jan",
            "“31-Jan” has no year: format the date column in your spreadsheet to show the "
            "year, then save the file again",
        ),
    ],
)
def test_dates_that_are_not_dates(text, problem):
    assert parse_date(text) == (None, problem)


def test_a_refused_date_is_reported_with_its_row_column_and_what_to_do():
    result = parse_points(b"date,value\n31/01/2025,4\n01/31/2025,5\n", today=date(2026, 1, 1))
    assert messages(result) == [
        "Row 3, column “date”: “01/31/2025” looks like a US date, with the month first: "
        "write the day first, like 31/01/2025, or write 2025-01-31"
    ]
    assert not result.ok


def test_a_monthly_file_from_a_spreadsheet_imports():
    result = parse_points(
        b"date,value\r\nJan-25,12\r\nFeb-25,14\r\nMar-25,9\r\n", today=date(2026, 1, 1)
    )
    assert messages(result) == []
    assert [row.observed_on for row in result.rows] == [
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42", 42.0), ("-3.5", -3.5), (".5", 0.5), ("1,234", 1234.0), ("85%", 85.0), ("1e3", 1000.0)],
)
def test_numbers_people_write(text, expected):
    assert parse_value(text) == (expected, "")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the value is missing"),
        ("forty", "“forty” is not a number"),
        ("nan", "“nan” is not a number"),
        ("inf", "“inf” is not a number"),
        ("1,23", "“1,23” is not a number"),  # a decimal comma is ambiguous
        ("1e999", "“1e999” is too large to be a number we can chart"),
    ],
)
def test_values_that_are_not_numbers(text, problem):
    assert parse_value(text) == (None, problem)


# ------------------------------------------------------------------ files


def test_every_kind_of_bad_row_is_reported_by_row_and_column():
    data = (
        "date,value,note\n"
        "2025-01-06,1,fine\n"
        "2025-02-30,2,\n"
        "soon,3,\n"
        "2025-01-20,many,\n"
        "2025-01-27,,\n"
        ",5,\n"
        "2025-01-06,6,\n"
        "2099-03-03,7,\n"
        f"2025-03-10,8,{'x' * (MAX_NOTE + 1)}\n"
        "2025-03-17,oops\n"  # two problems in one row? only the value here
        "bad,,\n"  # two problems in one row
    ).encode()
    result = parse_points(data, today=date(2026, 12, 7))
    assert messages(result) == [
        "Row 3, column “date”: “2025-02-30” is not a real date",
        "Row 4, column “date”: “soon” is not a date: " + HOW,
        "Row 5, column “value”: “many” is not a number",
        "Row 6, column “value”: the value is missing",
        "Row 7, column “date”: the date is missing",
        "Row 8, column “date”: 6 January 2025 is also in row 2: each date can have only one value",
        "Row 9, column “date”: 3 March 2099 is in the future: a value can only be dated today "
        "or earlier",
        "Row 10, column “note”: the note is longer than 200 characters",
        "Row 11, column “value”: “oops” is not a number",
        "Row 12, column “date”: “bad” is not a date: " + HOW,
        "Row 12, column “value”: the value is missing",
    ]
    assert result.bad_rows == 10
    assert not result.ok


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (b"date,value\n", "The file has headings but no rows of data"),
        (
            b"when,how many\n2025-01-06,3\n",
            "Row 1: the first row must name the columns: date, value and, if you like, note "
            "(for example: date,value,note)",
        ),
        (
            b"2025-01-06,3\n",
            "Row 1: the first row must name the columns: date, value and, if you like, note "
            "(for example: date,value,note)",
        ),
    ],
)
def test_problems_with_the_whole_file(data, problem):
    assert messages(parse_points(data)) == [problem]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    data = b"date,value\n" + b"2025-01-06,1\n" * (MAX_BYTES // 13 + 1)
    assert messages(parse_points(data)) == ["The file is larger than 5 MB"]


def test_what_spreadsheets_save_is_read():
    # Excel's "CSV UTF-8" starts with a byte-order mark; its plain "CSV" is Windows-1252.
    # Headings can be in any order and case, with extra columns; blank rows are skipped.
    utf8 = "\ufeffValue,Ignored,Date,Notes\r\n12,x,06/01/2025,café\r\n,,,\r\n".encode()
    result = parse_points(utf8)
    assert result.ok and [(r.observed_on, r.value, r.note) for r in result.rows] == [
        (date(2025, 1, 6), 12.0, "café")
    ]
    windows = "date,value,note\r\n2025-01-06,3,£5 spent\r\n".encode("cp1252")
    assert parse_points(windows).rows[0].note == "£5 spent"
    quoted = b'date,value,note\n2025-01-06,"1,234","a note, with a comma\nand a new line"\n'
    row = parse_points(quoted).rows[0]
    assert (row.value, row.note) == (1234.0, "a note, with a comma\nand a new line")


def test_rows_are_numbered_as_a_spreadsheet_numbers_them():
    data = b"\ndate,value\n2025-01-06,1\n\n2025-01-13,x\n"
    assert messages(parse_points(data)) == ["Row 5, column “value”: “x” is not a number"]


def test_notes_that_a_spreadsheet_would_run_as_formulas_are_escaped_and_restored():
    points = [(date(2025, 1, 6), 1.0, "=HYPERLINK(1)"), (date(2025, 1, 13), 2.0, "'=kept")]
    text = write_points(points)
    assert "'=HYPERLINK(1)" in text and "''=kept" in text
    assert [(r.observed_on, r.value, r.note) for r in parse_points(text.encode()).rows] == points


# ------------------------------------------------------------------ properties

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
note_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=MAX_NOTE,
).map(str.strip)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.dates(date(1900, 1, 1), date(2100, 1, 1)), finite, note_text),
        unique_by=lambda point: point[0],
        max_size=40,
    )
)
def test_any_good_data_round_trips_through_a_file(points):
    points = sorted(points)
    result = parse_points(write_points(points).encode(), today=date(2100, 1, 1))
    if not points:
        assert not result.ok
        return
    assert result.ok, messages(result)
    assert [(r.observed_on, r.value, r.note) for r in result.rows] == points


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_the_importer_never_raises_on_any_bytes(data):
    result = parse_points(data)
    assert result.ok or result.problems
    for row in result.rows:
        assert math.isfinite(row.value)


cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2025-01-06", "31/12/2024", "29/02/2023", "12", "-1.5", "1,000", "", "x"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cell, max_size=5), max_size=20))
def test_every_problem_names_a_row_in_the_file(rows):
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([["date", "value", "note"], *rows])
    result = parse_points(out.getvalue().encode())
    assert all(0 <= p.row <= len(rows) + 1 for p in result.problems)
    assert len({r.observed_on for r in result.rows}) == len(result.rows)


# ------------------------------------------------------------------ saving


def test_a_file_with_one_bad_row_saves_nothing(member, make_project, make_measure, db):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2, 3])
    version = measure.data_version
    data = b"date,value\n2025-02-03,4\n2025-02-10,5\n2025-02-17,five\n"
    result = measure_imports.import_points(member, project, measure, data)
    assert messages(result) == ["Row 4, column “value”: “five” is not a number"]
    assert db.session.scalar(sa.select(sa.func.count(DataPoint.id))) == 3
    stored = db.session.get(Measure, measure.id)
    assert (stored.point_count, stored.data_version) == (3, version)


def test_ten_thousand_rows_import_in_seconds(member, make_project, make_measure, db):
    project = make_project(member)
    measure = make_measure(project, member)
    start = date(1990, 1, 1)
    points = [(start + timedelta(days=i), float(i % 97), "") for i in range(10_000)]
    data = write_points(points).encode()
    began = time.perf_counter()
    result = measure_imports.import_points(member, project, measure, data)
    took = time.perf_counter() - began
    assert result.ok and len(result.rows) == 10_000
    assert took < 10, f"importing 10,000 rows took {took:.1f}s"
    assert db.session.get(Measure, measure.id).point_count == 10_000
    assert measure_services.export_csv(measure).encode() == data


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600))
def test_uploading_any_file_never_causes_a_server_error(
    auth, member, make_project, make_measure, data
):
    # The database is not emptied between examples: each gets its own project.
    project = make_project(member)
    measure = make_measure(project, member)
    response = auth.as_user(member).post(
        f"/projects/{project.id}-{project.slug}/measures/{measure.id}/import",
        data={"file": (io.BytesIO(data), "any.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
