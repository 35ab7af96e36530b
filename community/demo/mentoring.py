"""Demo mentoring: offers, self-assessments with history, requests, asks and mentorships.

Made through the same services members use (so notifications, audit entries
and the rules all apply), then dated into the past so the organisation pages
show change over time and the system dashboards have months to draw.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import TagKind, User
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.directory.models import Organisation, System
from community.mentoring import offers, services
from community.mentoring.matching.evidence import refresh_evidence
from community.mentoring.mentorships import progress
from community.mentoring.models import (
    CapabilityAssessment,
    MentoringAsk,
    MentoringRequest,
    MentoringSession,
    Mentorship,
    MentorshipFeedback,
    MentorshipGoal,
)
from community.mentoring.organisations import assessments
from community.mentoring.vocabulary import ImpactComponent, Outcome

ASSESSED_ORGANISATIONS = 15
MENTORS = 20

OFFER_NOTES = (
    "I have led our trust's QI faculty for six years and enjoy helping teams get started.",
    "Happy to share our measurement plans and run charts; evenings suit me best.",
    "I coach frontline teams through their first PDSA cycles.",
    "Most interested in helping smaller organisations build a small improvement team.",
    "",
)
EVIDENCE = {
    1: ("Our board agreed an improvement strategy last year, but few staff know it.",
        "Shared purpose is written into our annual plan and team objectives."),
    2: ("Improvement is not yet part of appraisal or induction.",
        "All new starters get a half-day improvement induction."),
    3: ("Leaders support improvement in principle, but rarely ask about it.",
        "Executives run monthly improvement walkrounds."),
    4: ("Two trained improvement advisors for 1,800 staff.",
        "A QI faculty with 40 coaches and an open training offer."),
    5: ("Projects run alongside, not inside, how we manage performance.",
        "Improvement measures feature in every divisional performance review."),
}  # fmt: skip
REQUESTS = (
    ("Start a quality improvement faculty", "We want to train our first cohort of 12 "
     "improvement coaches and need help designing the programme and choosing a method."),
    ("Make improvement part of how we run the organisation", "Our performance meetings talk "
     "about targets, not learning. We want to bring SPC and improvement into them."),
    ("Build leaders who ask about improvement", "We want our senior team to role-model "
     "curiosity and support staff-led change."),
    ("Agree a shared purpose for improvement", "Staff do not know why we improve or what our "
     "priorities are. Help us co-design a simple story with patients and staff."),
    ("Bring improvement into induction and appraisal", "We want every member of staff to "
     "know the basics of improvement and to have time for it."),
)  # fmt: skip
GOALS = (
    "Agree the method and the measures we will use",
    "Train the first cohort of improvement coaches",
    "Run three tests of change with frontline teams",
    "Report progress to the board with run charts",
)
SESSION_NOTES = (
    ("Mapped where we are now and agreed what success looks like.",
     "Draft the driver diagram before the next session."),
    ("Reviewed the driver diagram; chose two change ideas to test first.",
     "Start the first PDSA cycle on ward 7."),
    ("Looked at the first run chart together: a shift after week 3.",
     "Share the chart with the divisional team."),
    ("Planned how to spread the change to two more teams.",
     "Book the coaching sessions for the next cohort."),
)  # fmt: skip
FEEDBACK = (
    (5, "Practical, patient and generous with their time."),
    (4, "Really helped us get started; we would have liked more sessions."),
    (5, "Transformed how our board talks about improvement."),
    (3, "Useful advice, although our own capacity held us back."),
)


@dataclass
class Made:
    offers: int = 0
    assessments: int = 0
    open_requests: int = 0
    active: int = 0
    completed: int = 0


def seed_mentoring(rng: random.Random, members: list[User], demo_member: User) -> Made:
    made = Made()
    organisations = list(db.session.scalars(sa.select(Organisation).order_by(Organisation.id)))
    systems = list(db.session.scalars(sa.select(System).order_by(System.id)))
    mentors = _offers(rng, members, demo_member, systems, made)
    assessed = _assessments(rng, organisations, members, demo_member, made)
    _requests_and_mentorships(rng, assessed, members, mentors, demo_member, made)
    refresh_evidence()
    return made


def _offers(rng, members, demo_member, systems, made) -> list[User]:
    with_approaches = [m for m in members if any(t.kind == TagKind.APPROACH for t in m.expertise)]
    mentors = rng.sample(with_approaches, MENTORS - 1) + [demo_member]
    components = list(ImpactComponent)
    for index, mentor in enumerate(mentors):
        chosen = {components[index % 5], *rng.sample(components, rng.randint(1, 2))}
        if mentor.id == demo_member.id:
            chosen = set(components)  # so the demo member is asked, and can mentor
        approaches = [t.id for t in mentor.expertise if t.kind == TagKind.APPROACH]
        formats = ["video"] + rng.sample(["phone", "in_person"], rng.randint(0, 2))
        travel = (
            [s.id for s in rng.sample(systems, 2) if s.id != mentor.organisation.system_id]
            if "in_person" in formats
            else []
        )
        offers.save_offer(
            mentor, components=sorted(c.value for c in chosen), approach_ids=approaches,
            formats=formats, capacity=rng.randint(2, 3), travel_system_ids=travel,
            note=rng.choice(OFFER_NOTES),
        )  # fmt: skip
        made.offers += 1
    return mentors


def _assessments(rng, organisations, members, demo_member, made) -> list[Organisation]:
    by_organisation: dict[int, list[User]] = {}
    for member in members + [demo_member]:
        by_organisation.setdefault(member.organisation_id, []).append(member)
    candidates = [o for o in organisations if o.id in by_organisation]
    assessed = [demo_member.organisation] + [
        o for o in rng.sample(candidates, ASSESSED_ORGANISATIONS + 1)
        if o.id != demo_member.organisation_id
    ][: ASSESSED_ORGANISATIONS - 1]  # fmt: skip
    now = utcnow()
    for organisation in assessed:
        assessors = by_organisation[organisation.id]
        scores = {c.value: rng.randint(1, 3) for c in ImpactComponent}
        rounds = rng.randint(2, 3)
        for round_index in range(rounds):
            if round_index:
                for component in rng.sample(list(scores), 2):
                    scores[component] = max(1, min(5, scores[component] + rng.choice((1, 1, -1))))
            evidence = {c: EVIDENCE[c][0 if s <= 2 else 1] for c, s in scores.items()}
            assessment = assessments.record_assessment(
                rng.choice(assessors), organisation, dict(scores), evidence
            )
            assessment.created_at = now - timedelta(days=(rounds - round_index) * 120 - 30)
            made.assessments += 1
    db.session.commit()
    return assessed


def _lowest_gap(organisation: Organisation) -> int:
    summary = assessments.capability_summary(organisation)
    return summary.lowest.component.value if summary.lowest else 4


def _pick_mentor(mentors, organisation, component, busy) -> User | None:
    for mentor in mentors:
        offer = offers.offer_of(mentor)
        if (
            mentor.organisation_id != organisation.id
            and component in {c.value for c in offer.components}
            and busy.get(mentor.id, 0) < offer.capacity
        ):
            return mentor
    return None


def _requests_and_mentorships(rng, assessed, members, mentors, demo_member, made) -> None:
    requesters = {}
    for member in members:
        requesters.setdefault(member.organisation_id, member)
    requesters[demo_member.organisation_id] = demo_member
    busy: dict[int, int] = {}
    now = utcnow()
    plan = ["completed"] * 6 + ["active"] * 5 + ["open"] * 5
    others = [m for m in mentors if m.id != demo_member.id]
    for index, organisation in enumerate(assessed):
        kind = "open" if organisation.id == demo_member.organisation_id else plan[index % 16]
        requester = requesters[organisation.id]
        component = _lowest_gap(organisation)
        title, aim = REQUESTS[index % len(REQUESTS)]
        request = services.create_request(
            requester, title=title, aim=aim, components=[component], approach_ids=[],
            preferred_format=rng.choice(["any", "video", "in_person"]),
            timescale=rng.choice(["quarter", "half_year"]),
        )  # fmt: skip
        rng.shuffle(others)
        # The demo member mentors one organisation and is waiting to answer another's ask.
        demo_first = (kind == "active" and not busy.get(demo_member.id)) or (
            kind == "open" and index % 2 == 0
        )
        pool = [demo_member, *others] if demo_first else others
        mentor = _pick_mentor(pool, organisation, component, busy)
        if mentor is None:
            made.open_requests += 1
            continue
        services.ask_mentors(requester, request, [mentor.id], "We would value your help.")
        if kind == "open":
            _date_open(request, now - timedelta(days=rng.randint(1, 9)))
            made.open_requests += 1
            continue
        ask = db.session.scalar(
            sa.select(MentoringAsk).where(MentoringAsk.request_id == request.id)
        )
        mentorship = services.respond(mentor, ask, accept=True, message="Happy to help.")
        busy[mentor.id] = busy.get(mentor.id, 0) + 1
        _work(rng, mentorship, requester, mentor)
        if kind == "completed":
            rating, comment = rng.choice(FEEDBACK)
            services.close_mentorship(
                requester, mentorship, outcome=rng.choice(list(Outcome)[:3]), rating=rating,
                comment=comment,
            )  # fmt: skip
            progress.give_feedback(
                mentor, mentorship, rating=rng.randint(4, 5), comment="A committed team."
            )
            busy[mentor.id] -= 1
            made.completed += 1
        else:
            made.active += 1
        _date_mentorship(rng, mentorship, now, closed=kind == "completed")


def _work(rng, mentorship, requester, mentor) -> None:
    for description in rng.sample(GOALS, 2):
        progress.add_goal(mentor, mentorship, description)
    for notes, next_steps in SESSION_NOTES[: rng.randint(2, 4)]:
        progress.log_session(
            rng.choice([requester, mentor]), mentorship, held_on=utcnow().date(),
            meeting_format=rng.choice(["video", "phone"]), notes=notes, next_steps=next_steps,
        )  # fmt: skip


def _date_open(request: MentoringRequest, asked_at) -> None:
    request.created_at = asked_at - timedelta(days=1)
    for ask in db.session.scalars(
        sa.select(MentoringAsk).where(MentoringAsk.request_id == request.id)
    ):
        ask.created_at, ask.expires_at = asked_at, asked_at + timedelta(days=14)
    db.session.commit()


def _date_mentorship(rng, mentorship: Mentorship, now, *, closed: bool) -> None:
    """Move a mentorship made today into the past, keeping its dates in order."""
    started = now - timedelta(days=rng.randint(100, 300) if closed else rng.randint(20, 90))
    waited = timedelta(hours=rng.randint(6, 240))
    request = mentorship.request
    request.created_at = started - waited
    request.matched_at = mentorship.started_at = started
    mentorship.hours_to_match = int(waited.total_seconds() // 3600)
    for ask in db.session.scalars(
        sa.select(MentoringAsk).where(MentoringAsk.request_id == request.id)
    ):
        ask.created_at = request.created_at + timedelta(hours=1)
        ask.expires_at = ask.created_at + timedelta(days=14)
        ask.responded_at = started
    ended = started + timedelta(days=rng.randint(70, 95)) if closed else now
    sessions = list(
        db.session.scalars(
            sa.select(MentoringSession)
            .where(MentoringSession.mentorship_id == mentorship.id)
            .order_by(MentoringSession.id)
        )
    )
    step = (ended - started) / (len(sessions) + 1)
    for number, session in enumerate(sessions, start=1):
        session.created_at = started + step * number
        session.held_on = session.created_at.date()
    for goal in db.session.scalars(
        sa.select(MentorshipGoal).where(MentorshipGoal.mentorship_id == mentorship.id)
    ):
        goal.created_at = goal.updated_at = started + timedelta(days=1)
        goal.progress = "achieved" if closed else rng.choice(["not_started", "in_progress"])
    if closed:
        mentorship.closed_at = request.ended_at = ended
        for feedback in db.session.scalars(
            sa.select(MentorshipFeedback).where(MentorshipFeedback.mentorship_id == mentorship.id)
        ):
            feedback.created_at = ended
    db.session.commit()


def count_assessed() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(CapabilityAssessment.organisation_id)))
    )
