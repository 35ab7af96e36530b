"""A request's suggestions are ranked once and kept a while, but who may be suggested never is.

The suite runs with MENTOR_SUGGESTIONS_CACHE_SECONDS = 0 (every view ranks
afresh); these tests switch the keeping on.
"""

from __future__ import annotations

import re

import pytest
from factories import ask, offer, request_for, start_mentorship
from helpers import count_queries

from community.caching import stores
from community.mentoring import offers
from community.mentoring.matching import ranking as matching
from community.mentoring.matching import suggested


@pytest.fixture
def keeping(app):
    """Rankings kept for a minute, in a cache of this test's own."""
    seconds = app.config["MENTOR_SUGGESTIONS_CACHE_SECONDS"]
    app.config["MENTOR_SUGGESTIONS_CACHE_SECONDS"] = 60
    stores.remake("mentor_suggestions", app)
    yield
    app.config["MENTOR_SUGGESTIONS_CACHE_SECONDS"] = seconds
    stores.remake("mentor_suggestions", app)


@pytest.fixture
def mentors(make_user, make_organisation, make_system):
    """Five mentors for a request on IMPACT component 4, named in the order they rank."""
    south = make_system("South Downs")
    made = []
    for index, name in enumerate(("Amy", "Bea", "Cas", "Dev", "Eli")):
        organisation = make_organisation(f"{name} Trust", system=south)
        mentor = make_user(name.lower(), name=f"{name} Mentor", organisation=organisation)
        # Fewer places for each next one: the spare-capacity term orders them.
        offer(mentor, capacity=6 - index)
        if index:
            mentee_organisation = make_organisation(f"{name} PCN")
            start_mentorship(
                make_user(f"{name.lower()}-mentee", organisation=mentee_organisation), mentor
            )
        made.append(mentor)
    return made


@pytest.fixture
def requester(make_user, make_organisation, make_system):
    riverside = make_organisation("Riverside Health", system=make_system("North and Coast"))
    return make_user("rita", name="Rita Requester", organisation=riverside)


def names(ranking) -> list[str]:
    return [s.candidate.name for s in ranking.best]


def test_a_second_view_reuses_the_ranking_in_one_small_statement(db, keeping, mentors, requester):
    request = request_for(requester)
    with count_queries() as first:
        ranked = suggested.ranking(request, 3)
    assert names(ranked) == ["Amy Mentor", "Bea Mentor", "Cas Mentor"] and ranked.total == 5
    with count_queries() as again:
        assert names(suggested.ranking(request, 3)) == names(ranked)
    assert suggested.ranking(request, 3).total == 5
    # The request's needs, then one check of who may still be suggested.
    assert again.count < first.count
    assert sum("bound" in statement for statement in again.statements) == 0
    assert sum("bound" in statement for statement in first.statements) >= 1


def test_mentors_who_can_no_longer_be_suggested_drop_out_at_once(
    db, keeping, mentors, requester, make_user, make_organisation
):
    amy, bea, cas, dev, _ = mentors
    request = request_for(requester)
    assert names(suggested.ranking(request, 5))[:4] == [m.name for m in (amy, bea, cas, dev)]

    ask(requester, request, amy)
    offers.set_paused(bea, True)
    offer(cas, capacity=1)  # one place, already taken by their mentee
    assert names(suggested.ranking(request, 5)) == ["Dev Mentor", "Eli Mentor"]
    assert suggested.ranking(request, 5).total == 2

    offers.set_paused(bea, False)  # back again, in the kept place
    assert names(suggested.ranking(request, 5)) == ["Bea Mentor", "Dev Mentor", "Eli Mentor"]


def test_a_page_left_short_is_ranked_again(db, keeping, mentors, requester, monkeypatch):
    monkeypatch.setattr(suggested, "SPARE", 0)
    amy, bea, *_ = mentors
    request = request_for(requester)
    assert names(suggested.ranking(request, 2)) == ["Amy Mentor", "Bea Mentor"]
    offers.set_paused(amy, True)
    with count_queries() as counted:
        ranked = suggested.ranking(request, 2)
    assert names(ranked) == ["Bea Mentor", "Cas Mentor"] and ranked.total == 4
    assert any("bound" in statement for statement in counted.statements)  # ranked afresh


def test_a_deeper_page_than_was_kept_is_ranked_again(db, keeping, mentors, requester, monkeypatch):
    monkeypatch.setattr(suggested, "SPARE", 0)
    request = request_for(requester)
    assert len(suggested.ranking(request, 2).best) == 2
    assert names(suggested.ranking(request, 4)) == [m.name for m in mentors[:4]]


def test_new_evidence_and_new_mentors_show_when_the_kept_ranking_expires(
    db, keeping, mentors, requester, make_user, make_organisation, monkeypatch
):
    request = request_for(requester)
    assert suggested.ranking(request, 10).total == 5
    newcomer = make_user("fin", name="Fin Newcomer", organisation=make_organisation("Fin Trust"))
    offer(newcomer, capacity=9)
    assert "Fin Newcomer" not in names(suggested.ranking(request, 10))

    later = stores.time.monotonic() + 61
    monkeypatch.setattr(stores.time, "monotonic", lambda: later)
    ranked = suggested.ranking(request, 10)
    assert "Fin Newcomer" in names(ranked) and ranked.total == 6


def test_each_request_has_its_own_ranking(db, keeping, mentors, requester, make_user):
    first = request_for(requester)
    ask(requester, first, mentors[0])
    second = request_for(requester, title="Another request")
    assert "Amy Mentor" not in names(suggested.ranking(first, 5))
    assert names(suggested.ranking(second, 5))[0] == "Amy Mentor"


def test_without_keeping_every_view_ranks_exactly(db, mentors, requester):
    request = request_for(requester)
    for wanted in (1, 3, 5):
        assert names(suggested.ranking(request, wanted)) == names(matching.rank(request, wanted))


def test_the_page_offers_no_one_already_asked_while_its_ranking_is_kept(
    app, db, keeping, mentors, requester
):
    from factories import visit

    def offered() -> list[int]:
        html = visit(app, requester, "GET", url).get_data(as_text=True)
        return [int(v) for v in re.findall(r'name="mentors" type="checkbox" value="(\d+)"', html)]

    request = request_for(requester)
    url = f"/mentoring/requests/{request.id}/suggestions"
    assert offered() == [m.id for m in mentors]
    asked = visit(app, requester, "POST", url, {"mentors": [str(mentors[0].id)], "message": ""})
    assert asked.status_code == 302
    assert offered() == [m.id for m in mentors[1:]]
