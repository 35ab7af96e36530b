"""The files pages of a post, a method, a project and a PDSA cycle (attach, list, remove),
and serving a file to those who may see it."""

from __future__ import annotations

from dataclasses import dataclass
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
from community.files.owners import Owner, OwnerKind, owner_of
from community.files.storage import storage
from community.methods import services as methods
from community.projects import cycles
from community.projects.addresses import load_project, project_crumbs, project_url
from community.visibility import can_remove_file
from community.web.actions import Confirmation, confirm_then_act
from community.web.forms import show_violation
from community.web.moved import to_current_slug

# Served files run nothing, load nothing and cannot be framed into a page of this site.
FILE_CSP = "default-src 'none'; sandbox"


@bp.before_request
@login_required
def require_sign_in():
    """Files are for signed-in members, as what they are attached to is."""


@dataclass(frozen=True)
class FilesPage:
    """What a files page says of the thing whose files it lists."""

    owner: Owner
    title: str  # "Files on your post", "Files of the method “…”"
    back: str
    back_text: str
    crumbs: list[tuple[str, str]]
    shown_where: str  # where its pictures and other files are shown


def _post_page(post) -> FilesPage:
    thread = post.thread
    mine = post.author_id == current_user.id
    return FilesPage(
        Owner.of(post), "Files on your post" if mine else "Files on this post",
        post_url(post, thread), f"Back to the post in “{thread.title}”",
        [*thread_links(thread)["crumbs"], (thread_url(thread), thread.title)],
        "Pictures are shown in the post; other files are listed under it for readers to "
        "download.",
    )  # fmt: skip


def _method_page(method) -> FilesPage:
    back = url_for("methods.method", method_id=method.id, slug=method.slug)
    return FilesPage(
        Owner.of(method), f"Files of “{method.title}”", back, f"Back to “{method.title}”",
        [(url_for("methods.library"), "Methods"), (back, method.title)],
        "Pictures are shown in the method, with the text you give them; other files are "
        "listed under it for readers to download. Each version in the method's history "
        "keeps the files it had.",
    )  # fmt: skip


def _project_page(project) -> FilesPage:
    return FilesPage(
        Owner.of(project), f"Files of “{project.title}”", project_url(project),
        f"Back to “{project.title}”", project_crumbs(project),
        "Pictures are shown on the project's page, with the text you give them; other files "
        "are listed there for readers to download.",
    )  # fmt: skip


def _cycle_page(project, cycle) -> FilesPage:
    back = project_url(project, "projects.cycles_list", _anchor=f"cycle-{cycle.number}")
    return FilesPage(
        Owner.of(cycle), f"Files of {cycle.label}: {cycle.title}", back,
        f"Back to {cycle.label} of “{project.title}”", project_crumbs(project),
        "Pictures are shown with the cycle on the project's PDSA cycles page, with the text "
        "you give them; other files are listed there for readers to download.",
    )  # fmt: skip


def _files_page(page: FilesPage, done: str):
    """A thing's files page: its files, with each one's remove link for whoever may, and
    the form to attach more for whoever may edit the thing."""
    owner = page.owner
    may_attach = services.may_attach(current_user, owner)
    if request.method == "POST" and not may_attach:
        abort(403)
    form = AttachFilesForm()
    if may_attach and form.validate_on_submit():
        uploads = services.uploads_from(form)
        try:
            added = services.attach(current_user, owner, uploads)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{len(added)} file{'s' if len(added) != 1 else ''} attached.", "success")
            return redirect(done)
    files = services.files_of(owner)
    return render_template(
        "files/files_page.html", page=page, form=form, files=files, may_attach=may_attach,
        room=services.room_on(owner), action=request.path,
        may_remove={f.id for f in files if can_remove_file(current_user, f)},
    )  # fmt: skip


@bp.route("/posts/<int:post_id>/files", methods=["GET", "POST"])
def post_files(post_id: int):
    post = discussions.get_post_or_404(post_id, current_user)
    if post.is_removed:
        abort(404)
    page = _post_page(post)
    return _files_page(page, page.back)


@bp.route("/methods/<int:method_id>-<slug>/files", methods=["GET", "POST"])
def method_files(method_id: int, slug: str):
    method = methods.get_method_or_404(method_id, current_user)
    if (moved := to_current_slug(slug, method.slug)) is not None:
        return moved
    page = _method_page(method)
    return _files_page(page, page.back)


@bp.route("/projects/<int:project_id>-<slug>/files", methods=["GET", "POST"])
def project_files(project_id: int, slug: str):
    access, moved = load_project(project_id, slug)
    if moved is not None:
        return moved
    page = _project_page(access.project)
    return _files_page(page, page.back)


@bp.route("/projects/<int:project_id>-<slug>/cycles/<int:cycle_id>/files",
          methods=["GET", "POST"])  # fmt: skip
def cycle_files(project_id: int, slug: str, cycle_id: int):
    access, moved = load_project(project_id, slug)
    if moved is not None:
        return moved
    cycle = cycles.get_cycle_or_404(access.project, cycle_id)
    page = _cycle_page(access.project, cycle)
    return _files_page(page, page.back)


def _page_of(stored) -> FilesPage:
    """The files page of what `stored` is attached to (which its viewer may see)."""
    owner = owner_of(stored)
    if owner is None:
        abort(404)
    if owner.kind == OwnerKind.POST:  # with its thread loaded
        return _post_page(discussions.get_post_or_404(owner.id, current_user))
    if owner.kind == OwnerKind.METHOD:
        return _method_page(owner.thing)
    if owner.kind == OwnerKind.PROJECT:
        return _project_page(owner.thing)
    return _cycle_page(owner.project, owner.thing)


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
    page = _page_of(stored)
    owner = page.owner
    back = url_for(f"files.{owner.kind}_files", **_address(owner))
    consequences = [f"{stored.name} will be removed from the {owner.noun} and deleted."]
    if owner.kind == OwnerKind.METHOD:
        consequences.append(
            "Earlier versions of the method that had it will say that a file was removed."
        )
    consequences.append("Anyone who follows a link to it will be told it is not found.")
    confirmation = Confirmation(
        question=f"Remove {stored.name}?", consequences=consequences,
        button="Remove the file", cancel=back, cancel_text="Keep the file", crumbs=page.crumbs,
    )  # fmt: skip
    return confirm_then_act(
        confirmation,
        lambda: services.remove_file(current_user, stored),
        f"{stored.name} has been removed.",
        back,
    )


def _address(owner: Owner) -> dict:
    """The URL values of an owner's files page."""
    thing = owner.thing
    if owner.kind == OwnerKind.POST:
        return {"post_id": thing.id}
    if owner.kind == OwnerKind.METHOD:
        return {"method_id": thing.id, "slug": thing.slug}
    project = owner.project
    values = {"project_id": project.id, "slug": project.slug}
    return values if owner.kind == OwnerKind.PROJECT else {**values, "cycle_id": thing.id}


bp.add_app_template_filter(label_for, "file_label")
bp.add_app_template_filter(size_words, "file_size")
