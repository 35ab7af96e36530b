"""Site administration: reference data, roles and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from community.accounts.models import ExpertiseTag, TagKind, User
from community.accounts.services import grant_role, set_synonyms
from community.admin.blueprint import bp
from community.admin.forms import (
    EmailDomainForm,
    OrganisationForm,
    RoleForm,
    SynonymsForm,
    SystemForm,
)
from community.audit.services import actions_logged, recent_events
from community.communities import services as communities
from community.communities.models import Community
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.directory import email_domains
from community.directory import services as directory
from community.directory.models import EmailDomain, Organisation, System
from community.web.actions import Confirmation, act, confirm_then_act
from community.web.forms import ActionForm, also_check, show_violation


@bp.before_request
@login_required
def require_admin():
    if not current_user.is_admin:
        abort(403)


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.route("/")
def index():
    return render_template("admin/index.html")


@bp.route("/systems/new", methods=["GET", "POST"])
@bp.route("/systems/<int:system_id>/edit", methods=["GET", "POST"])
def edit_system(system_id: int | None = None):
    system = _get_or_404(System, system_id) if system_id else None
    form = SystemForm(obj=system)
    if form.validate_on_submit():
        try:
            saved = directory.save_system(
                current_user, system, name=form.name.data, region=form.region.data or ""
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{saved.name} has been saved.", "success")
            return redirect(url_for("directory.system", slug=saved.slug))
    return render_template("admin/system_form.html", form=form, system=system)


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int | None = None):
    organisation = _get_or_404(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    form.system.choices = [(0, "Select a system")] + directory.system_choices()
    if request.method == "GET" and organisation is not None:
        form.system.data = organisation.system_id
    if form.validate_on_submit():
        try:
            saved = directory.save_organisation(
                current_user, organisation, name=form.name.data, org_type=form.type.data,
                system_id=form.system.data,
            )  # fmt: skip
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{saved.name} has been saved.", "success")
            return redirect(url_for("directory.organisation", slug=saved.slug))
    elif form.is_submitted():
        also_check(form, lambda: directory.check_organisation(
            organisation, name=form.name.data, org_type=form.type.data,
            system_id=form.system.data,
        ))  # fmt: skip
    domains = email_domains.domains_of(organisation) if organisation else []
    return render_template(
        "admin/organisation_form.html", form=form, organisation=organisation, domains=domains
    )


@bp.route("/email-domains", methods=["GET", "POST"])
def email_domains_list():
    """The allow-list's kept domains, and a form to add one."""
    form = EmailDomainForm()
    form.organisation.choices = [
        (-1, "Select the organisation, or shared"),
        (email_domains.SHARED, "Shared by several organisations, like nhs.net"),
    ] + directory.organisation_choices()
    if form.validate_on_submit():
        try:
            kept = email_domains.add_domain(current_user, form.domain.data, form.organisation.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{kept.domain} has been added.", "success")
            return redirect(url_for("admin.email_domains_list"))
    page = email_domains.kept_domains_page(_page(), current_app.config["PER_PAGE"])
    return render_template(
        "admin/email_domains.html", form=form, page=page,
        allow_list_in_force=email_domains.allow_list_in_force(),
    )  # fmt: skip


@bp.route("/email-domains/<int:domain_id>/remove", methods=["GET", "POST"])
def remove_email_domain(domain_id: int):
    kept = _get_or_404(EmailDomain, domain_id)
    listing = url_for("admin.email_domains_list")
    owner = kept.organisation.name if kept.organisation else "several organisations"
    confirmation = Confirmation(
        question=f"Remove {kept.domain}?",
        consequences=[
            f"People with addresses at {kept.domain} ({owner}) will no longer be able to "
            "register or sign in with NHSmail for the first time, unless another listed "
            "domain covers theirs.",
            "Members who already have accounts keep them, and their organisation.",
        ],
        button="Remove the domain",
        cancel=listing,
        cancel_text="Go back to the email domains",
        undoable=True,
        crumbs=[(url_for("admin.index"), "Administration"), (listing, "Email domains")],
    )
    return confirm_then_act(
        confirmation,
        lambda: email_domains.remove_domain(current_user, kept),
        f"{kept.domain} has been removed.",
        listing,
    )


@bp.route("/expertise")
def expertise():
    """The shared areas of expertise (approaches and topics) and their other names."""
    tags = db.session.scalars(
        sa.select(ExpertiseTag)
        .options(selectinload(ExpertiseTag.synonyms))
        .where(ExpertiseTag.kind.in_((TagKind.APPROACH, TagKind.TOPIC)))
        .order_by(ExpertiseTag.kind, ExpertiseTag.name)
    ).all()
    return render_template("admin/expertise.html", tags=tags)


@bp.route("/expertise/<int:tag_id>", methods=["GET", "POST"])
def edit_synonyms(tag_id: int):
    tag = _get_or_404(ExpertiseTag, tag_id)
    form = SynonymsForm()
    if request.method == "GET":
        form.synonyms.data = "\n".join(s.text for s in tag.synonyms)
    if form.validate_on_submit():
        try:
            set_synonyms(current_user, tag, (form.synonyms.data or "").splitlines())
        except RuleViolation as violation:
            db.session.rollback()
            show_violation(form, violation)
        else:
            flash(f"The other names of {tag.name} have been saved.", "success")
            return redirect(url_for("admin.expertise"))
    return render_template("admin/synonyms_form.html", form=form, tag=tag)


@bp.route("/members")
def members():
    q = (request.args.get("q") or "").strip()[:100]
    query = sa.select(User).order_by(User.name, User.id)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(User.name).like(pattern),
                User.email.like(pattern),
                User.username.like(pattern),
            )
        )
    page = db.paginate(
        query, page=_page(), per_page=current_app.config["PER_PAGE"], error_out=False
    )
    return render_template("admin/members.html", page=page, q=q)


