"""Who may use search, and what search may show them: nothing they could not open.

A permission table over every endpoint of the search blueprint (and the
expertise finder it adds to the people page) × every role, with a check that
every endpoint has a row; then the content rules for every kind of result,
including counts and snippets: private communities, hidden and removed posts,
communities waiting for approval.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from factories import (
    add_member,
    counts,
    found,
    index_everyone,
    make_community,
    reply,
    results_html,
    start_thread,
    tab_counts,
)
from helpers import page_text, sign_in_as

from community.discussions import moderation
from community.discussions import services as discussions
from community.search.expertise import find_experts

ROLES = ("anonymous", "unconfirmed", "member", "admin")
SIGN_IN = "sign-in"


@dataclass(frozen=True)
class Route:
    endpoint: str
    url: str
    expect: dict[str, int | str]


def signed_in(status: int = 200) -> dict[str, int | str]:
    return {"anonymous": SIGN_IN, "unconfirmed": status, "member": status, "admin": status}


# Odd and hostile parameters on the search page and the expertise finder it adds to
# /people (the plain pages are rows of tests/platform/test_access_control.py).
ROUTES = [
    Route("search.index", "/search?q=discharge&type=people&sort=newest&since=week", signed_in()),
    Route(
        "search.index", "/search?q=%22tag%3A&type=bogus&community=x&system=-1&page=-3", signed_in()
    ),
    Route("search.index", "/search?q=falls&page=99999999999999999999", signed_in()),
    Route("people.directory", "/people?topic=discharge&system=2", signed_in()),
    # The editor's @mention suggestions: JSON for signed-in members, wildcards taken literally.
]


def test_every_search_endpoint_has_a_row(app):
    ours = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("search.")
    }
    covered = {route.endpoint for route in ROUTES}
    assert ours and ours <= covered, f"add rows for: {sorted(ours - covered)}"
    for route in ROUTES:
        assert set(route.expect) == set(ROLES), f"{route.url}: give a status for every role"


@pytest.fixture
def people(make_user, member, admin, unconfirmed):
    return {"member": member, "admin": admin, "unconfirmed": unconfirmed}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.url)
def test_permission_table(make_client, people, route):
    got = {}
    for role in ROLES:
        client = make_client()
        if role != "anonymous":
            sign_in_as(client, people[role])
        response = client.get(route.url)
        location = response.headers.get("Location", "")
        got[role] = (
            SIGN_IN
            if response.status_code == 302 and "/account/sign-in" in location
            else (response.status_code)
        )
    assert got == route.expect


# ------------------------------------------------------------------ content rules


@pytest.fixture
def private_world(db, admin, fran, insider, outsider):
    """An open and a private community, each with a thread, replies and a hidden/removed post."""
    open_one = make_community(fran, "Open pharmacy group")
    private = make_community(
        fran, "Secret pharmacy circle", private=True, purpose="Quokka governance"
    )
    add_member(private, insider, fran)
    add_member(open_one, insider, fran)
    secret = start_thread(fran, private, "Quokka audit results", "Quokka numbers are confidential.")
    secret_reply = reply(insider, secret, "Quokka reply with more numbers.")
    public = start_thread(fran, open_one, "Wombat medicines review", "Wombat opening post.")
    hidden = reply(insider, public, "Wombat hidden remark with platypus.")
    removed = reply(insider, public, "Wombat removed remark with echidna.")
    shown = reply(fran, public, "Wombat shown reply.")
    moderation.hide_post(fran, hidden)
    discussions.delete_post(insider, removed)
    index_everyone()
    return locals()


def test_a_private_community_is_invisible_to_outsiders_in_results_and_counts(private_world):
    w = private_world
    assert found(w["outsider"], "quokka") == []
    assert counts(w["outsider"], "quokka") == dict.fromkeys(
        ("discussions", "methods", "projects", "people", "communities"), 0
    )
    assert found(w["outsider"], "in:secret-pharmacy-circle") == []
    assert set(found(w["insider"], "quokka")) == {
        ("community", w["private"].id),
        ("thread", w["secret"].id),
        ("post", w["secret_reply"].id),
    }
    assert counts(w["insider"], "quokka")["discussions"] == 2
    assert len(found(w["admin"], "quokka")) == 3  # administrators moderate everything


def test_outsiders_get_no_snippet_title_or_count_from_a_private_community(private_world, auth):
    w = private_world
    response = auth.as_user(w["outsider"]).get("/search?q=quokka")
    html = response.get_data(as_text=True)
    assert "Quokka audit" not in html and "confidential" not in html
    assert "Quokka governance" not in html and "Secret pharmacy" not in html
    assert tab_counts(response) == {"All": 0, "Discussions": 0, "Methods": 0, "Projects": 0,
                                    "People": 0, "Communities": 0}  # fmt: skip
    assert "No results" in page_text(response)


def test_members_of_the_private_community_get_highlighted_snippets(private_world, auth):
    html = results_html(auth.as_user(private_world["insider"]).get("/search?q=quokka"))
    assert "<mark>Quokka</mark> numbers are confidential" in html


def test_a_hidden_post_is_never_found_counted_or_quoted(private_world, auth):
    w = private_world
    for person in ("outsider", "insider", "fran", "admin"):  # even its author and facilitator
        assert found(w[person], "platypus") == []
        assert counts(w[person], "platypus")["discussions"] == 0
    response = auth.as_user(w["outsider"]).get("/search?q=wombat")
    assert "platypus" not in response.get_data(as_text=True)
    assert tab_counts(response)["Discussions"] == 2  # the thread and the shown reply


def test_a_removed_post_is_never_found_counted_or_quoted(private_world, auth):
    w = private_world
    assert found(w["insider"], "echidna") == []
    assert "echidna" not in auth.as_user(w["insider"]).get("/search?q=wombat").get_data(
        as_text=True
    )


def test_a_post_hidden_by_flags_disappears_and_returns_when_kept(private_world, make_user):
    w = private_world
    flaggers = [make_user(f"flagger-{n}") for n in range(3)]
    for flagger in flaggers:
        moderation.flag_post(flagger, w["shown"], "spam", "")
    assert found(w["outsider"], "wombat shown") == []
    moderation.review_flags(w["fran"], w["shown"], "keep")
    assert found(w["outsider"], "wombat shown") == [("post", w["shown"].id)]


def test_making_a_community_private_hides_it_at_once(private_world):
    from community.communities import services as communities

    w = private_world
    assert ("thread", w["public"].id) in found(w["outsider"], "wombat")
    communities.update_community(
        w["fran"],
        w["open_one"],
        name="Open pharmacy group",
        purpose="Now private",
        learning_question="What works?",
        visibility="private",
        listed=False,
    )
    assert found(w["outsider"], "wombat") == []
    assert ("thread", w["public"].id) in found(w["insider"], "wombat")


def test_a_community_waiting_for_approval_is_seen_only_by_its_proposer(db, make_user, admin):
    from community.communities import services as communities

    proposer, other = make_user("pat-proposer"), make_user("oli-other")
    waiting = communities.propose_community(
        proposer,
        name="Capybara learning set",
        purpose="Capybara care",
        learning_question="?",
        visibility="open",
        listed=False,
    )
    assert found(proposer, "capybara") == [("community", waiting.id)]
    assert found(other, "capybara") == []
    assert found(admin, "capybara") == [("community", waiting.id)]


def test_expertise_evidence_from_a_private_community_is_not_counted(private_world, app):
    w = private_world
    discussions.toggle_helpful(w["fran"], w["secret_reply"])
    with app.test_request_context():
        outsider = find_experts(w["outsider"], "quokka")
        insider = find_experts(w["fran"], "quokka")
    assert outsider.page.total == 0
    assert [e.person.id for e in insider.page.items] == [w["insider"].id]


def test_people_are_found_by_every_signed_in_member(private_world):
    w = private_world
    assert found(w["outsider"], "Ian Insider") == [("person", w["insider"].id)]


def test_even_a_stale_index_cannot_show_a_hidden_post_or_a_private_thread(private_world, db):
    """The index's own copy of where things live is never trusted for permission."""
    from community.core.timefmt import utcnow
    from community.search.index import Document, save

    w = private_world
    # As if an update had been missed: the hidden post back in the index, and the
    # private thread claiming to live in the open community.
    save(
        Document(
            "post",
            w["hidden"].id,
            "",
            "Wombat hidden remark with platypus.",
            utcnow(),
            community_id=w["open_one"].id,
        )
    )
    save(
        Document(
            "thread",
            w["secret"].id,
            "Quokka audit results",
            "Quokka numbers",
            utcnow(),
            community_id=w["open_one"].id,
        )
    )
    db.session.commit()
    assert found(w["outsider"], "platypus") == []
    assert found(w["outsider"], "quokka") == []
    assert counts(w["outsider"], "quokka")["discussions"] == 0
    assert found(w["insider"], "quokka")  # a member still finds the thread
