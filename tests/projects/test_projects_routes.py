"""Project and measure pages through the test client: what a member sees and does."""

from __future__ import annotations

import io

import sqlalchemy as sa
from factories import client_as, import_file, make_community

from community.audit.models import AuditEvent
from community.notifications.models import Notification
from community.projects.measures.models import DataPoint, Measure
from community.projects.models import PDSACycle, Project, ProjectUpdate, TeamMember

SHIFT = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13, 15, 16, 15, 16, 15, 16, 15, 16]


def _url(project, tail: str = "") -> str:
    return f"/projects/{project.id}-{project.slug}{tail}"


def test_a_member_starts_a_project_and_becomes_its_lead(auth, member, organisation, db):
    client = auth.as_user(member)
    response = client.post(
        "/projects/new",
        data={
            "title": "Discharge before midday on Ward 7",
            "aim": "Increase discharges before midday from 15% to 40% by March.",
            "problem": "Patients **wait** for medicines.",
            "organisation_id": organisation.id,
            "community_id": 0,
            "programme_type": "national",
            "national_programme": "Urgent and emergency care recovery",
            "status": "planning",
            "start_date": "2025-01-06",
        },
    )
    project = db.session.scalar(sa.select(Project))
    assert response.status_code == 302
    assert response.location == f"/projects/{project.id}-discharge-before-midday-on-ward-7"
    assert project.system_id == organisation.system_id
    assert project.problem_html == "<p>Patients <strong>wait</strong> for medicines.</p>"
    lead = db.session.scalar(sa.select(TeamMember))
    assert (lead.user_id, lead.is_lead) == (member.id, True)
    page = client.get(response.location).get_data(as_text=True)
    assert "Discharge before midday on Ward 7" in page
    assert "National programme: Urgent and emergency care recovery" in page
    assert "Add a measure" in page


