"""Two app servers sharing one PostgreSQL and one Redis behave as one service.

Each server is gunicorn in the production configuration on its own loopback
port, with the same SECRET_KEY, DATABASE_URL and REDIS_URL, as they would run
behind a load balancer. A member signed in on one is signed in on the other,
each sees what was written through the other, and failed sign-ins are counted
once across both. Whatever one server has cached, a change made through the
other shows on its very next request: an edit, a removal, a hidden post, a
community made private, a member removed from a private community, a member
renamed; and a new post is found by its search at once (a search it has
answered before within the NEW_CONTENT_WAIT_SECONDS the servers run with).

Runs when DATABASE_URL points at PostgreSQL and Debian's redis-server is
installed; with CI=true on PostgreSQL a missing redis-server fails the run.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from urllib.parse import urlsplit

import pytest
from factories import make_community, make_post, make_thread
from helpers import PASSWORD
from servers import Browser, free_port, gunicorn, production_env, stop, wait_for
from werkzeug.security import generate_password_hash

import config as config_module
from community.communities.models import Community, MemberRole, Membership

USES_POSTGRESQL = config_module.database_url("").startswith("postgresql")
ATTEMPTS_ALLOWED = 3
# How long a server may answer a search it answered before without a post added since
# (the production default is longer; the servers here run with this).
NEW_CONTENT_WAIT = 2

pytestmark = [
    pytest.mark.skipif(
        not USES_POSTGRESQL, reason="two app servers share one PostgreSQL: set DATABASE_URL"
    ),
    pytest.mark.slow,  # two gunicorn servers and a Redis: `make test-fast` leaves it out
]


@pytest.fixture(scope="module")
def redis_url():
    executable = shutil.which("redis-server")
    if executable is None:
        message = "The two-server test needs Debian's redis-server (apt-get install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip

    def answers() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")

    try:
        wait_for(answers, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


@pytest.fixture(scope="module")
def servers(app, redis_url, tmp_path_factory):
    """Two gunicorn servers, as two machines behind a load balancer would run them."""
    shared = production_env(
        os.environ["DATABASE_URL"],
        REDIS_URL=redis_url,
        GUNICORN_WORKERS="1",
        SIGN_IN_LIMIT_PER_ACCOUNT=f"{ATTEMPTS_ALLOWED} per 15 minutes",
        NEW_CONTENT_WAIT_SECONDS=str(NEW_CONTENT_WAIT),
    )
    logs = tmp_path_factory.mktemp("servers")
    with gunicorn(shared, logs / "a.log") as (a, _), gunicorn(shared, logs / "b.log") as (b, _):
        yield a, b


@pytest.fixture
def member(db, make_user):
    # A quick password hash: this test is about two servers, not about scrypt's cost.
    user = make_user("sam-patel", name="Sam Patel")
    user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    db.session.commit()
    return user


@pytest.fixture
def community_with_member(db, member):
    community = Community(
        name="Discharge and flow network", slug="discharge-and-flow-network",
        purpose="Sharing what works on discharge.", learning_question="What makes it stick?",
        visibility="open", status="active", member_count=1, created_by_id=member.id,
    )  # fmt: skip
    db.session.add(community)
    db.session.flush()
    db.session.add(
        Membership(community_id=community.id, user_id=member.id, role=MemberRole.FACILITATOR)
    )
    db.session.commit()
    return community


def test_two_servers_share_sessions_and_see_each_others_writes(
    servers, community_with_member, member
):
    a, b = servers
    on_a = Browser(a)
    status, _, _ = on_a.sign_in(member.email, PASSWORD)
    assert status == 302
    # The same cookie works on the other server: sessions live in signed cookies.
    on_b = Browser(b, on_a.cookies)
    status, _, page = on_b.get("/communities/discharge-and-flow-network")
    assert status == 200 and member.name in page

    # A thread started through server A is read through server B …
    status, headers, _ = on_a.submit(
        "/communities/discharge-and-flow-network/threads/new",
        {"title": "Criteria-led discharge on two wards", "body": "Our first PDSA cycle."},
    )
    assert status == 302
    thread_path = urlsplit(headers["Location"]).path
    status, _, page = on_b.get(thread_path)
    assert status == 200
    assert "Criteria-led discharge on two wards" in page and "Our first PDSA cycle." in page

    # … and a reply posted through B is read through A.
    thread_id = re.search(r"/threads/(\d+)-", thread_path).group(1)
    status, _, _ = on_b.submit(
        thread_path,
        {"body": "We tried it on a third ward."},
        action=f"/communities/discharge-and-flow-network/threads/{thread_id}/reply",
    )
    assert status == 302
    status, _, page = on_a.get(thread_path)
    assert status == 200 and "We tried it on a third ward." in page


def test_two_servers_count_failed_sign_ins_together(servers, member):
    a, b = servers
    # Failed attempts spread over both servers: each alone would still allow more.
    attempts = [a, b, a]
    assert len(attempts) == ATTEMPTS_ALLOWED
    for host in attempts:
        status, _, _ = Browser(host).sign_in(member.email, "not the password")
        assert status == 200  # the form again, with an error
    status, _, _ = Browser(b).sign_in(member.email, "not the password")
    assert status == 429


# ---------------------------------------------------------------- caches on two servers
#
# In each test a member reads a page on server B twice (so that B has drawn and kept
# it), someone changes it through server A, and the member's very next request to B
# must show the change. (With the change counting switched off in both servers and
# here, by a sitecustomize.py on PYTHONPATH replacing community.caching.changes.change_made_by
# with `lambda statement: None`, every one of these fails: B serves what it kept.)


@pytest.fixture
def quick_person(db, make_user):
    """A member who can sign in on the servers (a quick password hash, as `member`)."""

    def make(username: str, name: str):
        user = make_user(username, name=name)
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.commit()
        return user

    return make


@pytest.fixture
def people(quick_person):
    return {
        "fay": quick_person("fay-facilitator", "Fay Facilitator"),
        "ash": quick_person("ash-author", "Ash Author"),
        "mo": quick_person("mo-member", "Mo Member"),
        "nia": quick_person("nia-outsider", "Nia Outsider"),
    }


@pytest.fixture
def ward(db, people):
    """An open community run by Fay, with Ash's thread about tangerine boards in it."""
    ward = make_community(people["fay"], "Ward Flow", members=[people["ash"], people["mo"]])
    thread = make_thread(people["ash"], ward, "Morning board rounds", "We use tangerine boards.")
    make_post(people["mo"], thread, "Our huddle is at nine.")
    db.session.commit()
    return ward, thread


