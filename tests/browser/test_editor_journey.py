"""Writing a reply with the editor: quoting a selected sentence, the toolbar, the preview,
an @mention suggestion and a draft that survives a closed tab, by keyboard where a person would."""

from __future__ import annotations

import pytest
from factories import add_member, make_community, make_thread
from playwright.sync_api import expect

from community.accounts.models import User

from .support import Person, release

pytestmark = pytest.mark.browser

OPENING = (
    "## What we changed\n\n"
    "We moved the board round to 8am. Transport was booked the day before.\n\n"
    "- Ward 7\n- Ward 9\n"
)


def select_sentence(page, article, sentence: str) -> None:
    """Select `sentence` in the post's text, as a reader dragging over it would."""
    article.locator(":scope > .ic-markdown p").first.evaluate(
        """(p, sentence) => {
            const text = p.firstChild;
            const start = text.textContent.indexOf(sentence);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + sentence.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        sentence,
    )


def test_a_reply_quotes_a_selected_sentence_and_uses_the_toolbar_preview_and_mentions(
    new_page, live_server, db, make_user, sign_in, check_accessibility
):
    fay = make_user("fay-facilitator", name="Fay Facilitator")
    ash = make_user("ash-author", name="Ash Author")
    writer = Person.of(make_user("mo-member", name="Mo Member"))
    make_user("sam-nurse", name="Samira Khan")
    community = make_community(fay, "Discharge Lounge", members=[ash])
    add_member(community, db.session.get(User, writer.id))
    thread = make_thread(ash, community, title="Board rounds at 8am", body=OPENING)
    thread_path = f"/communities/{community.slug}/threads/{thread.id}-{thread.slug}"
    db.session.commit()
    release(db)

    page = new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, writer, then=thread_path)
    opening = page.locator("article.ic-post").first
    select_sentence(page, opening, "We moved the board round to 8am.")
    opening.get_by_role("link", name="Reply to post by Ash Author").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reply")
    body = page.get_by_label("Your reply")
    expect(body).to_have_value("> We moved the board round to 8am.\n\n")
    # The quoted post above the form is rendered, never its Markdown.
    expect(page.locator("blockquote.ic-quote h2")).to_have_text("What we changed")
    expect(page.locator("blockquote.ic-quote")).not_to_contain_text("##")

    toolbar = page.get_by_role("toolbar", name="Formatting")
    expect(toolbar).to_be_visible()
    check_accessibility(page)

    # Type after the quote; make a word bold with the toolbar, reached by keyboard.
    body.press("Control+End")
    body.type("It worked for us too:\n\n- Ward 3\n  - nights as well\n- Ward 4\n\nThanks ")
    with page.expect_response(lambda r: "/people/lookup" in r.url) as lookup:
        body.type("@sa")
    assert lookup.value.ok, f"the people lookup answered {lookup.value.status}"
    suggestion = page.get_by_role("option", name="Samira Khan (@sam-nurse)", exact=False)
    expect(suggestion).to_be_visible()
    body.press("Enter")
    expect(body).to_have_value(
        "> We moved the board round to 8am.\n\nIt worked for us too:\n\n- Ward 3\n"
        "  - nights as well\n- Ward 4\n\nThanks @sam-nurse "
    )
    body.type("for the ")
    # By keyboard: the toolbar is one tab stop before the textarea; arrows move along it.
    body.press("Shift+Tab")
    expect(toolbar.get_by_role("button", name="Bold")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(toolbar.get_by_role("button", name="Link")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(body).to_be_focused()
    page.keyboard.type("idea")
    expect(body).to_have_value(
        "> We moved the board round to 8am.\n\nIt worked for us too:\n\n- Ward 3\n"
        "  - nights as well\n- Ward 4\n\nThanks @sam-nurse for the **idea**"
    )

    # The preview shows the post as it will be, without leaving the page.
    with page.expect_response(lambda r: "/preview" in r.url) as previewed:
        page.get_by_role("button", name="Preview").click()
    assert previewed.value.ok, f"the preview answered {previewed.value.status}"
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("blockquote")).to_have_text("We moved the board round to 8am.")
    expect(preview.locator("li li")).to_have_text("nights as well")
    expect(preview.locator("strong")).to_have_text("idea")
    check_accessibility(page)

    # The tab is closed before posting: the draft comes back on the same reply page.
    # (Kept in this browser once the writer left the box, for the Preview button.)
    page.wait_for_function(
        "() => Object.keys(localStorage).some(key => key.startsWith('ic-draft:'))"
    )
    reply_path = page.url.removeprefix(live_server.url).split("&quote=")[0]
    browser_context = page.context
    page.close()
    again = browser_context.new_page()
    again.goto(reply_path)
    expect(again.get_by_text("Your unsent draft from this browser is back.")).to_be_visible()
    expect(again.get_by_label("Your reply")).to_have_value(
        "> We moved the board round to 8am.\n\nIt worked for us too:\n\n- Ward 3\n"
        "  - nights as well\n- Ward 4\n\nThanks @sam-nurse for the **idea**"
    )
    again.get_by_role("button", name="Post reply").click()
    expect(again.get_by_text("Your reply has been posted.")).to_be_visible()

    reply = again.locator("article.ic-post").last
    expect(reply.locator(":scope > .ic-markdown blockquote")).to_have_text(
        "We moved the board round to 8am."
    )
    expect(reply.locator(":scope > .ic-markdown li li")).to_have_text("nights as well")
    expect(reply.locator("blockquote.ic-quote")).to_contain_text("In reply to Ash Author")
    expect(reply.locator("blockquote.ic-quote")).not_to_contain_text("Transport")
    # Posted: the draft is gone.
    again.goto(reply_path)
    expect(again.get_by_role("toolbar", name="Formatting")).to_be_visible()  # the editor ran
    expect(again.get_by_label("Your reply")).to_have_value("")
    expect(again.get_by_text("Your unsent draft from this browser is back.")).to_have_count(0)