@bp.route("/members/<int:user_id>", methods=["GET", "POST"])
def member(user_id: int):
    member = _get_or_404(User, user_id)
    form = RoleForm(obj=member)
    if form.validate_on_submit():
        try:
            grant_role(current_user, member, form.role.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{member.name} is now: {member.role_label}.", "success")
            return redirect(url_for("admin.member", user_id=member.id))
    return render_template("admin/member.html", member=member, form=form)


@bp.route("/audit")
def audit():
    action = request.args.get("action") or None
    page = recent_events(_page(), 50, action)
    return render_template("admin/audit.html", page=page, action=action, actions=actions_logged())


@bp.route("/communities")
def community_proposals():
    return render_template(
        "admin/community_proposals.html",
        proposals=communities.proposed_communities(),
        action_form=ActionForm(),
    )


@bp.route("/communities/<int:community_id>/decision", methods=["GET", "POST"])
def decide_community(community_id: int):
    """Approving is one click; declining asks first (GET), then POSTs decision=decline."""
    community = _get_or_404(Community, community_id)
    proposals = url_for("admin.community_proposals")
    if request.method == "POST" and request.form.get("decision") == "approve":
        return act(
            lambda: communities.decide_proposal(current_user, community, True),
            f"{community.name} has been approved.",
            proposals,
        )
    confirmation = Confirmation(
        question=f"Decline {community.name}?",
        consequences=[
            f"{community.name} will not open: nobody will be able to join it or post in it.",
            "It leaves the list of proposed communities; to try again its proposer will need "
            "to propose it afresh.",
        ],
        button="Decline the community",
        cancel=proposals,
        cancel_text="Go back to the proposals",
        crumbs=[(url_for("admin.index"), "Administration"), (proposals, "Proposed communities")],
        fields={"decision": "decline"},
    )
    return confirm_then_act(
        confirmation,
        lambda: communities.decide_proposal(current_user, community, False),
        f"{community.name} has been declined.",
        proposals,
    )
