"""Capacity is never exceeded, even when two acceptances arrive at the same moment.

Each acceptance runs in its own thread with its own session and transaction,
against the real database: the suite's SQLite file, or PostgreSQL when
DATABASE_URL is set. Counting the mentor's mentorships is slowed down, so that
without the lock both threads would count before either has written.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from factories import ask, ask_of, offer, request_for

from community.core.errors import RuleViolation
from community.core.extensions import db as _db
from community.mentoring import services
from community.mentoring.models import MentoringAsk, Mentorship
from community.mentoring.vocabulary import MentorshipStatus

THREADS = 2


def _slow_count(monkeypatch) -> None:
    real_count = services.active_mentorship_count

    def slow(mentor_id: int) -> int:
        time.sleep(0.3)
        return real_count(mentor_id)

    monkeypatch.setattr(services, "active_mentorship_count", slow)


def _accept_together(app, answers: list[tuple[int, int]]) -> list[object]:
    """Accept each (mentor id, ask id) in its own thread, all at once; return the outcomes."""
    from community.accounts.models import User

    barrier = threading.Barrier(len(answers))
    outcomes: list[object] = [None] * len(answers)

    def accept(index: int, mentor_id: int, ask_id: int) -> None:
        with app.app_context():
            try:
                mentor = _db.session.get(User, mentor_id)
                the_ask = _db.session.get(MentoringAsk, ask_id)
                _db.session.commit()  # end the reads: each acceptance is one fresh transaction
                barrier.wait(timeout=10)
                mentorship = services.respond(mentor, the_ask, accept=True, message="Yes")
                outcomes[index] = ("accepted", mentorship.id)
            except RuleViolation as violation:
                _db.session.rollback()
                outcomes[index] = ("refused", violation.message)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                _db.session.rollback()
                outcomes[index] = ("error", repr(error))
            finally:
                _db.session.remove()

    threads = [
        threading.Thread(target=accept, args=(index, mentor_id, ask_id))
        for index, (mentor_id, ask_id) in enumerate(answers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_acceptances_at_once_never_exceed_capacity(
    app, db, make_user, make_organisation, monkeypatch
):
    mentor = make_user("mina", name="Mina Mentor", organisation=make_organisation("Mentor Org"))
    offer(mentor, capacity=1)
    asks = []
    for index in range(THREADS):
        requester = make_user(f"req-{index}", organisation=make_organisation(f"Org {index}"))
        request = request_for(requester, title=f"Request {index}")
        ask(requester, request, mentor)
        asks.append(ask_of(request, mentor).id)
    mentor_id = mentor.id
    db.session.close()  # the test's own session must hold no lock while the threads run
    _slow_count(monkeypatch)

    outcomes = _accept_together(app, [(mentor_id, ask_id) for ask_id in asks])

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["accepted", "refused"], outcomes
    refusal = next(detail for kind, detail in outcomes if kind == "refused")
    assert "already mentoring 1 of the 1" in refusal
    running = db.session.scalar(
        sa.select(sa.func.count(Mentorship.id)).where(
            Mentorship.mentor_id == mentor_id, Mentorship.status == MentorshipStatus.ACTIVE
        )
    )
    assert running == 1


def test_two_mentors_accepting_one_request_at_once_start_one_mentorship(
    app, db, make_user, make_organisation, monkeypatch
):
    requester = make_user("rhea", organisation=make_organisation("Requesting Org"))
    mentors = [
        make_user(f"mentor-{n}", organisation=make_organisation(f"Mentor Org {n}"))
        for n in range(THREADS)
    ]
    for mentor in mentors:
        offer(mentor, capacity=2)
    request = request_for(requester)
    ask(requester, request, *mentors)
    answers = [(m.id, ask_of(request, m).id) for m in mentors]
    request_id = request.id
    db.session.close()
    _slow_count(monkeypatch)

    outcomes = _accept_together(app, answers)

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["accepted", "refused"], outcomes
    refusal = next(detail for kind, detail in outcomes if kind == "refused")
    assert "has been withdrawn" in refusal  # the winner withdrew the other ask
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Mentorship.id)).where(Mentorship.request_id == request_id)
        )
        == 1
    )


@pytest.mark.parametrize("capacity", [2, 3])
def test_a_crowd_of_acceptances_fills_exactly_the_places_offered(
    app, db, make_user, make_organisation, monkeypatch, capacity
):
    mentor = make_user("max", organisation=make_organisation("Max Org"))
    offer(mentor, capacity=capacity)
    answers = []
    for index in range(capacity + 2):
        requester = make_user(f"crowd-{index}", organisation=make_organisation(f"Crowd {index}"))
        request = request_for(requester, title=f"Crowd {index}")
        ask(requester, request, mentor)
        answers.append((mentor.id, ask_of(request, mentor).id))
    mentor_id = mentor.id
    db.session.close()
    _slow_count(monkeypatch)

    outcomes = _accept_together(app, answers)

    assert [kind for kind, _ in outcomes].count("accepted") == capacity, outcomes
    assert [kind for kind, _ in outcomes].count("refused") == 2, outcomes
    assert services.active_mentorship_count(mentor_id) == capacity
