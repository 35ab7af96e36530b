"""Signed, expiring tokens for the links we email.

Each purpose has its own salt, so a token for one cannot be used for another.
A reset token carries part of the current password hash, so it stops working
once the password changes (single use). A confirmation token carries the
address it confirms, so it stops working if the address changes.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

CONFIRM_EMAIL = "confirm-email"
CHANGE_EMAIL = "change-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 (a token purpose, not a password)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: timedelta) -> dict | None:
    """The payload of a valid, unexpired token, or None."""
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except BadSignature:  # also covers SignatureExpired
        return None
    return payload if isinstance(payload, dict) else None
