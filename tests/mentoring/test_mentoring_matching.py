"""Mentor suggestions: worked examples of the ranking and its reasons, and who is left out."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import (
    ask,
    complete_mentorship,
    discussion_evidence,
    improving_project,
    methods_on,
    offer,
    request_for,
    start_mentorship,
    tag,
)

from community.mentoring import offers
from community.mentoring.matching import ranking as matching

SPC = "Statistical process control"


@pytest.fixture
def north(make_system):
    return make_system("North and Coast")


@pytest.fixture
def south(make_system):
    return make_system("South Downs")


@pytest.fixture
def requester(make_user, make_organisation, north):
    riverside = make_organisation("Riverside Community Health", system=north)
    return make_user("rita-requester", name="Rita Requester", organisation=riverside)


def _other_requester(make_user, make_organisation, system, name):
    organisation = make_organisation(f"{name} Trust", system=system)
    return make_user(name.lower(), name=name, organisation=organisation)


def _by_name(suggestions):
    return {s.candidate.name: s for s in suggestions}


def test_worked_example_ranks_by_evidence_and_explains_each_mentor(
    db, make_user, make_organisation, requester, north, south
):
    """docs/mentoring.md's worked example: three mentors for a request on capability and SPC."""
    asha = make_user(
        "asha", name="Asha Adeyemi", organisation=make_organisation("North Trust", system=north)
    )
    ben = make_user(
        "ben", name="Ben Bennett", organisation=make_organisation("South Trust", system=south)
    )
    cara = make_user(
        "cara", name="Cara Chowdhury", organisation=make_organisation("South PCN", system=south)
    )
    ben.expertise = [tag(SPC)]
    db.session.commit()

    # Asha: offers both areas; two methods on SPC, adapted 3 times and used by 4 members;
    # 12 helpful marks and 2 key learnings in open communities; a project showing
    # improvement; two organisations mentored to an outcome, rated 5 and 4.
    offer(asha, components=[4], approaches=[SPC], formats=["video"], capacity=3)
    others = [
        _other_requester(make_user, make_organisation, south, name)
        for name in ("Olu", "Priya", "Ravi", "Sue")
    ]
    first, second = methods_on(asha, SPC, 2)
    methods_on(others[0], "Lean")  # someone else's method, on something else
    from factories import adapt

    from community.methods import uses

    for adapter, method in ((others[0], first), (others[1], first), (others[2], second)):
        adapt(adapter, method)
    for user in others:
        uses.record_use(user, first if user is not others[3] else second)
    discussion_evidence(asha, helpful=12, key_learnings=2)
    improving_project(asha)
    for other, rating in ((others[0], 5), (others[1], 4)):
        complete_mentorship(other, asha, rating=rating)
    # Ben: offers the component, has SPC only in his declared expertise, can travel north.
    offer(ben, components=[4], formats=["phone", "in_person"], capacity=1, travel=[north])
    # Cara: offers SPC only, has one mentorship running, and her evidence is all in a
    # private community, which must not count (nor show).
    offer(cara, components=[], approaches=[SPC], formats=["video"], capacity=2)
    discussion_evidence(cara, helpful=30, key_learnings=3, visibility="private")
    quinn = _other_requester(make_user, make_organisation, south, "Quinn")
    start_mentorship(quinn, cara, approaches=[SPC])

    request = request_for(requester, components=[4], approaches=[SPC], preferred_format="video")
    suggestions = matching.suggest(request)

    assert [s.candidate.name for s in suggestions] == [
        "Asha Adeyemi",
        "Ben Bennett",
        "Cara Chowdhury",
    ]
    asha_s, ben_s, cara_s = suggestions
    # 35 area + 11 methods (6 + 3 + 2) + 7 discussions (5 + 2) + 2.5 projects
    # + 14.5 track record (4 + 10.5) + 10 proximity + 3 format + 2 capacity
    assert asha_s.score == 85
    assert asha_s.reasons == [
        "offers mentoring in “Capability and capacity” and “Statistical process control”",
        "published 2 methods on what you asked for; 3 adaptations of them in use; "
        "used by 4 members",
        "posts marked helpful 12 times and wrote 2 key learnings in open communities",
        "on the team of 1 project whose measures show improvement",
        "mentored 2 organisations, rated 4.5/5",
        "in your system",
        "offers video calls",
        "3 of 3 places free",
    ]
    # 26.25 area (1 + ½ of 2 areas) + 6 travel + 2 capacity
    assert ben_s.score == 34.25
    assert ben_s.reasons == [
        "offers mentoring in “Capability and capacity”; lists “Statistical process control” "
        "in their expertise",
        "has not completed a mentorship yet",
        "can travel to your system",
        "does not offer video calls",
        "1 of 1 place free",
    ]
    # 17.5 area + 3 format + 1 capacity (1 of 2 free); private evidence counts for nothing
    assert cara_s.score == 21.5
    assert cara_s.reasons == [
        "offers mentoring in “Statistical process control”",
        "has not completed a mentorship yet",
        "offers video calls",
        "1 of 2 places free",
    ]


