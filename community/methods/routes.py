"""Method pages: the library, a method, writing, publishing, adapting.

A method's address is /methods/<id>-<slug>; the id finds it and a stale slug
redirects (301) to the current one, so shared links keep working after a
title changes. Its history and lineage are in history_routes.py, its discussion
in discussion_routes.py (its pages are community.discussions.attached's).
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from community.core.errors import RuleViolation
from community.discussions.models import Thread
from community.discussions.reading import thread_summary
from community.files import services as files
from community.files.owners import Owner
from community.methods import queries, services, uses
from community.methods.blueprint import bp
from community.methods.content import copied_from_private
from community.methods.diffs import diff_versions
from community.methods.forms import AdaptationForm, MethodForm, form_data
from community.methods.models import Method
from community.methods.snapshots import (
    adaptation_starting_point,
    content_of,
    context_of,
    proposed_snapshot,
)
from community.methods.vocabulary import CARE_SETTING_LABELS, IMPACT_COMPONENTS
from community.search.working_on import working_on
from community.web.actions import Confirmation, act, confirm_then_act
from community.web.forms import ActionForm, also_check, show_violation
from community.web.moved import to_current_slug


@bp.before_request
@login_required
def require_sign_in():
    """The methods library is for signed-in members."""


@bp.app_template_global()
def impact_label(component: int) -> str:
    return IMPACT_COMPONENTS.get(component, "")


@bp.app_template_global()
def care_setting_label(setting: str) -> str:
    return CARE_SETTING_LABELS.get(setting, "")


def method_url(method: Method, endpoint: str = "methods.method", **values) -> str:
    return url_for(endpoint, method_id=method.id, slug=method.slug, **values)


def _act(method: Method, action, success: str, target: str | None = None):
    """A one-button action on `method`, back to its page unless told otherwise."""
    return act(action, success, target or method_url(method))


def _set_choices(
    form: MethodForm, method: Method | None = None, parent: Method | None = None
) -> None:
    # An adaptation of a private method may always stay where the original is.
    current = method.community if method else copied_from_private(parent)
    form.set_choices(queries.approach_choices(), queries.communities_for(current_user, current))


# ------------------------------------------------------------------ reading


@bp.route("")
def library():
    filters = queries.read_filters(request.args, current_user)
    page = queries.library_page(
        current_user,
        filters,
        request.args.get("page", 1, type=int),
        current_app.config["PER_PAGE"],
    )
    return render_template(
        "methods/library.html",
        page=page,
        filters=filters,
        sorts=queries.SORTS,
        approaches=queries.approach_choices(),
        communities=queries.communities_with_methods(current_user),
        impact_components=IMPACT_COMPONENTS,
        care_settings=CARE_SETTING_LABELS,
        adaptation_counts=queries.visible_adaptation_counts(
            current_user, [m.id for m in page.items]
        ),
    )


@bp.route("/<int:method_id>")
def method_redirect(method_id: int):
    method = services.get_method_or_404(method_id, current_user)
    return redirect(method_url(method))


@bp.route("/<int:method_id>-<slug>")
def method(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user)
    if (moved := to_current_slug(slug, method.slug)) is not None:
        return moved
    adaptations = queries.adaptations_of(current_user, method, limit=6)
    thread = thread_summary(Thread.method_id == method.id)
    if thread is None:  # every method gets one when it is created
        abort(404)
    return render_template(
        "methods/method.html",
        method=method,
        parent=queries.parent_link(current_user, method),
        uses=queries.use_summary(current_user, method),
        adaptations=adaptations[:5],
        more_adaptations=len(adaptations) > 5,
        adaptation_count=queries.visible_adaptation_counts(current_user, [method.id]).get(
            method.id, 0
        ),
        thread=thread,
        files=files.shown_files(method),
        may_attach_files=files.may_attach(current_user, Owner.of(method)),
        working_on=working_on(
            current_user,
            method.title,
            thread_id=thread.id if thread else None,
            leave_out=method.author_ids(),
        ),
        action_form=ActionForm(),
    )


@bp.route("/<int:method_id>-<slug>/print")
def print_view(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user)
    if (moved := to_current_slug(slug, method.slug)) is not None:
        return moved
    return render_template(
        "methods/print.html",
        method=method,
        parent=queries.parent_link(current_user, method),
        uses=queries.use_summary(current_user, method),
    )


# ------------------------------------------------------------------ writing


def _publishing() -> bool:
    return request.form.get("action") == "publish"


def _ready(form: MethodForm) -> bool:
    """The form's own checks and, when publishing, what publishing needs: both run, so
    every problem is shown at once."""
    valid = form.validate_on_submit()
    publishable = not _publishing() or form.check_publishable()
    return valid and publishable


def _also_check(form: MethodForm, current_community_id: int | None) -> None:
    """A submitted form that failed its own checks also shows the service's."""
    if form.is_submitted():
        context = form.context() if isinstance(form, AdaptationForm) else None
        also_check(form, lambda: services.check_method(
            current_user, form.content(), context=context,
            current_community_id=current_community_id,
        ))  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = MethodForm()
    _set_choices(form)
    if _ready(form):
        try:
            method = services.create_method(current_user, form.content(), publish=_publishing())
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            if method.is_published:
                flash("Your method has been published.", "success")
            else:
                flash("Your draft has been saved. Only you and your co-authors can see it.",
                      "success")  # fmt: skip
            return redirect(method_url(method))
    else:
        _also_check(form, None)
    return render_template("methods/form.html", form=form, method=None, parent=None)