def signed_in(host: str, user) -> Browser:
    browser = Browser(host)
    status, _, _ = browser.sign_in(user.email, PASSWORD)
    assert status == 302, f"{user.username} could not sign in on {host}"
    return browser


def thread_path(community, thread) -> str:
    return f"/communities/{community.slug}/threads/{thread.id}-{thread.slug}"


def read_twice(browser: Browser, path: str) -> str:
    """The page as the server draws it, read twice: the second is what it kept."""
    browser.get(path)
    status, _, page = browser.get(path)
    assert status == 200, f"{path} answered {status}"
    return page


def found(browser: Browser, word: str) -> bool:
    """Whether a search for `word` shows a result with the word highlighted in it."""
    status, _, page = browser.get(f"/search?q={word}")
    assert status == 200
    return f"<mark>{word}</mark>" in page.lower()


def searched_twice(browser: Browser, word: str) -> bool:
    found(browser, word)
    return found(browser, word)


def sees_thread(browser: Browser, path: str, words: str) -> bool:
    status, _, page = browser.get(path)
    return status == 200 and words in page


def cached_on_b_and_ash_on_a(servers, ward, people) -> tuple[str, Browser, Browser, str]:
    """Mo has read the thread and searched for its word on server B twice (so B keeps
    them); Ash, its reply's author, is signed in on server A. The thread's path, Mo on B,
    Ash on A, and the id of Ash's reply."""
    a, b = servers
    community, thread = ward
    path = thread_path(community, thread)
    mo_on_b = signed_in(b, people["mo"])
    assert "tangerine boards" in read_twice(mo_on_b, path)
    assert searched_twice(mo_on_b, "tangerine")
    ash_on_a = signed_in(a, people["ash"])
    post_id = re.search(r'id="post-(\d+)"', read_twice(ash_on_a, path)).group(1)
    return path, mo_on_b, ash_on_a, post_id


def test_an_edit_through_one_server_shows_on_the_other_at_once(servers, ward, people):
    path, mo_on_b, ash_on_a, post_id = cached_on_b_and_ash_on_a(servers, ward, people)
    status, _, _ = ash_on_a.submit(f"/posts/{post_id}/edit", {"body": "We use marmalade boards."})
    assert status == 302

    _, _, page = mo_on_b.get(path)
    assert "marmalade boards" in page and "tangerine boards" not in page
    assert not found(mo_on_b, "tangerine")
    assert found(mo_on_b, "marmalade")


def test_a_removed_post_goes_from_the_other_server_at_once(servers, ward, people):
    path, mo_on_b, ash_on_a, post_id = cached_on_b_and_ash_on_a(servers, ward, people)
    status, _, _ = ash_on_a.submit(f"/posts/{post_id}/delete", {})
    assert status == 302

    assert sees_thread(mo_on_b, path, "Our huddle is at nine.")  # the thread is still there
    assert not sees_thread(mo_on_b, path, "tangerine boards")
    assert not found(mo_on_b, "tangerine")


