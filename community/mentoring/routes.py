"""Mentoring pages: my mentoring, the mentor offer, requests, suggestions and asks.

Mentorship pages are in mentorship_routes.py and the organisation and system
pages (self-assessment, history, dashboard) in organisation_routes.py; all
three add their views to this one blueprint.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.accounts.models import TagKind
from community.accounts.services import expertise_vocabulary
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.directory.services import system_choices
from community.mentoring import offers, queries, services
from community.mentoring.blueprint import bp
from community.mentoring.forms import (
    AskMentorsForm,
    MentoringRequestForm,
    MentorOfferForm,
    RespondForm,
)
from community.mentoring.matching import ranking, suggested
from community.mentoring.models import MentoringAsk, MentoringRequest
from community.mentoring.organisations.assessments import capability_summary
from community.mentoring.visibility import can_manage_request, get_request_or_404
from community.mentoring.vocabulary import AskStatus, ImpactComponent
from community.people.forms import choose_person
from community.web.actions import Confirmation, act, ask_first, confirm_then_act
from community.web.forms import ActionForm, also_check, show_violation
from community.web.paging import ListPagination, page_number

LIST_SIZE = 10
SUGGESTIONS_PER_PAGE = 10


@bp.before_request
@login_required
def require_sign_in():
    """Every mentoring page is for signed-in members."""


def approach_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in expertise_vocabulary() if t.kind == TagKind.APPROACH]


# ------------------------------------------------------------------ my mentoring


@bp.route("/mentoring")
def index():
    organisation = current_user.organisation
    return render_template(
        "mentoring/index.html",
        standing=queries.offer_standing(current_user),
        asks=queries.pending_asks_page(current_user, page_number("asks_page"), LIST_SIZE),
        mentorships=queries.mentorships_page(current_user, page_number(), LIST_SIZE),
        requests=queries.requests_page(current_user, page_number("requests_page"), LIST_SIZE),
        capability=capability_summary(organisation) if organisation else None,
        action_form=ActionForm(),
    )


# ------------------------------------------------------------------ the mentor offer


def _offer_answers(form: MentorOfferForm) -> dict:
    return {
        "components": form.components.data or [],
        "approach_ids": form.approaches.data or [],
        "formats": form.formats.data or [],
        "capacity": form.capacity.data,
        "travel_system_ids": form.travel_systems.data or [],
        "note": form.note.data or "",
    }


@bp.route("/account/settings/mentoring", methods=["GET", "POST"])
def offer():
    current = offers.offer_of(current_user)
    form = MentorOfferForm()
    form.approaches.choices = approach_choices()
    own_system = current_user.organisation.system_id if current_user.organisation else None
    form.travel_systems.choices = [(i, n) for i, n in system_choices() if i != own_system]
    if request.method == "GET" and current is not None:
        form.components.data = [c.value for c in current.components]
        form.approaches.data = [t.id for t in current.approaches]
        form.formats.data = [f.value for f in current.formats]
        form.capacity.data = current.capacity
        form.travel_systems.data = [s.id for s in current.travel_systems]
        form.note.data = current.note
    elif request.method == "GET":
        form.formats.data = ["video"]
    if form.validate_on_submit():
        try:
            offers.save_offer(current_user, **_offer_answers(form))
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Your mentoring offer has been saved.", "success")
            return redirect(url_for("mentoring.index"))
    elif form.is_submitted():
        also_check(form, lambda: offers.check_offer(**_offer_answers(form)))
    return render_template(
        "mentoring/offer_form.html", form=form, offer=current, action_form=ActionForm()
    )


@bp.route("/account/settings/mentoring/pause", methods=["POST"])
def pause_offer():
    paused = request.form.get("paused") == "1"
    return act(
        lambda: offers.set_paused(current_user, paused),
        "Your offer is paused: no one new will be suggested your name."
        if paused
        else "Your offer is open again.",
        url_for("mentoring.index"),
    )


# ------------------------------------------------------------------ requests


@bp.route("/mentoring/requests/new", methods=["GET", "POST"])
def new_request():
    form = MentoringRequestForm()
    form.approaches.choices = approach_choices()
    component = request.args.get("component", type=int)
    if request.method == "GET" and component in ImpactComponent._value2member_map_:
        form.components.data = [component]
    answers = {
        "title": form.title.data,
        "aim": form.aim.data,
        "components": form.components.data or [],
        "approach_ids": form.approaches.data or [],
        "preferred_format": form.preferred_format.data,
        "timescale": form.timescale.data,
    }
    if form.validate_on_submit():
        try:
            created = services.create_request(current_user, **answers)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Your request is saved. Now choose up to 3 suggested mentors to ask.", "success")
            return redirect(url_for("mentoring.suggestions", request_id=created.id))
    elif form.is_submitted():
        also_check(form, lambda: services.check_request(current_user, **answers))
    return render_template("mentoring/request_form.html", form=form)


def _request_crumbs(mentoring_request: MentoringRequest) -> list[tuple[str, str]]:
    return [
        (url_for("mentoring.index"), "Mentoring"),
        (url_for("mentoring.request", request_id=mentoring_request.id), mentoring_request.title),
    ]


def _render_request(mentoring_request: MentoringRequest, respond_form: RespondForm | None = None):
    own = queries.own_ask(mentoring_request, current_user)
    can_answer = own is not None and services.ask_state(own) == AskStatus.PENDING
    return render_template(
        "mentoring/request.html",
        mentoring_request=mentoring_request,
        asks=queries.asks_of(mentoring_request, current_user),
        own_ask=own,
        ask_state=services.ask_state,
        # After a refused answer the form comes back with its errors, answerable or not.
        respond_form=respond_form or (RespondForm() if can_answer else None),
        can_answer=can_answer,
        mentorship=queries.mentorship_of(mentoring_request),
        manages=can_manage_request(current_user, mentoring_request),
        sees_suggestions=_sees_suggestions(mentoring_request),
        waiting=services.live_pending_asks(mentoring_request),
        max_asks=services.MAX_PENDING_ASKS,
        expiry_days=services.expiry_days(),
        action_form=ActionForm(),
    )


@bp.route("/mentoring/requests/<int:request_id>", endpoint="request")
def request_detail(request_id: int):
    return _render_request(get_request_or_404(request_id, current_user))


@bp.route("/mentoring/requests/<int:request_id>/respond", methods=["POST"])
def respond(request_id: int):
    mentoring_request = get_request_or_404(request_id, current_user)
    ask = queries.own_ask(mentoring_request, current_user)
    if ask is None:
        abort(403)
    form = RespondForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        if not accept and request.form.get("confirmed") != "1":
            return ask_first(_decline_confirmation(mentoring_request, form.message.data))
        try:
            mentorship = services.respond(
                current_user, ask, accept=accept, message=form.message.data
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            if mentorship is not None:
                flash(
                    f"You are now mentoring {mentoring_request.organisation.name}. Agree your "
                    "goals together.",
                    "success",
                )
                return redirect(url_for("mentoring.mentorship", mentorship_id=mentorship.id))
            flash("You have declined. We have told the requester.", "success")
            return redirect(url_for("mentoring.index"))
    return _render_request(mentoring_request, form)


def _decline_confirmation(mentoring_request: MentoringRequest, message: str) -> Confirmation:
    """Declining cannot be taken back: the answer, message and all, is checked first."""
    requester = mentoring_request.requester
    return Confirmation(
        question=f"Decline to mentor {mentoring_request.organisation.name}?",
        consequences=[
            f"{requester.name if requester else 'The requester'} will be told you have "
            f"declined, with your message: “{message.strip()}”",
            "You will not be able to accept this request afterwards.",
        ],
        button="Decline the request",
        cancel=url_for("mentoring.request", request_id=mentoring_request.id),
        cancel_text="Go back without answering",
        crumbs=_request_crumbs(mentoring_request),
        fields={"decision": "decline", "message": message, "confirmed": "1"},
    )


def _sees_suggestions(mentoring_request: MentoringRequest) -> bool:
    """The requester, their organisation's members and administrators; not asked mentors."""
    return (
        current_user.is_admin
        or current_user.id == mentoring_request.requester_id
        or current_user.organisation_id == mentoring_request.organisation_id
    )


