"""A method's author attaches a driver diagram to it in a private community; it shows in
the method; a colleague adapts the method keeping the diagram and sees it on the
adaptation; a member outside the community is told the diagram is not found."""

from __future__ import annotations

import pytest
from factories import make_community, publish_method
from factories.files import png
from playwright.sync_api import expect

from community.communities.models import Visibility

from .support import Person, release

pytestmark = pytest.mark.browser

ALT = "Driver diagram: reduce falls by 20%, with three primary drivers"


def loaded_width(page, image) -> int:
    image.scroll_into_view_if_needed()
    handle = image.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)
    return page.evaluate("img => img.naturalWidth", handle)


def test_a_driver_diagram_travels_with_an_adaptation_and_stays_in_its_community(
    new_page, db, make_user, sign_in, check_accessibility, live_server
):
    fay = make_user("fay-facilitator", name="Fay Facilitator")
    ash = make_user("ash-author", name="Ash Author")
    mo = make_user("mo-member", name="Mo Member")
    nia = make_user("nia-outsider", name="Nia Outsider")
    circle = make_community(fay, "Falls circle", visibility=Visibility.PRIVATE, members=[ash, mo])
    method = publish_method(ash, "Falls safety huddle", community_id=circle.id)
    method_path = f"/methods/{method.id}-{method.slug}"
    ash, mo, nia = Person.of(ash), Person.of(mo), Person.of(nia)
    release(db)

    page = new_page()
    sign_in(page, ash, then=method_path)
    page.get_by_role("link", name="Attach files of this method").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Files of “Falls safety huddle”")
    check_accessibility(page)
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "driver-diagram.png", "mimeType": "image/png", "buffer": png((400, 300))}
    )
    page.get_by_label("Describe the picture").fill(ALT)
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("1 file attached.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Falls safety huddle")
    diagram = page.get_by_role("img", name=ALT)
    assert loaded_width(page, diagram) == 400
    file_url = diagram.get_attribute("src")
    check_accessibility(page)

    # Mo adapts it, keeping the diagram, in the same private community.
    colleague = new_page()
    sign_in(colleague, mo, then=method_path)
    colleague.get_by_role("button", name="Adapt this method").click()
    kept = colleague.get_by_label("driver-diagram.png")
    expect(kept).to_be_checked()
    check_accessibility(colleague)
    colleague.get_by_label("Title", exact=True).fill("Falls huddle for community hospitals")
    colleague.get_by_label("Care setting you adapted it for").select_option("community")
    colleague.get_by_label("What you changed").fill("Shorter, at the start of each shift.")
    colleague.get_by_label("Why you changed it").fill("Fewer staff on the ward at once.")
    colleague.get_by_role("button", name="Publish").click()
    expect(colleague.get_by_text("Your adaptation has been published.")).to_be_visible()
    copy = colleague.get_by_role("img", name=ALT)
    assert loaded_width(colleague, copy) == 400
    assert copy.get_attribute("src") != file_url  # its own copy, at its own address

    outsider = new_page()
    sign_in(outsider, nia, then="/")
    assert outsider.goto(live_server.url + file_url).status == 404
    assert outsider.goto(live_server.url + copy.get_attribute("src")).status == 404