def test_a_hidden_post_goes_from_the_other_server_at_once(servers, ward, people):
    a, b = servers
    community, thread = ward
    path = thread_path(community, thread)
    nia_on_b = signed_in(b, people["nia"])  # (its author, Mo, still sees a hidden post)
    assert "Our huddle is at nine." in read_twice(nia_on_b, path)
    assert searched_twice(nia_on_b, "huddle")

    fay_on_a = signed_in(a, people["fay"])
    page = read_twice(fay_on_a, path)
    post_id = re.findall(r'id="post-(\d+)"', page)[1]  # Mo's reply
    status, _, _ = fay_on_a.submit(path, {"hide": "1"}, action=f"/posts/{post_id}/hide")
    assert status == 302

    assert sees_thread(nia_on_b, path, "Morning board rounds")
    assert not sees_thread(nia_on_b, path, "Our huddle is at nine.")
    assert not found(nia_on_b, "huddle")


def test_a_community_made_private_closes_on_the_other_server_at_once(servers, ward, people):
    a, b = servers
    community, thread = ward
    path = thread_path(community, thread)
    nia_on_b = signed_in(b, people["nia"])  # not a member
    assert "tangerine boards" in read_twice(nia_on_b, path)
    assert "Morning board rounds" in read_twice(nia_on_b, f"/communities/{community.slug}")
    assert searched_twice(nia_on_b, "tangerine")

    fay_on_a = signed_in(a, people["fay"])
    status, _, _ = fay_on_a.submit(
        f"/communities/{community.slug}/edit",
        {"name": community.name, "purpose": community.purpose,
         "learning_question": community.learning_question, "visibility": "private"},
    )  # fmt: skip
    assert status == 302

    assert not sees_thread(nia_on_b, path, "tangerine boards")
    _, _, page = nia_on_b.get(f"/communities/{community.slug}")
    assert "Morning board rounds" not in page
    assert not found(nia_on_b, "tangerine")
    # Its members still read it there.
    assert sees_thread(signed_in(b, people["mo"]), path, "tangerine boards")


def test_a_member_removed_from_a_private_community_loses_it_on_the_other_server(
    db, servers, people
):
    a, b = servers
    closed = make_community(people["fay"], "Safeguarding Circle", visibility="private",
                            members=[people["mo"]])  # fmt: skip
    thread = make_thread(people["fay"], closed, "Case review", "Our tangerine review notes.")
    db.session.commit()
    path = thread_path(closed, thread)
    mo_on_b = signed_in(b, people["mo"])
    assert "tangerine review notes" in read_twice(mo_on_b, path)
    assert searched_twice(mo_on_b, "tangerine")

    fay_on_a = signed_in(a, people["fay"])
    status, _, _ = fay_on_a.submit(f"/communities/{closed.slug}/members/mo-member/remove", {})
    assert status == 302

    assert not sees_thread(mo_on_b, path, "tangerine review notes")
    assert not found(mo_on_b, "tangerine")


def test_a_member_renamed_on_one_server_is_renamed_on_the_other(servers, ward, people):
    a, b = servers
    community, thread = ward
    path = thread_path(community, thread)
    mo_on_b = signed_in(b, people["mo"])
    assert "Ash Author" in read_twice(mo_on_b, path)

    ash = people["ash"]
    ash_on_a = signed_in(a, ash)
    status, _, _ = ash_on_a.submit(
        "/account/settings/profile",
        {"name": "Ashley Marmalade", "job_title": "", "organisation": str(ash.organisation_id),
         "bio": "", "other_tags": ""},
    )  # fmt: skip
    assert status == 302

    _, _, page = mo_on_b.get(path)
    assert "Ashley Marmalade" in page and "Ash Author" not in page


def test_a_new_post_is_found_by_the_other_servers_search(servers, ward, people):
    a, b = servers
    community, thread = ward
    mo_on_b = signed_in(b, people["mo"])
    assert not searched_twice(mo_on_b, "pomegranate")  # B has answered: nothing

    ash_on_a = signed_in(a, people["ash"])
    reply = f"/communities/{community.slug}/threads/{thread.id}/reply"
    status, _, _ = ash_on_a.submit(
        thread_path(community, thread), {"body": "Pomegranate and quince on the board."},
        action=reply,
    )  # fmt: skip
    assert status == 302

    # A word B has never been asked about is found at once …
    assert found(mo_on_b, "quince")
    # … and one it answered before within the seconds it may keep its answer.
    deadline = time.monotonic() + NEW_CONTENT_WAIT + 1
    while not found(mo_on_b, "pomegranate"):
        assert time.monotonic() < deadline, "B's search did not find the new post in time"
        time.sleep(0.2)
