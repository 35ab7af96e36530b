"""Dates and times as NHS staff read them: UK time, "26 November 2026, 2:30pm"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import render_template_string
from markupsafe import Markup

from community.core.timefmt import nhs_date, nhs_datetime, relative, time_element


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        # Winter: UK time is GMT, the same as UTC.
        (utc(2026, 11, 26, 14, 30), "26 November 2026, 2:30pm"),
        (utc(2026, 1, 5, 9, 0), "5 January 2026, 9am"),
        (utc(2026, 11, 26, 12, 0), "26 November 2026, midday"),
        (utc(2026, 11, 26, 0, 0), "26 November 2026, midnight"),
        (utc(2026, 11, 26, 0, 1), "26 November 2026, 12:01am"),
        (utc(2026, 11, 26, 12, 30), "26 November 2026, 12:30pm"),
        (utc(2026, 11, 26, 23, 59), "26 November 2026, 11:59pm"),
        # Summer: UK time is BST, an hour ahead of UTC.
        (utc(2026, 7, 1, 13, 30), "1 July 2026, 2:30pm"),
        (utc(2026, 7, 1, 11, 0), "1 July 2026, midday"),
        (utc(2026, 7, 1, 23, 0), "2 July 2026, midnight"),  # the UK date is already tomorrow
        (utc(2026, 7, 1, 23, 30), "2 July 2026, 12:30am"),
        # The clocks change at 1am UTC on the last Sunday of March and October.
        (utc(2026, 3, 29, 0, 59), "29 March 2026, 12:59am"),
        (utc(2026, 3, 29, 1, 0), "29 March 2026, 2am"),
        (utc(2026, 10, 25, 0, 30), "25 October 2026, 1:30am"),
        (utc(2026, 10, 25, 1, 30), "25 October 2026, 1:30am"),
    ],
)
def test_times_are_shown_in_uk_time_the_nhs_way(moment, shown):
    assert nhs_datetime(moment) == shown


def test_naive_times_from_sqlite_are_read_as_utc():
    assert nhs_datetime(datetime(2026, 7, 1, 13, 30)) == "1 July 2026, 2:30pm"


def test_dates_have_no_leading_zero():
    assert nhs_date(utc(2026, 2, 3, 10)) == "3 February 2026"
    assert nhs_date(date(2026, 2, 3)) == "3 February 2026"


def test_nothing_shows_as_nothing():
    assert nhs_date(None) == ""
    assert nhs_datetime(None) == ""
    assert time_element(None) == ""


NOW = utc(2026, 11, 26, 14, 30)


@pytest.mark.parametrize(
    ("ago", "shown"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=-30), "just now"),  # a clock slightly ahead is not "in the future"
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=59, seconds=59), "59 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=23, minutes=59), "23 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=6, hours=23), "6 days ago"),
        (timedelta(days=7), "19 November 2026"),
        (timedelta(days=400), "22 October 2025"),
    ],
)
def test_relative_times(ago, shown):
    assert relative(NOW - ago, now=NOW) == shown


def test_relative_time_of_a_naive_moment():
    assert relative(datetime(2026, 11, 26, 11, 30), now=NOW) == "3 hours ago"


def test_time_element_carries_the_exact_time_for_everyone():
    element = time_element(utc(2026, 11, 26, 11, 30), now=NOW)
    assert isinstance(element, Markup)
    assert element == (
        '<time datetime="2026-11-26T11:30:00+00:00" title="26 November 2026, 11:30am">'
        "3 hours ago</time>"
    )


def test_time_element_in_summer_shows_uk_time_in_the_title():
    element = time_element(utc(2026, 7, 1, 13, 30), now=utc(2026, 7, 20))
    assert 'datetime="2026-07-01T13:30:00+00:00"' in element
    assert 'title="1 July 2026, 2:30pm"' in element
    assert ">1 July 2026</time>" in element


def test_templates_have_the_filters(app):
    moment = utc(2026, 11, 26, 14, 30)
    with app.test_request_context():
        rendered = render_template_string(
            "{{ m | nhs_date }} / {{ m | nhs_datetime }} / {{ m | ago }}", m=moment
        )
    assert rendered.startswith("26 November 2026 / 26 November 2026, 2:30pm / <time datetime=")
