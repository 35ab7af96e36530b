"""Project pages: the list, a project's results page, its details, team, progress,
updates and PDSA cycles, and archiving or deleting it. Measure pages are in
measures/routes.py."""

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

from community.accounts.services import user_by_username
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import nhs_date
from community.directory.models import Organisation
from community.directory.services import organisation_choices, system_choices
from community.discussions.models import Thread
from community.discussions.reading import thread_summary
from community.files import services as files
from community.people.forms import choose_person
from community.projects import cycles, method_links, services
from community.projects.addresses import load_project, project_crumbs, project_url
from community.projects.blueprint import bp
from community.projects.forms import (
    NATIONAL_PROGRAMMES,
    STATUS_CHOICES,
    CycleForm,
    ProgressForm,
    ProjectForm,
    TeamMemberForm,
    UpdateForm,
)
from community.projects.measures import services as measure_services
from community.projects.models import ProgrammeType, ProjectStatus
from community.search.working_on import working_on
from community.web.actions import Confirmation, act, confirm_then_act
from community.web.forms import also_check, show_violation
from community.web.paging import page_number


@bp.before_request
@login_required
def require_sign_in():
    """Every project page is for signed-in members."""


def _filters() -> services.ProjectFilters:
    status = request.args.get("status") or None
    programme = request.args.get("type") or None
    organisation_id = request.args.get("organisation", type=int)
    system_id = request.args.get("system", type=int)
    if organisation_id and not system_id:
        organisation = db.session.get(Organisation, organisation_id)
        system_id = organisation.system_id if organisation else None
    return services.ProjectFilters(
        status=status if status in {s.value for s in ProjectStatus} else None,
        programme_type=programme if programme in {p.value for p in ProgrammeType} else None,
        system_id=system_id,
        organisation_id=organisation_id,
        member=current_user if request.args.get("show") == "mine" else None,
        archived=request.args.get("archived") == "1",
    )


@bp.route("")
def index():
    filters = _filters()
    page = services.projects_page(
        current_user, filters, page_number(), current_app.config["PER_PAGE"]
    )
    organisations = services.organisations_in(filters.system_id) if filters.system_id else []
    return render_template(
        "projects/index.html", page=page, filters=filters, systems=system_choices(),
        organisations=organisations, statuses=STATUS_CHOICES, programme_types=ProgrammeType,
    )  # fmt: skip


def _project_form(form: ProjectForm, project=None) -> ProjectForm:
    form.organisation_id.choices = organisation_choices()
    communities = services.community_choices(current_user)
    if (
        project is not None
        and project.community_id
        and project.community_id not in dict(communities)
    ):
        communities.append((project.community_id, project.community.name))
    form.community_id.choices = [(0, "None: every member can see it")] + communities
    return form


def _details(form: ProjectForm) -> services.ProjectDetails:
    return services.ProjectDetails(
        title=form.title.data, aim=form.aim.data, problem=form.problem.data,
        organisation_id=form.organisation_id.data, community_id=form.community_id.data or None,
        programme_type=form.programme_type.data, national_programme=form.national_programme.data,
        status=form.status.data, start_date=form.start_date.data,
    )  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _project_form(ProjectForm())
    if request.method == "GET":
        form.organisation_id.data = current_user.organisation_id
        form.community_id.data = request.args.get("community", 0, type=int)
    if form.validate_on_submit():
        try:
            project = services.start_project(current_user, _details(form))
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Your project has started. Add the measures that will show if it works.",
                  "success")  # fmt: skip
            return redirect(project_url(project))
    elif form.is_submitted():
        also_check(form, lambda: services.check_details(current_user, _details(form)))
    return render_template("projects/form.html", form=form, project=None,
                           programmes=NATIONAL_PROGRAMMES)  # fmt: skip


@bp.route("/<int:project_id>")
def show_by_id(project_id: int):
    access = services.get_project_or_404(project_id, current_user)
    return redirect(project_url(access.project), 301)


@bp.route("/<int:project_id>-<slug>")
def show(project_id: int, slug: str):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    project = access.project
    team = services.team_of(project)
    thread = thread_summary(Thread.project_id == project.id)
    return render_template(
        "projects/show.html",
        access=access,
        project=project,
        measures=measure_services.measures_of(project),
        team=team,
        latest_update=services.latest_update(project),
        recent_cycles=cycles.recent_cycles(project),
        files=files.shown_files(project),
        methods_used=method_links.linked_methods(current_user, project),
        thread=thread,
        working_on=working_on(
            current_user,
            project.title,
            thread_id=thread.id if thread else None,
            leave_out=[member.user_id for member in team],
        ),
    )


