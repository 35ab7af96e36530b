"""The expertise finder: worked examples of ranking by evidence, and the "who else" panel."""

from __future__ import annotations

import re
from html import unescape

import pytest
from factories import add_member, index_everyone, make_community, reply
from helpers import page_text

from community.accounts import services as accounts
from community.accounts.models import User
from community.core.extensions import db
from community.discussions import services as discussions
from community.search import expertise
from community.search.expertise import find_experts


@pytest.fixture
def example(db, make_user, make_system, make_organisation, admin, vocabulary):
    """The worked example in the expertise module's docstring, as content."""
    north, south = make_system("North ICS"), make_system("South ICS")
    north_trust = make_organisation("North Trust", system=north)
    south_trust = make_organisation("South Trust", system=south)
    vic = make_user("vic-viewer", name="Vic Viewer", organisation=north_trust)
    alice = make_user("alice-key", name="Alice Key", organisation=north_trust)
    bob = make_user("bob-declares", name="Bob Declares", organisation=south_trust)
    cara = make_user("cara-helpful", name="Cara Helpful", organisation=south_trust)
    dan = make_user("dan-quiet", name="Dan Quiet", organisation=north_trust)
    eve = make_user("eve-private", name="Eve Private", organisation=north_trust)
    flow = next(t for t in vocabulary if t.name == "Discharge and flow")
    accounts.update_profile(
        bob,
        name="Bob Declares",
        job_title="Matron",
        organisation_id=south_trust.id,
        bio="I lead our discharge work.",
        tag_ids=[flow.id],
        other_tags="",
    )
    open_group = make_community(vic, "Flow group")
    for person in (alice, bob, cara, dan):
        add_member(open_group, person, vic)
    delays = discussions.start_thread(
        vic, open_group, "Discharge delays on medical wards", "Where do the delays come from?"
    )
    key = reply(alice, delays, "Start the discharge summary at the board round.")
    discussions.set_key_learning(vic, key, mark=True)
    for reactor in (bob, cara):
        discussions.toggle_helpful(reactor, key)
    for text in ("Pharmacy to-take-out medicines early.", "Transport booked the day before."):
        discussions.toggle_helpful(vic, reply(cara, delays, text))
    reply(dan, delays, "Agree with all of this.")  # no reactions: no evidence
    rota = discussions.start_thread(vic, open_group, "Rota planning", "Weekend cover")
    busy = reply(bob, rota, "We use a six-week rota.")  # helpful, but not about the topic
    for reactor in (alice, cara, dan):
        discussions.toggle_helpful(reactor, busy)
    private = make_community(eve, "Closed flow circle", private=True)
    hidden_thread = discussions.start_thread(eve, private, "Discharge audit", "Private numbers")
    eve_key = reply(eve, hidden_thread, "Our discharge audit key finding.")
    discussions.set_key_learning(eve, eve_key, mark=True)
    index_everyone()
    return locals()


def _ranking(viewer, topic, app, **filters):
    with app.test_request_context():
        finding = find_experts(viewer, topic, **filters)
    return [(e.person.username, e.score) for e in finding.page.items], finding


def test_people_are_ranked_by_evidence_not_only_by_what_they_declare(example, app):
    ranking, _ = _ranking(example["vic"], "discharge", app)
    assert ranking == [
        ("alice-key", 7.0),  # key learning 5 + two helpful reactions (1 + 0.5 × 2)
        ("cara-helpful", 3.0),  # two helpful replies, 1.5 each
        ("bob-declares", 2.0),  # declares Discharge and flow 1.5 + profile mentions it 0.5
    ]  # dan (no reactions), eve (private to vic) and bob's rota reply do not count


