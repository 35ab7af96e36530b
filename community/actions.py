"""One-button actions (join, leave, withdraw, pause …): a POST with only a CSRF token.

Each checks the token, calls its service, tells the person what happened and
goes back: a refused action's reason (a RuleViolation) is shown, and nothing
changes.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect

from community.communities.forms import ActionForm
from community.errors import RuleViolation


def require_action_form() -> None:
    """Refuse (400) a one-button POST whose CSRF token is missing or wrong."""
    if not ActionForm().validate_on_submit():
        abort(400)


def act(action: Callable[[], object], success: str, target: str):
    """Run a one-button action: check CSRF, call the service, flash, redirect to `target`."""
    require_action_form()
    try:
        action()
    except RuleViolation as violation:
        flash(violation.message, "error")
    else:
        flash(success, "success")
    return redirect(target)