def test_points_per_term_add_up_to_the_score(db, make_user, make_organisation, requester, north):
    mentor = make_user("dee", organisation=make_organisation("North PCN", system=north))
    offer(mentor, components=[4], capacity=2)
    [suggestion] = matching.suggest(request_for(requester, components=[4]))
    points = {part.term: part.points for part in suggestion.parts}
    assert points == {
        "area": 35, "methods": 0, "discussions": 0, "projects": 0, "track_record": 0,
        "proximity": 10, "format": 3, "capacity": 2,
    }  # fmt: skip
    assert suggestion.score == 50
    assert matching.MAX_SCORE == 100


def test_in_person_needs_the_mentor_in_or_travelling_to_the_system(
    db, make_user, make_organisation, requester, north, south
):
    near = make_user("near", name="Near Mentor", organisation=make_organisation("N1", system=north))
    far = make_user("far", name="Far Mentor", organisation=make_organisation("S1", system=south))
    offer(near, formats=["in_person"])
    offer(far, formats=["in_person"])
    found = _by_name(matching.suggest(request_for(requester, preferred_format="in_person")))
    assert "can meet in person" in found["Near Mentor"].reasons
    assert "meets in person, but not in your system" in found["Far Mentor"].reasons
    assert found["Near Mentor"].score - found["Far Mentor"].score == 13  # proximity 10 + format 3


def test_a_withdrawn_mentorship_is_not_track_record_and_unrated_ones_say_so(
    db, make_user, make_organisation, requester, south
):
    mentor = make_user("mo", name="Mo Mentor", organisation=make_organisation("S2", system=south))
    offer(mentor, capacity=3)
    complete_mentorship(
        _other_requester(make_user, make_organisation, south, "Uma"), mentor, outcome="withdrawn"
    )
    [suggestion] = matching.suggest(request_for(requester))
    assert "has not completed a mentorship yet" in suggestion.reasons

    complete_mentorship(
        _other_requester(make_user, make_organisation, south, "Vik"), mentor, rating=None
    )
    [suggestion] = matching.suggest(request_for(requester, title="Another request"))
    assert "mentored 1 organisation, not yet rated" in suggestion.reasons


def test_equal_scores_are_ordered_by_name_then_member(
    db, make_user, make_organisation, requester, south
):
    organisation = make_organisation("South Hospice", system=south)
    for username, name in (("zed", "Zed Zielinski"), ("amy", "Amy Adams"), ("max", "Max Mensah")):
        offer(make_user(username, name=name, organisation=organisation))
    names = [s.candidate.name for s in matching.suggest(request_for(requester))]
    assert names == ["Amy Adams", "Max Mensah", "Zed Zielinski"]


def test_paused_full_same_organisation_unmatched_and_asked_mentors_are_not_suggested(
    db, make_user, make_organisation, requester, south
):
    elsewhere = make_organisation("Elsewhere Trust", system=south)
    suggested = make_user("sam-suggested", name="Sam Suggested", organisation=elsewhere)
    paused = make_user("pat-paused", organisation=elsewhere)
    full = make_user("fay-full", organisation=elsewhere)
    colleague = make_user("cal-colleague", organisation=requester.organisation)
    unmatched = make_user("una-unmatched", organisation=elsewhere)
    asked = make_user("ash-asked", name="Ash Asked", organisation=elsewhere)
    for mentor in (suggested, paused, colleague, asked):
        offer(mentor)
    offer(full, capacity=1)
    start_mentorship(_other_requester(make_user, make_organisation, south, "Wen"), full)
    offers.set_paused(paused, True)
    offer(unmatched, components=[1])  # offers shared purpose only; the request is about 4
    offer(requester)  # the requester offers mentoring too, but never to themselves

    request = request_for(requester, components=[4])
    names = [s.candidate.name for s in matching.suggest(request)]
    assert names == ["Ash Asked", "Sam Suggested"]

    ask(requester, request, asked)
    assert [s.candidate.name for s in matching.suggest(request)] == ["Sam Suggested"]


def test_a_freed_place_brings_a_mentor_back(db, make_user, make_organisation, requester, south):
    from community.mentoring import services

    mentor = make_user("lee", name="Lee Lewis", organisation=make_organisation("S3", system=south))
    offer(mentor, capacity=1)
    other = _other_requester(make_user, make_organisation, south, "Xia")
    running = start_mentorship(other, mentor)
    request = request_for(requester)
    assert matching.suggest(request) == []
    services.close_mentorship(other, running, outcome="goals_met", rating=4, comment="")
    assert [s.candidate.name for s in matching.suggest(request)] == ["Lee Lewis"]


