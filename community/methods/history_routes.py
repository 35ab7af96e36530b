"""Where a method came from: its published versions compared, and its lineage and spread.

Routes on the methods blueprint (see routes.py), at the method's own address.
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from community import caching
from community.core.markdown import render_markdown
from community.methods import queries, services
from community.methods.blueprint import bp
from community.methods.diffs import diff_versions
from community.methods.lineage import LineageNode, ancestors, descendants, family_member, spread
from community.methods.picture import spread_picture
from community.methods.revisions import current_file_ids, files_of_revision
from community.methods.snapshots import revision_snapshot, snapshot
from community.methods.vocabulary import SECTIONS
from community.visibility import visibility_class
from community.web.moved import to_current_slug
from community.web.paging import ListPagination, page_number

SPREAD_ROWS_PER_PAGE = 50  # organisations in a lineage page's spread table


@bp.route("/<int:method_id>-<slug>/history")
def history(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user)
    if (moved := to_current_slug(slug, method.slug)) is not None:
        return moved
    revisions = queries.revisions_of(method)
    by_number = {r.number: r for r in revisions}
    old_number = request.args.get("from", type=int)
    new_number = request.args.get("to", type=int)
    problem = None
    if old_number is None and new_number is None and len(revisions) >= 2:
        new_number, old_number = revisions[0].number, revisions[1].number
    diff = None
    if old_number is not None or new_number is not None:
        if old_number not in by_number or new_number not in by_number:
            problem = "Choose two versions to compare"
        elif old_number == new_number:
            problem = "Choose two different versions to compare"
        else:
            if old_number > new_number:
                old_number, new_number = new_number, old_number
            diff = diff_versions(
                revision_snapshot(by_number[old_number]), revision_snapshot(by_number[new_number])
            )
    return render_template(
        "methods/history.html",
        method=method,
        revisions=revisions,
        old_number=old_number,
        new_number=new_number,
        diff=diff,
        problem=problem,
    )


@bp.route("/<int:method_id>-<slug>/history/<int:number>")
def revision(method_id: int, slug: str, number: int):
    method = services.get_method_or_404(method_id, current_user)
    if (moved := to_current_slug(slug, method.slug)) is not None:
        return moved
    revision = queries.revision_or_404(method, number)
    text = revision_snapshot(revision)
    kept = files_of_revision(revision)
    return render_template(
        "methods/revision.html",
        method=method,
        revision=revision,
        text=text,
        sections=[
            (key, heading, render_markdown(text[key]).html)
            for key, heading in SECTIONS
            if text[key].strip()
        ],
        files=[f for f in kept.files if f.is_servable],
        removed_files=kept.removed,
        is_current=method.is_published
        and revision_snapshot(revision) == snapshot(method)
        and kept.file_ids == current_file_ids(method),
    )


@bp.route("/<int:method_id>-<slug>/lineage")
def lineage(method_id: int, slug: str):
    method = services.get_method_or_404(method_id, current_user)
    if (moved := to_current_slug(slug, method.slug)) is not None:
        return moved
    # The body reads nothing about the reader but what they may see and whether they
    # may adapt: it is kept for every reader alike until the methods change.
    reader = (visibility_class(current_user), current_user.is_confirmed)
    key = (method.id, reader, request.query_string)
    body = caching.kept("lineage_pages", key, lambda: _lineage_body(method))
    return render_template("methods/lineage.html", method=method, body=body)


def _lineage_body(method) -> Markup:
    family = descendants(current_user, method)
    reach = spread(method, family, current_user)
    return Markup(render_template(  # noqa: S704  a rendered (autoescaped) template
        "methods/_lineage_body.html",
        method=method,
        ancestors=ancestors(current_user, method),
        current=LineageNode(family_member(method.id), 0, True),
        family=family,
        spread=reach,
        picture=spread_picture(reach),
        # A method spread across the country is used in hundreds of organisations: the
        # picture shows them all, the table a page at a time.
        organisations=ListPagination(
            reach.rows, page_number("organisations"), SPREAD_ROWS_PER_PAGE
        ),
    ))  # fmt: skip
