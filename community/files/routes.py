"""A post's files page (attach, list, remove) and serving a file to those who may see it."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.core.errors import RuleViolation
from community.discussions import services as discussions
from community.discussions.links import post_url, thread_links, thread_url
from community.files import services
from community.files.blueprint import bp
from community.files.detection import label_for, size_words
from community.files.forms import AttachFilesForm
from community.files.storage import storage
from community.visibility import can_remove_file
from community.web.actions import Confirmation, confirm_then_act
from community.web.forms import show_violation

# Served files run nothing, load nothing and cannot be framed into a page of this site.
FILE_CSP = "default-src 'none'; sandbox"


@bp.before_request
@login_required
def require_sign_in():
    """Files are for signed-in members, as what they are attached to is."""


@bp.route("/posts/<int:post_id>/files", methods=["GET", "POST"])
def post_files(post_id: int):
    post = discussions.get_post_or_404(post_id, current_user)
    if post.is_removed:
        abort(404)
    thread = post.thread
    may_attach = services.may_attach_to_post(current_user, post)
    if request.method == "POST" and not may_attach:
        abort(403)
    form = AttachFilesForm()
    room = services.room_on(post)
    if may_attach and form.validate_on_submit():
        uploads = services.uploads_from(form)
        try:
            added = services.attach_to_post(current_user, post, uploads)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{len(added)} file{'s' if len(added) != 1 else ''} attached.", "success")
            return redirect(post_url(post, thread))
    files = services.files_of_post(post.id)
    return render_template(
        "files/post_files.html", post=post, thread=thread, form=form, files=files,
        may_attach=may_attach, room=room, back=post_url(post, thread),
        may_remove={f.id for f in files if can_remove_file(current_user, f)},
        crumbs=[*thread_links(thread)["crumbs"], (thread_url(thread), thread.title)],
    )  # fmt: skip


@bp.route("/files/<token>")
def serve(token: str):
    stored = services.get_servable_file_or_404(token, current_user)
    disposition = "inline" if stored.is_image else "attachment"
    fallback = stored.name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    response = Response(storage().chunks(stored.storage_key), mimetype=stored.content_type)
    response.headers["Content-Length"] = str(stored.size)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(stored.name)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Kept by the member's own browser only, and asked again within minutes, so a
    # member who loses sight of the post soon loses the file too.
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/files/<token>/remove", methods=["GET", "POST"])
def remove(token: str):
    stored = services.get_file_or_404(token, current_user)
    if not can_remove_file(current_user, stored):
        abort(403)
    post = discussions.get_post_or_404(stored.post_id, current_user)
    thread = post.thread
    back = url_for("files.post_files", post_id=post.id)
    confirmation = Confirmation(
        question=f"Remove {stored.name}?",
        consequences=[
            f"{stored.name} will be removed from the post in “{thread.title}” and deleted.",
            "Anyone who follows a link to it will be told it is not found.",
        ],
        button="Remove the file",
        cancel=back,
        cancel_text="Keep the file",
        crumbs=[*thread_links(thread)["crumbs"], (thread_url(thread), thread.title)],
    )
    return confirm_then_act(
        confirmation,
        lambda: services.remove_file(current_user, stored),
        f"{stored.name} has been removed.",
        back,
    )


bp.add_app_template_filter(label_for, "file_label")
bp.add_app_template_filter(size_words, "file_size")
