"""Measure pages: the chart with its summary and data, adding and removing points,
CSV import and download, and re-baselining."""

from __future__ import annotations

import contextlib

from flask import Response, flash, redirect, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from community.core.errors import RuleViolation
from community.core.slugs import slugify
from community.projects.addresses import load_project, project_crumbs, project_url
from community.projects.forms import (
    ConfirmImportForm,
    ImportForm,
    MeasureForm,
    PointForm,
    RebaselineForm,
)
from community.projects.measures import charts, icons, pending_imports, services
from community.projects.measures import imports as measure_imports
from community.projects.measures.blueprint import bp
from community.projects.measures.csv_files import MAX_BYTES, TYPE_HEADINGS, value_words
from community.projects.measures.spc import Variation
from community.projects.measures.spc_words import (
    CHART_NAMES,
    chart_title,
    format_date,
    format_number,
    point_signals,
    with_unit,
)
from community.web.actions import Confirmation, confirm_then_act
from community.web.forms import also_check, show_violation
from community.web.paging import ListPagination, page_number

PREFIX = "/<int:project_id>-<slug>/measures"
ROWS_PER_PAGE = 50


@bp.before_request
@login_required
def require_sign_in():
    """Every measure page is for signed-in members."""


@bp.app_template_filter("measure_value")
def measure_value(value: float | None, unit: str = "") -> str:
    return with_unit(value, unit)


@bp.app_template_filter("variation_word")
def variation_word(variation: str) -> str:
    return {
        Variation.IMPROVEMENT: "improvement",
        Variation.CONCERN: "concern",
        Variation.NEUTRAL: "neither better nor worse",
    }.get(variation, "")


@bp.app_template_global("mdc_icons")
def mdc_icons(measure) -> Markup:
    """The Making Data Count variation and assurance icons of a measure."""
    return icons.variation_icon(measure.variation, measure.variation_side) + icons.assurance_icon(
        measure.assurance
    )


@bp.app_template_global("variation_icon")
def variation_icon(variation: str, side: int) -> Markup:
    return icons.variation_icon(variation, side)


@bp.app_template_global("assurance_icon")
def assurance_icon(assurance: str) -> Markup:
    return icons.assurance_icon(assurance)


@bp.app_template_global("chart_title")
def chart_title_global(analysis) -> str:
    return chart_title(analysis)


@bp.app_template_global("chart_names")
def chart_names_global():
    return CHART_NAMES


@bp.app_template_global("point_signal_words")
def point_signal_words(point) -> str:
    return point_signals(point)


def _measure_url(project, measure, endpoint: str = "measures.show", **values) -> str:
    return project_url(project, endpoint, measure_id=measure.id, **values)


def _details(form: MeasureForm) -> services.MeasureDetails:
    return services.MeasureDetails(
        name=form.name.data, definition=form.definition.data, unit=form.unit.data,
        direction=form.direction.data, target=form.target.data,
        screen_outliers=form.screen_outliers.data, fix_after=form.fix_after.data,
        chart_type=form.chart_type.data,
    )  # fmt: skip


def _point_form(measure, **kwargs) -> PointForm:
    """The point form, its fields named as the measure's type names them."""
    form = PointForm(**kwargs)
    name, per = value_words(measure.chart_type)
    form.value.label.text = name.capitalize()
    form.value.validators[0].message = f"Enter the {name}"
    form.value.message = f"Enter the {name} as a number"
    if per:
        form.denominator.label.text = per.capitalize()
        form.denominator.message = f"Enter the {per} as a number, like 120"
    return form


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
def new(project_id: int, slug: str):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    form = MeasureForm()
    if form.validate_on_submit():
        try:
            measure = services.create_measure(current_user, project, _details(form))
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"“{measure.name}” has been added. Now add its data.", "success")
            return redirect(_measure_url(project, measure))
    elif form.is_submitted():
        also_check(form, lambda: services.check_details(_details(form)))
    return render_template("projects/measure_form.html", project=project, form=form, measure=None)


