"""Who may do what on every page of the methods blueprint.

One row per endpoint and method (published, draft, in a private community),
one column per role. A new endpoint without a row fails
test_every_methods_endpoint_has_a_row.

signin: redirected to sign in. 302: redirected elsewhere (done, or refused
with a message). 403: may see it but not do it. 404: may not know it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from factories import approach, draft_method, make_community, publish_method
from helpers import sign_in_as
from test_access_control import covered

from community.core.extensions import db

# In this order, nothing an earlier role does changes a later role's answer.
ROLES = ("anonymous", "member", "community_member", "admin", "co_author", "author")
SIGN_IN = "signin"


@dataclass
class World:
    users: dict
    methods: dict  # published, draft, private


@pytest.fixture
def world(make_user):
    users = {
        "member": make_user("mo-member"),
        "community_member": make_user("cam-community"),
        "author": make_user("ama-author"),
        "co_author": make_user("cole-coauthor"),
        "admin": make_user("ada-admin", role="admin"),
    }
    private = make_community(
        users["author"], "Private circle", private=True,
        members=[users["co_author"], users["community_member"]],
    )  # fmt: skip
    co = users["co_author"].username
    methods = {
        "published": publish_method(users["author"], "Open method", co_authors=co),
        "draft": draft_method(users["author"], "Draft method", co_authors=co),
        "private": publish_method(
            users["author"], "Private method", co_authors=co, community_id=private.id
        ),
    }
    return World(users, methods)


def _expect(**by_role):
    """Expectations for the signed-in roles; anonymous visitors are always sent to sign in."""
    base = {"anonymous": SIGN_IN}
    base.update(by_role)
    return base


def _everyone(status):
    return _expect(**{role: status for role in ROLES[1:]})


def _authors(status, others, *, admin=None, co_author=None):
    return _expect(
        member=others, community_member=others, author=status,
        co_author=status if co_author is None else co_author,
        admin=others if admin is None else admin,
    )  # fmt: skip


def _draft(status_for_authors, *, co_author=None):
    """A draft: its authors only; everyone else, administrators included, gets 404."""
    return _expect(
        member=404, community_member=404, admin=404, author=status_for_authors,
        co_author=status_for_authors if co_author is None else co_author,
    )  # fmt: skip


def _private(row):
    """A private community's method: as if published, but 404 for non-members."""
    return {**row, "member": 404}


def _form(world, method):
    return {
        "title": method.title, "summary": "A summary.", "when_to_use": "Often.",
        "how_to": "Steps.", "approaches": [str(approach().id)], "community": "0",
        "co_authors": world.users["co_author"].username, "version": str(method.version),
        "impacts": [], "settings": [],
    }  # fmt: skip


def _adaptation(world, method):
    # A private method's adaptation stays in its community, as the form starts it.
    return _with_community(world, method, {
        **_form(world, method), "co_authors": "", "care_setting": "community",
        "what_changed": "By phone", "why": "Rural", "action": "publish",
    })  # fmt: skip


def _with_community(world, method, data):
    if method.community_id:
        data["community"] = str(method.community_id)
    return data


@dataclass(frozen=True)
class Row:
    endpoint: str
    target: str | None  # which method: published, draft or private
    verb: str
    suffix: str | None  # the path after /methods/<id>-<slug>; SHORT for /methods/<id>
    data: dict | Callable | None
    expected: dict


ROWS: list[Row] = []


def row(endpoint, target, verb, suffix, data, expected):
    ROWS.append(Row(endpoint, target, verb, suffix, data, expected))


row("methods.library", None, "GET", None, None, _everyone(200))
row("methods.new", None, "GET", None, None, _everyone(200))
row(
    "methods.new",
    None,
    "POST",
    None,
    lambda w, m: {"title": "New idea", "community": "0", "action": "draft"},
    _everyone(302),
)

