"""The board summary of measures and the Making Data Count icons: one row per measure
the reader may see, concern first, filtered and sorted, with a CSV download, and the
icons with their text alternatives beside every measure."""

# Fixtures come from project_factories and are named again as test arguments.
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
import re

from factories import client_as, make_community
from sqlalchemy import event

from community.communities.models import Visibility
from community.projects.measures import icons
from community.projects.measures.spc import HIGH, LOW

STEADY = [10, 11] * 6
LOW_SHIFT = [10, 11] * 6 + [5] * 7  # seven low points: a shift below the mean


def _titles(page: str) -> list[str]:
    """The text alternatives of the icons on a page, in order."""
    return re.findall(r'<svg class="ic-mdc-icon"[^>]*><title>([^<]*)</title>', page)


def _board_names(page: str) -> list[str]:
    table = page.split('id="board"', 1)[1].split("</table>", 1)[0]
    return [
        " ".join(name.split())
        for name in re.findall(r'<a href="[^"]*/measures/\d+">([^<]*)<span', table)
    ]


def test_the_icons_say_what_they_show():
    concern_high = icons.variation_icon("concern", HIGH)
    assert "<title>Special cause variation: concern (high values)</title>" in concern_high
    assert icons.CONCERN in concern_high and ">H</text>" in concern_high
    improvement_low = icons.variation_icon("improvement", LOW)
    assert "improvement (low values)" in improvement_low and ">L</text>" in improvement_low
    assert icons.IMPROVEMENT in improvement_low
    assert "Common cause variation" in icons.variation_icon("common_cause", 0)
    assert icons.NEITHER in icons.variation_icon("neither", HIGH)
    assert icons.variation_icon("too_few", 0) == "" and icons.variation_icon("", 0) == ""
    assert "consistently fail the target" in icons.assurance_icon("miss")
    assert ">P</text>" in icons.assurance_icon("meet")
    assert "hit and miss" in icons.assurance_icon("hit_and_miss")
    assert 'role="img"' in icons.assurance_icon("meet")


def test_every_measure_has_its_icons_on_the_project_and_measure_pages(
    member, make_project, make_measure
):
    project = make_project(member)
    measure = make_measure(project, member, LOW_SHIFT, direction="up", target=20)
    client = client_as(member)
    project_page = client.get(f"/projects/{project.id}-{project.slug}").get_data(as_text=True)
    assert _titles(project_page) == [
        "Special cause variation: concern (low values)",
        "Assurance: will consistently fail the target",
    ]
    measure_page = client.get(f"/projects/{project.id}-{project.slug}/measures/{measure.id}")
    assert "Special cause variation: concern (low values)" in measure_page.get_data(as_text=True)


def test_the_board_lists_concern_first_and_filters_and_sorts(
    member, make_project, make_measure, organisation
):
    project = make_project(member, title="Sepsis screening")
    make_measure(project, member, STEADY, name="Alpha steady")
    make_measure(project, member, LOW_SHIFT, direction="up", name="Beta falling")
    make_measure(project, member, LOW_SHIFT, direction="down", name="Gamma improving")
    make_measure(project, member, name="Delta empty")
    client = client_as(member)
    url = f"/organisations/{organisation.slug}/summary"
    page = client.get(url).get_data(as_text=True)
    assert _board_names(page) == ["Beta falling", "Gamma improving", "Alpha steady", "Delta empty"]
    assert re.search(r"<title ?>The latest 12 points of Alpha steady</title>", page)
    assert "4 measures" in page

    concern = client.get(f"{url}?variation=concern").get_data(as_text=True)
    assert _board_names(concern) == ["Beta falling"]
    by_name = client.get(f"{url}?sort=name").get_data(as_text=True)
    assert _board_names(by_name) == [
        "Alpha steady", "Beta falling", "Delta empty", "Gamma improving"
    ]  # fmt: skip
    # The CSV has the same rows in the same order, with the filters shown.
    assert f'href="/organisations/{organisation.slug}/summary.csv?variation=concern"' in concern
    response = client.get(f"{url}.csv")
    assert response.mimetype == "text/csv"
    assert "attachment;" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["measure"] for r in rows] == [
        "Beta falling", "Gamma improving", "Alpha steady", "Delta empty"
    ]  # fmt: skip
    assert rows[0]["variation"] == "Special cause variation: concern (low values)"
    assert rows[0]["latest_value"] == "5" and rows[0]["project"] == "Sepsis screening"
    filtered = client.get(f"{url}.csv?variation=improvement").get_data(as_text=True)
    assert [r["measure"] for r in csv.DictReader(io.StringIO(filtered))] == ["Gamma improving"]


def test_the_board_shows_only_measures_of_projects_the_reader_may_see(
    member, make_user, make_project, make_measure, organisation
):
    insider = make_user()
    private = make_community(insider, "Private group", visibility=Visibility.PRIVATE)
    hidden = make_project(insider, title="Hidden work", community=private)
    make_measure(hidden, insider, LOW_SHIFT, name="Secret measure")
    open_project = make_project(member, title="Open work")
    make_measure(open_project, member, STEADY, name="Open measure")
    for url in (f"/organisations/{organisation.slug}/summary",
                f"/systems/{organisation.system.slug}/summary"):  # fmt: skip
        outsider = client_as(member).get(url).get_data(as_text=True)
        assert _board_names(outsider) == ["Open measure"]
        assert "Secret measure" not in client_as(member).get(f"{url}.csv").get_data(as_text=True)
        assert _board_names(client_as(insider).get(url).get_data(as_text=True)) == [
            "Secret measure", "Open measure"
        ]  # fmt: skip
    assert client_as(member).get(f"/communities/{private.slug}/summary").status_code == 404
    community_board = client_as(insider).get(f"/communities/{private.slug}/summary")
    assert _board_names(community_board.get_data(as_text=True)) == ["Secret measure"]


def test_the_project_board_and_its_links(member, make_project, make_measure, organisation):
    project = make_project(member)
    make_measure(project, member, STEADY, name="Only measure")
    client = client_as(member)
    base = f"/projects/{project.id}-{project.slug}"
    assert f'href="{base}/summary"' in client.get(base).get_data(as_text=True)
    assert _board_names(client.get(f"{base}/summary").get_data(as_text=True)) == ["Only measure"]
    dashboard = client.get(f"/organisations/{organisation.slug}/dashboard").get_data(as_text=True)
    assert f'href="/organisations/{organisation.slug}/summary"' in dashboard


def test_the_board_reads_the_same_number_of_statements_however_many_measures(
    member, make_project, make_measure, organisation, db
):
    project = make_project(member)
    for n in range(3):
        make_measure(project, member, STEADY, name=f"Measure {n}")
    client = client_as(member)
    url = f"/organisations/{organisation.slug}/summary"
    _statements(client, url, db)  # what is kept after a first visit is kept for both
    few = _statements(client, url, db)
    for n in range(3, 9):
        make_measure(project, member, STEADY, name=f"Measure {n}")
    _statements(client, url, db)
    assert _statements(client, url, db) == few


def _statements(client, url, db) -> int:
    count = 0

    def counted(*_):
        nonlocal count
        count += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count
