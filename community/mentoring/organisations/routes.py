"""Capability self-assessments, an organisation's mentoring history and a system's dashboard."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from community.core.errors import RuleViolation
from community.directory.models import Organisation
from community.directory.services import get_organisation_or_404, get_system_or_404
from community.mentoring import queries
from community.mentoring.blueprint import bp
from community.mentoring.forms import AssessmentForm
from community.mentoring.organisations import assessments, dashboard
from community.mentoring.organisations.charts import bar_chart
from community.mentoring.vocabulary import HIGHEST_SCORE, ImpactComponent
from community.web.forms import show_violation
from community.web.paging import page_number

HISTORY_PER_PAGE = 10


def capability_chart(summary: assessments.CapabilitySummary, chart_id: str = "capability"):
    return bar_chart(
        chart_id,
        "Self-assessed improvement capability",
        "Score from 1 to 5 on each NHS IMPACT component; "
        + "; ".join(
            f"{row.component.short} {row.score}{' (a gap)' if row.is_gap else ''}"
            for row in summary.rows
        )
        + ".",
        [(row.component.short, row.score, row.is_gap) for row in summary.rows],
        scale_max=HIGHEST_SCORE,
        legend="Red bars marked “gap” are the lowest score, or 2 and below.",
        highlight_note="gap",
    )


@bp.app_template_global("organisation_capability")
def organisation_capability(organisation: Organisation) -> dict:
    """The organisation page's capability section: latest scores, change, gaps."""
    summary = assessments.capability_summary(organisation)
    return {
        "summary": summary,
        "chart": capability_chart(summary) if summary.latest else None,
        "can_assess": assessments.can_assess(current_user, organisation),
    }


@bp.route("/organisations/<slug>/assessment", methods=["GET", "POST"])
def assessment(slug: str):
    organisation = get_organisation_or_404(slug)
    if not assessments.can_assess(current_user, organisation):
        abort(403)
    form = AssessmentForm()
    latest = assessments.capability_summary(organisation).latest
    if not form.is_submitted() and latest is not None:
        for score in latest.scores:
            form[f"score_{score.component}"].data = score.score
            form[f"evidence_{score.component}"].data = score.evidence
    if form.validate_on_submit():
        try:
            assessments.record_assessment(
                current_user,
                organisation,
                {c.value: form[f"score_{c.value}"].data for c in ImpactComponent},
                {c.value: form[f"evidence_{c.value}"].data for c in ImpactComponent},
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Your organisation's self-assessment has been saved.", "success")
            return redirect(url_for("directory.organisation", slug=slug) + "#capability")
    return render_template(
        "mentoring/assessment_form.html",
        form=form,
        organisation=organisation,
        latest=latest,
        components=list(ImpactComponent),
    )


@bp.route("/organisations/<slug>/assessments")
def assessment_history(slug: str):
    organisation = get_organisation_or_404(slug)
    page = assessments.assessments_page(organisation, page_number(), HISTORY_PER_PAGE)
    return render_template(
        "mentoring/assessment_history.html",
        organisation=organisation,
        page=page,
        components=list(ImpactComponent),
    )


@bp.route("/organisations/<slug>/assessments/<int:assessment_id>")
def assessment_detail(slug: str, assessment_id: int):
    organisation = get_organisation_or_404(slug)
    chosen = assessments.get_assessment_or_404(organisation, assessment_id)
    summary = assessments.summarise(chosen, assessments.previous_of(chosen))
    return render_template(
        "mentoring/assessment.html",
        organisation=organisation,
        summary=summary,
        chart=capability_chart(summary),
    )


@bp.route("/organisations/<slug>/mentoring")
def organisation_mentoring(slug: str):
    organisation = get_organisation_or_404(slug)
    page = queries.organisation_requests_page(
        organisation, current_user, page_number(), current_app.config["PER_PAGE"]
    )
    return render_template(
        "mentoring/organisation_history.html",
        organisation=organisation,
        page=page,
        mentorships=queries.mentorships_by_request([r.id for r in page.items]),
        is_member=current_user.organisation_id == organisation.id,
    )


@bp.route("/systems/<slug>/mentoring")
def system_dashboard(slug: str):
    system = get_system_or_404(slug)
    stats = dashboard.system_mentoring(system)
    capability = assessments.system_capability(system)
    charts = {
        "outcomes": bar_chart(
            "outcomes", "Outcomes of closed mentorships",
            "; ".join(f"{o.label}: {n}" for o, n in stats.outcomes) + ".",
            [(o.label, n, False) for o, n in stats.outcomes],
        ),
        "months": bar_chart(
            "months", "Mentorships started each month",
            "; ".join(f"{m.label}: {m.matched}" for m in stats.months) + ".",
            [(m.label, m.matched, False) for m in stats.months],
        ),
        "capability": bar_chart(
            "system-capability", "Average self-assessed capability",
            "; ".join(f"{c.component.short}: {c.average:.1f}" for c in capability) + ".",
            [(c.component.short, round(c.average, 1), c.average <= 2.5) for c in capability],
            scale_max=HIGHEST_SCORE,
            legend="Red bars marked “gap” average 2.5 or below.",
            highlight_note="gap",
        ) if capability else None,
    }  # fmt: skip
    open_requests = queries.open_requests_in(
        system.id, current_user, page_number(), current_app.config["PER_PAGE"]
    )
    return render_template(
        "mentoring/system_dashboard.html",
        system=system,
        stats=stats,
        capability=capability,
        charts=charts,
        open_requests=open_requests,
    )
