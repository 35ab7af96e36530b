"""Reading and maintaining the directory of systems and organisations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from community.accounts.models import User
from community.audit.services import record
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.slugs import slugify
from community.directory.models import Organisation, OrganisationType, System
from community.projects import services as projects
from community.search import indexing


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, System.name)
        .join(System, Organisation.system_id == System.id)
        .order_by(Organisation.name)
    )
    return [(org_id, f"{org_name} ({system_name})") for org_id, org_name, system_name in rows]


def system_choices() -> list[tuple[int, str]]:
    """Every system as (id, name), for a filter or a form's choices."""
    rows = db.session.execute(sa.select(System.id, System.name).order_by(System.name))
    return [(system_id, name) for system_id, name in rows]


def systems_with_counts() -> list[tuple[System, int, int]]:
    """Every system with its number of organisations and members (two grouped queries)."""
    org_counts = (
        sa.select(Organisation.system_id, sa.func.count(Organisation.id).label("n"))
        .group_by(Organisation.system_id)
        .subquery()
    )
    member_counts = (
        sa.select(Organisation.system_id, sa.func.count(User.id).label("n"))
        .join(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.system_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            System, sa.func.coalesce(org_counts.c.n, 0), sa.func.coalesce(member_counts.c.n, 0)
        )
        .outerjoin(org_counts, org_counts.c.system_id == System.id)
        .outerjoin(member_counts, member_counts.c.system_id == System.id)
        .order_by(System.name)
    )
    return [tuple(row) for row in rows]


def get_system_or_404(slug: str) -> System:
    system = db.session.scalar(sa.select(System).where(System.slug == slug))
    if system is None:
        abort(404)
    return system


def get_organisation_or_404(slug: str) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        abort(404)
    return organisation


def organisations_in(system: System) -> list[tuple[Organisation, int]]:
    rows = db.session.execute(
        sa.select(Organisation, sa.func.count(User.id))
        .outerjoin(User, User.organisation_id == Organisation.id)
        .where(Organisation.system_id == system.id)
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    )
    return [tuple(row) for row in rows]


def organisations_page(page: int, per_page: int, system_id: int | None, org_type: str | None):
    query = sa.select(Organisation).order_by(Organisation.name)
    if system_id:
        query = query.where(Organisation.system_id == system_id)
    if org_type:
        query = query.where(Organisation.type == org_type)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def members_of(organisation: Organisation, page: int, per_page: int):
    query = (
        sa.select(User).where(User.organisation_id == organisation.id).order_by(User.name, User.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _unique_slug(model, name: str, exclude_id: int | None) -> str:
    slug = slugify(name)
    if not slug:
        raise RuleViolation("Name must contain letters or numbers", "name")
    clash = db.session.scalar(
        sa.select(model.id).where(model.slug == slug, model.id != (exclude_id or 0))
    )
    if clash is not None:
        raise RuleViolation("There is already one with this name", "name")
    return slug


def save_system(admin: User, system: System | None, *, name: str, region: str) -> System:
    name = name.strip()
    slug = _unique_slug(System, name, system.id if system else None)
    creating = system is None
    system = system or System()
    system.name, system.slug, system.region = name, slug, region.strip()
    db.session.add(system)
    db.session.flush()
    if not creating:
        indexing.system_changed(system)  # its members' profiles name it
    record(
        "directory.system_created" if creating else "directory.system_updated", admin, system, name
    )
    db.session.commit()
    return system


def _checked_organisation(
    organisation: Organisation | None, name: str, org_type: str, system_id: int | None
) -> str:
    """Every problem with an organisation's details at once (a RuleViolations), or its
    name's slug."""
    problems = Problems()
    slug = ""
    try:
        slug = _unique_slug(Organisation, name, organisation.id if organisation else None)
    except RuleViolation as violation:
        problems.collect(violation)
    if org_type not in {t.value for t in OrganisationType}:
        problems.add("Select the type of organisation", "type")
    if not system_id or db.session.get(System, system_id) is None:
        problems.add("Select the integrated care system", "system")
    problems.raise_any()
    return slug


def check_organisation(
    organisation: Organisation | None, *, name: str, org_type: str, system_id: int | None
) -> None:
    """The checks `save_organisation` makes, saving nothing."""
    _checked_organisation(organisation, (name or "").strip(), org_type or "", system_id)


def save_organisation(
    admin: User, organisation: Organisation | None, *, name: str, org_type: str, system_id: int
) -> Organisation:
    name = name.strip()
    slug = _checked_organisation(organisation, name, org_type, system_id)
    creating = organisation is None
    organisation = organisation or Organisation()
    organisation.name, organisation.slug = name, slug
    organisation.type, organisation.system_id = org_type, system_id
    db.session.add(organisation)
    db.session.flush()
    if not creating:
        projects.follow_organisation(organisation)
        indexing.organisation_changed(organisation)
    record(
        "directory.organisation_created" if creating else "directory.organisation_updated",
        admin, organisation, name,
    )  # fmt: skip
    db.session.commit()
    return organisation