@bp.route("/<int:method_id>-<slug>/adapt", methods=["GET", "POST"])
def adapt(method_id: int, slug: str):
    parent = services.get_method_or_404(method_id, current_user)
    if (moved := to_current_slug(slug, parent.slug)) is not None:
        return moved
    if not parent.is_published:
        flash("Only a published method can be adapted.", "error")
        return redirect(method_url(parent))
    parent_files = files.shown_files(parent)
    if request.method == "GET":
        content, context = adaptation_starting_point(parent, current_user)
        kept = [f.id for f in parent_files]  # every file, unless the author clears its box
        form = AdaptationForm(**form_data(content, context), keep_files=kept)
    else:
        form = AdaptationForm()
    _set_choices(form, parent=parent)
    form.keep_files.choices = [(f.id, f.name) for f in parent_files]
    if _ready(form):
        try:
            method = services.create_method(
                current_user,
                form.content(),
                publish=_publishing(),
                parent=parent,
                context=form.context(),
                widen_audience=form.widen_audience.data,
                keep_files=form.keep_files.data or [],
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(
                "Your adaptation has been published."
                if method.is_published
                else "Your adaptation has been saved as a draft.",
                "success",
            )
            return redirect(method_url(method))
    else:
        source = copied_from_private(parent)
        _also_check(form, source.id if source else None)
    return render_template(
        "methods/form.html",
        form=form,
        method=None,
        parent=parent,
        private_source=copied_from_private(parent),
    )


@bp.route("/<int:method_id>-<slug>/edit", methods=["GET", "POST"])
def edit(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user, edit=True)
    if (moved := to_current_slug(slug, method.slug)) is not None:
        return moved
    form_class = AdaptationForm if method.adaptation is not None else MethodForm
    if request.method == "GET":
        data = form_data(content_of(method), context_of(method.adaptation))
        form = form_class(**data, version=str(method.version))
    else:
        form = form_class()
    _set_choices(form, method)
    conflict = None
    if _ready(form):
        context = form.context() if isinstance(form, AdaptationForm) else None
        try:
            changed = services.update_method(
                current_user,
                method,
                form.content(),
                base_version=int(form.version.data or 0)
                if (form.version.data or "").isdigit()
                else 0,
                note=form.note.data or "",
                context=context,
                publish=_publishing(),
                widen_audience=isinstance(form, AdaptationForm) and form.widen_audience.data,
            )
        except services.EditConflict as refused:
            names = [
                name
                for value, name in form.approaches.choices
                if value in (form.approaches.data or [])
            ]
            conflict = diff_versions(
                refused.current, proposed_snapshot(form.content(), context, names)
            )
            form.version.data = str(refused.version)
            form.form_errors.append(refused.message)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            if not changed:
                flash("You did not change anything.", "success")
            elif _publishing():
                flash("Your changes have been saved and the method is published.", "success")
            else:
                flash("Your changes have been saved.", "success")
            return redirect(method_url(method))
    else:
        _also_check(form, method.community_id)
    # The warning is for an adaptation still where the private original is.
    source = copied_from_private(services.parent_of(method))
    return render_template(
        "methods/form.html",
        form=form,
        method=method,
        parent=None,
        conflict=conflict,
        private_source=source if source and source.id == method.community_id else None,
    )


@bp.route("/<int:method_id>-<slug>/publish", methods=["POST"])
def publish(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user, edit=True)
    return _act(
        method, lambda: services.publish(current_user, method), "The method has been published."
    )


def _method_crumbs(method: Method) -> list[tuple[str, str]]:
    return [(url_for("methods.library"), "Methods"), (method_url(method), method.title)]


@bp.route("/<int:method_id>-<slug>/unpublish", methods=["GET", "POST"])
def unpublish(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user, manage=True)
    target = method_url(method) if method.is_author(current_user) else url_for("methods.library")
    confirmation = Confirmation(
        question=f"Unpublish “{method.title}”?",
        consequences=[
            "Only its authors will see it: it leaves the library, search and the pages "
            "that link to it.",
            "Adaptations made from it keep their pages.",
            "Its authors can publish it again.",
        ],
        button="Unpublish the method",
        cancel=method_url(method),
        cancel_text="Keep it published",
        undoable=True,
        crumbs=_method_crumbs(method),
    )
    return confirm_then_act(
        confirmation,
        lambda: services.unpublish(current_user, method),
        "The method has been unpublished. Only its authors can see it now.",
        target,
    )


@bp.route("/<int:method_id>-<slug>/delete", methods=["GET", "POST"])
def delete(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user, delete=True)
    title = method.title  # before the commit expires the method
    consequences = [
        "Nobody will be able to read the method, its history or its discussion.",
        "Adaptations made from it keep their pages and say they were adapted from a method "
        "that is no longer published.",
    ]
    if method.is_published:
        consequences.append(
            "If you may want it back, go back and unpublish it instead: only its authors "
            "will see it."
        )
    confirmation = Confirmation(
        question=f"Delete “{title}”?",
        consequences=consequences,
        button="Delete the method",
        cancel=method_url(method),
        cancel_text="Keep it",
        crumbs=_method_crumbs(method),
    )
    return confirm_then_act(
        confirmation,
        lambda: services.delete_method(current_user, method),
        f"“{title}” has been deleted.",
        url_for("methods.library"),
    )


@bp.route("/<int:method_id>-<slug>/used", methods=["POST"])
def used(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user)
    if request.form.get("used", "1") == "0":
        return _act(
            method,
            lambda: uses.withdraw_use(current_user, method),
            "You are no longer listed as using this method.",
            method_url(method, _anchor="use"),
        )
    org = current_user.organisation
    return _act(
        method,
        lambda: uses.record_use(current_user, method),
        "Thank you: your use has been recorded" + (f" for {org.name}." if org is not None else "."),
        method_url(method, _anchor="use"),
    )