for target in ("published", "draft", "private"):

    def per(published_row, draft_row, target=target):
        if target == "draft":
            return draft_row
        return _private(published_row) if target == "private" else published_row

    read = per(_everyone(200), _draft(200))
    row("methods.method_redirect", target, "GET", "SHORT", None, per(_everyone(302), _draft(302)))
    for endpoint, suffix in (
        ("methods.method", ""), ("methods.print_view", "/print"),
        ("methods.history", "/history"), ("methods.lineage", "/lineage"),
        ("methods.discussion", "/discussion"), ("methods.discussion_reply", "/discussion/reply"),
    ):  # fmt: skip
        row(endpoint, target, "GET", suffix, None, read)
    # A draft has no published versions yet.
    row("methods.revision", target, "GET", "/history/1", None, per(_everyone(200), _draft(404)))
    row("methods.adapt", target, "GET", "/adapt", None, per(_everyone(200), _draft(302)))
    row("methods.adapt", target, "POST", "/adapt", _adaptation, per(_everyone(302), _draft(302)))
    row("methods.edit", target, "GET", "/edit", None, per(_authors(200, 403), _draft(200)))
    row("methods.edit", target, "POST", "/edit",
        lambda w, m: _with_community(w, m, _form(w, m)),
        per(_authors(302, 403), _draft(302)))  # fmt: skip
    row("methods.publish", target, "POST", "/publish", {},
        per(_authors(302, 403), _draft(302)))  # fmt: skip
    row("methods.unpublish", target, "GET", "/unpublish", None,
        per(_authors(200, 403, admin=200), _draft(200)))  # fmt: skip
    row("methods.unpublish", target, "POST", "/unpublish", {},
        per(_authors(302, 403, admin=302), _draft(302)))  # fmt: skip
    row(
        "methods.delete",
        target,
        "GET",
        "/delete",
        None,
        per(_authors(200, 403, admin=200, co_author=403), _draft(200, co_author=403)),
    )
    row(
        "methods.delete",
        target,
        "POST",
        "/delete",
        {},
        per(_authors(302, 403, admin=302, co_author=403), _draft(302, co_author=403)),
    )
    row("methods.used", target, "POST", "/used", {"used": "1"}, per(_everyone(302), _draft(302)))
    # Posting in a draft's discussion is refused on the form (200 with the reason).
    row(
        "methods.discussion_reply",
        target,
        "POST",
        "/discussion/reply",
        {"body": "Hello"},
        per(_everyone(302), _draft(200)),
    )
    row(
        "methods.discussion_watch",
        target,
        "POST",
        "/discussion/watch",
        {"level": "watching"},
        per(_everyone(302), _draft(302)),
    )
    row(
        "methods.discussion_moderate",
        target,
        "POST",
        "/discussion/moderate",
        {"action": "lock"},
        per(_authors(302, 403, admin=302), _draft(302)),
    )
    row(
        "methods.discussion_flags",
        target,
        "GET",
        "/discussion/flags",
        None,
        per(_authors(200, 403, admin=200), _draft(200)),
    )


# Unpublishing and deleting change who can see the method, so each role gets a
# fresh world; every other row checks all roles in turn on one world (in an
# order where earlier roles' actions cannot change later roles' answers).
ONE_SHOT = {("methods.unpublish", "POST"), ("methods.delete", "POST")}
# tests/platform/test_access_control.py has every GET and POST-only route on a method in a
# private community (and publishing a draft there) for the anonymous visitor, a
# non-member, a community member, the author and an administrator; for those rows
# only the co-author, whom that table does not have, is checked here.
ADDED_ROLES = ("co_author",)


def _roles_to_check(r: Row) -> tuple[str, ...]:
    in_access_table = covered(r.endpoint, r.verb)
    if in_access_table and r.target is None:
        return ()
    if in_access_table and r.target == "private" and r.endpoint != "methods.publish":
        return ADDED_ROLES
    return ROLES


CASES = []
for r in ROWS:
    name = f"{r.endpoint}-{r.verb}-{r.target or 'none'}"
    roles = _roles_to_check(r)
    if (r.endpoint, r.verb) in ONE_SHOT:
        CASES += [pytest.param(r, {role: r.expected[role]}, id=f"{name}-{role}") for role in roles]
    elif roles:
        CASES.append(pytest.param(r, {role: r.expected[role] for role in roles}, id=name))


def _path(world, endpoint, target, suffix):
    method = world.methods[target] if target else None
    if method is None:
        return "/methods/new" if endpoint == "methods.new" else "/methods"
    if suffix == "SHORT":
        return f"/methods/{method.id}"
    return f"/methods/{method.id}-{method.slug}{suffix}"


def _answer(response) -> str | int:
    if response.status_code == 302 and "/account/sign-in" in response.location:
        return SIGN_IN
    return response.status_code


@pytest.mark.parametrize(("r", "expected"), CASES)
def test_permission(make_client, world, r, expected):
    wrong = []
    for role, wanted in expected.items():
        client = make_client()  # its own cookies, and a fresh app context per request
        if role != "anonymous":
            sign_in_as(client, world.users[role])
        db.session.expire_all()  # see what earlier roles changed
        method = world.methods[r.target] if r.target else None
        values = r.data(world, method) if callable(r.data) else r.data
        path = _path(world, r.endpoint, r.target, r.suffix)
        response = client.get(path) if r.verb == "GET" else client.post(path, data=values or {})
        if _answer(response) != wanted:
            wrong.append(f"{role}: expected {wanted}, got {_answer(response)} {response.location}")
    assert not wrong, f"{r.verb} {r.endpoint} on the {r.target} method:\n" + "\n".join(wrong)


def test_every_methods_endpoint_has_a_row(app):
    covered = {(r.endpoint, r.verb) for r in ROWS}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("methods."):
            continue
        for verb in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, verb) in covered, f"no permission row for {rule.endpoint} {verb}"


def test_a_refused_edit_changes_nothing(make_client, world):
    method = world.methods["published"]
    client = make_client()
    sign_in_as(client, world.users["member"])
    client.post(f"/methods/{method.id}-{method.slug}/edit", data=_form(world, method) | {
        "title": "Taken over"})  # fmt: skip
    db.session.expire_all()
    assert db.session.get(type(method), method.id).title == "Open method"
