"""A member shares a driver diagram in a private community's thread: it shows in the post,
the files pages pass axe, and a member outside the community is told it is not found."""

from __future__ import annotations

import re

import pytest
from factories import make_community, make_thread
from factories.files import pdf, png
from playwright.sync_api import expect

from community.communities.models import Visibility

from .support import Person, release

pytestmark = pytest.mark.browser


def test_a_driver_diagram_is_shared_with_the_community_and_no_one_else(
    new_page, db, make_user, sign_in, check_accessibility, live_server
):
    fay = make_user("fay-facilitator", name="Fay Facilitator")
    ash = make_user("ash-author", name="Ash Author")
    nia = make_user("nia-outsider", name="Nia Outsider")
    community = make_community(fay, "Falls collaborative", visibility=Visibility.PRIVATE,
                               members=[ash])  # fmt: skip
    thread = make_thread(ash, community, "Our driver diagram for falls")
    thread_path = f"/threads/{thread.id}"
    ash, nia = Person.of(ash), Person.of(nia)
    release(db)

    page = new_page()
    sign_in(page, ash, then=thread_path)
    page.get_by_role("link", name="Attach files to your post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Files on your post")
    check_accessibility(page)

    # A picture without its description is refused, by the field, and nothing is kept.
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "driver-diagram.png", "mimeType": "image/png", "buffer": png((400, 300))}
    )
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Describe what driver-diagram.png shows"))
           ).to_be_visible()  # fmt: skip
    check_accessibility(page)

    page.get_by_label("File", exact=True).set_input_files(
        {"name": "driver-diagram.png", "mimeType": "image/png", "buffer": png((400, 300))}
    )
    page.get_by_label("Describe the picture").fill("Driver diagram: reduce falls by 20%")
    page.get_by_label("File 2").set_input_files(
        {"name": "measurement plan.pdf", "mimeType": "application/pdf", "buffer": pdf()}
    )
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("2 files attached.")).to_be_visible()
    diagram = page.get_by_role("img", name="Driver diagram: reduce falls by 20%")
    expect(diagram).to_be_visible()
    # The picture itself loads (lazily: once it is in view), at the size it was drawn.
    diagram.scroll_into_view_if_needed()
    handle = diagram.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)
    assert page.evaluate("img => img.naturalWidth", handle) == 400
    expect(page.get_by_role("link", name="measurement plan.pdf")).to_be_visible()
    expect(page.get_by_text("(PDF document,")).to_be_visible()
    check_accessibility(page)
    file_url = diagram.get_attribute("src")

    page.get_by_role("link", name="Files of your post").click()
    page.get_by_role("link", name="Remove measurement plan.pdf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove measurement plan.pdf?")
    check_accessibility(page)
    page.get_by_role("button", name="Remove the file").click()
    expect(page.get_by_text("measurement plan.pdf has been removed.")).to_be_visible()

    outsider = new_page()
    sign_in(outsider, nia, then="/")
    response = outsider.goto(live_server.url + file_url)
    assert response.status == 404
    assert outsider.goto(live_server.url + thread_path).status == 404
