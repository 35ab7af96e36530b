"""One-button actions (join, leave, withdraw, pause …): a POST with only a CSRF token.

Each checks the token, calls its service, tells the person what happened and
goes back: a refused action's reason (a RuleViolation) is shown, and nothing
changes.

A destructive action (removing, deleting, leaving, withdrawing, closing) is
never one click: its address answers GET with a page of its own that says what
will happen (the NHS.UK "are you sure" pattern), and only the POST from that
page acts. `confirm_then_act` is that rule, once for every feature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request

from community.core.errors import RuleViolation
from community.web.forms import ActionForm


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


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page says before a destructive action.

    `question` is the page's heading ("Remove this post?"); `consequences` are
    plain sentences of what will happen; `button` names the act ("Remove the
    post"); `cancel` is where "keep it" leads (the page the member came from);
    `crumbs` are (href, text) pairs for the breadcrumbs. `undoable` is False
    when nothing can bring it back, which the page says in a warning. `fields`
    go with the POST as hidden inputs, for an address that does more than one
    thing (declining rather than approving a request to join).
    """

    question: str
    consequences: Sequence[str]
    button: str
    cancel: str
    cancel_text: str = "No, go back"
    undoable: bool = False
    crumbs: Sequence[tuple[str, str]] = field(default_factory=tuple)
    fields: Mapping[str, str] = field(default_factory=dict)


def ask_first(confirmation: Confirmation):
    """The confirmation page: its form posts `confirmation.fields` back to this address."""
    return render_template("confirm.html", confirmation=confirmation, form=ActionForm())


def confirm_then_act(
    confirmation: Confirmation, action: Callable[[], object], success: str, target: str
):
    """GET: the confirmation page. POST (from that page): `act`."""
    if request.method == "GET":
        return ask_first(confirmation)
    return act(action, success, target)
