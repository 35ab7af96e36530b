"""Correcting a project's data, and nothing destroyed by one stray click.

A data point can be changed and says who entered and changed it; a CSV file
over dates already on a measure is previewed and saved only on confirm;
removing or deleting anything asks first on a page of its own, and every change
is in the audit log with what it was before.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import sqlalchemy as sa
from factories import client_as, import_file, signed_rows
from helpers import page_text

from community.audit.models import AuditEvent
from community.core.timefmt import uk_today
from community.projects import cycles, services
from community.projects.measures import services as measure_services
from community.projects.measures.models import DataPoint, Measure
from community.projects.models import PDSACycle, Project, ProjectUpdate, TeamMember
from community.visibility import can_see_project, users_who_can_see_project, visible_projects_clause


def _url(project, tail: str = "") -> str:
    return f"/projects/{project.id}-{project.slug}{tail}"


def _m(project, measure, tail: str = "") -> str:
    return _url(project, f"/measures/{measure.id}{tail}")


def _points(measure) -> list[tuple[date, float, str]]:
    return [
        tuple(row)
        for row in measure_services.db.session.execute(
            sa.select(DataPoint.observed_on, DataPoint.value, DataPoint.note)
            .where(DataPoint.measure_id == measure.id)
            .order_by(DataPoint.observed_on)
        )
    ]


def _audit(db, action: str) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.summary).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _upload(client, project, measure, data: bytes):
    return client.post(
        _m(project, measure, "/import"),
        data={"file": (io.BytesIO(data), "data.csv")},
        content_type="multipart/form-data",
    )


# A measure with 1, 2 and 3 on 6, 13 and 20 January 2025; the file keeps the first,
# changes the second and adds 27 January.
OVER_EXISTING = b"date,value,note\n2025-01-06,1,\n2025-01-13,20,Recounted\n2025-01-27,4,\n"
BEFORE = [
    (date(2025, 1, 6), 1.0, ""),
    (date(2025, 1, 13), 2.0, ""),
    (date(2025, 1, 20), 3.0, ""),
]


# ------------------------------------------------------------------ CSV over existing dates


def test_a_file_over_existing_dates_is_previewed_and_saves_nothing_until_confirmed(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2, 3])
    client = client_as(member)

    preview = _upload(client, project, measure, OVER_EXISTING)

    text = page_text(preview)
    assert preview.status_code == 200
    assert "Check the import" in text
    assert "Added 1 new date" in text
    assert "Changed 1 date already on the measure" in text
    assert "Unchanged 1 date already on the measure" in text
    # The changed row shows its old and new value.
    assert "13 January 2025 2 20 (none) → Recounted" in text
    assert _points(measure) == BEFORE  # nothing saved by the preview

    confirmed = client.post(
        _m(project, measure, "/import/confirm"),
        data={"rows": signed_rows(preview), "replace": "yes"},
    )

    assert confirmed.status_code == 302
    assert _points(measure) == [
        (date(2025, 1, 6), 1.0, ""),
        (date(2025, 1, 13), 20.0, "Recounted"),
        (date(2025, 1, 20), 3.0, ""),
        (date(2025, 1, 27), 4.0, ""),
    ]
    assert db.session.get(Measure, measure.id).point_count == 4
    assert _audit(db, "measure.point_changed") == [
        f"{measure.name}: 2025-01-13 2 -> 2025-01-13 20 (Recounted) (CSV import)"
    ]
    assert _audit(db, "measure.data_imported")[-1].endswith(
        "1 added, 1 replaced, 1 left as they were"
    )
    flashed = page_text(client.get(confirmed.location))
    assert "Imported: 1 added, 1 changed, 1 left as they were." in flashed
    assert f"Entered by {member.name}" in flashed and f"changed by {member.name}" in flashed


def test_a_member_may_keep_the_values_already_on_the_measure(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2, 3])
    response = import_file(client_as(member), _m(project, measure), OVER_EXISTING, replace="no")
    assert response.status_code == 302
    assert _points(measure) == [*BEFORE, (date(2025, 1, 27), 4.0, "")]
    assert _audit(db, "measure.point_changed") == []


def test_rows_altered_or_taken_by_someone_else_are_refused(
    auth, member, make_user, make_project, make_measure, db
):
    project = make_project(member)
    colleague = make_user("cal-colleague")
    db.session.add(TeamMember(project_id=project.id, user_id=colleague.id))
    db.session.commit()
    measure = make_measure(project, member, [1, 2, 3])
    client = client_as(member)
    rows = signed_rows(_upload(client, project, measure, OVER_EXISTING))

    altered = client.post(
        _m(project, measure, "/import/confirm"), data={"rows": rows[:-2] + "xx", "replace": "yes"}
    )
    assert altered.status_code == 302 and altered.location.endswith("/import")
    assert "That preview has expired" in page_text(client.get(altered.location))
    someone_else = client_as(colleague)
    other = someone_else.post(
        _m(project, measure, "/import/confirm"), data={"rows": rows, "replace": "yes"}
    )
    assert other.status_code == 302
    assert "That preview has expired" in page_text(someone_else.get(other.location))
    assert _points(measure) == BEFORE


def test_data_changed_between_preview_and_confirm_shows_the_new_preview(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2, 3])
    client = client_as(member)
    rows = signed_rows(_upload(client, project, measure, OVER_EXISTING))
    measure_services.add_point(member, measure, date(2025, 1, 27), 9.0, "")  # meanwhile

    again = client.post(
        _m(project, measure, "/import/confirm"), data={"rows": rows, "replace": "yes"}
    )

    text = page_text(again)
    assert again.status_code == 200
    assert "The data changed while you were checking" in text
    assert "Added 0 new dates" in text and "Changed 2 dates" in text
    assert _points(measure) == [*BEFORE, (date(2025, 1, 27), 9.0, "")]


def test_a_future_date_in_a_file_is_refused_by_row(auth, member, make_project, make_measure, db):
    project = make_project(member)
    measure = make_measure(project, member)
    tomorrow = uk_today() + timedelta(days=1)
    data = f"date,value\n2025-01-06,1\n{tomorrow.isoformat()},2\n".encode()
    response = _upload(client_as(member), project, measure, data)
    assert "Row 3, column “date”: " in page_text(response)
    assert "is in the future: a value can only be dated today or earlier" in page_text(response)
    assert _points(measure) == []


# ------------------------------------------------------------------ points by form


def test_a_point_can_be_corrected_and_the_table_says_who_changed_it(
    auth, member, make_user, make_project, make_measure, db
):
    project = make_project(member)
    colleague = make_user("cal-colleague", name="Cal Colleague")
    db.session.add(TeamMember(project_id=project.id, user_id=colleague.id))
    db.session.commit()
    measure = make_measure(project, member)
    point = measure_services.add_point(member, measure, date(2025, 2, 3), 41.0, "")
    client = client_as(colleague)
    url = _m(project, measure, f"/data/{point.id}/edit")

    form = client.get(url)
    assert 'value="2025-02-03"' in form.get_data(as_text=True)
    saved = client.post(url, data={"observed_on": "2025-02-04", "value": "14", "note": "Typo"})

    assert saved.status_code == 302
    assert _points(measure) == [(date(2025, 2, 4), 14.0, "Typo")]
    assert _audit(db, "measure.point_changed") == [
        f"{measure.name}: 2025-02-03 41 -> 2025-02-04 14 (Typo)"
    ]
    table = page_text(client.get(_m(project, measure)))
    today = uk_today()
    stamp = f"{today.day} {today:%B %Y}"
    assert f"Entered by Sam Patel on {stamp}; changed by Cal Colleague on {stamp}" in table


def test_a_point_cannot_move_onto_another_points_date_or_into_the_future(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2])
    first = db.session.scalar(sa.select(DataPoint).order_by(DataPoint.observed_on))
    client = client_as(member)
    url = _m(project, measure, f"/data/{first.id}/edit")
    clash = client.post(url, data={"observed_on": "2025-01-13", "value": "5"})
    assert "There is already a value for 13 January 2025" in page_text(clash)
    future = (uk_today() + timedelta(days=1)).isoformat()
    later = client.post(url, data={"observed_on": future, "value": "5"})
    assert "is in the future: enter today's date or an earlier one" in page_text(later)
    added = client.post(_m(project, measure, "/data"), data={"observed_on": future, "value": "5"})
    assert "is in the future" in page_text(added)
    assert _points(measure) == [(date(2025, 1, 6), 1.0, ""), (date(2025, 1, 13), 2.0, "")]


def test_removing_a_point_asks_first_and_is_audited(auth, member, make_project, make_measure, db):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2, 3])
    point = db.session.scalar(sa.select(DataPoint).order_by(DataPoint.observed_on.desc()))
    client = client_as(member)
    url = _m(project, measure, f"/data/{point.id}/remove")

    asked = client.get(url)
    assert "Remove the point for 20 January 2025?" in page_text(asked)
    assert "The value 3% for 20 January 2025 will be removed" in page_text(asked)
    assert len(_points(measure)) == 3  # asking changes nothing

    removed = client.post(url)
    assert removed.status_code == 302
    assert _points(measure) == BEFORE[:2]
    assert _audit(db, "measure.point_removed") == [f"{measure.name}: 2025-01-20 3"]


# ------------------------------------------------------------------ deleting


def test_deleting_a_measure_says_what_goes_and_keeps_its_cycles(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2, 3], name="Discharges before noon")
    cycle = cycles.record_cycle(member, project, cycles.CycleDetails(
        title="Pharmacist on the round", change="c", prediction="p",
        started_on=date(2025, 1, 13), measure_ids=[measure.id],
    ))  # fmt: skip
    client = client_as(member)
    url = _m(project, measure, "/delete")

    asked = page_text(client.get(url))
    assert "Delete the measure “Discharges before noon”?" in asked
    assert "its 3 data points will be deleted for everyone" in asked
    assert "This cannot be undone" in asked
    assert db.session.get(Measure, measure.id) is not None

    deleted = client.post(url)

    assert deleted.location == _url(project)
    assert db.session.get(Measure, measure.id) is None
    assert db.session.scalar(sa.select(sa.func.count(DataPoint.id))) == 0
    assert db.session.get(PDSACycle, cycle.id) is not None
    assert _audit(db, "measure.deleted") == [f"{project.title}: Discharges before noon (3 points)"]
    assert client.get(_m(project, measure)).status_code == 404


def test_deleting_a_cycle_takes_it_off_its_charts(auth, member, make_project, make_measure, db):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2, 3])
    cycle = cycles.record_cycle(member, project, cycles.CycleDetails(
        title="Pharmacist on the round", change="c", prediction="p",
        started_on=date(2025, 1, 13), measure_ids=[measure.id],
    ))  # fmt: skip
    client = client_as(member)
    assert "PDSA 1: Pharmacist on the round" in page_text(client.get(_m(project, measure)))
    url = _url(project, f"/cycles/{cycle.id}/delete")
    assert "Delete PDSA 1: Pharmacist on the round?" in page_text(client.get(url))

    client.post(url)

    assert db.session.get(PDSACycle, cycle.id) is None
    assert "Pharmacist on the round" not in page_text(client.get(_m(project, measure)))
    assert _audit(db, "project.cycle_deleted") == ["PDSA 1: Pharmacist on the round"]


def test_deleting_an_update_asks_first(auth, member, make_project, db):
    project = make_project(member)
    update = services.post_update(member, project, "Week one: the patient's NHS number was 123")
    client = client_as(member)
    url = _url(project, f"/updates/{update.id}/delete")
    assert "Delete this update?" in page_text(client.get(url))
    assert db.session.get(ProjectUpdate, update.id) is not None
    client.post(url)
    assert db.session.get(ProjectUpdate, update.id) is None
    assert "NHS number" not in page_text(client.get(_url(project, "/updates")))
    assert _audit(db, "project.update_deleted")[0].startswith(f"Update by {member.username} of ")


def test_removing_a_team_member_asks_first(auth, member, make_user, make_project, db):
    project = make_project(member)
    colleague = make_user("cal-colleague", name="Cal Colleague")
    services.add_team_member(member, project, username=colleague.username, role="", is_lead=False)
    client = client_as(member)
    url = _url(project, f"/team/{colleague.username}/remove")
    assert "Remove Cal Colleague from the team?" in page_text(client.get(url))
    assert services.team_member(colleague, project) is not None
    client.post(url)
    assert services.team_member(colleague, project) is None


# ------------------------------------------------------------------ archiving and deleting projects


def test_an_archived_project_leaves_the_lists_stays_readable_and_can_be_restored(
    auth, member, make_user, make_project, organisation, db
):
    project = make_project(member, title="Ward 7 discharge before noon")
    reader = client_as(make_user("rae-reader"))
    dashboard = f"/organisations/{organisation.slug}/dashboard"
    assert "Ward 7 discharge before noon" in page_text(reader.get("/projects"))
    assert "1 project you can see" in page_text(reader.get(dashboard))
    client = client_as(member)

    asked = page_text(client.get(_url(project, "/archive")))
    assert "Archive Ward 7 discharge before noon?" in asked
    assert "It will leave the lists of projects and the results dashboards." in asked
    assert db.session.get(Project, project.id).archived_at is None
    client.post(_url(project, "/archive"))

    reader = client_as(make_user("rae-reader-2"))
    assert "Ward 7 discharge before noon" not in page_text(reader.get("/projects"))
    assert "There are no projects in" in page_text(reader.get(dashboard))  # the archived one left
    assert "Ward 7 discharge before noon" in page_text(reader.get("/projects?archived=1"))
    page = reader.get(_url(project))
    assert page.status_code == 200 and "This project was archived on" in page_text(page)

    client = client_as(member)
    client.post(_url(project, "/restore"))
    assert db.session.get(Project, project.id).archived_at is None
    assert "Ward 7 discharge before noon" in page_text(client.get("/projects"))
    assert _audit(db, "project.archived") == _audit(db, "project.restored") == [project.title]


def test_a_deleted_project_is_gone_for_everyone(
    auth, member, admin, make_project, make_measure, db
):
    project = make_project(member, title="Ward 7 discharge before noon")
    make_measure(project, member, [1, 2, 3])
    client = client_as(member)

    asked = page_text(client.get(_url(project, "/delete")))
    for words in ("measures and their data", "PDSA cycles", "its updates", "its discussion"):
        assert words in asked
    assert "archive it instead" in asked

    deleted = client.post(_url(project, "/delete"))

    assert deleted.location == "/projects"
    for who in (member, admin):
        viewer = client_as(who)
        assert viewer.get(_url(project)).status_code == 404
        assert viewer.get(_url(project, "/discussion")).status_code == 404
        assert "Ward 7 discharge before noon" not in page_text(viewer.get("/projects"))
        assert "Ward 7 discharge" not in page_text(viewer.get("/search?q=ward+discharge"))
    assert _audit(db, "project.deleted") == ["Ward 7 discharge before noon"]


def test_the_one_visibility_rule_hides_a_deleted_project_from_every_path(
    member, admin, make_project, db
):
    project = make_project(member)
    services.delete_project(member, project)

    for who in (member, admin):
        assert not can_see_project(who, project)
        assert (
            db.session.scalar(
                sa.select(Project.id).where(Project.id == project.id, visible_projects_clause(who))
            )
            is None
        )
    assert users_who_can_see_project(project, {member.id, admin.id}) == set()
