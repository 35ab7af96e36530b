"""Thread and post pages: reading, starting, replying, editing, reacting, moderating."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.communities.services import get_community_or_404
from community.core.errors import RuleViolation
from community.core.markdown import render_markdown
from community.discussions import moderation, quoting, redaction, services, thread_pages
from community.discussions.blueprint import bp
from community.discussions.forms import (
    EditPostForm,
    FlagForm,
    MoveForm,
    ReplyForm,
    ReviewForm,
    ThreadForm,
    WatchForm,
)
from community.discussions.links import post_url, thread_links, thread_url
from community.discussions.models import Thread
from community.visibility import can_facilitate, can_moderate_thread
from community.web.actions import Confirmation, confirm_then_act, require_action_form
from community.web.forms import show_violation
from community.web.rate_limits import posting_limit, preview_limit

bp.add_app_template_global(thread_links)


@bp.before_request
@login_required
def require_sign_in():
    """Discussions are for signed-in members."""


def _preview(form) -> str | None:
    """The rendered preview when the person pressed Preview, else None."""
    if "preview" in request.form and form.body.data:
        return render_markdown(form.body.data, services.existing_usernames(
            services.mentioned_usernames(form.body.data))).html  # fmt: skip
    return None


PREVIEW_CHARS = 20000  # as long as a post may be


@bp.route("/posts/preview", methods=["POST"])
@preview_limit
def preview():
    """The editor's preview (static/js/editor.js): Markdown rendered exactly as a post will
    be, through community/core/markdown.py. JSON {"html": …}; CSRF protected like every POST."""
    body = (request.form.get("body") or "")[:PREVIEW_CHARS]
    html = render_markdown(body, services.existing_usernames(services.mentioned_usernames(body)))
    return jsonify({"html": html.html})


@bp.route("/communities/<slug>/threads/new", methods=["GET", "POST"])
@posting_limit
def new_thread(slug: str):
    community = get_community_or_404(slug, current_user)
    form = ThreadForm()
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        try:
            thread = services.start_thread(current_user, community, form.title.data, form.body.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Your thread has been started.", "success")
            return redirect(thread_url(thread))
    return render_template(
        "discussions/new_thread.html", form=form, community=community, preview=preview
    )


def _community_thread_or_404(thread_id: int) -> Thread:
    """A thread addressed under /communities/…: a method's or project's thread lives there."""
    thread = services.get_thread_or_404(thread_id, current_user)
    if thread.community_id is None:
        abort(404)
    return thread


@bp.route("/communities/<slug>/threads/<int:thread_id>-<title_slug>")
def thread(slug: str, thread_id: int, title_slug: str):
    thread = services.get_thread_or_404(thread_id, current_user)
    number = request.args.get("page", 1, type=int)
    if thread.community_id is None or slug != thread.community.slug or title_slug != thread.slug:
        return redirect(thread_url(thread, number), 301)
    return thread_page(thread, number)


def thread_page(thread: Thread, number: int, **context):
    """One page of a thread, for a community thread or a method's or project's."""
    return thread_pages.show(thread, number, **context)


@bp.route("/threads/<int:thread_id>")
def thread_redirect(thread_id: int):
    thread = services.get_thread_or_404(thread_id, current_user)
    return redirect(thread_url(thread))


@bp.route("/communities/<slug>/threads/<int:thread_id>/reply", methods=["GET", "POST"])
@posting_limit
def reply(slug: str, thread_id: int):
    return reply_page(_community_thread_or_404(thread_id))


def reply_page(thread: Thread):
    """The reply form and its submission, for a community thread or a method's thread."""
    form = ReplyForm()
    quoted = None
    reply_to_id = request.values.get("to", type=int) or (
        int(form.reply_to.data) if (form.reply_to.data or "").isdigit() else None
    )
    if reply_to_id:
        quoted = services.get_post_or_404(reply_to_id, current_user)
        if quoted.thread_id != thread.id:
            abort(404)
        form.reply_to.data = str(quoted.id)
        # Part of the post selected before pressing Reply (static/js/editor.js): start with it.
        start = quoting.selection_quote(request.args.get("quote"), quoted.body_source or "")
        if request.method == "GET" and start and not quoted.is_removed:
            form.body.data = start
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        try:
            post = services.reply(current_user, thread, form.body.data, quoted)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Your reply has been posted.", "success")
            return redirect(post_url(post, thread))
    shown = None
    if quoted is not None and not quoted.is_removed:
        shown = quoting.excerpt(quoted.body_source or "")
    return render_template(
        "discussions/reply.html", form=form, thread=thread, quoted=quoted, shown=shown,
        preview=preview,
    )  # fmt: skip