def test_each_person_shows_their_evidence_in_words_with_links(example, app, auth):
    response = auth.as_user(example["vic"]).get("/people?topic=discharge")
    text = page_text(response)
    assert "People who know about discharge" in text
    assert "Alice Key" in text and "1 key learning on this topic" in text
    assert "Wrote the key learning in “Discharge delays on medical wards” (Flow group)" in text
    assert "2 helpful replies on this topic" in text
    assert "1 person found their reply helpful in “Discharge delays on medical wards”" in text
    assert "Lists as expertise: Discharge and flow" in text
    html = response.get_data(as_text=True)
    assert f'href="/posts/{example["key"].id}"' in html
    assert 'href="/people?topic=discharge-and-flow"' in html
    assert "Eve Private" not in text and "Dan Quiet" not in text


def test_a_member_of_the_private_community_sees_that_evidence_too(example, app):
    ranking, _ = _ranking(example["eve"], "discharge", app)
    assert ("eve-private", 5.0) in ranking


def test_helpful_points_are_capped_per_reply(example, app, make_user):
    extra = [make_user(f"reactor-{n}") for n in range(6)]
    for person in extra:
        discussions.toggle_helpful(person, example["busy"])
    ranking, _ = _ranking(example["vic"], "rota", app)
    assert ranking == [("bob-declares", 3.0)]  # 9 reactions, capped at 3 points


def test_a_tag_address_finds_its_declared_experts(example, app):
    ranking, finding = _ranking(example["vic"], "discharge-and-flow", app)
    assert finding.topic.text == "Discharge and flow"
    assert ranking[0][0] == "bob-declares"


def test_filter_by_system(example, app):
    ranking, _ = _ranking(example["vic"], "discharge", app, system_id=example["south"].id)
    assert [name for name, _ in ranking] == ["cara-helpful", "bob-declares"]


def test_pages_of_people_with_equal_scores_follow_their_names(example, app, make_user, vocabulary):
    """Ties are ordered by name on every page, and every page agrees on the count: the
    ranking reads names only for who can be on the page (ties with its last place too)."""
    flow = next(t for t in vocabulary if t.name == "Discharge and flow")
    names = ["Zoe Tie", "Amy Tie", "Kim Tie", "Bea Tie", "Lou Tie", "Ann Tie", "Mo Tie"]
    for name in names:
        person = make_user(name.lower().replace(" ", "-"), name=name)
        accounts.update_profile(person, name=name, job_title="", bio="",
                                organisation_id=example["north_trust"].id,
                                tag_ids=[flow.id], other_tags="")  # fmt: skip
    viewer, topic = example["vic"], expertise.topic_from("discharge-and-flow")
    with app.test_request_context():
        everyone = expertise.ranked_page(viewer, topic, limit=100)[1]
        pages = [expertise.ranked_page(viewer, topic, offset=start, limit=3)
                 for start in range(0, 12, 3)]  # fmt: skip
        ranked_names = [db.session.get(User, e.user_id).name for e in everyone]
    assert {total for total, _ in pages} == {len(everyone)}
    paged = [expert.user_id for _, page in pages for expert in page]
    assert paged == [expert.user_id for expert in everyone]
    # All eight (Bob and the seven) declare the tag, which their profiles then mention:
    # equal scores, so the order is their names'.
    assert len({expert.score for expert in everyone}) == 1 and len(everyone) == 8
    assert ranked_names == sorted(names + ["Bob Declares"])


def test_filter_by_name(example, app):
    ranking, finding = _ranking(example["vic"], "discharge", app, name="CARA")
    assert [name for name, _ in ranking] == ["cara-helpful"] and finding.page.total == 1
    ranking, _ = _ranking(example["vic"], "discharge", app, name="-key")  # a username's part
    assert [name for name, _ in ranking] == ["alice-key"]


def test_the_finder_reads_only_the_newest_matching_documents(example, app, monkeypatch):
    """Its cost is bounded: only the newest CANDIDATES matches of each kind are evidence."""
    vic, group = example["vic"], example["open_group"]
    newer = discussions.start_thread(vic, group, "Discharge huddles", "Discharge at 10am.")
    discussions.toggle_helpful(vic, reply(example["dan"], newer, "Discharge by noon works."))
    ranking, _ = _ranking(vic, "discharge", app)
    assert ("dan-quiet", 1.5) in ranking and ranking[0] == ("alice-key", 7.0)
    monkeypatch.setattr(expertise, "CANDIDATES", 2)  # only dan's reply and its thread now
    ranking, _ = _ranking(vic, "discharge", app)
    assert [name for name, _ in ranking] == ["bob-declares", "dan-quiet"]  # bob: declared


