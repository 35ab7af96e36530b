"""Archiving a project (out of the active lists, still readable, restorable) and
deleting it (gone for everyone): its leads' choices, each asked first."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from community.projects import services
from community.projects.addresses import load_project, project_crumbs, project_url
from community.projects.blueprint import bp
from community.web.actions import Confirmation, act, confirm_then_act


@bp.route("/<int:project_id>-<slug>/archive", methods=["GET", "POST"])
def archive(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, lead=True)
    if moved:
        return moved
    project = access.project
    confirmation = Confirmation(
        question=f"Archive {project.title}?",
        consequences=[
            "It will leave the lists of projects and the results dashboards.",
            "Its pages, measures, data and discussion stay readable at the same addresses, "
            "for the same people.",
            "A lead can restore it at any time from its page.",
        ],
        button="Archive the project", cancel=project_url(project),
        cancel_text="Keep it active", undoable=True, crumbs=project_crumbs(project),
    )  # fmt: skip
    return confirm_then_act(
        confirmation,
        lambda: services.archive_project(current_user, project),
        f"{project.title} has been archived.",
        project_url(project),
    )


@bp.route("/<int:project_id>-<slug>/restore", methods=["POST"])
def restore(project_id: int, slug: str):
    access, _ = load_project(project_id, slug, lead=True)
    project = access.project
    return act(
        lambda: services.restore_project(current_user, project),
        f"{project.title} is active again.",
        project_url(project),
    )


@bp.route("/<int:project_id>-<slug>/delete", methods=["GET", "POST"])
def delete(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, lead=True)
    if moved:
        return moved
    project = access.project
    confirmation = Confirmation(
        question=f"Delete {project.title}?",
        consequences=[
            "The project will be gone for everyone, with everything in it: its measures and "
            "their data, its PDSA cycles, its updates, its team and its discussion.",
            "Methods it used will no longer show it where they have spread.",
            "If you may want it again, archive it instead: it leaves the lists but can be "
            "restored.",
        ],
        button="Delete the project", cancel=project_url(project),
        cancel_text="Keep the project", crumbs=project_crumbs(project),
    )  # fmt: skip
    return confirm_then_act(
        confirmation,
        lambda: services.delete_project(current_user, project),
        f"{project.title} has been deleted.",
        url_for("projects.index"),
    )
