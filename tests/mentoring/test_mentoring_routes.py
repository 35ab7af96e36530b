"""Mentoring pages through the test client: what people see, submit and are refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from factories import ask, ask_of, offer, request_for, start_mentorship, visit
from helpers import count_queries, error_summary

from community.core.timefmt import to_uk, utcnow
from community.mentoring import offers, services
from community.mentoring.models import (
    CapabilityAssessment,
    MentoringAsk,
    MentoringRequest,
    MentoringSession,
    MentorOffer,
)
from community.mentoring.vocabulary import AskStatus, RequestStatus


def text(response) -> str:
    """The page's words, without tags, for asserting what a person reads."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.fixture
def people(rita, cole, make_user, make_organisation):
    north = rita.organisation.system

    class People:
        system = north
        organisation = rita.organisation
        requester = rita
        colleague = cole
        mentor = make_user(
            "mina", name="Mina Mentor", organisation=make_organisation("Hill Trust", system=north)
        )
        outsider = make_user(
            "otis", name="Otis Outsider", organisation=make_organisation("Far Trust")
        )

    return People


# ------------------------------------------------------------------ offers


def test_offering_mentoring_shows_on_the_profile_and_settings(app, db, people):
    response = visit(
        app, people.mentor, "POST", "/account/settings/mentoring",
        {"components": ["4", "5"], "formats": ["video", "phone"], "capacity": "2",
         "note": "Ten years of QI coaching"},
    )  # fmt: skip
    assert response.status_code == 302
    profile = text(visit(app, people.outsider, "GET", "/people/mina"))
    assert "Offers mentoring" in profile
    assert "Building improvement capability and capacity" in profile
    assert "Meets by video call, phone. 2 of 2 places free." in profile
    assert "Ten years of QI coaching" in profile
    assert "2 of 2 places free" in text(visit(app, people.mentor, "GET", "/account/settings"))

    offers.set_paused(people.mentor, True)
    assert "Offers mentoring" not in text(visit(app, people.outsider, "GET", "/people/mina"))


def test_an_offer_with_bad_input_shows_the_problem_by_the_field_and_saves_nothing(app, db, people):
    response = visit(
        app, people.mentor, "POST", "/account/settings/mentoring",
        {"components": ["4"], "capacity": "2"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'id="formats-error"' in page or "Choose at least one way you can meet" in page
    assert "Choose at least one way you can meet" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(MentorOffer.id))) == 0


def test_every_problem_with_an_offer_is_shown_at_once(app, db, people):
    response = visit(
        app, people.mentor, "POST", "/account/settings/mentoring",
        {"capacity": "2", "note": "x" * 1001},
    )  # fmt: skip
    assert response.status_code == 200
    # The form's own check (a note too long) and the service's (nothing to help with,
    # no way to meet) in one submit.
    assert sorted(error_summary(response)) == sorted([
        "Choose at least one IMPACT component or improvement approach you can help with",
        "Choose at least one way you can meet",
        "Note must be 1,000 characters or fewer",
    ])  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(MentorOffer.id))) == 0


def test_pausing_and_resuming_from_my_mentoring(app, db, people):
    offer(people.mentor)
    response = visit(app, people.mentor, "POST", "/account/settings/mentoring/pause",
                     {"paused": "1"})  # fmt: skip
    assert response.status_code == 302
    assert offers.offer_of(people.mentor).is_paused
    assert "Your offer is paused" in text(visit(app, people.mentor, "GET", "/mentoring"))
    visit(app, people.mentor, "POST", "/account/settings/mentoring/pause", {"paused": "0"})
    db.session.expire_all()
    assert not offers.offer_of(people.mentor).is_paused


# ------------------------------------------------------------------ self-assessment


def _assess(app, user, organisation, scores, evidence=None):
    data = {f"score_{c}": str(s) for c, s in scores.items()}
    data.update({f"evidence_{c}": e for c, e in (evidence or {}).items()})
    return visit(app, user, "POST", f"/organisations/{organisation.slug}/assessment", data)