def _mentors_chosen(form: AskMentorsForm, mentoring_request: MentoringRequest) -> list | None:
    """The mentors ticked, and the one named, if any; None when the name needs another look."""
    chosen = list(form.mentors.data or [])
    if not form.person.data:
        return chosen
    person = choose_person(form, "person")
    if person is None:
        return None
    if person.id not in chosen and not services.can_be_asked(mentoring_request, person.id):
        form.person.errors = [
            *form.person.errors,
            f"{person.name} cannot be asked for this request: they may not offer mentoring in "
            "the areas you asked for, have no free place, have paused their offer, have been "
            "asked already or be in your organisation",
        ]
        return None
    return [*chosen, person.id]


@bp.route("/mentoring/requests/<int:request_id>/suggestions", methods=["GET", "POST"])
def suggestions(request_id: int):
    mentoring_request = get_request_or_404(request_id, current_user)
    if not _sees_suggestions(mentoring_request):
        abort(403)
    manages = can_manage_request(current_user, mentoring_request)
    form = AskMentorsForm()
    if request.method == "POST":
        if not manages:
            abort(403)
        chosen = _mentors_chosen(form, mentoring_request) if form.validate_on_submit() else None
        if chosen is not None:
            try:
                asks = services.ask_mentors(
                    current_user, mentoring_request, chosen, form.message.data or ""
                )
            except RuleViolation as violation:
                show_violation(form, violation)
            else:
                names = ", ".join(a.mentor.name for a in asks)
                flash(f"We have asked {names}. You will hear when they answer.", "success")
                return redirect(url_for("mentoring.request", request_id=mentoring_request.id))
    number = page_number()
    ranked = (
        suggested.ranking(mentoring_request, wanted=number * SUGGESTIONS_PER_PAGE)
        if mentoring_request.is_open
        else ranking.Ranking(0, ())
    )
    page = ListPagination(ranked.best, number, SUGGESTIONS_PER_PAGE, total=ranked.total)
    form.mentors.choices = [(s.user_id, s.candidate.name) for s in page.items]
    return render_template(
        "mentoring/suggestions.html",
        mentoring_request=mentoring_request,
        page=page,
        form=form,
        manages=manages,
        waiting=services.live_pending_asks(mentoring_request),
        max_asks=services.MAX_PENDING_ASKS,
        max_score=ranking.MAX_SCORE,
    )


