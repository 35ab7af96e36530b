"""Factories for projects, measures and their data, built through the services.

`make_project` and `make_measure` are fixtures: the root conftest registers this module
as a plugin, so any test names them as arguments.
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, timedelta

import pytest

from community.projects import services
from community.projects.measures import imports as measure_imports
from community.projects.measures import services as measure_services
from community.projects.measures.csv_files import write_points
from community.projects.models import Project

_sequence = itertools.count(1)
START = date(2025, 1, 6)  # a Monday


def weekly(values, start: date = START) -> list[tuple[date, float, str]]:
    return [(start + timedelta(weeks=i), float(v), "") for i, v in enumerate(values)]


def csv_of(values, start: date = START, chart_type="xmr", denominators=None) -> bytes:
    if denominators is None:
        return write_points(weekly(values, start), chart_type).encode()
    rows = [(*row, d) for row, d in zip(weekly(values, start), denominators, strict=True)]
    return write_points(rows, chart_type).encode()


def import_file(client, measure_url: str, data: bytes, replace: str = "yes"):
    """Upload a CSV file to a measure and confirm its preview, as a member would."""
    preview = client.post(
        f"{measure_url}/import",
        data={"file": (io.BytesIO(data), "data.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.location
    return client.post(
        f"{measure_url}/import/confirm",
        data={"rows": signed_rows(preview), "replace": replace},
    )


def signed_rows(preview) -> str:
    """The signed rows a preview page carries to its confirm button."""
    found = re.search(r'name="rows"[^>]*value="([^"]*)"', preview.get_data(as_text=True))
    assert found, "the page is not a preview"
    return found.group(1)


@pytest.fixture
def make_project(db, organisation):
    def make(lead, *, title: str | None = None, community=None, **fields) -> Project:
        details = services.ProjectDetails(
            title=title or f"Test project {next(_sequence)}",
            aim=fields.pop("aim", "Discharge more patients before midday by March."),
            problem=fields.pop("problem", "Patients wait for medicines to take home."),
            organisation_id=fields.pop("organisation_id", organisation.id),
            community_id=community.id if community is not None else None,
            programme_type=fields.pop("programme_type", "local"),
            national_programme=fields.pop("national_programme", ""),
            status=fields.pop("status", "testing"),
            start_date=fields.pop("start_date", date(2025, 1, 1)),
        )
        return services.start_project(lead, details)

    return make


@pytest.fixture
def make_measure(db):
    def make(
        project, user, values=(), *, direction="up", target=None, name=None, unit=None,
        start: date = START, chart_type="xmr", denominators=None,
    ):  # fmt: skip
        if unit is None:  # a proportion is a fraction, never a percentage
            unit = "" if chart_type in ("p", "p_prime") else "%"
        measure = measure_services.create_measure(
            user,
            project,
            measure_services.MeasureDetails(
                name=name or f"Measure {next(_sequence)}",
                definition="Patients discharged before 12:00 as a share of all discharges.",
                unit=unit,
                direction=direction,
                target=target,
                chart_type=chart_type,
            ),
        )
        if values:
            data = csv_of(values, start, chart_type, denominators)
            result = measure_imports.import_points(user, project, measure, data)
            assert result.ok, [str(p) for p in result.problems]
        return measure

    return make