def test_no_evidence_says_so(example, auth):
    text = page_text(auth.as_user(example["vic"]).get("/people?topic=zyzzyva"))
    assert "No people" in text and "No one has shown expertise on this yet" in text


def test_the_people_directory_without_a_topic_is_unchanged(example, auth):
    text = page_text(auth.as_user(example["vic"]).get("/people?q=cara"))
    assert "Cara Helpful" in text and "Alice Key" not in text


def test_who_else_is_working_on_this_beside_a_thread(example, auth):
    vic, group = example["vic"], example["open_group"]
    lounge = discussions.start_thread(vic, group, "Discharge lounge moves", "It moved floors.")
    html = auth.as_user(example["alice"]).get(
        f"/communities/{group.slug}/threads/{lounge.id}-{lounge.slug}"
    )
    text = page_text(html)
    assert "Who else is working on this" in text
    start = text.index("Who else is working on this")
    panel = text[start : text.index("Notifications", start)]
    assert "Cara Helpful , South Trust" in panel  # helpful replies on discharge elsewhere
    assert "Alice Key" not in panel  # the viewer is not suggested to herself
    assert "Vic Viewer" not in panel  # nor the thread's own author
    assert "Eve Private" not in panel  # private evidence stays private
    assert "Find more people who know about this" in panel


def test_the_panel_reads_only_the_newest_matching_documents(example, auth, monkeypatch):
    """Its cost is bounded: evidence older than the newest few matches is not read,
    and the thread's own posts do not use up the window."""
    vic, group = example["vic"], example["open_group"]
    lounge = discussions.start_thread(vic, group, "Discharge lounge moves", "It moved floors.")
    for n in range(3):  # newer matches than all the evidence, in the thread itself
        discussions.reply(vic, lounge, f"Discharge note {n}.")
    path = f"/communities/{group.slug}/threads/{lounge.id}-{lounge.slug}"

    def panel_names() -> str:
        return page_text(auth.as_user(example["alice"]).get(path))

    assert "Cara Helpful" in panel_names()
    newer = discussions.start_thread(vic, group, "Discharge huddles", "Discharge at 10am.")
    discussions.reply(vic, newer, "Discharge planning again.")
    monkeypatch.setattr(expertise, "RECENT_WINDOW", 2)  # only the two newest now
    assert "Who else is working on this" not in panel_names()


def test_a_kept_ranking_never_names_evidence_that_has_gone(example, auth, app, monkeypatch):
    """Who is ranked is kept for a while (working out a ranking costs ~100 ms), but each
    panel drawn from it checks every piece as it is now: when Cara's replies stop being
    helpful, she leaves the very next panel, with no new ranking."""
    import sqlalchemy as sa

    from community.caching import stores
    from community.core.extensions import db
    from community.discussions.models import Post

    app.config["WORKING_ON_RANKING_SECONDS"] = 120
    stores.remake("working_on_rankings", app)
    vic, group = example["vic"], example["open_group"]
    lounge = discussions.start_thread(vic, group, "Discharge lounge moves", "It moved floors.")
    path = f"/communities/{group.slug}/threads/{lounge.id}-{lounge.slug}"
    rankings = []
    real = expertise.ranked_page
    monkeypatch.setattr(
        expertise, "ranked_page", lambda *a, **k: rankings.append(1) or real(*a, **k)
    )

    def panel() -> str:
        text = page_text(auth.as_user(example["dan"]).get(path))
        start = text.find("Who else is working on this")
        return "" if start < 0 else text[start : text.index("Notifications", start)]

    assert "Cara Helpful" in panel() and "Alice Key" in panel()
    assert len(rankings) == 1  # ranked once, kept for the second page
    helpful = db.session.scalars(
        sa.select(Post).where(Post.author_id == example["cara"].id, Post.helpful_count > 0)
    ).all()
    assert len(helpful) == 2
    for post in helpful:
        discussions.toggle_helpful(vic, post)  # (unmarked)
    after = panel()
    assert "Cara Helpful" not in after and "Alice Key" in after
    assert len(rankings) == 1  # the same kept ranking, drawn again and checked