def test_suggesting_takes_the_same_number_of_statements_for_any_number_of_mentors(
    db, make_user, make_organisation, requester, south
):
    from helpers import count_queries

    organisation = make_organisation("Big Provider", system=south)

    def grow_to(total: int) -> None:
        from community.accounts.models import User
        from community.mentoring.models import MentorOffer

        existing = db.session.scalar(sa.select(sa.func.count(MentorOffer.id)))
        for index in range(existing, total):
            mentor = make_user(f"mentor-{total}-{index}", organisation=organisation)
            offer(mentor, approaches=[SPC] if index % 2 else [], capacity=1 + index % 3)
            if index % 3 == 0:
                discussion_evidence(mentor, helpful=index, key_learnings=index % 2)
        assert db.session.scalar(sa.select(sa.func.count(User.id))) >= total

    request = request_for(requester, approaches=[SPC])
    grow_to(5)
    with count_queries() as few:
        assert len(matching.suggest(request)) == 5
    grow_to(50)
    with count_queries() as many:
        assert len(matching.suggest(request)) == 50
    assert few.count == many.count, many.statements
    assert many.count <= 12  # the request and its areas, the candidates, five terms


def test_evidence_is_counted_when_a_mentor_offers_and_by_the_hourly_job(
    app, db, make_user, make_organisation, requester, south
):
    from community.discussions.models import Post
    from community.mentoring.matching.evidence import MentorEvidence

    mentor = make_user("eve", name="Eve Evans", organisation=make_organisation("S4", system=south))
    discussion_evidence(mentor, helpful=6, key_learnings=1)  # before offering
    offer(mentor)
    [suggestion] = matching.suggest(request_for(requester))
    assert "posts marked helpful 6 times and wrote 1 key learning in open communities" in (
        suggestion.reasons
    )

    # A removed post stops counting once the job recounts.
    db.session.execute(sa.update(Post).values(deleted_at=sa.func.current_timestamp()))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mentoring", "refresh-evidence"])
    assert result.output.strip() == "Evidence recounted for 1 mentor."
    assert db.session.get(MentorEvidence, mentor.id) is None
    [suggestion] = matching.suggest(request_for(requester, title="Again"))
    assert not any("helpful" in reason for reason in suggestion.reasons)


def test_private_or_unpublished_work_is_no_evidence(
    db, make_user, make_organisation, requester, south
):
    from factories import draft_method, make_community, publish_method

    mentor = make_user(
        "pia", name="Pia Private", organisation=make_organisation("S5", system=south)
    )
    offer(mentor, approaches=[SPC])
    private = make_community(mentor, private=True)
    publish_method(mentor, approach_ids=[tag(SPC).id], community_id=private.id)
    draft_method(mentor, approach_ids=[tag(SPC).id])
    project = improving_project(mentor)
    project.community_id = private.id
    db.session.commit()

    [suggestion] = matching.suggest(request_for(requester, approaches=[SPC]))
    points = {part.term: part.points for part in suggestion.parts}
    assert (points["methods"], points["projects"]) == (0, 0)
    assert not any("method" in r or "project" in r for r in suggestion.reasons)

    publish_method(mentor, approach_ids=[tag(SPC).id])  # now one that everyone can read
    [suggestion] = matching.suggest(request_for(requester, approaches=[SPC], title="Again"))
    assert "published 1 method on what you asked for" in suggestion.reasons


