"""Errors that services raise for people to read, and the site's error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, make_response, render_template, request
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from community.core.database import reads_only_from_now
from community.core.extensions import db, limiter

T = TypeVar("T")

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# SQLite's SQLITE_FULL ("database or disk is full") and PostgreSQL's class 53100 (disk_full).
_STORAGE_FULL = ("database or disk is full", "no space left on device", "disk full")


def is_storage_full(error: OperationalError) -> bool:
    if getattr(error.orig, "sqlstate", None) == "53100":
        return True
    return any(words in str(error.orig).lower() for words in _STORAGE_FULL)


class RuleViolation(Exception):
    """A request broke a business rule. `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class RuleViolations(RuleViolation):
    """Several rules broken at once, each about its own field: a form shows them all
    together (community.web.forms.show_violation), not one per submit. Caught as a
    RuleViolation anywhere, it reads as its first."""

    def __init__(self, violations: list[RuleViolation]):
        super().__init__(violations[0].message, violations[0].field)
        self.violations = list(violations)


class Problems:
    """Collects every rule a request breaks, to raise them together at the end.

    `add` keeps the first problem with each field, so each field says one thing.
    """

    def __init__(self) -> None:
        self.violations: list[RuleViolation] = []

    def add(self, message: str, field: str | None = None) -> None:
        if field is None or all(v.field != field for v in self.violations):
            self.violations.append(RuleViolation(message, field))

    def has(self, field: str) -> bool:
        return any(v.field == field for v in self.violations)

    def collect(self, violation: RuleViolation) -> None:
        for each in getattr(violation, "violations", [violation]):
            self.add(each.message, each.field)

    def attempt(self, check: Callable[[], T]) -> T | None:
        """What `check()` gives, or None when it breaks a rule (kept, to raise with the rest)."""
        try:
            return check()
        except RuleViolation as violation:
            self.collect(violation)
            return None

    def raise_any(self) -> None:
        if len(self.violations) == 1:
            raise self.violations[0]
        if self.violations:
            raise RuleViolations(self.violations)


def _retry_after_text() -> str:
    limit = limiter.current_limit
    if limit is None:
        return "in a few minutes"
    import time

    seconds = max(1, int(limit.reset_at - time.time()))
    minutes = -(-seconds // 60)
    if seconds < 60:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


def register_errorhandlers(app: Flask) -> None:
    def page(status: int, template: str, **context):
        return render_template(f"errors/{template}.html", **context), status

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(_error):
        # Sign-in, registration and reset limits are about the account; any other
        # limit (posting) is about writing too much too quickly.
        about_account = (request.endpoint or "").startswith("accounts.")
        return page(429, "429", retry_after=_retry_after_text(), about_account=about_account)

    @app.errorhandler(403)
    def forbidden(_error):
        return page(403, "403")

    @app.errorhandler(404)
    def not_found(_error):
        return page(404, "404")

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return page(405, "405")

    @app.errorhandler(413)
    def too_large(_error):
        # A request larger than MAX_CONTENT_LENGTH (a post's files at most) is never read.
        return page(413, "413")

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, "400", description=getattr(error, "description", ""))

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # The transaction is rolled back whole, so nothing was saved.
        db.session.rollback()
        reads_only_from_now()
        if is_storage_full(error):
            log.error("database storage is full: %s", error)
            return page(507, "507")
        # Locked (another writer held it past the busy timeout) or unreachable:
        # trying again in a moment is safe.
        log.warning("database unavailable: %s", error)
        response = make_response(page(503, "503"))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return page(500, "500")

    @app.errorhandler(Exception)
    def unexpected(error):
        if isinstance(error, HTTPException):
            return error
        db.session.rollback()
        log.exception("unhandled error")
        return page(500, "500")
