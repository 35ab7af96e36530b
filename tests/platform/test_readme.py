"""README.md is a first read: short, and its demo sign-ins work against the real demo data."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from helpers import RequestPerContextClient

from community.accounts.models import Role, User
from community.communities.models import MemberRole, Membership
from community.core.extensions import db
from community.demo import data as demo_data
from community.mentoring.models import MentorOffer

README = Path(__file__).resolve().parents[2] / "README.md"


def demo_sign_ins(markdown: str) -> dict[str, str]:
    """The demo sign-ins table: each email → the role its row names."""
    section = markdown[markdown.index("## Demo sign-ins") :]
    section = section[: section.index("\n## ", 1)]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        email = re.fullmatch(r"`([^`@\s]+@[^`\s]+)`", cells[1]) if len(cells) > 2 else None
        if email:
            rows[email.group(1)] = cells[0]
    return rows


def test_the_readme_is_a_first_read_not_the_whole_manual():
    lines = README.read_text().splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines: move detail into docs/"


def test_the_sign_ins_table_is_read_as_written():
    table = """## Demo sign-ins

| role | sign in as | what to try |
| --- | --- | --- |
| site administrator | `admin@example.org` | `/admin` |
| mentor | `mo@example.org` | offers |

## Next
"""
    assert demo_sign_ins(table) == {
        "admin@example.org": "site administrator",
        "mo@example.org": "mentor",
    }


def test_every_role_has_a_demo_sign_in():
    roles = " / ".join(demo_sign_ins(README.read_text()).values())
    for role in ("administrator", "member", "facilitator", "mentor", "unconfirmed"):
        assert role in roles, f"README.md's demo sign-ins name no {role}"


def test_each_demo_sign_in_is_real_and_is_what_the_readme_says(demo_app):
    for email, role in demo_sign_ins(README.read_text()).items():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert user is not None, f"{email} is not in the demo data"
        client = RequestPerContextClient(demo_app, demo_app.response_class, use_cookies=True)
        signed_in = client.post(
            "/account/sign-in", data={"email": email, "password": demo_data.DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302, f"{email} cannot sign in with the demo password"
        assert (user.role == Role.ADMIN) == ("administrator" in role), email
        assert (user.email_confirmed_at is None) == ("unconfirmed" in role), email
        facilitates = db.session.scalar(
            sa.select(sa.func.count(Membership.id)).where(
                Membership.user_id == user.id, Membership.role == MemberRole.FACILITATOR
            )
        )
        if "facilitator" in role:
            assert facilitates, f"{email} facilitates no community"
        offers = db.session.scalar(
            sa.select(sa.func.count(MentorOffer.id)).where(MentorOffer.user_id == user.id)
        )
        if "mentor" in role:
            assert offers, f"{email} offers no mentoring"