def test_a_national_programme_needs_its_name(auth, member, organisation, db):
    response = auth.as_user(member).post(
        "/projects/new",
        data={
            "title": "A project", "aim": "An aim.", "organisation_id": organisation.id,
            "community_id": 0, "programme_type": "national", "national_programme": "",
            "status": "planning", "start_date": "2025-01-06",
        },
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the name of the national programme" in page
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_a_bad_start_date_is_reported_by_the_field(auth, member, organisation, db):
    response = auth.as_user(member).post(
        "/projects/new",
        data={
            "title": "A project", "aim": "An aim.", "organisation_id": organisation.id,
            "community_id": 0, "programme_type": "local", "status": "planning",
            "start_date": "31/02/2025",
        },
    )  # fmt: skip
    assert "Enter the start date as a real date" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_an_old_slug_redirects_permanently_to_the_canonical_address(auth, member, make_project):
    project = make_project(member, title="Fewer falls")
    client = auth.as_user(member)
    response = client.get(f"/projects/{project.id}-an-old-title?page=2")
    assert response.status_code == 301
    assert response.location == f"/projects/{project.id}-fewer-falls?page=2"
    assert client.get(f"/projects/{project.id}").location == f"/projects/{project.id}-fewer-falls"
    wrong = client.get(f"/projects/{project.id}-old/cycles")
    assert wrong.status_code == 301
    assert wrong.location == f"/projects/{project.id}-fewer-falls/cycles"


def test_the_project_page_leads_with_each_measures_latest_result(
    auth, member, make_project, make_measure
):
    project = make_project(member)
    make_measure(project, member, SHIFT, name="Discharges before midday", target=14)
    make_measure(project, member, [5, 6, 5], name="Readmissions", direction="down")
    page = auth.as_user(member).get(_url(project)).get_data(as_text=True)
    results = page[page.index("<h2>Results</h2>") : page.index("Problem and context")]
    assert "Discharges before midday" in results
    assert "Special cause: improvement" in results
    assert "Will hit and miss the target" in results
    assert "Readmissions" in results and "Run chart: not enough data for limits" in results


def test_the_measure_page_shows_the_chart_words_and_table(auth, member, make_project, make_measure):
    project = make_project(member)
    measure = make_measure(project, member, SHIFT, name="Discharges before midday")
    page = auth.as_user(member).get(_url(project, f"/measures/{measure.id}"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'role="img"' in text and f'aria-labelledby="measure-{measure.id}-chart-title' in text
    assert "<title " in text and "<desc " in text
    assert "A shift of 8 points above the mean, from 31 March 2025 to 19 May 2025" in text
    # The data table says what each point shows: its one label.
    assert "Shift: 7 or more points above the mean (improvement)" in text
    assert "Value (%)" in text and ">Date<" in text  # axis labels


def test_adding_a_point_by_form_and_a_duplicate_date(auth, member, make_project, make_measure, db):
    project = make_project(member)
    measure = make_measure(project, member)
    client = auth.as_user(member)
    url = _url(project, f"/measures/{measure.id}/data")
    ok = client.post(url, data={"observed_on": "2025-02-03", "value": "41.5", "note": "New rota"})
    assert ok.status_code == 302
    again = client.post(url, data={"observed_on": "03/02/2025", "value": "12"})
    assert "There is already a value for 3 February 2025" in again.get_data(as_text=True)
    bad = client.post(url, data={"observed_on": "2025-02-10", "value": "forty"})
    assert "Enter the value as a number" in bad.get_data(as_text=True)
    points = db.session.execute(sa.select(DataPoint.value, DataPoint.note)).all()
    assert points == [(41.5, "New rota")]
    assert db.session.get(Measure, measure.id).point_count == 1


def test_csv_import_saves_a_good_file_and_download_round_trips(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member)
    client = auth.as_user(member)
    data = b"date,value,note\r\n2025-01-06,12,\r\n13/01/2025,13.5,=SUM(A1)\r\n2025-01-20,85%,ok\r\n"
    response = import_file(client, _url(project, f"/measures/{measure.id}"), data)
    assert response.status_code == 302
    download = client.get(_url(project, f"/measures/{measure.id}/export.csv"))
    assert download.mimetype == "text/csv"
    assert download.get_data() == (
        b"date,value,note\r\n2025-01-06,12,\r\n2025-01-13,13.5,'=SUM(A1)\r\n2025-01-20,85,ok\r\n"
    )
    other = make_measure(project, member)
    import_file(client, _url(project, f"/measures/{other.id}"), download.get_data())
    again = client.get(_url(project, f"/measures/{other.id}/export.csv"))
    assert again.get_data() == download.get_data()
    notes = set(
        db.session.scalars(sa.select(DataPoint.note).where(DataPoint.measure_id == other.id))
    )
    assert "=SUM(A1)" in notes


def test_a_bad_csv_file_lists_every_problem_and_saves_nothing(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, [1, 2, 3])  # 6, 13 and 20 January 2025
    data = (
        b"date,value,note\n"
        b"2025-02-03,4,\n"  # good
        b"2025-02-30,5,\n"  # not a real date
        b"next week,5,\n"  # not a date
        b"2025-02-10,lots,\n"  # not a number
        b"2025-02-17,,\n"  # missing value
        b",6,\n"  # missing date
        b"2025-02-03,7,\n"  # duplicate in the file
        b"2099-01-13,8,\n"  # in the future
    )
    response = auth.as_user(member).post(
        _url(project, f"/measures/{measure.id}/import"),
        data={"file": (io.BytesIO(data), "bad.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported: 7 problems in 7 rows" in page
    for expected in (
        "Row 3, column “date”: “2025-02-30” is not a real date",
        "Row 4, column “date”: “next week” is not a date",
        "Row 5, column “value”: “lots” is not a number",
        "Row 6, column “value”: the value is missing",
        "Row 7, column “date”: the date is missing",
        "Row 8, column “date”: 3 February 2025 is also in row 2",
        "Row 9, column “date”: 13 January 2099 is in the future",
    ):
        assert expected in page
    assert db.session.scalar(sa.select(sa.func.count(DataPoint.id))) == 3


def test_rebaselining_recomputes_limits_from_the_chosen_point(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    values = [10, 11] * 6 + [20, 21] * 6
    measure = make_measure(project, member, values)
    client = auth.as_user(member)
    form = client.get(_url(project, f"/measures/{measure.id}/rebaseline?from=2025-03-31"))
    assert 'value="2025-03-31"' in form.get_data(as_text=True)
    response = client.post(
        _url(project, f"/measures/{measure.id}/rebaseline"),
        data={"starts_on": "2025-03-31", "reason": "Discharge lounge opened"},
    )
    assert response.status_code == 302
    page = client.get(_url(project, f"/measures/{measure.id}")).get_data(as_text=True)
    assert "From 31 March 2025: Discharge lounge opened" in page
    assert "20.5 (mean)" in page and "10.5 (mean)" in page
    assert "Re-baselined" in page  # drawn on the chart


def test_a_pdsa_cycle_is_recorded_in_order_and_drawn_on_its_measures(
    auth, member, make_project, make_measure, db
):
    project = make_project(member)
    measure = make_measure(project, member, SHIFT)
    client = auth.as_user(member)
    response = client.post(
        _url(project, "/cycles/new"),
        data={
            "title": "Pharmacist on the board round",
            "change": "A pharmacist joins the 9am board round on Ward 7 for two weeks.",
            "prediction": "Take-home medicines ready by 11am for half of discharges.",
            "started_on": "2025-03-31",
            "measure_ids": [measure.id],
        },
    )
    assert response.status_code == 302 and response.location.endswith("/cycles#cycle-1")
    cycle = db.session.scalar(sa.select(PDSACycle))
    early = client.post(
        _url(project, f"/cycles/{cycle.id}/edit"),
        data={"title": cycle.title, "change": cycle.change, "prediction": cycle.prediction,
              "started_on": "2025-03-31", "decision": "adopt"},
    )  # fmt: skip
    assert "Say what happened against your prediction" in early.get_data(as_text=True)
    client.post(
        _url(project, f"/cycles/{cycle.id}/edit"),
        data={"title": cycle.title, "change": cycle.change, "prediction": cycle.prediction,
              "started_on": "2025-03-31", "do_notes": "Ran for two weeks.",
              "study_notes": "Better than predicted: 60% ready by 11am.", "decision": "adopt",
              "measure_ids": [measure.id]},
    )  # fmt: skip
    cycles_page = client.get(_url(project, "/cycles")).get_data(as_text=True)
    assert "PDSA 1: Pharmacist on the board round" in cycles_page and "Adopted" in cycles_page
    chart = client.get(_url(project, f"/measures/{measure.id}/chart.svg")).get_data(as_text=True)
    assert ">PDSA 1<" in chart and "PDSA cycle started" in chart


def test_updates_make_a_dated_timeline(auth, member, make_project, db):
    project = make_project(member)
    client = auth.as_user(member)
    client.post(_url(project, "/updates"), data={"body": "First test *done*."})
    page = client.get(_url(project, "/updates")).get_data(as_text=True)
    assert "<em>done</em>" in page
    assert db.session.scalar(sa.select(sa.func.count(ProjectUpdate.id))) == 1


def test_the_progress_score_keeps_its_history(auth, member, make_project, db):
    project = make_project(member)
    client = auth.as_user(member)
    client.post(_url(project, "/progress"), data={"score": "1.5", "note": "Charter agreed"})
    client.post(_url(project, "/progress"), data={"score": "2.5"})
    page = client.get(_url(project, "/progress")).get_data(as_text=True)
    assert "2.5: Changes tested, but no improvement" in page
    assert "1.5: Planning for the project has begun" in page and "Charter agreed" in page
    refused = client.post(_url(project, "/progress"), data={"score": "7"})
    assert "Not a valid choice" in refused.get_data(as_text=True) or refused.status_code == 200


def test_adding_a_team_member_notifies_them_and_is_audited(member, make_user, make_project, db):
    project = make_project(member)
    colleague = make_user("kemi-adeyemi", name="Kemi Adeyemi")
    client = client_as(member)
    client.post(_url(project, "/team"), data={"username": "kemi-adeyemi", "role": "Data analyst"})
    notice = db.session.scalar(sa.select(Notification))
    assert notice.recipient_id == colleague.id and notice.project_id == project.id
    assert "added you to the team" in notice.text
    assert db.session.scalar(
        sa.select(AuditEvent.id).where(AuditEvent.action == "project.team_added")
    )
    unknown = client.post(_url(project, "/team"), data={"username": "nobody-here"})
    assert "No one matches “nobody-here”" in unknown.get_data(as_text=True)
    client = client_as(colleague)
    assert "added you to the team" in client.get("/notifications").get_data(as_text=True)
    opened = client.post(f"/notifications/{notice.id}/open")
    assert opened.location == f"/projects/{project.id}"
    assert client.get(opened.location).location == _url(project)


def test_a_status_change_notifies_the_team(auth, member, make_user, make_project, db):
    from community.projects import services

    project = make_project(member, status="testing")
    colleague = make_user()
    services.add_team_member(member, project, username=colleague.username, role="", is_lead=False)
    db.session.execute(sa.delete(Notification))
    db.session.commit()
    page = auth.as_user(member).get(_url(project, "/edit"))
    assert page.status_code == 200
    response = auth.as_user(member).post(
        _url(project, "/edit"),
        data={"title": project.title, "aim": project.aim, "community_id": 0,
              "organisation_id": project.organisation_id, "programme_type": "local",
              "status": "implementing", "start_date": "2025-01-01"},
    )  # fmt: skip
    assert response.status_code == 302
    texts = list(db.session.scalars(sa.select(Notification.text)))
    assert texts == [f"Sam Patel changed the status of “{project.title}” to implementing"]
    assert (
        db.session.scalar(
            sa.select(AuditEvent.summary).where(AuditEvent.action == "project.status_changed")
        )
        == "Testing to Implementing"
    )


def test_the_list_filters_by_status_system_and_programme(
    auth, member, make_project, make_organisation, db
):
    elsewhere = make_organisation("Elsewhere Community Health Services")
    make_project(member, title="Local falls project", status="testing")
    make_project(member, title="National sepsis project", status="sustaining",
                 programme_type="national", national_programme="Core20PLUS5",
                 organisation_id=elsewhere.id)  # fmt: skip
    client = auth.as_user(member)
    every = client.get("/projects").get_data(as_text=True)
    assert "Local falls project" in every and "National sepsis project" in every
    testing = client.get("/projects?status=testing").get_data(as_text=True)
    assert "Local falls project" in testing and "National sepsis project" not in testing
    national = client.get("/projects?type=national").get_data(as_text=True)
    assert "National sepsis project" in national and "Local falls project" not in national
    there = client.get(f"/projects?system={elsewhere.system_id}").get_data(as_text=True)
    assert "National sepsis project" in there and "Local falls project" not in there
    org = client.get(f"/projects?organisation={elsewhere.id}").get_data(as_text=True)
    assert "National sepsis project" in org and "Local falls project" not in org


def test_the_system_dashboard_counts_only_what_the_viewer_may_see(
    member, make_user, make_project, make_measure, organisation, db
):
    outsider = make_user()
    private = make_community(member, visibility="private")
    open_project = make_project(member, title="Open project", status="testing")
    make_measure(open_project, member, SHIFT, name="Discharges before midday")
    make_project(member, title="Private project", status="complete", community=private)
    slug = organisation.system.slug
    mine = client_as(member).get(f"/systems/{slug}/dashboard").get_data(as_text=True)
    assert "2 projects you can see" in mine
    theirs = client_as(outsider).get(f"/systems/{slug}/dashboard").get_data(as_text=True)
    assert "1 project you can see" in theirs
    assert "Complete: 0 projects" in theirs
    assert "Discharges before midday" in theirs  # measures showing improvement
    assert "Special cause: improvement: 1 measure" in theirs


def test_a_dashboard_lists_measures_showing_concern_as_well_as_improvement(
    member, make_project, make_measure, organisation
):
    project = make_project(member, title="Falls on Ward 9", status="testing")
    # The same shift upwards: good news where higher is better, a worry where lower is.
    make_measure(project, member, SHIFT, name="Discharges before midday", direction="up")
    make_measure(project, member, SHIFT, name="Falls per 1,000 bed days", direction="down")
    page = client_as(member).get(f"/systems/{organisation.system.slug}/dashboard")
    text = page.get_data(as_text=True)
    concern = text.split("<h2>Measures showing concern</h2>")[1].split("<h2>")[0]
    improvement = text.split("<h2>Measures showing improvement</h2>")[1]
    assert "Falls per 1,000 bed days" in concern and "Discharges before midday" not in concern
    assert "Discharges before midday" in improvement and "Falls per" not in improvement
    assert "1 measure shows special cause concern and 1 special cause improvement" in text


def test_an_empty_dashboard_says_so_instead_of_drawing_zeros(
    member, make_project, make_measure, organisation
):
    slug = organisation.system.slug
    empty = client_as(member).get(f"/systems/{slug}/dashboard").get_data(as_text=True)
    assert "There are no projects in" in empty and "that you can see yet" in empty
    assert "ic-chart-figure" not in empty and "Projects by status" not in empty

    project = make_project(member, title="Just started")
    make_measure(project, member, name="Discharges before midday")  # no data yet
    unmeasured = client_as(member).get(f"/systems/{slug}/dashboard").get_data(as_text=True)
    assert "1 project you can see" in unmeasured
    assert "None of these projects’ measures has data yet" in unmeasured
    assert "measures-by-variation" not in unmeasured
    assert "Measures showing concern" not in unmeasured


def error_summary(response) -> list[str]:
    """What the NHS.UK error summary at the top of the page lists, in order."""
    import html
    import re

    page = html.unescape(response.get_data(as_text=True))
    listed = page.split("nhsuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(
        r"<li>(.*?)</li>", listed, re.S)]  # fmt: skip


def test_every_problem_with_a_measure_is_shown_at_once(member, make_project, db):
    project = make_project(member)
    response = client_as(member).post(
        _url(project, "/measures/new"),
        data={"name": "   ", "definition": "", "unit": "%", "direction": "up", "fix_after": "5"},
    )
    assert response.status_code == 200
    # The form's own check (the definition) and the service's (a blank name, too few
    # points to fix the limits on) in one submit, not one after another.
    assert error_summary(response) == [
        "Enter the measure's name",
        "Enter the operational definition",
        "Fix the limits on at least 12 points, or leave it empty",
    ]
    assert db.session.scalar(sa.select(sa.func.count(Measure.id))) == 0


def test_every_problem_with_a_project_is_shown_at_once(member, organisation, make_user, db):
    stranger = make_user()
    theirs = make_community(stranger, "Somewhere else")
    response = client_as(member).post(
        "/projects/new",
        data={
            "title": "   ", "aim": "An aim.", "organisation_id": organisation.id,
            "community_id": theirs.id, "programme_type": "national", "national_programme": "",
            "status": "planning", "start_date": "",
        },
    )  # fmt: skip
    assert response.status_code == 200
    # The form's own checks (a community not on their list, no start date) and the
    # service's (a blank title, a national programme without its name) in one submit.
    assert error_summary(response) == [
        "Enter the project's title",
        "Not a valid choice.",
        "Enter the name of the national programme",
        "Enter the date the project started",
    ]
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_every_problem_with_a_point_is_shown_at_once(member, make_project, make_measure, db):
    project = make_project(member)
    measure = make_measure(project, member, name="Discharges before midday")
    response = client_as(member).post(
        _url(project, f"/measures/{measure.id}/data"),
        data={"observed_on": "2099-03-03", "value": "", "note": ""},
    )
    assert response.status_code == 200
    # The form's own check (no value) and the service's (a date not yet reached) at once.
    assert error_summary(response) == [
        "3 March 2099 is in the future: enter today's date or an earlier one",
        "Enter the value",
    ]
    assert db.session.scalar(sa.select(sa.func.count(DataPoint.id))) == 0


def test_every_problem_with_a_pdsa_cycle_is_shown_at_once(member, make_project, db):
    project = make_project(member)
    response = client_as(member).post(
        _url(project, "/cycles/new"),
        data={"title": "", "change": "A pharmacist joins the board round.", "prediction": "",
              "started_on": "2025-03-31", "ended_on": "2025-03-01", "decision": "adopt"},
    )  # fmt: skip
    assert response.status_code == 200
    # The form's own checks (no name, no prediction) and the service's (a decision
    # without study notes, an end before the start) in one submit.
    assert sorted(error_summary(response)) == sorted([
        "Enter a short name for the change",
        "Enter what you predict will happen",
        "Say what happened against your prediction (study) before you decide to adopt, "
        "adapt or abandon",
        "The end date must be on or after the start date",
    ])  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(PDSACycle.id))) == 0


def test_every_problem_with_a_rebaseline_is_shown_at_once(member, make_project, make_measure, db):
    project = make_project(member)
    measure = make_measure(project, member, SHIFT)
    response = client_as(member).post(
        _url(project, f"/measures/{measure.id}/rebaseline"),
        data={"starts_on": "2099-01-01", "reason": ""},
    )
    assert response.status_code == 200
    # The form's own check (no reason) and the service's (a date with no point) at once.
    assert sorted(error_summary(response)) == sorted([
        "There is no point on 1 January 2099: enter the date of one of the measure's points",
        "Say what changed in the process",
    ])  # fmt: skip
    page = client_as(member).get(_url(project, f"/measures/{measure.id}"))
    assert "Re-baselined" not in page.get_data(as_text=True)


def test_a_progress_score_refuses_every_problem_at_once(member, make_project, db):
    from community.core.errors import RuleViolation
    from community.projects import services

    project = make_project(member)
    try:
        services.set_progress(member, project, 9.0, "x" * 301)
    except RuleViolation as refused:
        assert [v.field for v in refused.violations] == ["score", "note"]
    else:
        raise AssertionError("an off-scale score and a long note were accepted")
    assert project.progress_score is None
