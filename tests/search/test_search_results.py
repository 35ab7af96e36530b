"""Searching real content: each query-language feature, filters, ranking, snippets, pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from factories import (
    add_member,
    counts,
    found,
    index_everyone,
    make_community,
    reply,
    results_html,
    search_as,
    start_thread,
    tab_counts,
)
from helpers import page_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.accounts import services as accounts
from community.core.timefmt import utcnow
from community.discussions import services as discussions
from community.discussions.models import Post, Thread


@dataclass
class World:
    sam: object
    priya: object
    admin: object
    coastal: object
    pennine: object
    discharge: object
    falls: object
    circle: object
    criteria: object
    board_round: object
    night_falls: object
    huddles: object
    audit: object


@pytest.fixture
def world(db, make_user, make_system, make_organisation, admin, vocabulary):
    coastal, pennine = make_system("Coastal Integrated Care System"), make_system("Pennine ICS")
    sam = make_user(
        "sam-patel",
        name="Sam Patel",
        job_title="Discharge coordinator",
        organisation=make_organisation("Coastal Hospitals", system=coastal),
    )
    priya = make_user(
        "priya-shah",
        name="Priya Shah",
        job_title="Falls lead",
        organisation=make_organisation("Pennine Health", system=pennine),
    )
    lean = next(t for t in vocabulary if t.name == "Lean")
    accounts.update_profile(
        priya,
        name="Priya Shah",
        job_title="Falls lead",
        organisation_id=priya.organisation_id,
        bio="I coach *Lean* teams.",
        tag_ids=[lean.id],
        other_tags="",
    )
    discharge = make_community(sam, "Discharge before midday")
    falls = make_community(priya, "Falls prevention", purpose="Fewer falls at home")
    circle = make_community(priya, "QI leads circle", private=True)
    add_member(discharge, priya, sam)
    add_member(falls, sam, priya)
    criteria = start_thread(
        sam,
        discharge,
        "Criteria-led discharge on the wards",
        "Nurses discharge patients against agreed criteria.",
    )
    board_round = reply(priya, criteria, "We used a board round every morning to plan discharges.")
    night_falls = start_thread(
        priya,
        falls,
        "Night-time falls in older people",
        "Lying and standing blood pressure checks reduced falls.",
    )
    huddles = reply(sam, night_falls, "Our frailty team ran huddles at the nurses' station.")
    audit = start_thread(
        priya,
        circle,
        "Confidential discharge audit",
        "Zebra figures for discharge from the private audit.",
    )
    index_everyone()
    return World(
        sam,
        priya,
        admin,
        coastal,
        pennine,
        discharge,
        falls,
        circle,
        criteria,
        board_round,
        night_falls,
        huddles,
        audit,
    )


def test_plain_words_are_stemmed_and_all_must_match(world):
    results = found(world.sam, "discharges")
    assert ("thread", world.criteria.id) in results
    assert ("post", world.board_round.id) in results  # "discharges" in the reply
    assert ("community", world.discharge.id) in results
    assert found(world.sam, "discharge zebra") == []  # the only zebra is private to sam


def test_a_quoted_phrase_needs_its_words_in_order(world):
    assert found(world.sam, '"board round"') == [("post", world.board_round.id)]
    assert found(world.sam, '"round board"') == []


def test_a_minus_leaves_out_results_with_that_word(world):
    with_blood = found(world.sam, "falls")
    assert ("thread", world.night_falls.id) in with_blood
    without = found(world.sam, "falls -blood")
    assert ("thread", world.night_falls.id) not in without
    assert ("community", world.falls.id) in without


def test_a_star_finds_words_that_start_with_the_letters(world):
    assert found(world.sam, "frail*") == [("post", world.huddles.id)]
    assert found(world.sam, "frail") == []


def test_tag_finds_people_with_that_expertise(world):
    assert found(world.sam, "tag:lean") == [("person", world.priya.id)]
    assert found(world.sam, 'tag:"process mapping"') == []


def test_author_by_username_or_full_name(world):
    by_sam = set(found(world.priya, "author:sam-patel"))
    assert by_sam == {("thread", world.criteria.id), ("post", world.huddles.id)}
    assert set(found(world.priya, 'author:"Sam Patel"')) == by_sam
    assert found(world.priya, "author:@sam-patel huddles") == [("post", world.huddles.id)]


def test_in_by_community_address_or_name(world):
    expected = {
        ("community", world.falls.id),
        ("thread", world.night_falls.id),
        ("post", world.huddles.id),
    }
    assert set(found(world.sam, "in:falls-prevention")) == expected
    assert set(found(world.sam, 'in:"Falls prevention"')) == expected
    assert found(world.sam, "in:falls-prevention discharge") == []


def test_system_covers_people_and_what_they_wrote(world):
    assert set(found(world.priya, "system:coastal")) == {
        ("person", world.sam.id),
        ("thread", world.criteria.id),
        ("post", world.huddles.id),
    }
    assert ("person", world.priya.id) in found(world.sam, 'system:"Pennine ICS"')


def test_type_limits_the_kind_of_result(world):
    assert found(world.sam, "type:people falls") == [("person", world.priya.id)]
    assert set(counts(world.sam, "type:people falls")) == {"people"}
    kinds = {kind for kind, _ in found(world.sam, "type:discussions discharge")}
    assert kinds == {"thread", "post"}


def test_filters_for_community_system_and_organisation(world):
    assert {k for k, _ in found(world.sam, "falls", community_id=world.falls.id)} == {
        "community",
        "thread",
    }
    assert found(world.sam, "falls", system_id=world.coastal.id) == []
    assert found(world.sam, "huddles", organisation_id=world.sam.organisation_id) == [
        ("post", world.huddles.id)
    ]
    assert found(world.sam, "huddles", organisation_id=world.priya.organisation_id) == []


def test_date_filter_and_newest_first(world, db):
    old = utcnow() - timedelta(days=40)
    db.session.execute(
        sa.update(Thread).where(Thread.id == world.criteria.id).values(created_at=old)
    )
    db.session.execute(
        sa.update(Post).where(Post.thread_id == world.criteria.id).values(created_at=old)
    )
    index_everyone()  # the dates were changed behind the services' backs
    assert ("thread", world.criteria.id) in found(world.sam, "discharge")
    assert ("thread", world.criteria.id) not in found(world.sam, "discharge", since="month")
    assert ("thread", world.criteria.id) in found(world.sam, "discharge", since="year")
    newest = found(world.sam, "discharge", sort="newest")
    assert newest.index(("community", world.discharge.id)) < newest.index(
        ("thread", world.criteria.id)
    )


def test_a_title_match_ranks_above_a_body_match(world):
    body_only = reply(world.sam, world.criteria, "Huddles help with discharge planning too.")
    titled = start_thread(world.sam, world.discharge, "Huddles that work", "A short note.")
    ranked = found(world.sam, "huddles")
    assert ranked.index(("thread", titled.id)) < ranked.index(("post", body_only.id))


def test_more_mentions_rank_higher_and_a_long_reply_s_mentions_count_for_less(world):
    # Each later reply is a moment more recent, which favours it: the words must win.
    thrice = reply(world.sam, world.criteria, "Tombola, tombolas and one more tombola.")
    once = reply(world.sam, world.criteria, "The tombola helped.")
    rambling = reply(world.sam, world.criteria, "Tombola. " + "Other notes on the ward. " * 80)
    ranked = found(world.sam, "tombolas")  # any form of the word counts
    assert ranked == [("post", thrice.id), ("post", once.id), ("post", rambling.id)]


def test_a_key_learning_ranks_above_an_otherwise_equal_reply(world):
    key = reply(world.priya, world.criteria, "Escalation checklist for weekend discharge.")
    plain = reply(world.priya, world.criteria, "Escalation checklist for weekend discharge.")
    # Equal words; the later reply is a moment more recent, so it leads until…
    assert found(world.sam, "escalation checklist")[0] == ("post", plain.id)
    discussions.set_key_learning(world.sam, key, mark=True)
    assert found(world.sam, "escalation checklist")[0] == ("post", key.id)


def test_results_are_paginated_and_the_count_is_exact(world):
    for number in range(23):
        start_thread(world.sam, world.discharge, f"Ward {number} discharge story", "Notes.")
    first = search_as(world.sam, "ward story", page=1, per_page=20)
    second = search_as(world.sam, "ward story", page=2, per_page=20)
    assert first.page.total == second.page.total == 23
    assert len(first.hits) == 20 and len(second.hits) == 3
    assert not {h.object_id for h in first.hits} & {h.object_id for h in second.hits}


# ------------------------------------------------------------------ the page


def test_the_results_page_shows_where_when_and_highlighted_words(world, auth):
    client = auth.as_user(world.sam)
    response = client.get("/search?q=board+round")
    assert response.status_code == 200
    html = results_html(response)
    assert "<mark>board</mark> <mark>round</mark>" in html
    text = page_text(response)
    assert "Reply in “Criteria-led discharge on the wards”" in text
    assert "By Priya Shah" in text and "Discharge before midday" in text
    assert "How to search" in text


def test_a_thread_s_line_names_who_started_it_and_counts_its_replies(world, auth):
    text = page_text(auth.as_user(world.priya).get("/search?q=criteria-led&type=discussions"))
    assert "Started by Sam Patel · 1 reply" in text


def test_snippets_escape_what_members_wrote(world, auth):
    reply(
        world.priya,
        world.criteria,
        'Waits fell: 5 < 6 & "quotes" \ue000stay\ue001 plain. Escalate.',
    )
    html = results_html(auth.as_user(world.sam).get("/search?q=escalate"))
    assert "5 &lt; 6 &amp; &#34;quotes&#34;" in html
    assert html.count("<mark>") == html.count("</mark>") == 1  # only "Escalate"


def test_tabs_show_counts_for_each_type(world, auth):
    response = auth.as_user(world.sam).get("/search?q=falls")
    assert tab_counts(response) == {"All": 3, "Discussions": 1, "Methods": 0, "Projects": 0,
                                    "People": 1, "Communities": 1}  # fmt: skip
    people = auth.as_user(world.sam).get("/search?q=falls&type=people")
    assert "Priya Shah" in page_text(people)
    assert "Night-time falls" not in results_html(people)


def test_an_empty_search_explains_the_syntax(world, auth):
    text = page_text(auth.as_user(world.sam).get("/search"))
    assert "How to search" in text and "tag:lean" in text and "author:sam-patel" in text


def test_the_header_has_a_search_box_for_members_only(world, auth, app):
    page = auth.as_user(world.sam).get("/communities").get_data(as_text=True)
    with app.app_context():  # a fresh `g`, so no signed-in member is remembered
        landing = app.test_client().get("/").get_data(as_text=True)
    assert 'action="/search"' not in landing
    assert 'action="/search"' in page and 'name="q"' in page


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/search?q=discharge")
    assert response.status_code == 302 and "/account/sign-in" in response.location


query_text = st.one_of(
    st.text(max_size=120),
    st.lists(
        st.sampled_from(
            [
                '"',
                "-",
                "*",
                "tag:",
                "in:",
                "type:",
                "author:",
                "system:",
                "(",
                "NEAR(",
                "AND",
                "OR",
                "NOT",
                "^",
                "{title}:",
                "falls",
                "disch*",
                "'",
                "\\",
                ":*",
                "!!",
                "&",
                "|",
                "<b>",
                "%",
                "_",
                "\u201c",
            ]
        ),
        max_size=12,
    ).map(" ".join),
)
param = st.one_of(st.none(), st.text(max_size=12), st.integers(-(2**70), 2**70).map(str))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=query_text, type_=param, community=param, system=param, since=param, sort=param, page=param
)
def test_no_input_ever_breaks_the_search_page(
    world, auth, q, type_, community, system, since, sort, page
):
    params = {
        "q": q,
        "type": type_,
        "community": community,
        "system": system,
        "organisation": community,
        "since": since,
        "sort": sort,
        "page": page,
    }
    response = auth.as_user(world.sam).get(
        "/search", query_string={k: v for k, v in params.items() if v is not None}
    )
    assert response.status_code == 200
    assert "Zebra" not in response.get_data(as_text=True)
