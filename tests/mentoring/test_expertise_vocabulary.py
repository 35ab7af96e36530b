"""The expertise finder reads the vocabulary: one topic however it is spelt,
and an idiom is not evidence ("falls" is not "fall away")."""

from __future__ import annotations

import pytest
from factories import add_member, index_everyone, make_community, reply
from helpers import page_text

from community.accounts import services as accounts
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.discussions import services as discussions
from community.search.expertise import find_experts
from community.search.vocabulary import forms, tags_in, tags_named
from community.search.working_on import working_on


@pytest.fixture
def people(db, make_user, admin, vocabulary, organisation):
    vic = make_user("vic-viewer", name="Vic Viewer")
    sam = make_user("sam-spc", name="Sam Charts")
    tia = make_user("tia-words", name="Tia Words")
    uma = make_user("uma-declares", name="Uma Declares")
    nia = make_user("nia-falls", name="Nia Falls")
    oli = make_user("oli-idiom", name="Oli Idiom")
    spc = next(t for t in vocabulary if t.name == "Statistical process control")
    accounts.update_profile(uma, name="Uma Declares", job_title="Analyst", bio="",
                            organisation_id=organisation.id, tag_ids=[spc.id],
                            other_tags="")  # fmt: skip
    group = make_community(vic, "Ward improvement")
    for person in (sam, tia, uma, nia, oli):
        add_member(group, person, vic)
    charts = discussions.start_thread(vic, group, "Charts for the board", "What do we show?")
    key = reply(sam, charts, "An SPC chart of weekly waits, with the limits shown.")
    discussions.set_key_learning(vic, key, mark=True)
    discussions.toggle_helpful(
        vic, reply(tia, charts, "Statistical process control tells noise from signal.")
    )
    wards = discussions.start_thread(vic, group, "Weekend staffing", "Cover on ward 7")
    falls_key = reply(nia, wards, "Patient falls on ward 7 halved once we added bay nursing.")
    discussions.set_key_learning(vic, falls_key, mark=True)
    idiom = reply(oli, wards, "Referrals on ward 7 fall away at weekends, so cover can drop.")
    discussions.toggle_helpful(vic, idiom)
    discussions.toggle_helpful(sam, idiom)
    index_everyone()
    return locals()


def _ranking(app, viewer, topic):
    with app.test_request_context():
        finding = find_experts(viewer, topic)
    return finding.topic.text, [(e.person.username, e.score) for e in finding.page.items]


def test_a_topic_written_as_a_name_an_acronym_or_both_is_one_tag(people, app):
    assert forms("Statistical process control (SPC)") == (
        "statistical-process-control-spc", "statistical-process-control", "spc",
    )  # fmt: skip
    spellings = ("SPC", "spc", "statistical process control", "Statistical Process Control",
                 "Statistical process control (SPC)", "statistical-process-control")  # fmt: skip
    for spelling in spellings:
        assert [t.name for t in tags_named(spelling)] == ["Statistical process control"], spelling
    assert tags_named("fall away") == []
    assert [t.name for t in tags_named("falls")] == ["Falls prevention"]


def test_the_same_person_ranks_the_same_for_each_spelling_of_a_topic(people, app):
    viewer = people["vic"]
    expected = _ranking(app, viewer, "statistical process control")
    assert expected[0] == "Statistical process control"
    # The key learning (an SPC chart), the declared tag (and the profile that lists
    # it), the helpful reply (the words in full).
    assert [name for name, _ in expected[1]] == ["sam-spc", "uma-declares", "tia-words"]
    for spelling in ("SPC", "Statistical process control (SPC)", "spc charts"):
        assert _ranking(app, viewer, spelling) == expected, spelling


def test_a_member_whose_only_mention_is_an_idiom_does_not_rank(people, app):
    for spelling in ("falls", "Falls prevention", "patient falls"):
        topic, ranking = _ranking(app, people["vic"], spelling)
        assert topic == "Falls prevention"
        assert [name for name, _ in ranking] == ["nia-falls"], spelling


def test_a_topic_the_vocabulary_does_not_know_falls_back_to_its_words(people, app):
    topic, ranking = _ranking(app, people["vic"], "bay nursing")
    assert topic == "bay nursing"
    assert [name for name, _ in ranking] == ["nia-falls"]


def test_the_finder_page_finds_an_expert_by_acronym(people, auth):
    text = page_text(auth.as_user(people["vic"]).get("/people?topic=SPC"))
    assert "People who know about Statistical process control" in text
    assert text.index("Sam Charts") < text.index("Uma Declares") < text.index("Tia Words")
    assert "Oli Idiom" not in text


def test_a_title_names_the_vocabularys_topics_by_whole_words(people):
    assert [t.name for t in tags_in("Reducing patient falls on ward 7")] == ["Falls prevention"]
    assert [t.name for t in tags_in("Our SPC journey")] == ["Statistical process control"]
    assert tags_in("Referrals fall away at weekends") == []
    assert tags_in("Spcialist nursing") == []