def test_the_panel_is_left_out_when_nobody_has_evidence(example, auth):
    vic, group = example["vic"], example["open_group"]
    lonely = discussions.start_thread(vic, group, "Xylophone tuning", "Unrelated.")
    text = page_text(
        auth.as_user(example["alice"]).get(
            f"/communities/{group.slug}/threads/{lonely.id}-{lonely.slug}"
        )
    )
    assert "Who else is working on this" not in text


# ------------------------------------------------------------------ methods and projects


@pytest.fixture
def builders(db, make_user, admin, vocabulary, make_project):  # noqa: F811
    """Sepsis work in the methods library and projects, some of it private or unpublished."""
    from factories import draft_method, publish_method

    from community.methods import uses
    from community.projects import services as projects

    people = {n: make_user(n, name=n.replace("-", " ").title()) for n in (
        "vic-viewer", "ama-author", "ben-coauthor", "cal-drafter", "dee-lead", "eli-team",
        "fay-private", "gus-insider",
    )}  # fmt: skip
    p = people
    method = publish_method(p["ama-author"], "Sepsis screening", co_authors="ben-coauthor")
    for n in range(5):
        uses.record_use(make_user(f"user-{n}"), method)
    draft_method(p["cal-drafter"], "Sepsis notes")  # a draft is no evidence
    project = make_project(p["dee-lead"], title="Sepsis six within the hour")
    projects.add_team_member(p["dee-lead"], project, username="eli-team", role="", is_lead=False)
    circle = make_community(p["fay-private"], "Sepsis circle", private=True)
    add_member(circle, p["gus-insider"], p["fay-private"])
    publish_method(p["fay-private"], "Sepsis in the circle", community_id=circle.id)
    index_everyone()
    return {**people, "method": method, "project": project}


def test_method_authors_and_project_teams_are_evidence(builders, app):
    ranking, _ = _ranking(builders["vic-viewer"], "sepsis", app)
    assert ranking == [
        ("ama-author", 4.0),  # a published method 3 + 0.25 per use, at most 4
        ("ben-coauthor", 4.0),  # its co-author too
        ("dee-lead", 2.0),  # leads a project on the topic
        ("eli-team", 1.0),  # on its team
    ]  # cal's draft and fay's method in a private community do not count
    insider, _ = _ranking(builders["gus-insider"], "sepsis", app)
    assert ("fay-private", 3.0) in insider


def test_method_and_project_evidence_in_words_with_links(builders, auth):
    text = page_text(auth.as_user(builders["vic-viewer"]).get("/people?topic=sepsis"))
    method, project = builders["method"], builders["project"]
    assert "1 method on this topic" in text and "1 project on this topic" in text
    assert "Wrote the method “Sepsis screening”" in text
    assert "Leads the project “Sepsis six within the hour”" in text
    assert "On the team of the project “Sepsis six within the hour”" in text
    html = auth.as_user(builders["vic-viewer"]).get("/people?topic=sepsis").text
    assert f'href="/methods/{method.id}-{method.slug}"' in html
    assert f'href="/projects/{project.id}-{project.slug}"' in html
    assert "Fay Private" not in text and "Cal Drafter" not in text