@bp.route("/communities/<slug>/threads/<int:thread_id>/moderate", methods=["POST"])
def moderate(slug: str, thread_id: int):
    return moderate_action(_community_thread_or_404(thread_id))


def moderate_action(thread: Thread):
    require_action_form()
    try:
        message = moderation.moderate_thread(current_user, thread, request.form.get("action", ""))
    except RuleViolation as violation:
        flash(violation.message, "error")
    else:
        flash(message + ".", "success")
    return redirect(thread_url(thread))


@bp.route("/communities/<slug>/threads/<int:thread_id>/move", methods=["GET", "POST"])
def move(slug: str, thread_id: int):
    thread = _community_thread_or_404(thread_id)
    if not can_facilitate(current_user, thread.community):
        abort(403)
    targets = moderation.move_targets(current_user, thread)
    form = MoveForm()
    form.community.choices = [(0, "Choose a community")] + [
        (c.id, c.name + (" (private)" if c.is_private else "")) for c in targets
    ]
    if form.validate_on_submit():
        target = next((c for c in targets if c.id == form.community.data), None)
        if target is None:
            form.community.errors = ["Choose a community you facilitate"]
        else:
            try:
                moderation.move_thread(
                    current_user, thread, target, widen_audience=form.widen_audience.data
                )
            except RuleViolation as violation:
                show_violation(form, violation)
            else:
                flash(f"The thread has been moved to {target.name}.", "success")
                return redirect(thread_url(thread))
    return render_template("discussions/move.html", form=form, thread=thread)


@bp.route("/communities/<slug>/threads/<int:thread_id>/watch", methods=["POST"])
def watch(slug: str, thread_id: int):
    return watch_action(_community_thread_or_404(thread_id))


def watch_action(thread: Thread):
    form = WatchForm()
    if not form.validate_on_submit():
        flash("Choose how closely to follow this thread.", "error")
    else:
        services.set_watch_level(current_user, thread, form.level.data)
        flash("Your notification setting for this thread has been saved.", "success")
    return redirect(thread_url(thread))