@bp.route(f"{PREFIX}/<int:measure_id>")
def show(project_id: int, slug: str, measure_id: int):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    view = services.measure_view(measure)
    newest_first = list(reversed(view.analysis.points))
    rows = ListPagination(newest_first, page_number(), ROWS_PER_PAGE)
    records = services.point_records([view.point_ids[point.index] for point in rows.items])
    return render_template(
        "projects/measure.html", access=access, project=project, measure=measure, view=view,
        rows=rows, periods=view.analysis.periods, changes=services.process_changes_of(measure),
        records=records, format_number=format_number, format_date=format_date,
    )  # fmt: skip


@bp.route(f"{PREFIX}/<int:measure_id>/edit", methods=["GET", "POST"])
def edit(project_id: int, slug: str, measure_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    form = MeasureForm(obj=measure)
    if form.validate_on_submit():
        try:
            services.update_measure(current_user, project, measure, _details(form))
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("The measure has been saved.", "success")
            return redirect(_measure_url(project, measure))
    elif form.is_submitted():
        also_check(form, lambda: services.check_details(_details(form), measure))
    return render_template(
        "projects/measure_form.html", project=project, form=form, measure=measure
    )


@bp.route(f"{PREFIX}/<int:measure_id>/data", methods=["GET", "POST"])
def add_point(project_id: int, slug: str, measure_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    form = _point_form(measure)
    if form.validate_on_submit():
        try:
            point = services.add_point(
                current_user, measure, form.observed_on.data, form.value.data, form.note.data,
                form.denominator.data,
            )  # fmt: skip
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            shown = format_number(point.value)
            if point.denominator is not None:
                shown += f" / {format_number(point.denominator)}"
            flash(f"Added {shown} for {format_date(point.observed_on)}.", "success")
            if request.form.get("another"):
                return redirect(_measure_url(project, measure, "measures.add_point"))
            return redirect(_measure_url(project, measure))
    elif form.is_submitted():
        also_check(
            form,
            lambda: services.check_point(form.observed_on.data, form.value.data, form.note.data,
                                         measure.chart_type, form.denominator.data),
        )  # fmt: skip
    return render_template("projects/point_form.html", project=project, measure=measure, form=form)


def _crumbs(project, measure) -> list[tuple[str, str]]:
    return [*project_crumbs(project), (_measure_url(project, measure), measure.name)]


@bp.route(f"{PREFIX}/<int:measure_id>/delete", methods=["GET", "POST"])
def delete(project_id: int, slug: str, measure_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    points = f"{measure.point_count:,} data point{'' if measure.point_count == 1 else 's'}"
    confirmation = Confirmation(
        question=f"Delete the measure “{measure.name}”?",
        consequences=[
            f"The measure, its chart and its {points} will be deleted for everyone.",
            "Its re-baselines go with it; PDSA cycles linked to it stay, without the link.",
            "Download the data first if you may want them again.",
        ],
        button="Delete the measure",
        cancel=_measure_url(project, measure),
        cancel_text="Keep the measure",
        crumbs=_crumbs(project, measure),
    )
    return confirm_then_act(
        confirmation,
        lambda: services.delete_measure(current_user, project, measure),
        f"The measure “{measure.name}” has been deleted.",
        project_url(project),
    )


@bp.route(f"{PREFIX}/<int:measure_id>/data/<int:point_id>/edit", methods=["GET", "POST"])
def edit_point(project_id: int, slug: str, measure_id: int, point_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    point = services.get_point_or_404(measure, point_id)
    form = _point_form(measure, obj=point)
    if form.validate_on_submit():
        try:
            services.edit_point(
                current_user, project, measure, point,
                form.observed_on.data, form.value.data, form.note.data, form.denominator.data,
            )  # fmt: skip
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"The point for {format_date(point.observed_on)} has been saved.", "success")
            return redirect(_measure_url(project, measure) + "#data")
    elif form.is_submitted():
        also_check(
            form,
            lambda: services.check_point(form.observed_on.data, form.value.data, form.note.data,
                                         measure.chart_type, form.denominator.data),
        )  # fmt: skip
    return render_template(
        "projects/point_form.html", project=project, measure=measure, form=form, point=point
    )


@bp.route(f"{PREFIX}/<int:measure_id>/data/<int:point_id>/remove", methods=["GET", "POST"])
def remove_point(project_id: int, slug: str, measure_id: int, point_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    point = services.get_point_or_404(measure, point_id)
    value = with_unit(point.value, measure.unit)
    confirmation = Confirmation(
        question=f"Remove the point for {format_date(point.observed_on)}?",
        consequences=[
            f"The value {value} for {format_date(point.observed_on)} will be removed from "
            f"“{measure.name}”.",
            "The chart, its limits and its signals will be worked out again without it.",
        ],
        button="Remove the point",
        cancel=_measure_url(project, measure) + "#data",
        cancel_text="Keep the point",
        crumbs=_crumbs(project, measure),
    )
    return confirm_then_act(
        confirmation,
        lambda: services.remove_point(current_user, project, measure, point.id),
        "The point has been removed.",
        _measure_url(project, measure) + "#data",
    )


@bp.route(f"{PREFIX}/<int:measure_id>/import", methods=["GET", "POST"])
def import_csv(project_id: int, slug: str, measure_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        # One byte more than the limit is enough to tell the person the file is too large.
        data = form.file.data.stream.read(MAX_BYTES + 1)
        preview = measure_imports.preview_import(measure, data)
        if preview.ok:
            return _show_preview(project, measure, preview)
        result = preview.result
        form.file.errors = ["The file was not imported: fix the problems listed and try again"]
    return render_template(
        "projects/import.html", project=project, measure=measure, form=form, result=result,
        headings=",".join(TYPE_HEADINGS[measure.kind]),
    )  # fmt: skip


def _show_preview(project, measure, preview, form=None, changed_since=False):
    form = form or ConfirmImportForm()
    form.rows.data = pending_imports.sign(
        measure.id, current_user.id, preview.result.rows, preview.data_version
    )
    return render_template(
        "projects/import_preview.html", project=project, measure=measure, preview=preview,
        form=form, changed_since=changed_since, format_number=format_number,
        format_date=format_date,
    )  # fmt: skip


@bp.route(f"{PREFIX}/<int:measure_id>/import/confirm", methods=["POST"])
def confirm_import(project_id: int, slug: str, measure_id: int):
    access, _ = load_project(project_id, slug, record_work=True)
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    form = ConfirmImportForm()
    again = _measure_url(project, measure, "measures.import_csv")
    pending = pending_imports.load(form.rows.data, measure.id, current_user.id)
    if pending is None:
        flash("That preview has expired or cannot be used: nothing was imported. Upload the "
              "file again.", "error")  # fmt: skip
        return redirect(again)
    preview = measure_imports.preview_rows(measure, pending.rows)
    if not form.validate_on_submit():
        return _show_preview(project, measure, preview, form)
    if pending.data_version != measure.data_version:
        return _show_preview(project, measure, preview, form, changed_since=True)
    replace = form.replace.data == "yes"
    try:
        added, replaced = measure_imports.apply_import(
            current_user, project, measure, preview, replace=replace
        )
    except RuleViolation as violation:
        flash(violation.message, "error")
        return redirect(again)
    kept = len(preview.unchanged) + len(preview.changed) - replaced
    flash(f"Imported: {added:,} added, {replaced:,} changed, {kept:,} left as they were.",
          "success")  # fmt: skip
    return redirect(_measure_url(project, measure))


@bp.route(f"{PREFIX}/<int:measure_id>/export.csv")
def export_csv(project_id: int, slug: str, measure_id: int):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    measure = services.get_measure_or_404(access.project, measure_id)
    filename = f"{access.project.slug[:40]}-{slugify(measure.name)[:40] or 'measure'}.csv"
    return Response(
        services.export_csv(measure),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _chart_filename(project, measure, extension: str) -> str:
    return f"{project.slug[:40]}-{slugify(measure.name)[:40] or 'measure'}-chart.{extension}"


@bp.route(f"{PREFIX}/<int:measure_id>/chart.svg")
def chart_svg(project_id: int, slug: str, measure_id: int):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    measure = services.get_measure_or_404(access.project, measure_id)
    filename = _chart_filename(access.project, measure, "svg")
    return Response(
        services.measure_view(measure).chart,
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route(f"{PREFIX}/<int:measure_id>/chart.png")
def chart_png(project_id: int, slug: str, measure_id: int):
    """The same chart as a PNG, for slides and board papers."""
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    try:
        png = charts.svg_to_png(services.measure_view(measure).chart)
    except charts.PngUnavailable:
        page = render_template("projects/chart_png_unavailable.html", project=project,
                               measure=measure)  # fmt: skip
        return page, 503
    filename = _chart_filename(project, measure, "png")
    return Response(
        png,
        mimetype="image/png",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route(f"{PREFIX}/<int:measure_id>/rebaseline", methods=["GET", "POST"])
def rebaseline(project_id: int, slug: str, measure_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    form = RebaselineForm()
    if request.method == "GET" and request.args.get("from"):  # "Re-baseline from here"
        with contextlib.suppress(ValueError):
            form.starts_on.process_formdata([request.args["from"][:10]])
    if form.validate_on_submit():
        chosen = form.starts_on.data
        try:
            services.add_process_change(current_user, project, measure, chosen, form.reason.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(f"Limits are now worked out again from {format_date(chosen)}.", "success")
            return redirect(_measure_url(project, measure))
    elif form.is_submitted():
        also_check(form, lambda: services.check_process_change(
            measure, form.starts_on.data, form.reason.data or ""
        ))  # fmt: skip
    return render_template(
        "projects/rebaseline.html", project=project, measure=measure, form=form,
        changes=services.process_changes_of(measure),
    )  # fmt: skip


@bp.route(f"{PREFIX}/<int:measure_id>/rebaseline/<int:change_id>/remove", methods=["GET", "POST"])
def remove_rebaseline(project_id: int, slug: str, measure_id: int, change_id: int):
    access, moved = load_project(project_id, slug, record_work=True)
    if moved:
        return moved
    project = access.project
    measure = services.get_measure_or_404(project, measure_id)
    change = services.get_process_change_or_404(measure, change_id)
    back = _measure_url(project, measure, "measures.rebaseline")
    confirmation = Confirmation(
        question=f"Remove the re-baseline from {format_date(change.starts_on)}?",
        consequences=[
            f"The chart of “{measure.name}” will no longer start new limits at "
            f"{format_date(change.starts_on)} ({change.reason}).",
            "Limits and signals will be worked out again across that date.",
        ],
        button="Remove the re-baseline",
        cancel=back,
        cancel_text="Keep the re-baseline",
        undoable=True,
        crumbs=_crumbs(project, measure),
    )
    return confirm_then_act(
        confirmation,
        lambda: services.remove_process_change(current_user, project, measure, change.id),
        "The re-baseline has been removed.",
        back,
    )


@bp.route(f"{PREFIX}/<int:measure_id>/chart-data.csv")
def chart_data(project_id: int, slug: str, measure_id: int):
    """The chart's numbers, one row per point, to check against NHSRplotthedots."""
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    measure = services.get_measure_or_404(access.project, measure_id)
    name = slugify(measure.name)[:40] or "measure"
    filename = f"{access.project.slug[:40]}-{name}-chart-data.csv"
    return Response(
        charts.chart_data_csv(services.measure_view(measure).analysis),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