@bp.route("/<int:project_id>-<slug>/edit", methods=["GET", "POST"])
def edit(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, lead=True)
    if moved:
        return moved
    project = access.project
    form = _project_form(ProjectForm(obj=project), project)
    if request.method == "GET":
        form.problem.data = project.problem_source
        form.community_id.data = project.community_id or 0
    if form.validate_on_submit():
        try:
            services.update_project(current_user, project, _details(form))
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("The project's details have been saved.", "success")
            return redirect(project_url(project))
    elif form.is_submitted():
        also_check(form, lambda: services.check_details(current_user, _details(form), project))
    return render_template("projects/form.html", form=form, project=project,
                           programmes=NATIONAL_PROGRAMMES)  # fmt: skip


@bp.route("/<int:project_id>-<slug>/progress", methods=["GET", "POST"])
def progress(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, record_work=request.method == "POST")
    if moved:
        return moved
    project = access.project
    form = ProgressForm()
    if request.method == "GET" and project.progress_score is not None:
        form.score.data = project.progress_score
    if form.validate_on_submit():
        try:
            services.set_progress(current_user, project, form.score.data, form.note.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"The progress score is now {project.progress_label}.", "success")
            return redirect(project_url(project, "projects.progress"))
    return render_template(
        "projects/progress.html", access=access, project=project, form=form,
        history=services.progress_history(project),
    )  # fmt: skip


@bp.route("/<int:project_id>-<slug>/team", methods=["GET", "POST"])
def team(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, lead=request.method == "POST")
    if moved:
        return moved
    project = access.project
    form = TeamMemberForm()
    person = choose_person(form, "username") if form.validate_on_submit() else None
    if person is not None:
        try:
            member = services.add_team_member(
                current_user, project, username=person.username, role=form.role.data,
                is_lead=form.is_lead.data,
            )  # fmt: skip
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{member.user.name} has joined the team.", "success")
            return redirect(project_url(project, "projects.team"))
    return render_template(
        "projects/team.html", access=access, project=project, form=form,
        team=services.team_of(project),
    )  # fmt: skip


@bp.route("/<int:project_id>-<slug>/team/<username>/remove", methods=["GET", "POST"])
def remove_team_member(project_id: int, slug: str, username: str):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    user = user_by_username(username)
    if user is None:
        abort(404)
    leaving = user.id == current_user.id
    if not (access.can_lead or (leaving and access.on_team)):
        abort(403)
    project = access.project
    team_page = project_url(project, "projects.team")
    if leaving:
        question = f"Leave the team of {project.title}?"
        consequences = ["You will no longer be able to add updates, cycles, measures or data.",
                        "A lead can add you to the team again."]  # fmt: skip
    else:
        question = f"Remove {user.name} from the team?"
        consequences = [f"{user.name} will no longer be able to add updates, cycles, measures "
                        "or data.", "You can add them to the team again."]  # fmt: skip
    confirmation = Confirmation(
        question=question, consequences=consequences,
        button="Leave the team" if leaving else f"Remove {user.name}",
        cancel=team_page, cancel_text="Go back to the team", undoable=True,
        crumbs=project_crumbs(project),
    )  # fmt: skip
    return confirm_then_act(
        confirmation,
        lambda: services.remove_team_member(current_user, project, user),
        "You have left the team." if leaving else f"{user.name} has left the team.",
        team_page,
    )


