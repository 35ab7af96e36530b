"""`flask create-admin`: the first site administrator."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from community.accounts.models import Role, User
from community.accounts.passwords import password_problem
from community.accounts.services import check_username, normalise_email, user_by_email
from community.audit.services import record
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.directory.models import Organisation


@click.command("create-admin")
@click.option("--email", prompt=True, help="Their work email address.")
@click.option("--username", prompt=True)
@click.option("--name", prompt="Full name")
@click.option("--organisation", "organisation_slug", default="", help="Organisation slug.")
@click.password_option(help="At least 12 characters.")
@with_appcontext
def create_admin(email, username, name, organisation_slug, password):
    """Create a confirmed site administrator, or make an existing member one."""
    existing = user_by_email(email)
    if existing is not None:
        existing.role = Role.ADMIN
        record("account.role_changed", None, existing, f"{existing.username}: made admin by CLI")
        db.session.commit()
        click.echo(f"{existing.username} is now a site administrator.")
        return
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    try:
        username = check_username(username)
    except RuleViolation as violation:
        raise click.BadParameter(violation.message, param_hint="username") from None
    organisation = None
    if organisation_slug:
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.slug == organisation_slug)
        )
        if organisation is None:
            raise click.BadParameter("no organisation has that slug", param_hint="organisation")
    user = User(
        email=normalise_email(email), username=username, name=name, role=Role.ADMIN,
        organisation=organisation, email_confirmed_at=utcnow(),
    )  # fmt: skip
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("account.role_changed", None, user, f"{username}: created as admin by CLI")
    db.session.commit()
    click.echo(f"Created site administrator {username}.")
