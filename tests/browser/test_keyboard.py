"""Using the site with a keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(page: Page):
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # visually hidden until it has focus

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    # The next Tab lands in the main content, past the header's links.
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("button", name="Create an account")).to_be_focused()
