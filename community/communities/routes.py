"""Community pages: the directory, a community's home, membership and facilitation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.accounts.services import user_by_username
from community.audit.services import recent_events
from community.communities import joining, services
from community.communities.blueprint import bp
from community.communities.forms import CommunityForm, InviteForm, JoinRequestForm
from community.communities.models import Community, JoinRequest
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.discussions import moderation
from community.discussions.forms import ReviewForm
from community.discussions.reading import threads_page
from community.people.forms import choose_person
from community.visibility import can_facilitate, can_see_community, membership
from community.web.actions import Confirmation, act, confirm_then_act
from community.web.forms import ActionForm, also_check, show_violation


@bp.before_request
@login_required
def require_sign_in():
    """Every community page is for signed-in members."""


def _page() -> int:
    return request.args.get("page", 1, type=int)


@bp.route("")
def directory():
    name = (request.args.get("q") or "").strip()[:100]
    mine = request.args.get("show") == "mine"
    page = services.directory_page(
        current_user, _page(), current_app.config["PER_PAGE"], name=name, mine=mine
    )
    memberships = services.memberships_of(current_user, [c.id for c in page.items])
    return render_template(
        "communities/directory.html", page=page, name=name, mine=mine, memberships=memberships
    )


@bp.route("/new", methods=["GET", "POST"])
def propose():
    form = CommunityForm()
    if form.validate_on_submit():
        try:
            community = services.propose_community(
                current_user,
                name=form.name.data,
                purpose=form.purpose.data,
                learning_question=form.learning_question.data,
                visibility=form.visibility.data,
                listed=form.listed.data,
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            if community.is_active:
                flash(f"{community.name} is ready. You are its facilitator.", "success")
            else:
                flash(
                    f"Thank you. {community.name} will open when a site administrator approves "
                    "it; you are its facilitator.",
                    "success",
                )
            return redirect(url_for("communities.home", slug=community.slug))
    elif form.is_submitted():
        also_check(form, lambda: services.check_details(form.name.data, form.visibility.data))
    return render_template("communities/form.html", form=form, community=None)


@bp.route("/<slug>")
def home(slug: str):
    community = services.get_listed_community_or_404(slug, current_user)
    member = membership(current_user, community)
    if not can_see_community(current_user, community, member):
        return render_template(
            "communities/ask_to_join.html",
            community=community,
            form=JoinRequestForm(),
            pending=services.pending_request_of(current_user, community),
        )
    threads = threads_page(community, _page(), current_app.config["PER_PAGE"])
    facilitating = can_facilitate(current_user, community, member)
    return render_template(
        "communities/home.html",
        community=community,
        member=member,
        threads=threads,
        facilitating=facilitating,
        facilitators=services.facilitators_of(community),
        open_flags=moderation.open_flag_count(community) if facilitating else 0,
        pending_requests=len(services.pending_requests(community)) if facilitating else 0,
        action_form=ActionForm(),
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    community = services.get_community_or_404(slug, current_user, facilitate=True)
    form = CommunityForm(obj=community)
    if form.validate_on_submit():
        try:
            services.update_community(
                current_user,
                community,
                name=form.name.data,
                purpose=form.purpose.data,
                learning_question=form.learning_question.data,
                visibility=form.visibility.data,
                listed=form.listed.data,
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("The community's details have been saved.", "success")
            return redirect(url_for("communities.home", slug=community.slug))
    elif form.is_submitted():
        also_check(
            form, lambda: services.check_details(form.name.data, form.visibility.data, community)
        )
    return render_template("communities/form.html", form=form, community=community)


@bp.route("/<slug>/join", methods=["POST"])
def join(slug: str):
    community = services.get_listed_community_or_404(slug, current_user)
    if community.is_private:
        form = JoinRequestForm()
        if not form.validate_on_submit():
            abort(400)
        return act(
            lambda: joining.request_to_join(current_user, community, form.message.data or ""),
            "Your request has been sent to the facilitators.",
            url_for("communities.home", slug=community.slug),
        )
    return act(
        lambda: services.join(current_user, community),
        f"You have joined {community.name}.",
        url_for("communities.home", slug=community.slug),
    )


@bp.route("/<slug>/leave", methods=["GET", "POST"])
def leave(slug: str):
    community = services.get_community_or_404(slug, current_user)
    home = url_for("communities.home", slug=community.slug)
    # A private community disappears from view once you leave it.
    target = url_for("communities.directory") if community.is_private else home
    consequences = ["You will no longer hear of its new threads and replies."]
    if community.is_private:
        consequences.insert(0, "You will no longer see its threads, methods and projects.")
        consequences.append("To come back you will need to be invited or ask to join again.")
    confirmation = Confirmation(
        question=f"Leave {community.name}?",
        consequences=consequences,
        button="Leave the community",
        cancel=home,
        cancel_text="Stay in the community",
        undoable=not community.is_private,
        crumbs=[(url_for("communities.directory"), "Communities"), (home, community.name)],
    )
    return confirm_then_act(
        confirmation,
        lambda: services.leave(current_user, community),
        f"You have left {community.name}.",
        target,
    )


@bp.route("/<slug>/watch", methods=["POST"])
def watch(slug: str):
    community = services.get_community_or_404(slug, current_user)
    on = request.form.get("watch") == "1"
    return act(
        lambda: services.set_watch_new_threads(current_user, community, on),
        "You will be told about new threads." if on else "You will not be told about new threads.",
        url_for("communities.home", slug=community.slug),
    )


@bp.route("/<slug>/members")
def members(slug: str):
    community = services.get_community_or_404(slug, current_user)
    page = services.members_page(community, _page(), 50)
    return render_template(
        "communities/members.html",
        community=community,
        page=page,
        facilitating=can_facilitate(current_user, community),
        action_form=ActionForm(),
    )


def _member_or_404(username: str):
    user = user_by_username(username)
    if user is None:
        abort(404)
    return user


def _members_crumbs(community) -> list[tuple[str, str]]:
    return [
        (url_for("communities.directory"), "Communities"),
        (url_for("communities.home", slug=community.slug), community.name),
        (url_for("communities.members", slug=community.slug), "Members"),
    ]


@bp.route("/<slug>/members/<username>/remove", methods=["GET", "POST"])
def remove_member(slug: str, username: str):
    community = services.get_community_or_404(slug, current_user, facilitate=True)
    user = _member_or_404(username)
    members_page = url_for("communities.members", slug=community.slug)
    consequences = [
        f"{user.name} will no longer be a member of {community.name}.",
        "Their threads and replies stay in the community.",
    ]
    if community.is_private:
        consequences.append(
            "They will no longer see its threads, methods and projects, and can only come back "
            "if they are invited or ask to join again."
        )
    confirmation = Confirmation(
        question=f"Remove {user.name} from {community.name}?",
        consequences=consequences,
        button=f"Remove {user.name}",
        cancel=members_page,
        cancel_text="Keep them as a member",
        undoable=not community.is_private,
        crumbs=_members_crumbs(community),
    )
    return confirm_then_act(
        confirmation,
        lambda: services.remove_member(current_user, community, user),
        f"{user.name} has been removed from the community.",
        members_page,
    )


@bp.route("/<slug>/members/<username>/facilitator", methods=["GET", "POST"])
def facilitator(slug: str, username: str):
    """Appointing is one click; taking the role away asks first (GET), then POSTs appoint=0."""
    community = services.get_community_or_404(slug, current_user, facilitate=True)
    user = _member_or_404(username)
    members_page = url_for("communities.members", slug=community.slug)
    appoint = request.method == "POST" and request.form.get("appoint") == "1"
    if appoint:
        return act(
            lambda: services.set_facilitator(current_user, community, user, True),
            f"{user.name} is now a facilitator.",
            members_page,
        )
    confirmation = Confirmation(
        question=f"Remove {user.name}'s facilitator role?",
        consequences=[
            f"{user.name} stays a member of {community.name}.",
            "They will no longer approve requests to join, moderate threads or see the "
            "community's moderation queue and audit log.",
        ],
        button="Remove the facilitator role",
        cancel=members_page,
        cancel_text="Keep them as a facilitator",
        undoable=True,
        crumbs=_members_crumbs(community),
        fields={"appoint": "0"},
    )
    return confirm_then_act(
        confirmation,
        lambda: services.set_facilitator(current_user, community, user, False),
        f"{user.name} is no longer a facilitator.",
        members_page,
    )


@bp.route("/<slug>/requests")
def join_requests(slug: str):
    community = services.get_community_or_404(slug, current_user, facilitate=True)
    return render_template(
        "communities/requests.html",
        community=community,
        requests=services.pending_requests(community),
        action_form=ActionForm(),
    )


@bp.route("/<slug>/requests/<int:request_id>", methods=["GET", "POST"])
def decide_request(slug: str, request_id: int):
    """Approving is one click; declining asks first (GET), then POSTs decision=decline."""
    community = services.get_community_or_404(slug, current_user, facilitate=True)
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.community_id != community.id:
        abort(404)
    requests_page = url_for("communities.join_requests", slug=community.slug)
    name = join_request.user.name
    if request.method == "POST" and request.form.get("decision") == "approve":
        return act(
            lambda: joining.decide_join_request(current_user, join_request, True),
            f"{name} has joined the community.",
            requests_page,
        )
    confirmation = Confirmation(
        question=f"Decline {name}'s request to join?",
        consequences=[
            f"{name} will not join {community.name}, and their request leaves the list.",
            "To join later they will need to ask again or be invited.",
        ],
        button="Decline the request",
        cancel=requests_page,
        cancel_text="Go back to the requests",
        crumbs=[
            (url_for("communities.directory"), "Communities"),
            (url_for("communities.home", slug=community.slug), community.name),
            (requests_page, "Requests to join"),
        ],
        fields={"decision": "decline"},
    )
    return confirm_then_act(
        confirmation,
        lambda: joining.decide_join_request(current_user, join_request, False),
        f"{name} will not join the community.",
        requests_page,
    )


@bp.route("/<slug>/invite", methods=["GET", "POST"])
def invite(slug: str):
    community = services.get_community_or_404(slug, current_user, facilitate=True)
    form = InviteForm()
    if form.validate_on_submit():
        # An email address is invited as typed; a name or username finds the person, whose
        # address is used but never shown.
        address = form.email_address()
        person = choose_person(form, "person") if address is None else None
        if address or person is not None:
            try:
                joining.invite(current_user, community, address or person.email, field="person")
            except RuleViolation as violation:
                show_violation(form, violation)
            else:
                flash(f"We have emailed an invitation to {address or person.name}.", "success")
                return redirect(url_for("communities.home", slug=community.slug))
    return render_template("communities/invite.html", form=form, community=community)


@bp.route("/<slug>/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(slug: str, token: str):
    # The token, not visibility, grants access here: invitees are not members yet.
    community = db.session.scalar(sa.select(Community).where(Community.slug == slug))
    if community is None or joining.invitation_for(community, token) is None:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            joining.accept_invitation(current_user, community, token)
        except RuleViolation as violation:
            flash(violation.message, "error")
            return redirect(url_for("main.index"))
        flash(f"Welcome to {community.name}.", "success")
        return redirect(url_for("communities.home", slug=community.slug))
    return render_template("communities/invitation.html", community=community, form=form)


@bp.route("/<slug>/moderation")
def moderation_queue(slug: str):
    community = services.get_community_or_404(slug, current_user, facilitate=True)
    return render_template(
        "communities/moderation.html",
        community=community,
        queue=moderation.moderation_queue(community),
        form=ReviewForm(),
    )


@bp.route("/<slug>/audit")
def audit(slug: str):
    community = services.get_community_or_404(slug, current_user, facilitate=True)
    page = recent_events(_page(), 50, community_id=community.id)
    return render_template("communities/audit.html", community=community, page=page)
