"""The methods a project uses: /projects/<id>-<slug>/methods lists them, finds more in
the library and links or unlinks them."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from community.projects import method_links
from community.projects.addresses import load_project, project_url
from community.projects.blueprint import bp
from community.web.actions import act
from community.web.forms import ActionForm


@bp.route("/<int:project_id>-<slug>/methods", methods=["GET", "POST"])
def methods(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, record_work=request.method == "POST")
    if moved:
        return moved
    project = access.project
    if request.method == "POST":
        method_id = request.form.get("method_id", type=int)
        return act(
            lambda: method_links.link_method(current_user, project, method_id),
            "The method is linked: the project counts as a use of it.",
            project_url(project, "projects.methods"),
        )
    words = (request.args.get("q") or "").strip()[:100]
    found = method_links.find_methods(current_user, project, words) if access.can_record else []
    return render_template(
        "projects/methods.html", access=access, project=project, words=words, found=found,
        linked=method_links.linked_methods(current_user, project), action_form=ActionForm(),
    )  # fmt: skip


@bp.route("/<int:project_id>-<slug>/methods/<int:method_id>/remove", methods=["POST"])
def unlink_method(project_id: int, slug: str, method_id: int):
    access, _ = load_project(project_id, slug, record_work=True)
    if method_id <= 0:
        abort(404)
    project = access.project
    return act(
        lambda: method_links.unlink_method(current_user, project, method_id),
        "The method is no longer linked to the project.",
        project_url(project, "projects.methods"),
    )