def test_a_helpful_reply_in_a_method_discussion_is_evidence_that_names_it(builders, auth):
    from community.methods import services as methods

    thread = methods.thread_of(builders["method"])
    discussions.reply(builders["ama-author"], thread, "Ask me about it")
    answer = reply(builders["eli-team"], thread, "Screen sepsis at the front door.")
    discussions.toggle_helpful(builders["vic-viewer"], answer)
    response = auth.as_user(builders["vic-viewer"]).get("/people?topic=sepsis")
    assert response.status_code == 200
    text = page_text(response)
    assert "1 person found their reply helpful in the discussion of “Sepsis screening”" in text
    assert "1 helpful reply and 1 project on this topic" in text


# ------------------------------------------------------------------ beside methods and projects


def _panel(response) -> str:
    """The words of the "who else is working on this" panel ("" when there is none)."""
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if 'id="working-on-heading"' not in html:
        return ""
    start = html.index('<section class="ic-panel" aria-labelledby="working-on-heading">')
    return page_text_of(html[start : html.index("</section>", start)])


def page_text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def reader(make_client):
    """A device signed in as `user` (its own cookies, a fresh request context each time)."""
    from helpers import sign_in_as

    def signed_in(user):
        client = make_client()
        sign_in_as(client, user)
        return client

    return signed_in


def _method_page(method) -> str:
    return f"/methods/{method.id}-{method.slug}"


def _project_page(project) -> str:
    return f"/projects/{project.id}-{project.slug}"


def test_who_else_is_working_on_this_beside_a_method(builders, reader):
    panel = _panel(reader(builders["vic-viewer"]).get(_method_page(builders["method"])))
    assert "Who else is working on this" in panel
    assert "Dee Lead" in panel and "Leads the project “Sepsis six within the hour”" in panel
    assert "Eli Team" in panel
    assert "Ama Author" not in panel and "Ben Coauthor" not in panel  # the method's authors
    assert "Fay Private" not in panel  # her only evidence is in a circle vic is not in
    assert "Cal Drafter" not in panel  # a draft is no evidence
    assert "Find more people who know about this" in panel
    insider = _panel(reader(builders["gus-insider"]).get(_method_page(builders["method"])))
    assert "Fay Private" in insider and "Wrote the method “Sepsis in the circle”" in insider


def test_who_else_is_working_on_this_beside_a_project(builders, reader):
    page = _project_page(builders["project"])
    panel = _panel(reader(builders["vic-viewer"]).get(page))
    assert "Ama Author" in panel and "Wrote the method “Sepsis screening”" in panel
    assert "Ben Coauthor" in panel
    assert "Dee Lead" not in panel and "Eli Team" not in panel  # the project's own team
    assert "Fay Private" not in panel and "Cal Drafter" not in panel
    own = _panel(reader(builders["ama-author"]).get(page))
    assert "Ben Coauthor" in own and "Ama Author" not in own  # never yourself


def test_the_method_pages_own_discussion_is_not_evidence_of_someone_else_working_on_it(
    builders, reader
):
    from community.methods import services as methods

    thread = methods.thread_of(builders["method"])
    discussions.reply(builders["ama-author"], thread, "Ask me about it")
    answer = reply(builders["gus-insider"], thread, "We screen sepsis at triage.")
    discussions.toggle_helpful(builders["vic-viewer"], answer)
    panel = _panel(reader(builders["vic-viewer"]).get(_method_page(builders["method"])))
    assert "Gus Insider" not in panel  # their helpful reply is in this method's own thread
    project_panel = _panel(reader(builders["vic-viewer"]).get(_project_page(
        builders["project"])))  # fmt: skip
    assert "Gus Insider" in project_panel  # …but is evidence beside the project


def test_no_panel_when_nobody_else_has_evidence(builders, reader, make_project):  # noqa: F811
    lonely = make_project(builders["vic-viewer"], title="Xylophone tuning")
    assert _panel(reader(builders["vic-viewer"]).get(_project_page(lonely))) == ""


# ------------------------------------------------------------------ read afresh


