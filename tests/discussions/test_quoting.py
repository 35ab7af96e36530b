"""Quotes: the quoted post rendered and shortened, and a quote of the part a member selected."""

from __future__ import annotations

from factories import client_as, first_post, make_post, make_thread

from community.discussions import moderation, services
from community.discussions.quoting import excerpt, selection_quote, without_opening_quote

FORMATTED = """## Board round at 8am

We moved the **board round** earlier.

- Ward 7
  - nights
- Ward 9
"""


def thread_page(client, thread) -> str:
    path = f"/communities/{thread.community.slug}/threads/{thread.id}-{thread.slug}"
    return client.get(path).get_data(as_text=True)


def reply_path(thread) -> str:
    return f"/communities/{thread.community.slug}/threads/{thread.id}/reply"


def test_a_quote_shows_the_quoted_post_rendered_not_its_markdown(lounge, ash, mo):
    thread = make_thread(ash, lounge, body=FORMATTED)
    make_post(mo, thread, "Did the nights follow?", reply_to=first_post(thread))

    html = thread_page(client_as(mo), thread)
    quote = html.split('class="ic-quote nhsuk-body-s"', 1)[1].split("</blockquote>", 1)[0]

    assert "<h2>Board round at 8am</h2>" in quote
    assert "<strong>board round</strong>" in quote
    assert "<li>Ward 7<ul>\n<li>nights</li>" in quote
    assert "**" not in quote and "##" not in quote


def test_a_long_quote_is_cut_at_a_paragraph_with_a_link_to_the_whole_post(lounge, ash, mo):
    long_body = "\n\n".join(
        f"Paragraph {n}: " + "what we learned on the ward. " * 6 for n in range(8)
    )
    thread = make_thread(ash, lounge, body=long_body)
    opening = first_post(thread)
    make_post(mo, thread, "Thank you.", reply_to=opening)

    html = thread_page(client_as(mo), thread)
    quote = html.split('class="ic-quote nhsuk-body-s"', 1)[1].split("</blockquote>", 1)[0]

    assert "Paragraph 1:" in quote and "Paragraph 3:" not in quote
    assert f'<a href="/posts/{opening.id}">Read the whole post' in quote
    short = excerpt("A short post.")
    assert not short.shortened and short.body_html == "<p>A short post.</p>"


def test_a_hidden_or_removed_quoted_post_shows_nothing_of_its_text(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge, body="Secret ward detail")
    opening = first_post(thread)
    make_post(mo, thread, "Replying here.", reply_to=opening)
    moderation.hide_post(fay, opening)

    html = thread_page(client_as(mo), thread)
    assert "Secret ward detail" not in html
    assert "In reply to a post that is no longer shown." in html

    moderation.unhide_post(fay, opening)
    services.delete_post(ash, opening)
    html = thread_page(client_as(mo), thread)
    assert "Secret ward detail" not in html


def test_a_selected_sentence_starts_the_reply_as_a_quote(lounge, ash, mo):
    thread = make_thread(ash, lounge, body="We moved the **board round** to 8am. It helped.")
    opening = first_post(thread)

    page = (
        client_as(mo)
        .get(f"{reply_path(thread)}?to={opening.id}&quote=We moved the board round to 8am.")
        .get_data(as_text=True)
    )

    assert "&gt; We moved the board round to 8am.\n" in page  # in the textarea
    response = client_as(mo).post(
        reply_path(thread),
        data={
            "body": "> We moved the board round to 8am.\n\nDid it help?",
            "reply_to": str(opening.id),
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    reply_html = html.split("Did it help?", 1)[0].rsplit("<article", 1)[1]
    # The reply quotes the sentence itself; above it, only the link, not the post's start again.
    assert f'<a href="/posts/{opening.id}">In reply to Ash Author</a></p>' in reply_html
    assert "<blockquote>\n<p>We moved the board round to 8am.</p>\n</blockquote>" in reply_html
    assert "It helped." not in reply_html


def test_a_selection_is_only_taken_from_the_quoted_post_in_the_same_thread(lounge, ash, mo):
    thread = make_thread(ash, lounge, body="We moved the board round to 8am.")
    other = make_thread(ash, lounge, body="Private words from another thread.")

    made_up = (
        client_as(mo)
        .get(f"{reply_path(thread)}?to={first_post(thread).id}&quote=Close the ward")
        .get_data(as_text=True)
    )
    elsewhere = client_as(mo).get(f"{reply_path(thread)}?to={first_post(other).id}&quote=Private")

    assert "Close the ward" not in made_up.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert elsewhere.status_code == 404
    assert selection_quote("first\n\nsecond", "- first\n- second") == "> first\n>\n> second\n\n"
    assert selection_quote("   ", "anything") is None


def test_words_selected_from_a_post_go_when_the_post_is_hidden_or_purged(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge, body="Bed 4 is Mr Example. We moved the board round.")
    opening = first_post(thread)
    make_post(mo, thread, "> Bed 4 is Mr Example.\n\nThanks, useful.", reply_to=opening)
    assert "Bed 4 is Mr Example." in thread_page(client_as(fay), thread).split("Thanks")[0]

    moderation.hide_post(fay, opening)
    html = thread_page(client_as(mo), thread)

    assert "Bed 4" not in html
    assert "Thanks, useful." in html
    assert "In reply to a post that is no longer shown." in html
    assert (
        without_opening_quote(
            "<blockquote>\n<blockquote><p>a</p></blockquote>\n</blockquote>\n<p>b</p>"
        )
        == "<p>b</p>"
    )
    assert without_opening_quote("<p>b</p>") == "<p>b</p>"