def test_who_else_is_working_on_this_is_about_the_threads_topic_not_its_words(people, app):
    """The thread names falls; the idiom shares "ward 7" and "weekends" with it, not falls."""
    thread = discussions.start_thread(
        people["vic"], people["group"], "Falls on ward 7 at weekends", "Ideas welcome."
    )
    index_everyone()
    with app.test_request_context():
        panel = working_on(people["sam"], thread.title, thread_id=thread.id,
                           leave_out=[thread.author_id])  # fmt: skip
    assert panel.topic == "Falls prevention"
    assert [c.username for c in panel.colleagues] == ["nia-falls"]


def test_the_panel_shows_people_working_on_the_same_topic(people, app, auth):
    group = people["group"]
    thread = discussions.start_thread(
        people["vic"], group, "Reducing falls at night on ward 7", "Ideas welcome."
    )
    index_everyone()
    text = page_text(
        auth.as_user(people["sam"]).get(
            f"/communities/{group.slug}/threads/{thread.id}-{thread.slug}"
        )
    )
    start = text.index("Who else is working on this")
    panel = text[start : text.index("Notifications", start)]
    assert "Nia Falls" in panel
    assert "Oli Idiom" not in panel  # shares "ward 7", not falls


# ------------------------------------------------------------------ administrators extend it


def _tag(vocabulary, name):
    return next(t for t in vocabulary if t.name == name)


def test_an_administrator_adds_a_name_and_the_finder_knows_it(people, app, admin, vocabulary):
    falls = _tag(vocabulary, "Falls prevention")
    assert tags_named("slips trips and falls") == []
    accounts.set_synonyms(
        admin, falls, [*(s.text for s in falls.synonyms), "slips, trips and falls"]
    )
    assert [t.name for t in tags_named("Slips trips and falls")] == ["Falls prevention"]
    assert _ranking(app, people["vic"], "slips trips and falls")[0] == "Falls prevention"


def test_a_name_can_mean_one_area_of_expertise(people, admin, vocabulary):
    lean = _tag(vocabulary, "Lean")
    before = [s.text for s in lean.synonyms]
    with pytest.raises(RuleViolation) as refused:
        accounts.set_synonyms(admin, lean, ["lean production", "SPC"])
    assert "“SPC” already means Statistical process control" in refused.value.message
    db.session.rollback()
    assert [s.text for s in lean.synonyms] == before  # nothing half-saved
    with pytest.raises(RuleViolation) as refused:
        accounts.set_synonyms(admin, lean, ["Six Sigma"])
    assert "already means Six Sigma" in refused.value.message


def test_the_reference_data_page_edits_other_names(people, auth, admin, vocabulary):
    spc = _tag(vocabulary, "Statistical process control")
    client = auth.as_user(admin)
    listed = page_text(client.get("/admin/expertise"))
    assert "Statistical process control Approach SPC" in listed
    form = page_text(client.get(f"/admin/expertise/{spc.id}"))
    assert "Other names for Statistical process control" in form
    response = client.post(f"/admin/expertise/{spc.id}", data={"synonyms": "SPC\nshewhart chart"})
    assert response.status_code == 302
    assert [s.text for s in spc.synonyms] == ["SPC", "shewhart chart"]
    assert [t.name for t in tags_named("Shewhart chart")] == ["Statistical process control"]
    assert tags_named("control charts") == []  # taken away
    refused = page_text(client.post(f"/admin/expertise/{spc.id}", data={"synonyms": "PDSA"}))
    assert "There is a problem" in refused
    assert "“PDSA” already means Model for Improvement (PDSA)" in refused
    assert [s.text for s in spc.synonyms] == ["SPC", "shewhart chart"]


def test_people_who_are_not_administrators_cannot_edit_names(people, auth, vocabulary):
    spc = _tag(vocabulary, "Statistical process control")
    client = auth.as_user(people["vic"])
    assert client.post(f"/admin/expertise/{spc.id}", data={"synonyms": "x"}).status_code == 403
    assert "SPC" in [s.text for s in spc.synonyms]


def test_every_spelling_ranks_alike_until_a_name_is_taken_away(people, app, admin, vocabulary):
    first = _ranking(app, people["vic"], "SPC")
    assert first[0] == "Statistical process control"
    assert _ranking(app, people["vic"], "statistical process control") == first
    spc = _tag(vocabulary, "Statistical process control")
    accounts.set_synonyms(admin, spc, ["statistical process control chart"])
    topic, ranking = _ranking(app, people["vic"], "SPC")  # the very next request
    assert topic == "SPC"  # no longer a name of the tag: its words
    assert [name for name, _ in ranking] == ["sam-spc"]