def test_each_reader_s_panel_shows_only_what_they_may_see(builders, reader):
    page = _method_page(builders["method"])
    assert "Fay Private" in _panel(reader(builders["gus-insider"]).get(page))
    assert "Fay Private" not in _panel(reader(builders["vic-viewer"]).get(page))
    dee = _panel(reader(builders["dee-lead"]).get(page))
    assert "Eli Team" in dee and "Dee Lead" not in dee  # never herself
    assert "Fay Private" not in dee


def test_a_panel_never_names_evidence_the_reader_may_no_longer_see(builders, reader):
    from community.methods import services as methods

    page = _project_page(builders["project"])
    assert "Ama Author" in _panel(reader(builders["vic-viewer"]).get(page))
    methods.unpublish(builders["ama-author"], builders["method"])
    panel = _panel(reader(builders["vic-viewer"]).get(page))  # the very next request
    assert "Sepsis screening" not in panel and "Ama Author" not in panel
    assert "Ben Coauthor" not in panel


def test_a_ranking_drops_evidence_on_the_very_next_request_once_it_is_hidden(example, app):
    from community.discussions import moderation

    first, _ = _ranking(example["vic"], "discharge", app)
    assert first[0] == ("alice-key", 7.0)
    moderation.hide_post(example["vic"], example["key"])
    again, _ = _ranking(example["vic"], "discharge", app)
    assert "alice-key" not in [name for name, _ in again]  # her only evidence is hidden


def test_a_ranking_counts_only_what_its_reader_may_see(example, app):
    insider, _ = _ranking(example["eve"], "discharge", app)
    assert ("eve-private", 5.0) in insider
    outsider, _ = _ranking(example["vic"], "discharge", app)
    assert "eve-private" not in [name for name, _ in outsider]
    assert _ranking(example["dan"], "discharge", app)[0] == outsider


def test_a_draft_or_a_private_membership_gives_a_visibility_class_of_its_own(builders, app):
    from community.visibility import visibility_class

    with app.test_request_context():
        vic, dee = visibility_class(builders["vic-viewer"]), visibility_class(builders["dee-lead"])
        assert vic == dee
        assert visibility_class(builders["gus-insider"]) != vic  # in a private community
        assert visibility_class(builders["cal-drafter"]) != vic  # has a draft


# ------------------------------------------------------------------ the panel's cost


def test_the_panel_costs_the_same_statements_for_three_people_as_for_more(
    builders,
    reader,
    make_user,
    admin,
    make_project,  # noqa: F811
):
    from factories import publish_method
    from helpers import count_queries

    from community.projects import services as projects

    def statements_for(client, path: str) -> int:
        client.get(path)  # warm what any page loads once
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    group = make_community(builders["vic-viewer"], "Skin group")

    def evidence_on(word: str, authors: int):
        """Method authors, a project lead and a helpful reply on `word`, and a project page."""
        for n in range(authors):
            publish_method(make_user(f"{word.lower()}-author-{n}", name=f"{word} author {n}"), word)
        lead = make_user(f"{word.lower()}-lead", name=f"{word} lead")
        other = make_project(lead, title=f"{word} on the ward")
        colleague = f"{word.lower()}-author-0"
        projects.add_team_member(lead, other, username=colleague, role="", is_lead=False)
        helper = make_user(f"{word.lower()}-helper", name=f"{word} helper")
        add_member(group, helper, builders["vic-viewer"])
        thread = discussions.start_thread(builders["vic-viewer"], group, word, "How?")
        discussions.toggle_helpful(lead, reply(helper, thread, "Every two hours."))
        return make_project(builders["vic-viewer"], title=word)

    few, many = evidence_on("Sores", 1), evidence_on("Ulcers", 3)
    index_everyone()
    client = reader(make_user("reader"))
    few_panel = _panel(client.get(_project_page(few)))
    assert all(f"Sores {who}" in few_panel for who in ("author 0", "lead", "helper"))
    many_panel = _panel(client.get(_project_page(many)))
    assert many_panel.count("Ulcers author") == 3 and "Ulcers helper" in many_panel  # five
    assert statements_for(client, _project_page(few)) == statements_for(client, _project_page(many))