@bp.route("/<int:project_id>-<slug>/updates", methods=["GET", "POST"])
def updates(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, record_work=request.method == "POST")
    if moved:
        return moved
    project = access.project
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            services.post_update(current_user, project, form.body.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Your update has been added to the timeline.", "success")
            return redirect(project_url(project, "projects.updates"))
    return render_template(
        "projects/updates.html", access=access, project=project, form=form,
        page=services.updates_page(project, page_number(), current_app.config["PER_PAGE"]),
    )  # fmt: skip


@bp.route("/<int:project_id>-<slug>/updates/<int:update_id>/delete", methods=["GET", "POST"])
def delete_update(project_id: int, slug: str, update_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    update = services.get_update_or_404(project, update_id)
    updates_page = project_url(project, "projects.updates")
    author = update.author.name if update.author else "a former member"
    confirmation = Confirmation(
        question="Delete this update?",
        consequences=[f"The update by {author} of {nhs_date(update.created_at)} will be "
                      "deleted from the project's timeline for everyone."],
        button="Delete the update", cancel=updates_page, cancel_text="Keep the update",
        crumbs=project_crumbs(project),
    )  # fmt: skip
    return confirm_then_act(
        confirmation,
        lambda: services.delete_update(current_user, project, update),
        "The update has been deleted.",
        updates_page,
    )


@bp.route("/<int:project_id>-<slug>/cycles")
def cycles_list(project_id: int, slug: str):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    page = cycles.cycles_page(access.project, page_number(), 50)
    cycle_ids = [c.id for c in page.items]
    return render_template(
        "projects/cycles.html", access=access, project=access.project, page=page,
        linked=cycles.measures_of_cycles(cycle_ids),
        files=files.shown_files_of_cycles(cycle_ids),
    )  # fmt: skip


def _cycle_form(project, cycle=None) -> CycleForm:
    form = CycleForm(obj=cycle)
    form.measure_ids.choices = [(m.id, m.name) for m in measure_services.measures_of(project)]
    if cycle is not None and request.method == "GET":
        form.measure_ids.data = cycles.linked_measure_ids(cycle)
    return form


def _cycle_details(form: CycleForm) -> cycles.CycleDetails:
    return cycles.CycleDetails(
        title=form.title.data, change=form.change.data, prediction=form.prediction.data,
        started_on=form.started_on.data, do_notes=form.do_notes.data,
        study_notes=form.study_notes.data, decision=form.decision.data or "",
        act_notes=form.act_notes.data, ended_on=form.ended_on.data,
        measure_ids=form.measure_ids.data or [],
    )  # fmt: skip


@bp.route("/<int:project_id>-<slug>/cycles/new", methods=["GET", "POST"])
def new_cycle(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    form = _cycle_form(project)
    if form.validate_on_submit():
        try:
            cycle = cycles.record_cycle(current_user, project, _cycle_details(form))
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{cycle.label} has been recorded. Come back to add what happened.", "success")
            return redirect(project_url(project, "projects.cycles_list") + f"#cycle-{cycle.number}")
    elif form.is_submitted():
        also_check(form, lambda: cycles.check_details(project, _cycle_details(form)))
    return render_template("projects/cycle_form.html", project=project, form=form, cycle=None)


@bp.route("/<int:project_id>-<slug>/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
def edit_cycle(project_id: int, slug: str, cycle_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    cycle = cycles.get_cycle_or_404(project, cycle_id)
    form = _cycle_form(project, cycle)
    if form.validate_on_submit():
        try:
            cycles.update_cycle(current_user, project, cycle, _cycle_details(form))
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"{cycle.label} has been saved.", "success")
            return redirect(project_url(project, "projects.cycles_list") + f"#cycle-{cycle.number}")
    elif form.is_submitted():
        also_check(form, lambda: cycles.check_details(project, _cycle_details(form)))
    return render_template("projects/cycle_form.html", project=project, form=form, cycle=cycle)


@bp.route("/<int:project_id>-<slug>/cycles/<int:cycle_id>/delete", methods=["GET", "POST"])
def delete_cycle(project_id: int, slug: str, cycle_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    cycle = cycles.get_cycle_or_404(project, cycle_id)
    cycles_page = project_url(project, "projects.cycles_list")
    confirmation = Confirmation(
        question=f"Delete {cycle.label}: {cycle.title}?",
        consequences=[
            f"{cycle.label}, its plan, notes, decision and files will be deleted for everyone.",
            "The charts it was marked on will no longer show it. Other cycles keep their "
            "numbers.",
        ],
        button=f"Delete {cycle.label}", cancel=cycles_page + f"#cycle-{cycle.number}",
        cancel_text="Keep the cycle", crumbs=project_crumbs(project),
    )  # fmt: skip
    return confirm_then_act(
        confirmation,
        lambda: cycles.delete_cycle(current_user, project, cycle),
        f"{cycle.label} has been deleted.",
        cycles_page,
    )


# Archiving a project (out of the active lists, still readable, restorable) and
# deleting it (gone for everyone): its leads' choices, each asked first.


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
