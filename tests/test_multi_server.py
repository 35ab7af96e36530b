"""Two app servers sharing one PostgreSQL and one Redis behave as one service.

Each server is gunicorn in the production configuration on its own loopback
port, with the same SECRET_KEY, DATABASE_URL and REDIS_URL, as they would run
behind a load balancer. A member signed in on one is signed in on the other,
each sees what was written through the other, and failed sign-ins are counted
once across both.

Runs when DATABASE_URL points at PostgreSQL and Debian's redis-server is
installed; with CI=true on PostgreSQL a missing redis-server fails the run.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from urllib.parse import urlsplit

import pytest
from conftest import PASSWORD
from servers import Browser, free_port, gunicorn, production_env, stop, wait_for
from werkzeug.security import generate_password_hash

import config as config_module
from community.communities.models import Community, MemberRole, Membership

USES_POSTGRESQL = config_module.database_url("").startswith("postgresql")
ATTEMPTS_ALLOWED = 3

pytestmark = pytest.mark.skipif(
    not USES_POSTGRESQL, reason="two app servers share one PostgreSQL: set DATABASE_URL"
)


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