@bp.route("/mentoring/requests/<int:request_id>/withdraw", methods=["GET", "POST"])
def withdraw_request(request_id: int):
    mentoring_request = get_request_or_404(request_id, current_user, manage=True)
    back = url_for("mentoring.request", request_id=request_id)
    confirmation = Confirmation(
        question=f"Withdraw “{mentoring_request.title}”?",
        consequences=[
            "Your request will close and no one new will be suggested or asked.",
            "Any mentor still considering it will be told it has been withdrawn.",
            "To ask for help again you will need to make a new request.",
        ],
        button="Withdraw the request",
        cancel=back,
        cancel_text="Keep the request open",
        crumbs=_request_crumbs(mentoring_request),
    )
    return confirm_then_act(
        confirmation,
        lambda: services.withdraw_request(current_user, mentoring_request),
        "Your request has been withdrawn.",
        back,
    )


@bp.route(
    "/mentoring/requests/<int:request_id>/asks/<int:ask_id>/withdraw", methods=["GET", "POST"]
)
def withdraw_ask(request_id: int, ask_id: int):
    mentoring_request = get_request_or_404(request_id, current_user, manage=True)
    ask = db.session.get(MentoringAsk, ask_id)
    if ask is None or ask.request_id != request_id:
        abort(404)
    back = url_for("mentoring.request", request_id=request_id)
    mentor = ask.mentor.name
    confirmation = Confirmation(
        question=f"Withdraw your ask to {mentor}?",
        consequences=[
            f"{mentor} will be told you no longer need them for this request.",
            "Your request stays open, and you can ask another suggested mentor instead.",
        ],
        button="Withdraw the ask",
        cancel=back,
        cancel_text="Keep waiting for their answer",
        crumbs=_request_crumbs(mentoring_request),
    )
    return confirm_then_act(
        confirmation,
        lambda: services.withdraw_ask(current_user, ask),
        f"You have withdrawn your ask to {mentor}.",
        back,
    )


@bp.app_template_global("mentor_offer_of")
def mentor_offer_of(user):
    """The member's offer and how many places are taken, for their profile page."""
    return queries.offer_standing(user)
