"""How Flask-Login finds the member behind a session or remember-me cookie."""

from __future__ import annotations

from sqlalchemy.orm import lazyload

from community.accounts.models import User
from community.extensions import db


def load_user(login_id: str) -> User | None:
    # The id carries the member's session token; a rotated token ends old sessions.
    user_id, _, token = login_id.partition(".")
    if not user_id.isdigit() or not token:
        return None
    # Every request loads the member; their expertise only when a page shows it.
    user = db.session.get(User, int(user_id), options=[lazyload(User.expertise)])
    if user is None or user.session_token != token:
        return None
    return user
