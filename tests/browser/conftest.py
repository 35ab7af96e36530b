"""Fixtures for the browser tests: a live server, Debian's Chromium and the axe checker.

The live server is a second app on the same database as the session `app`
fixture (so it runs on the migrated schema, and the `db` fixture empties the
tables after each test), with CSRF protection on, as in production. It
listens on 127.0.0.1 only, and every browser context refuses requests to any
other address, so no test traffic leaves the machine.

One Chromium runs for the whole session; each test gets fresh contexts
(cookies and storage), so tests cannot leak a signed-in session to each other.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from helpers import PASSWORD, make_test_config
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from werkzeug.serving import make_server

from community import create_app
from community.caching import forget_all
from community.core.extensions import db as _db

from .support import DEVIATIONS, Person

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Where pages load axe from. The request never reaches the server: the browser
# context answers it with AXE_SCRIPT (see `axe_report`).
AXE_URL_PATH = "/__browser-tests__/axe.min.js"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = "Chromium not installed: browser tests SKIPPED"
CI_FAILURE = (
    "Chromium not installed: the browser tests cannot run, and CI must run them. "
    "Install Debian's chromium package (apt-get install chromium); never `playwright install`."
)
# Long enough for a slow CI machine, short enough that a wrong locator fails quickly.
TIMEOUT_MS = 20_000

expect.set_options(timeout=TIMEOUT_MS)

_click = Locator.click


def _click_once_the_page_has_loaded(self: Locator, *args, **kwargs):
    """Click only after the page's scripts have started (its "load" event).

    As they start, a success banner takes focus and so scrolls itself into view
    (the NHS.UK banner's behaviour). A click aimed before that scroll lands
    where the element was: on a busy machine, "Adapt this method" just after
    "your use has been recorded" was missed that way in full runs.
    """
    self.page.wait_for_load_state("load")
    return _click(self, *args, **kwargs)


Locator.click = _click_once_the_page_has_loaded

_chromium_missing = False
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items) -> None:
    """Every test in this folder drives a browser: the slow tier (`make test-fast` skips it)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter) -> None:
    if _chromium_missing:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            "Chromium is not installed, so no journey or accessibility check ran in a browser. "
            "Install Debian's chromium package to run them.",
            red=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    global _chromium_missing
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(CI_FAILURE, pytrace=False)
        _chromium_missing = True
        warnings.warn(SKIP_REASON, UserWarning, stacklevel=1)
        pytest.skip(SKIP_REASON)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# ---------------------------------------------------------------- live server


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str


@pytest.fixture(scope="session")
def _serving(app, database_uri) -> Iterator[LiveServer]:
    # Depending on `app` means the migrations have run before the server starts.
    live_app = create_app(make_test_config(database_uri, WTF_CSRF_ENABLED=True))
    assert live_app.config["WTF_CSRF_ENABLED"], "the live server must check CSRF tokens"
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # As `make run` does: emailed links lead to this server, whatever host they were asked from.
    live_app.config["SITE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app=live_app, url=url)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with live_app.app_context():
        _db.engine.dispose()


@pytest.fixture
def live_server(_serving, db) -> Iterator[LiveServer]:
    """The running server; what a test writes to the database, and what the server
    cached of it, are emptied after it."""
    yield _serving
    forget_all(_serving.app)


# ---------------------------------------------------------------- pages


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[[], Page]]:
    """Open a page in a new browser context: another browser, with no cookies."""
    contexts = []
    script_errors: list[str] = []
    # A regular expression, not a function, so that Playwright's driver matches it and
    # only requests for other hosts stop on their way out.
    elsewhere = re.compile("^(?!" + re.escape(live_server.url + "/") + ")")

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(elsewhere, lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not script_errors, f"JavaScript errors: {script_errors}"


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Sign in through the sign-in form, as the member would.

    `then` is where the form leads afterwards, as when a signed-out member
    follows a link to a page that needs them to sign in.
    """

    def sign_in_as(page: Page, user: Person, then: str = "/", password: str = PASSWORD) -> None:
        page.goto("/account/sign-in?next=" + quote(then))
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text(f"Signed in as {user.name}.")).to_be_visible()

    return sign_in_as


# ---------------------------------------------------------------- accessibility


def _describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html']}")
    return "\n".join(lines)


@pytest.fixture
def axe_report(live_server) -> Callable[[Page], str]:
    """Run axe on the page as it is now; describe every violation, or return "".

    `page.add_script_tag(path=...)` inserts axe as an inline script, which our
    Content-Security-Policy (script-src 'self' 'nonce-…') rightly blocks. So the
    page loads axe from its own origin instead, and the browser context answers
    that request from node_modules: the policy stays on for the whole check.
    """
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: install the front-end packages with `make`.")
    axe_url = live_server.url + AXE_URL_PATH

    def report(page: Page) -> str:
        # Colour contrast needs the stylesheets, which a click's navigation may still be loading.
        page.wait_for_load_state("load")
        page.route(
            axe_url,
            lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript"),
            times=1,
        )
        page.add_script_tag(url=axe_url)
        # Only the violations cross back to Python: the passes are large and unused.
        violations = page.evaluate("axe.run().then(results => results.violations)")
        if not violations:
            return ""
        described = f"axe on {page.url}\n{_describe(violations)}"
        print(described)
        return described

    return report


@pytest.fixture
def check_accessibility(axe_report) -> Callable[[Page], None]:
    """Fail at once if axe finds any violation on the page as it is now."""

    def check(page: Page) -> None:
        report = axe_report(page)
        assert report == "", report

    return check


# ---------------------------------------------------------------- worlds the journeys share


@dataclass(frozen=True)
class FallsChart:
    project: object
    measure: object
    url: str  # the measure's page


@pytest.fixture
def falls_chart(db, member, make_project, make_measure) -> FallsChart:
    """The member's project "Fewer falls", with a weekly measure of falls (lower is better)
    holding NHSRplotthedots' deviations example: the chart the chart journeys start from."""
    project = make_project(member, title="Fewer falls", aim="Halve falls by June.")
    measure = make_measure(project, member, DEVIATIONS, direction="down", name="Falls", unit="")
    url = f"/projects/{project.id}-{project.slug}/measures/{measure.id}"
    return FallsChart(project, measure, url)