@bp.route("/posts/<int:post_id>")
def post_permalink(post_id: int):
    post = services.get_post_or_404(post_id, current_user)
    return redirect(post_url(post, post.thread))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id: int):
    post = services.get_post_or_404(post_id, current_user, for_edit=True)
    # Worked out before saving: the commit expires the post, and its thread never lazy-loads.
    target = post_url(post, post.thread)
    form = EditPostForm(body=post.body_source) if request.method == "GET" else EditPostForm()
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        try:
            services.edit_post(current_user, post, form.body.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(
                "Your post has been updated. Its earlier text stays in its edit history: "
                "if you took out personal information, redact it there.",
                "success",
            )
            return redirect(target)
    return render_template("discussions/edit_post.html", form=form, post=post, preview=preview)


@bp.route("/posts/<int:post_id>/history")
def post_history(post_id: int):
    post = services.get_post_or_404(post_id, current_user)
    if post.is_removed:
        abort(404)
    return render_template(
        "discussions/history.html", post=post, revisions=services.revisions_of(post),
        back=post_url(post, post.thread), mine=post.author_id == current_user.id,
        may_redact=redaction.may_redact(current_user, post, post.thread),
    )  # fmt: skip


@bp.route("/posts/<int:post_id>/history/<int:number>/redact", methods=["GET", "POST"])
def redact_version(post_id: int, number: int):
    post = services.get_post_or_404(post_id, current_user)
    if post.is_removed:
        abort(404)
    revision = redaction.revision_of(post, number)
    if revision is None:
        abort(404)
    if not redaction.may_redact(current_user, post, post.thread):
        abort(403)
    history = url_for("discussions.post_history", post_id=post.id)
    name = "the original" if number == 1 else f"version {number}"
    confirmation = Confirmation(
        question=f"Redact {name} of this post?",
        consequences=[
            f"The text of {name} is deleted for good: nobody, you included, can read it again.",
            "The edit history keeps its place and says who redacted it and when.",
            "Emails that quoted it lose the text, even those not yet sent.",
            "The post's current text does not change.",
        ],
        button="Redact this version",
        cancel=history,
        crumbs=[(history, "Edit history")],
    )  # fmt: skip
    return confirm_then_act(
        confirmation, lambda: redaction.redact_revision(current_user, post, revision),
        "The version has been redacted: its text is gone.", history,
    )  # fmt: skip


@bp.route("/posts/<int:post_id>/purge", methods=["GET", "POST"])
def purge_post(post_id: int):
    post = services.get_post_or_404(post_id, current_user)
    if not current_user.is_admin:
        abort(403)
    target = post_url(post, post.thread)
    confirmation = Confirmation(
        question="Purge this post?",
        consequences=[
            "Its text and every earlier version are deleted from the database for good.",
            "The thread shows “This post was removed by an administrator” in its place.",
            "Replies that quote it show nothing of it; search and emails lose it too.",
        ],
        button="Purge the post",
        cancel=target,
        crumbs=[(target, post.thread.title)],
    )  # fmt: skip
    return confirm_then_act(
        confirmation, lambda: redaction.purge_post(current_user, post),
        "The post has been purged.", target,
    )  # fmt: skip


def _post_action(post_id: int, action, success: str):
    post = services.get_post_or_404(post_id, current_user)
    require_action_form()
    # Worked out before the action: its commit expires the post, whose thread never lazy-loads.
    target = post_url(post, post.thread)
    try:
        action(post)
    except RuleViolation as violation:
        flash(violation.message, "error")
    else:
        flash(success, "success")
    return redirect(target)


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
def delete_post(post_id: int):
    post = services.get_post_or_404(post_id, current_user)
    if request.method == "GET" and post.author_id != current_user.id:
        abort(403)  # only its author is asked; anyone else's POST is refused with a reason
    thread = post.thread
    # Worked out before the action: its commit expires the post, whose thread never lazy-loads.
    back = post_url(post, thread)
    confirmation = Confirmation(
        question="Delete your post?",
        consequences=[
            f"Your post in “{thread.title}” will be removed for everyone who reads the thread.",
            "Replies that quoted it will say it is no longer shown.",
        ],
        button="Delete the post",
        cancel=back,
        cancel_text="Keep the post",
        crumbs=[*thread_links(thread)["crumbs"], (thread_url(thread), thread.title)],
    )
    return confirm_then_act(
        confirmation,
        lambda: services.delete_post(current_user, post),
        "Your post has been removed.",
        back,
    )


@bp.route("/posts/<int:post_id>/helpful", methods=["POST"])
def helpful(post_id: int):
    mark = {"1": True, "0": False}.get(request.form.get("mark", ""))
    return _post_action(
        post_id,
        lambda p: services.toggle_helpful(current_user, p, mark),
        "Your reaction has been saved.",
    )


@bp.route("/posts/<int:post_id>/key-learning", methods=["POST"])
def key_learning(post_id: int):
    mark = request.form.get("mark") == "1"
    return _post_action(
        post_id,
        lambda p: services.set_key_learning(current_user, p, mark),
        "Marked as the key learning." if mark else "Key learning cleared.",
    )


@bp.route("/posts/<int:post_id>/hide", methods=["POST"])
def hide_post(post_id: int):
    hide = request.form.get("hide", "1") == "1"
    return _post_action(
        post_id,
        lambda p: (moderation.hide_post if hide else moderation.unhide_post)(current_user, p),
        "The post has been hidden." if hide else "The post is visible again.",
    )


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
def flag_post(post_id: int):
    post = services.get_post_or_404(post_id, current_user)
    back = post_url(post, post.thread)  # before flagging commits and expires the post
    form = FlagForm()
    if form.validate_on_submit():
        try:
            moderation.flag_post(current_user, post, form.reason.data, form.note.data or "")
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Thank you. The facilitators will review this post.", "success")
            return redirect(back)
    return render_template("discussions/flag.html", form=form, post=post, back=back)


@bp.route("/posts/<int:post_id>/review", methods=["POST"])
def review_post(post_id: int):
    post = services.get_post_or_404(post_id, current_user)
    if not can_moderate_thread(current_user, post.thread):
        abort(403)
    # Worked out before the review commits: the post's thread never lazy-loads afterwards.
    queue = thread_links(post.thread)["flags"]  # a community's queue, or a method's
    form = ReviewForm()
    if not form.validate_on_submit():
        flash("Choose what to do with the flagged post.", "error")
    else:
        try:
            moderation.review_flags(current_user, post, form.decision.data, form.message.data or "")
        except RuleViolation as violation:
            flash(violation.message, "error")
        else:
            flash("Your decision has been recorded.", "success")
    return redirect(queue)