def test_a_self_assessment_shows_on_the_organisation_page_as_a_chart_and_a_table(app, db, people):
    org = people.organisation
    assert _assess(app, people.requester, org, {1: 3, 2: 3, 3: 3, 4: 1, 5: 2}).status_code == 302
    response = _assess(
        app, people.colleague, org, {1: 4, 2: 3, 3: 2, 4: 2, 5: 2}, {4: "Two coaches trained"}
    )
    assert response.headers["Location"] == f"/organisations/{org.slug}#capability"

    page = visit(app, people.outsider, "GET", f"/organisations/{org.slug}")
    html = page.get_data(as_text=True)
    assert '<svg class="ic-chart__svg"' in html and 'role="img"' in html
    assert '<title id="capability-title">Self-assessed improvement capability</title>' in html
    assert "Capability and capacity 2 (a gap)" in html  # the chart's description
    words = text(page)
    assert "The biggest gap is developing leadership behaviours" in words
    # Each row of the table (with the headings the responsive table repeats in each cell)
    assert (
        "4. Building improvement capability and capacity Score 2 – Early steps Change Up 1 "
        "Gap Yes" in words
    )
    assert "1. Building a shared purpose and vision Score 4 – Established Change Up 1 Gap No" in (
        words
    )
    assert "2. Investing in people and culture Score 3 – Developing Change No change Gap No" in (
        words
    )
    # Outsiders see the picture but cannot assess, or ask, for another organisation.
    assert "Ask for mentoring on" not in words
    assert "Complete the self-assessment" not in words

    detail = visit(app, people.outsider, "GET", f"/organisations/{org.slug}/assessments")
    assert "2 self-assessments" in text(detail)


def test_a_self_assessment_missing_a_score_is_refused_and_nothing_saved(app, db, people):
    response = _assess(app, people.requester, people.organisation, {1: 3, 2: 3, 4: 1, 5: 2})
    assert response.status_code == 200
    assert "Choose a score from 1 to 5 for developing leadership behaviours" in text(response)
    assert 'href="#score_3"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CapabilityAssessment.id))) == 0


def test_only_members_of_the_organisation_can_assess_it(app, db, people):
    response = _assess(app, people.outsider, people.organisation, dict.fromkeys(range(1, 6), 3))
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(CapabilityAssessment.id))) == 0


# ------------------------------------------------------------------ the journey


