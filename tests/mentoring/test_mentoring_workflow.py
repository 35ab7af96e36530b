"""The mentoring workflow service: requests, asks, acceptance, expiry, mentorships, feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from factories import ask, ask_of, offer, request_for, start_mentorship

from community.audit.models import AuditEvent
from community.core.errors import RuleViolation
from community.core.extensions import db as _db
from community.core.timefmt import to_uk, utcnow
from community.mentoring import offers, services
from community.mentoring.mentorships import progress as mentorships
from community.mentoring.models import (
    MentoringAsk,
    MentoringRequest,
    MentoringSession,
    Mentorship,
    MentorshipFeedback,
    MentorshipGoal,
)
from community.mentoring.vocabulary import AskStatus, MentorshipStatus, RequestStatus
from community.notifications.models import Notification, NotificationKind
from community.outbox.models import OutboxMessage


@pytest.fixture
def people(rita, cole, make_user, make_organisation):
    elsewhere = make_organisation("Elsewhere Trust", system=rita.organisation.system)

    class People:
        requester = rita
        colleague = cole
        mentors = [
            make_user(f"mentor-{n}", name=f"Mentor {n}", organisation=elsewhere) for n in "ABCD"
        ]

    for mentor in People.mentors:
        offer(mentor, capacity=2)
    return People


def _notifications(user, kind=None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.recipient_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(_db.session.scalars(query.order_by(Notification.id)))


def _audit(action: str) -> int:
    return _db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == action)
    )


# ------------------------------------------------------------------ requests


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": " "}, "title", "Give your request a short title"),
        ({"aim": ""}, "aim", "Say what your organisation wants to achieve"),
        ({"components": []}, "components", "Choose at least one IMPACT component"),
        ({"components": [9]}, "components", "Choose IMPACT components from the list"),
        ({"preferred_format": "carrier pigeon"}, "preferred_format", "Choose how you"),
        ({"timescale": "someday"}, "timescale", "Choose a timescale"),
        ({"title": "x" * 151}, "title", "150 characters or fewer"),
    ],
)
def test_a_request_with_bad_input_is_refused_at_the_field_and_nothing_saved(
    db, people, fields, field, message
):
    with pytest.raises(RuleViolation) as refused:
        request_for(people.requester, **fields)
    assert refused.value.field == field
    assert message in refused.value.message
    assert db.session.scalar(sa.select(sa.func.count(MentoringRequest.id))) == 0


def test_an_approach_must_come_from_the_vocabulary(db, people, vocabulary):
    topic = next(t for t in vocabulary if t.kind == "topic")
    with pytest.raises(RuleViolation) as refused:
        services.create_request(
            people.requester, title="T", aim="A", components=[4], approach_ids=[topic.id],
            preferred_format="any", timescale="month",
        )  # fmt: skip
    assert refused.value.field == "approaches"


def test_members_without_an_organisation_or_confirmed_email_cannot_ask(db, make_user):
    with pytest.raises(RuleViolation, match="Add your organisation"):
        request_for(make_user("loner", organisation=None))
    with pytest.raises(RuleViolation, match="Confirm your email"):
        request_for(make_user("newbie", confirmed=False))


def test_a_request_is_recorded_for_the_requesters_organisation(db, people):
    request = request_for(people.requester, components=[4, 2], approaches=["Lean"])
    assert request.status == RequestStatus.OPEN
    assert request.organisation_id == people.requester.organisation_id
    assert [c.value for c in request.components] == [2, 4]
    assert [t.name for t in request.approaches] == ["Lean"]
    assert _audit("mentoring.request_created") == 1


# ------------------------------------------------------------------ asking


def test_asking_notifies_each_mentor_and_sets_the_expiry(app, db, people):
    request = request_for(people.requester)
    before = utcnow()
    asks = ask(people.requester, request, *people.mentors[:3], message="Please help")
    assert [a.status for a in asks] == [AskStatus.PENDING] * 3
    expires = asks[0].expires_at.replace(tzinfo=before.tzinfo)
    assert timedelta(days=14) <= expires - before < timedelta(days=14, minutes=1)
    for mentor in people.mentors[:3]:
        [note] = _notifications(mentor, NotificationKind.MENTOR_ASKED)
        assert note.text == (
            "Rita Requester asked you to mentor Riverside Trust: “Build improvement capability”"
        )
        assert note.mentoring_request_id == request.id
    assert _audit("mentoring.mentor_asked") == 3


def test_the_expiry_follows_the_configured_number_of_days(app, db, people):
    app.config["MENTORING_ASK_EXPIRY_DAYS"] = 3
    try:
        [made] = ask(people.requester, request_for(people.requester), people.mentors[0])
    finally:
        app.config["MENTORING_ASK_EXPIRY_DAYS"] = 14
    days = (made.expires_at - made.created_at).days
    assert days == 3


def test_no_more_than_three_mentors_are_asked_at_once(db, people):
    request = request_for(people.requester)
    with pytest.raises(RuleViolation) as refused:
        ask(people.requester, request, *people.mentors)
    assert refused.value.field == "mentors"
    assert "up to 3" in refused.value.message
    ask(people.requester, request, *people.mentors[:2])
    with pytest.raises(RuleViolation, match="waiting for 2, so choose 1 or fewer"):
        ask(people.requester, request, people.mentors[2], people.mentors[3])
    ask(people.requester, request, people.mentors[2])
    with pytest.raises(RuleViolation, match="already waiting for 3"):
        ask(people.requester, request, people.mentors[3])
    assert db.session.scalar(sa.select(sa.func.count(MentoringAsk.id))) == 3


def test_only_eligible_mentors_can_be_asked_and_only_by_the_requester(db, people, make_user):
    request = request_for(people.requester)
    offer(people.colleague)  # same organisation: never eligible
    with pytest.raises(RuleViolation, match="can no longer be asked"):
        ask(people.requester, request, people.colleague)
    offers.set_paused(people.mentors[0], True)
    with pytest.raises(RuleViolation, match="can no longer be asked"):
        ask(people.requester, request, people.mentors[0])
    with pytest.raises(RuleViolation, match="Only the member who made the request"):
        ask(people.colleague, request, people.mentors[1])
    assert db.session.scalar(sa.select(sa.func.count(MentoringAsk.id))) == 0


# ------------------------------------------------------------------ answers


def test_the_first_acceptance_starts_the_mentorship_and_withdraws_the_other_asks(db, people):
    first, second, third = people.mentors[:3]
    request = request_for(people.requester)
    ask(people.requester, request, first, second, third)
    services.respond(third, ask_of(request, third), accept=False, message="Too busy, sorry")

    mentorship = services.respond(
        second, ask_of(request, second), accept=True, message="Happy to help"
    )

    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.mentor_id == second.id
    assert request.status == RequestStatus.MATCHED
    assert ask_of(request, second).status == AskStatus.ACCEPTED
    assert ask_of(request, first).status == AskStatus.WITHDRAWN
    assert ask_of(request, third).status == AskStatus.DECLINED
    [accepted] = _notifications(people.requester, NotificationKind.ASK_ACCEPTED)
    assert accepted.mentorship_id == mentorship.id
    assert "accepted your request" in accepted.text
    [withdrawn] = _notifications(first, NotificationKind.ASK_WITHDRAWN)
    assert "another mentor has accepted it" in withdrawn.text
    assert _notifications(third, NotificationKind.ASK_WITHDRAWN) == []
    assert _audit("mentoring.mentorship_started") == 1


def test_a_decline_prompts_the_requester_to_ask_someone_else_when_no_one_is_left(db, people):
    first, second = people.mentors[:2]
    request = request_for(people.requester)
    ask(people.requester, request, first, second)
    services.respond(first, ask_of(request, first), accept=False, message="Not my area")
    services.respond(second, ask_of(request, second), accept=False, message="No time")
    texts = [n.text for n in _notifications(people.requester, NotificationKind.ASK_DECLINED)]
    assert texts == [
        "Mentor A declined your request “Build improvement capability”",
        "Mentor B declined your request “Build improvement capability”: ask another mentor",
    ]
    assert ask_of(request, first).response == "Not my area"
    assert request.status == RequestStatus.OPEN


def test_an_answer_needs_a_message_and_the_right_mentor(db, people):
    first, second = people.mentors[:2]
    request = request_for(people.requester)
    ask(people.requester, request, first)
    with pytest.raises(RuleViolation) as refused:
        services.respond(first, ask_of(request, first), accept=True, message="  ")
    assert refused.value.field == "message"
    with pytest.raises(RuleViolation, match="sent to another mentor"):
        services.respond(second, ask_of(request, first), accept=True, message="Me!")
    assert ask_of(request, first).status == AskStatus.PENDING


def test_withdrawing_a_request_tells_the_mentors_still_considering_it(db, people):
    first = people.mentors[0]
    request = request_for(people.requester)
    ask(people.requester, request, first)
    services.withdraw_request(people.requester, request)
    assert request.status == RequestStatus.WITHDRAWN
    assert ask_of(request, first).status == AskStatus.WITHDRAWN
    [note] = _notifications(first, NotificationKind.ASK_WITHDRAWN)
    assert note.text.endswith("it has been withdrawn")


# ------------------------------------------------------------------ expiry


def _make_overdue(ask_row: MentoringAsk) -> None:
    _db.session.execute(
        sa.update(MentoringAsk)
        .where(MentoringAsk.id == ask_row.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    _db.session.commit()


def test_an_overdue_ask_counts_as_expired_before_the_job_records_it(db, people):
    first = people.mentors[0]
    request = request_for(people.requester)
    ask(people.requester, request, first)
    overdue = ask_of(request, first)
    _make_overdue(overdue)

    assert services.ask_state(overdue) == AskStatus.EXPIRED
    assert services.live_pending_asks(request) == 0
    with pytest.raises(RuleViolation, match="expired before it was answered"):
        services.respond(first, overdue, accept=True, message="Sorry I am late")
    assert overdue.status == AskStatus.PENDING  # nothing written until the job runs
    # …and its place is free again for someone else.
    ask(people.requester, request, *people.mentors[1:4])


def test_the_expiry_job_records_expiry_and_prompts_the_requester_once(app, db, people):
    first, second = people.mentors[:2]
    request = request_for(people.requester)
    ask(people.requester, request, first, second)
    _make_overdue(ask_of(request, first))

    result = app.test_cli_runner().invoke(args=["mentoring", "expire-asks"])

    assert result.output.strip() == "1 ask expired."
    assert ask_of(request, first).status == AskStatus.EXPIRED
    assert ask_of(request, second).status == AskStatus.PENDING
    [note] = _notifications(people.requester, NotificationKind.ASK_EXPIRED)
    # Mentor B is still considering it, so no prompt to ask someone else yet.
    assert (
        note.text == "Mentor A did not answer your request “Build improvement capability” in time"
    )
    assert _audit("mentoring.ask_expired") == 1
    assert services.expire_overdue_asks() == 0

    _make_overdue(ask_of(request, second))
    assert services.expire_overdue_asks() == 1
    last = _notifications(people.requester, NotificationKind.ASK_EXPIRED)[-1]
    assert last.text.endswith("in time. Ask another mentor")


# ------------------------------------------------------------------ capacity


def test_a_mentor_at_capacity_cannot_accept_until_a_mentorship_closes(
    db, people, make_user, make_organisation
):
    mentor = people.mentors[0]
    offers.save_offer(
        mentor, components=[4], approach_ids=[], formats=["video"], capacity=1,
        travel_system_ids=[], note="",
    )  # fmt: skip
    other_requester = make_user("omar", organisation=make_organisation("Omar's Practice"))
    first_request = request_for(people.requester)
    second_request = request_for(other_requester)
    ask(people.requester, first_request, mentor)
    ask(other_requester, second_request, mentor)
    running = services.respond(mentor, ask_of(first_request, mentor), accept=True, message="Yes")

    with pytest.raises(RuleViolation, match="already mentoring 1 of the 1"):
        services.respond(mentor, ask_of(second_request, mentor), accept=True, message="Yes")
    assert second_request.status == RequestStatus.OPEN
    assert ask_of(second_request, mentor).status == AskStatus.PENDING

    services.close_mentorship(people.requester, running, outcome="goals_met", rating=5, comment="")
    services.respond(mentor, ask_of(second_request, mentor), accept=True, message="Now I can")
    assert second_request.status == RequestStatus.MATCHED


def test_capacity_cannot_drop_below_the_mentorships_running(db, people):
    mentor = people.mentors[0]
    start_mentorship(people.requester, mentor)
    start_mentorship(people.colleague, mentor, title="Second request")
    with pytest.raises(RuleViolation) as refused:
        offers.save_offer(
            mentor, components=[4], approach_ids=[], formats=["video"], capacity=1,
            travel_system_ids=[], note="",
        )  # fmt: skip
    assert refused.value.field == "capacity"
    assert offers.offer_of(mentor).capacity == 2


# ------------------------------------------------------------------ mentorships


def test_goals_sessions_and_closing_with_feedback_from_both_sides(db, people):
    mentor = people.mentors[0]
    mentorship = start_mentorship(people.requester, mentor)
    goal = mentorships.add_goal(mentor, mentorship, "Train 12 improvement coaches")
    mentorships.update_goal(people.requester, goal, "in_progress", "6 trained so far")
    today = to_uk(utcnow()).date()
    mentorships.log_session(
        mentor, mentorship, held_on=today, meeting_format="video",
        notes="Planned the coaching programme", next_steps="Book the first cohort",
    )  # fmt: skip
    updates = _notifications(people.requester, NotificationKind.MENTORSHIP_UPDATE)
    assert [n.text for n in updates] == [
        "Mentor A added a goal in the mentorship “Build improvement capability”",
        "Mentor A logged a session in the mentorship “Build improvement capability”",
    ]
    assert _notifications(mentor, NotificationKind.MENTORSHIP_UPDATE)[0].text.startswith(
        "Rita Requester marked a goal “in progress”"
    )

    services.close_mentorship(
        mentor, mentorship, outcome="partly_met", rating=4, comment="Good engagement"
    )
    assert mentorship.status == MentorshipStatus.CLOSED
    assert mentorship.request.status == RequestStatus.CLOSED
    assert services.active_mentorship_count(mentor.id) == 0
    [closed] = _notifications(people.requester, NotificationKind.MENTORSHIP_CLOSED)
    assert "(goals partly met): add your feedback" in closed.text

    mentorships.give_feedback(people.requester, mentorship, rating=5, comment="Transformational")
    sides = {f.side: f.rating for f in db.session.scalars(sa.select(MentorshipFeedback))}
    assert sides == {"mentor": 4, "organisation": 5}
    assert _notifications(mentor, NotificationKind.MENTORING_FEEDBACK)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"held_on": None}, "held_on", "Enter the date"),
        ({"held_on": "tomorrow"}, "held_on", "today or in the past"),
        ({"held_on": "before"}, "held_on", "on or after the mentorship started"),
        ({"meeting_format": "smoke signals"}, "meeting_format", "Choose how you met"),
        ({"notes": " "}, "notes", "Write notes"),
    ],
)
def test_a_session_with_bad_input_is_refused_at_the_field(db, people, change, field, message):
    mentorship = start_mentorship(people.requester, people.mentors[0])
    today = to_uk(utcnow()).date()
    fields = {"held_on": today, "meeting_format": "video", "notes": "Met", "next_steps": ""}
    fields.update(change)
    if fields["held_on"] == "tomorrow":
        fields["held_on"] = today + timedelta(days=1)
    elif fields["held_on"] == "before":
        fields["held_on"] = today - timedelta(days=30)
    with pytest.raises(RuleViolation) as refused:
        mentorships.log_session(people.requester, mentorship, **fields)
    assert (refused.value.field, message in refused.value.message) == (field, True)
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 0


def test_closing_needs_an_outcome_and_a_rating(db, people):
    mentorship = start_mentorship(people.requester, people.mentors[0])
    with pytest.raises(RuleViolation) as refused:
        services.close_mentorship(
            people.requester, mentorship, outcome="brilliant", rating=5, comment=""
        )
    assert refused.value.field == "outcome"
    with pytest.raises(RuleViolation) as refused:
        services.close_mentorship(
            people.requester, mentorship, outcome="goals_met", rating=6, comment=""
        )
    assert refused.value.field == "rating"
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_closing_refuses_every_problem_at_once(db, people):
    mentorship = start_mentorship(people.requester, people.mentors[0])
    with pytest.raises(RuleViolation) as refused:
        services.close_mentorship(
            people.requester, mentorship, outcome="brilliant", rating=6, comment="x" * 2001
        )
    assert [v.field for v in refused.value.violations] == ["outcome", "rating", "comment"]
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_a_goal_update_and_feedback_refuse_every_problem_at_once(db, people):
    mentor = people.mentors[0]
    mentorship = start_mentorship(people.requester, mentor)
    goal = mentorships.add_goal(mentor, mentorship, "Train 12 improvement coaches")
    with pytest.raises(RuleViolation) as refused:
        mentorships.update_goal(people.requester, goal, "finished-ish", "x" * 501)
    assert [v.field for v in refused.value.violations] == ["progress", "progress_note"]
    services.close_mentorship(mentor, mentorship, outcome="partly_met", rating=4, comment="")
    with pytest.raises(RuleViolation) as refused:
        mentorships.give_feedback(people.requester, mentorship, rating=0, comment="x" * 2001)
    assert [v.field for v in refused.value.violations] == ["rating", "comment"]
    assert db.session.scalar(sa.select(sa.func.count(MentorshipFeedback.id))) == 1


def test_a_self_assessment_refuses_every_component_at_once(db, people):
    from community.mentoring.models import CapabilityAssessment
    from community.mentoring.organisations.assessments import record_assessment

    organisation = people.requester.organisation
    with pytest.raises(RuleViolation) as refused:
        record_assessment(people.requester, organisation, {1: 3, 3: 9, 4: 1, 5: 2},
                          {4: "x" * 2001})  # fmt: skip
    assert [v.field for v in refused.value.violations] == ["score_2", "score_3", "evidence_4"]
    assert db.session.scalar(sa.select(sa.func.count(CapabilityAssessment.id))) == 0


def test_members_who_chose_immediate_email_get_one_with_a_link(db, people):
    people.requester.email_notifications = "immediate"
    db.session.commit()
    mentor = people.mentors[0]
    request = request_for(people.requester)
    ask(people.requester, request, mentor)
    services.respond(mentor, ask_of(request, mentor), accept=False, message="Not now")
    email = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == people.requester.email)
    )
    assert email.subject.startswith("Mentor A declined your request")
    assert f"/mentoring/requests/{request.id}" in email.body_text
    assert "Not now" in email.body_text


# ------------------------------------------------------------------ invalid moves


def _snapshot(db) -> tuple:
    """Everything an invalid move could have changed."""

    def statuses(model):
        return sorted(db.session.execute(sa.select(model.id, model.status)).all())

    def count(model):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return (
        statuses(MentoringRequest), statuses(MentoringAsk), statuses(Mentorship),
        count(MentorshipGoal), count(MentoringSession), count(MentorshipFeedback),
        count(AuditEvent), count(Notification), count(OutboxMessage),
    )  # fmt: skip


class World:
    """A request asked of three mentors, ready to be put in any state."""

    def __init__(self, people):
        self.people = people
        self.requester = people.requester
        self.a, self.b, self.c = people.mentors[:3]
        self.request = request_for(self.requester)
        ask(self.requester, self.request, self.a, self.b, self.c)

    def ask(self, mentor):
        return ask_of(self.request, mentor)

    def accept(self, mentor):
        return services.respond(mentor, self.ask(mentor), accept=True, message="Yes")

    def decline(self, mentor):
        services.respond(mentor, self.ask(mentor), accept=False, message="No")

    def expire(self, mentor):
        _make_overdue(self.ask(mentor))

    def closed_mentorship(self):
        mentorship = self.accept(self.a)
        self.goal = mentorships.add_goal(self.a, mentorship, "A goal")
        services.close_mentorship(self.a, mentorship, outcome="goals_met", rating=4, comment="")
        return mentorship


def _accept(w, mentor):
    return services.respond(mentor, w.ask(mentor), accept=True, message="Yes")


def _decline(w, mentor):
    return services.respond(mentor, w.ask(mentor), accept=False, message="No")


def _log(w, mentorship):
    return mentorships.log_session(
        w.a, mentorship, held_on=to_uk(utcnow()).date(), meeting_format="video", notes="n",
        next_steps="",
    )  # fmt: skip


# (name, set up the state, attempt the invalid move, expected message)
INVALID_MOVES = [
    ("accept an accepted ask", lambda w: w.accept(w.a), lambda w, _: _accept(w, w.a),
     "already been accepted"),
    ("decline an accepted ask", lambda w: w.accept(w.a), lambda w, _: _decline(w, w.a),
     "already been accepted"),
    ("accept a declined ask", lambda w: w.decline(w.a), lambda w, _: _accept(w, w.a),
     "already been declined"),
    ("decline a declined ask", lambda w: w.decline(w.a), lambda w, _: _decline(w, w.a),
     "already been declined"),
    ("accept an ask withdrawn by the requester",
     lambda w: services.withdraw_ask(w.requester, w.ask(w.a)), lambda w, _: _accept(w, w.a),
     "has been withdrawn"),
    ("accept after another mentor accepted", lambda w: w.accept(w.b),
     lambda w, _: _accept(w, w.a), "has been withdrawn"),
    ("accept an expired ask", lambda w: w.expire(w.a), lambda w, _: _accept(w, w.a),
     "expired before it was answered"),
    ("decline an expired ask", lambda w: w.expire(w.a), lambda w, _: _decline(w, w.a),
     "expired before it was answered"),
    ("withdraw an accepted ask", lambda w: w.accept(w.a),
     lambda w, _: services.withdraw_ask(w.requester, w.ask(w.a)), "already been accepted"),
    ("withdraw a declined ask", lambda w: w.decline(w.a),
     lambda w, _: services.withdraw_ask(w.requester, w.ask(w.a)), "already been declined"),
    ("withdraw an expired ask", lambda w: w.expire(w.a),
     lambda w, _: services.withdraw_ask(w.requester, w.ask(w.a)), "expired"),
    ("ask more mentors once matched", lambda w: w.accept(w.a),
     lambda w, _: ask(w.requester, w.request, w.people.mentors[3]), "already has a mentor"),
    ("ask mentors on a withdrawn request",
     lambda w: services.withdraw_request(w.requester, w.request),
     lambda w, _: ask(w.requester, w.request, w.people.mentors[3]), "has been withdrawn"),
    ("withdraw a matched request", lambda w: w.accept(w.a),
     lambda w, _: services.withdraw_request(w.requester, w.request), "already has a mentor"),
    ("withdraw a withdrawn request",
     lambda w: services.withdraw_request(w.requester, w.request),
     lambda w, _: services.withdraw_request(w.requester, w.request), "has been withdrawn"),
    ("withdraw a closed request", lambda w: w.closed_mentorship(),
     lambda w, _: services.withdraw_request(w.requester, w.request), "has ended"),
    ("close a closed mentorship", lambda w: w.closed_mentorship(),
     lambda w, m: services.close_mentorship(w.requester, m, outcome="not_met", rating=1,
                                            comment=""), "has been closed"),
    ("log a session on a closed mentorship", lambda w: w.closed_mentorship(),
     lambda w, m: _log(w, m), "has been closed"),
    ("add a goal to a closed mentorship", lambda w: w.closed_mentorship(),
     lambda w, m: mentorships.add_goal(w.a, m, "Another goal"), "has been closed"),
    ("update a goal of a closed mentorship", lambda w: w.closed_mentorship(),
     lambda w, m: mentorships.update_goal(w.a, w.goal, "achieved", ""), "has been closed"),
    ("give feedback on a running mentorship", lambda w: w.accept(w.a),
     lambda w, m: mentorships.give_feedback(w.requester, m, rating=5, comment=""),
     "once the mentorship has been closed"),
    ("give feedback twice", lambda w: w.closed_mentorship(),
     lambda w, m: mentorships.give_feedback(w.a, m, rating=5, comment=""), "already been given"),
    ("close a mentorship you are not in", lambda w: w.accept(w.a),
     lambda w, m: services.close_mentorship(w.b, m, outcome="not_met", rating=1, comment=""),
     "Only the mentor and the requester"),
    ("log a session in a mentorship you are not in", lambda w: w.accept(w.a),
     lambda w, m: mentorships.log_session(w.people.colleague, m, held_on=None,
                                       meeting_format="video", notes="", next_steps=""),
     "Only the mentor and the requester"),
    ("withdraw someone else's request", lambda w: None,
     lambda w, _: services.withdraw_request(w.people.colleague, w.request),
     "Only the member who made the request"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "attempt", "message"),
    [case[1:] for case in INVALID_MOVES],
    ids=[case[0] for case in INVALID_MOVES],
)
def test_every_invalid_move_is_refused_and_changes_nothing(db, people, setup, attempt, message):
    world = World(people)
    state = setup(world)
    db.session.expire_all()
    before = _snapshot(db)
    with pytest.raises(RuleViolation) as refused:
        attempt(world, state)
    db.session.rollback()
    assert message in refused.value.message
    assert _snapshot(db) == before