@pytest.fixture
def varied_mentors(db, make_user, make_organisation, requester, north, south):
    """Mentors whose evidence differs in every term, so bounds and scores spread out.

    With any format: Gil ranks first, though far away and offering one area,
    thanks to his methods and project (which a bound counts at their maximum);
    Hu second. Cy's method and project give him a bound above Hu's, though his
    score is well below: a pool of the two best bounds (Gil, Cy) must grow to
    find Hu.
    """
    far = make_organisation("Far Trust", system=south)
    near = make_organisation("Near Trust", system=north)
    made = {}
    for name, org, areas, travel, formats, capacity in (
        ("Ada", near, dict(components=[4], approaches=[SPC]), [], ["video"], 3),
        ("Bo", near, dict(components=[4]), [], ["phone"], 1),
        ("Cy", far, dict(components=[4], approaches=[SPC]), [north], ["in_person"], 2),
        ("Di", far, dict(components=[], approaches=[SPC]), [], ["video"], 2),
        ("Ed", near, dict(components=[4]), [], ["video", "phone"], 2),
        ("Fi", far, dict(components=[4]), [north], ["video"], 4),
        ("Gil", far, dict(components=[], approaches=[SPC]), [], ["phone"], 1),
        ("Hu", near, dict(components=[4], approaches=[SPC]), [], ["in_person"], 1),
    ):  # fmt: skip
        mentor = make_user(name.lower(), name=f"{name} Mentor", organisation=org)
        offer(mentor, formats=formats, capacity=capacity, travel=travel, **areas)
        made[name] = mentor
    made["Bo"].expertise = [tag(SPC)]
    made["Fi"].expertise = [tag(SPC)]
    db.session.commit()
    users = [_other_requester(make_user, make_organisation, south, f"Org{i}") for i in range(5)]
    methods_on(made["Gil"], SPC, 3, adapted_by=users[:3], used_by=users[:4])
    improving_project(made["Gil"])
    discussion_evidence(made["Gil"], helpful=20, key_learnings=5)
    offer(made["Gil"], components=[4], formats=["phone"], capacity=1)  # for a while
    complete_mentorship(users[4], made["Gil"], rating=5)
    offer(made["Gil"], components=[], approaches=[SPC], formats=["phone"], capacity=1)
    methods_on(made["Cy"], SPC, 1, used_by=users[:2])
    improving_project(made["Cy"], title="Fewer falls")
    discussion_evidence(made["Di"], helpful=7, key_learnings=1)
    discussion_evidence(made["Ed"], helpful=20, key_learnings=6)
    complete_mentorship(users[0], made["Hu"], rating=5)
    complete_mentorship(users[1], made["Fi"], rating=2)
    complete_mentorship(users[2], made["Fi"], rating=None)
    start_mentorship(users[3], made["Ada"])
    return made


@pytest.mark.parametrize("pool", [1, 2, 200])
@pytest.mark.parametrize("preferred_format", ["any", "in_person"])
def test_a_page_of_suggestions_is_exactly_the_top_of_the_full_ranking(
    db, requester, varied_mentors, monkeypatch, pool, preferred_format
):
    """Scoring only a pool picked by the bounds never drops or reorders anyone shown."""
    request = request_for(requester, components=[4], approaches=[SPC],
                          preferred_format=preferred_format)  # fmt: skip
    everyone = matching.suggest(request)
    assert len(everyone) == 8
    if preferred_format == "any":
        assert [s.candidate.name for s in everyone[:2]] == ["Gil Mentor", "Hu Mentor"]
    monkeypatch.setattr(matching, "POOL", pool)
    for wanted in range(1, 10):
        ranking = matching.rank(request, wanted)
        assert ranking.total == 8
        assert [(s.user_id, s.score, s.reasons) for s in ranking.best] == [
            (s.user_id, s.score, s.reasons) for s in everyone[:wanted]
        ]


@pytest.mark.parametrize("preferred_format", ["any", "phone", "in_person"])
@pytest.mark.parametrize(
    "areas",
    [dict(components=[4], approaches=[SPC]), dict(components=[4]), dict(approaches=[SPC])],
)
def test_no_mentor_scores_above_their_bound(db, requester, varied_mentors, preferred_format, areas):
    """What lets a page score only a pool: every term's bound is at least its points."""
    from community.core.extensions import db as database

    request = request_for(requester, preferred_format=preferred_format, **areas)
    needs = matching.Needs.of(request)
    rows = database.session.execute(matching._candidates_statement(needs)).all()
    bounds = {row.id: row.bound for row in rows}
    scored = matching.suggest(request)
    assert scored and set(bounds) == {s.user_id for s in scored}
    for suggestion in scored:
        assert bounds[suggestion.user_id] >= suggestion.score - matching.ROUNDING
    # Exact wherever the candidates statement reads the evidence: those who wrote
    # no method and are on no project are bounded by their score itself.
    plain = [s for s in scored if s.candidate.name not in ("Gil Mentor", "Cy Mentor")]
    for suggestion in plain:
        assert bounds[suggestion.user_id] == pytest.approx(suggestion.score, abs=0.01)
    if preferred_format == "any" and len(areas) == 2:
        by_bound = [row.name for row in rows]  # the statement's order: best bound first
        assert by_bound.index("Cy Mentor") < by_bound.index("Hu Mentor")


def test_a_page_needs_few_statements_and_counts_every_suggestion(
    db, requester, varied_mentors, monkeypatch
):
    from helpers import count_queries

    request = request_for(requester, components=[4], approaches=[SPC])
    monkeypatch.setattr(matching, "POOL", 1)
    with count_queries() as counted:
        ranking = matching.rank(request, 2)
    assert ranking.total == 8 and len(ranking.best) == 2
    assert counted.count <= 2 + 4 * 4, counted.statements  # the request; at most 4 rounds
    assert matching.rank(request, 0).best == ()