def test_request_ask_accept_log_and_close_through_the_pages(app, db, people):
    offer(people.mentor, components=[4], capacity=2)
    form = visit(app, people.requester, "GET", "/mentoring/requests/new?component=4")
    assert 'value="4" checked' in form.get_data(as_text=True)

    created = visit(
        app, people.requester, "POST", "/mentoring/requests/new",
        {"title": "Start a QI faculty", "components": ["4"], "aim": "Train 20 coaches.",
         "preferred_format": "video", "timescale": "quarter"},
    )  # fmt: skip
    request = db.session.scalar(sa.select(MentoringRequest))
    assert created.headers["Location"] == f"/mentoring/requests/{request.id}/suggestions"

    suggestions = text(visit(app, people.requester, "GET", created.headers["Location"]))
    assert "Mina Mentor" in suggestions
    assert "offers mentoring in “Capability and capacity”" in suggestions
    assert "in your system" in suggestions

    asked = visit(
        app, people.requester, "POST", created.headers["Location"],
        {"mentors": [str(people.mentor.id)], "message": "Would you help us?"},
    )  # fmt: skip
    assert asked.headers["Location"] == f"/mentoring/requests/{request.id}"

    mentor_view = visit(app, people.mentor, "GET", f"/mentoring/requests/{request.id}")
    assert "Would you help us?" in text(mentor_view)
    assert "Send your answer" in text(mentor_view)
    accepted = visit(
        app, people.mentor, "POST", f"/mentoring/requests/{request.id}/respond",
        {"decision": "accept", "message": "Delighted to"},
    )  # fmt: skip
    mentorship_url = accepted.headers["Location"]
    assert mentorship_url.startswith("/mentoring/mentorships/")

    visit(app, people.mentor, "POST", mentorship_url + "/goals", {"goal": "20 coaches trained"})
    today = to_uk(utcnow()).date().isoformat()
    logged = visit(
        app, people.requester, "POST", mentorship_url + "/sessions/new",
        {"held_on": today, "meeting_format": "video", "notes": "Mapped the training plan",
         "next_steps": "Book venue"},
    )  # fmt: skip
    assert logged.status_code == 302
    closed = visit(
        app, people.requester, "POST", mentorship_url + "/close",
        {"outcome": "goals_met", "rating": "5", "comment": "Brilliant support"},
    )  # fmt: skip
    assert closed.status_code == 302
    page = text(visit(app, people.colleague, "GET", mentorship_url))
    assert "20 coaches trained" in page
    assert "Mapped the training plan" in page and "Book venue" in page
    assert "Outcome: Goals met" in page
    assert "5 out of 5 , from Rita Requester" in page or "5 out of 5, from Rita Requester" in page

    feedback = visit(
        app, people.mentor, "POST", mentorship_url + "/feedback",
        {"rating": "4", "comment": "Keen team"},
    )  # fmt: skip
    assert feedback.status_code == 302
    assert "Keen team" in text(visit(app, people.requester, "GET", mentorship_url))


