"""How Flask-Login finds the member behind a session or remember-me cookie."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from community.accounts.models import User
from community.core.extensions import db

# Built once: building it (with its option) on every request cost more than running it.
# Every request loads the member; their expertise only when a page shows it.
_MEMBER = (
    sa.select(User).options(lazyload(User.expertise)).where(User.id == sa.bindparam("user_id"))
)


def load_user(login_id: str) -> User | None:
    # The id carries the member's session token; a rotated token ends old sessions.
    user_id, _, token = login_id.partition(".")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.execute(_MEMBER, {"user_id": int(user_id)}).scalar_one_or_none()
    if user is None or user.session_token != token:
        return None
    return user