def test_a_session_with_a_future_date_is_shown_back_with_the_problem(app, db, people):
    offer(people.mentor)
    mentorship = start_mentorship(people.requester, people.mentor)
    tomorrow = (to_uk(utcnow()).date() + timedelta(days=1)).isoformat()
    response = visit(
        app, people.mentor, "POST", f"/mentoring/mentorships/{mentorship.id}/sessions/new",
        {"held_on": tomorrow, "meeting_format": "phone", "notes": "Planned"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The date of the session must be today or in the past" in text(response)
    assert 'value="Planned"' in response.get_data(as_text=True) or "Planned" in text(response)


def test_every_problem_with_a_session_is_shown_at_once(app, db, people):
    offer(people.mentor)
    mentorship = start_mentorship(people.requester, people.mentor)
    tomorrow = (to_uk(utcnow()).date() + timedelta(days=1)).isoformat()
    response = visit(
        app, people.mentor, "POST", f"/mentoring/mentorships/{mentorship.id}/sessions/new",
        {"held_on": tomorrow, "notes": ""},
    )  # fmt: skip
    assert response.status_code == 200
    # The form's own checks (how you met, no notes) and the service's (a date not yet
    # reached) in one submit.
    assert sorted(error_summary(response)) == sorted([
        "The date of the session must be today or in the past",
        "Choose how you met",
        "Write notes on what you covered",
    ])  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 0


def test_a_decline_and_an_expiry_prompt_the_requester_to_ask_someone_else(app, db, people):
    offer(people.mentor)
    request = request_for(people.requester)
    ask(people.requester, request, people.mentor)
    visit(
        app, people.mentor, "POST", f"/mentoring/requests/{request.id}/respond",
        {"decision": "decline", "message": "Fully booked this quarter", "confirmed": "1"},
    )  # fmt: skip
    page = text(visit(app, people.requester, "GET", f"/mentoring/requests/{request.id}"))
    assert "No one is considering your request" in page
    assert "Fully booked this quarter" in page
    assert "Choose mentors to ask" in page


def test_an_overdue_ask_shows_as_expired_and_can_no_longer_be_answered(app, db, people):
    offer(people.mentor)
    request = request_for(people.requester)
    ask(people.requester, request, people.mentor)
    db.session.execute(sa.update(MentoringAsk).values(expires_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    mentor_page = text(visit(app, people.mentor, "GET", f"/mentoring/requests/{request.id}"))
    assert "Expired without an answer" in mentor_page
    assert "Send your answer" not in mentor_page
    refused = visit(
        app, people.mentor, "POST", f"/mentoring/requests/{request.id}/respond",
        {"decision": "accept", "message": "Late, sorry"},
    )  # fmt: skip
    assert "This ask expired before it was answered" in text(refused)
    assert ask_of(request, people.mentor).status == AskStatus.PENDING
    assert request.status == RequestStatus.OPEN


def test_the_notification_leads_to_the_request(app, db, people):
    offer(people.mentor)
    request = request_for(people.requester)
    ask(people.requester, request, people.mentor)
    page = visit(app, people.mentor, "GET", "/notifications")
    assert "Rita Requester asked you to mentor Riverside Trust" in text(page)
    notification_id = re.search(r"/notifications/(\d+)/open", page.get_data(as_text=True))[1]
    opened = visit(app, people.mentor, "POST", f"/notifications/{notification_id}/open")
    assert opened.headers["Location"] == f"/mentoring/requests/{request.id}"


# ------------------------------------------------------------------ privacy


def test_requests_stay_private_in_lists_and_pages(app, db, people):
    offer(people.mentor)
    request = request_for(people.requester, title="Our leadership is stuck")
    org = people.organisation.slug
    assert "Our leadership is stuck" in text(
        visit(app, people.colleague, "GET", f"/organisations/{org}/mentoring")
    )
    history = text(visit(app, people.outsider, "GET", f"/organisations/{org}/mentoring"))
    assert "Our leadership is stuck" not in history
    assert "No mentoring requests" in history
    dashboard = text(visit(app, people.outsider, "GET", "/systems/north/mentoring"))
    assert "Open requests 1" in dashboard
    assert "Our leadership is stuck" not in dashboard
    assert (
        visit(app, people.outsider, "GET", f"/mentoring/requests/{request.id}").status_code == 404
    )
    # Once asked, the mentor sees it everywhere it is listed.
    ask(people.requester, request, people.mentor)
    assert "Our leadership is stuck" in text(
        visit(app, people.mentor, "GET", "/systems/north/mentoring")
    )


def test_one_button_actions_need_the_form_token(app, db, people):
    request = request_for(people.requester)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = visit(
            app, people.requester, "POST", f"/mentoring/requests/{request.id}/withdraw"
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert request.status == RequestStatus.OPEN


# ------------------------------------------------------------------ dashboard


def test_the_system_dashboard_counts_and_draws_what_happened(app, db, people, make_user):
    offer(people.mentor, capacity=3)
    start_mentorship(people.requester, people.mentor)
    closing = start_mentorship(people.colleague, people.mentor, title="Second")
    services.close_mentorship(people.colleague, closing, outcome="partly_met", rating=4, comment="")
    request_for(people.requester, title="Still open")
    page = visit(app, people.outsider, "GET", "/systems/north/mentoring")
    words = text(page)
    assert "Open requests 1" in words
    assert "Median time to match 0 hours (over 2 matched requests)" in words
    assert "Mentorships running 1" in words
    assert "Mentorships completed 1" in words
    assert "Goals partly met 1" in words
    html = page.get_data(as_text=True)
    assert html.count('role="img"') == 2  # outcomes and months; no assessments yet
    assert "Outcomes of closed mentorships" in html


def test_the_suggestions_page_runs_the_same_statements_for_5_or_50_mentors(
    app, db, people, make_user, make_organisation
):
    elsewhere = make_organisation("Mentor Pool Trust", system=people.system)
    request = request_for(people.requester, approaches=["Lean"])
    url = f"/mentoring/requests/{request.id}/suggestions"

    def mentors(total: int) -> None:
        existing = db.session.scalar(sa.select(sa.func.count(MentorOffer.id)))
        for index in range(existing, total):
            mentor = make_user(f"pool-{index}", organisation=elsewhere)
            offer(mentor, approaches=["Lean"] if index % 2 else [], capacity=1 + index % 2)

    mentors(5)
    visit(app, people.requester, "GET", url)  # compile the templates first
    with count_queries() as few:
        assert "5 suggested mentors" in text(visit(app, people.requester, "GET", url))
    mentors(50)
    with count_queries() as many:
        assert "Showing 1 to 10 of 50 suggested mentors" in text(
            visit(app, people.requester, "GET", url)
        )
    assert few.count == many.count, many.statements
    # A later page ranks as the full list does, though only a pool is scored in full.
    from community.mentoring.matching import ranking as matching

    ranked = [s.candidate.name for s in matching.suggest(request)]
    with count_queries() as page_five:
        last = text(visit(app, people.requester, "GET", url + "?page=5"))
    assert "Showing 41 to 50 of 50 suggested mentors" in last
    assert f"{ranked[40]} " in last and "Ranked 41 ·" in last and ranked[39] not in last
    assert page_five.count <= many.count


def followed(app, user, method: str, url: str, data: dict | None = None):
    """The page a person lands on after `url` redirects them, flash message and all."""
    from helpers import RequestPerContextClient, sign_in_as

    client = RequestPerContextClient(app, app.response_class, use_cookies=True)
    sign_in_as(client, user)
    response = client.open(url, method=method, data=data)
    assert response.status_code == 302, response.status_code
    return client.open(response.headers["Location"], method="GET")


def test_a_used_close_or_feedback_form_shows_the_outcome_instead_of_refusing(app, db, people):
    offer(people.mentor)
    mentorship = start_mentorship(people.requester, people.mentor)
    url = f"/mentoring/mentorships/{mentorship.id}"
    early = followed(app, people.mentor, "GET", url + "/feedback")
    assert "You can give your feedback once the mentorship has closed." in text(early)
    assert "Send feedback" not in text(early)

    close = {"outcome": "goals_met", "rating": "5", "comment": "Brilliant support"}
    assert visit(app, people.requester, "POST", url + "/close", close).status_code == 302
    # The mentor's tab still has the form open; the requester's second tab too.
    for who, method in ((people.mentor, "GET"), (people.requester, "POST")):
        assert visit(app, who, method, url + "/close", close).headers["Location"] == (
            url + "#outcome"
        )
        page = text(followed(app, who, method, url + "/close", close))
        assert "This mentorship closed on" in page and "with the outcome: goals met." in page
        assert "Outcome: Goals met" in page
    assert page.count("Brilliant support") == 1  # the second submission changed nothing

    given = {"rating": "4", "comment": "Keen team"}
    assert visit(app, people.mentor, "POST", url + "/feedback", given).status_code == 302
    for method in ("GET", "POST"):
        again = followed(app, people.mentor, method, url + "/feedback", given)
        assert "You have given your feedback: it is below." in text(again)
        assert "Give your feedback" not in text(again)
        assert text(again).count("Keen team") == 1
    # The requester gave theirs when closing, so their feedback link leads to it too.
    theirs = followed(app, people.requester, "GET", url + "/feedback")
    assert "You have given your feedback: it is below." in text(theirs)


def test_every_problem_with_a_mentoring_request_is_shown_at_once(app, db, people):
    import html

    response = visit(
        app, people.requester, "POST", "/mentoring/requests/new",
        {"title": "", "aim": "Train 20 coaches.", "preferred_format": "video"},
    )  # fmt: skip
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    summary = page.split("nhsuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    listed = [" ".join(re.sub(r"<[^>]+>", " ", item).split())
              for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]  # fmt: skip
    # The form's checks (title, timescale) and the service's (no component chosen) at once.
    assert sorted(listed) == sorted([
        "Give your request a short title",
        "Choose at least one IMPACT component you want help with",
        "Choose a timescale",
    ])  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(MentoringRequest.id))) == 0
