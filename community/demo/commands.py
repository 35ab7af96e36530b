"""`flask seed-demo`: a populated demo platform for trying things out locally."""

from __future__ import annotations

import random

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from werkzeug.security import generate_password_hash

from community.accounts.models import ExpertiseTag, Role, TagKind, User
from community.core.extensions import db
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.demo import data
from community.demo.discussions import seed_discussions
from community.demo.mentoring import seed_mentoring
from community.demo.methods import seed_methods
from community.demo.projects import seed_projects
from community.directory.models import EmailDomain, Organisation, System
from community.search.commands import reindex

SEED = 20261126


def _systems(rng: random.Random) -> list[System]:
    systems = []
    for name, region in data.SYSTEMS:
        short = name.replace(" Integrated Care System", "")
        systems.append(System(name=name, slug=slugify(short), region=region))
    db.session.add_all(systems)
    return systems


def _organisations(rng: random.Random, systems: list[System]) -> list[Organisation]:
    organisations = []
    places = list(data.PLACES)
    for index, system in enumerate(systems):
        place_a, place_b = places[2 * index], places[2 * index + 1]
        patterns = list(data.ORGANISATION_PATTERNS)
        rng.shuffle(patterns)
        for number, (pattern, org_type) in enumerate(patterns[:5]):
            place = place_a if number % 2 == 0 else place_b
            name = pattern.format(place=place, saint=data.SAINTS[index])
            organisations.append(
                Organisation(name=name, slug=slugify(name), type=org_type, system=system)
            )
    db.session.add_all(organisations)
    return organisations


NHS_TYPES = {
    "acute_trust", "mental_health_trust", "community_provider", "ambulance_trust", "icb",
    "primary_care_network", "gp_practice",
}  # fmt: skip
# nhs.net is NHSmail's shared domain: its people choose their organisation.
SHARED_DOMAINS = ("nhs.net",)


def email_domain_of(organisation: Organisation) -> str:
    """A plausible email domain, e.g. Riverside Hospitals NHS Foundation Trust's is
    riverside-hospitals.nhs.uk."""
    words = [
        w for w in organisation.slug.split("-") if w not in {"nhs", "foundation", "trust", "the"}
    ]
    label = "-".join(words)[:40].strip("-") or organisation.slug[:40]
    if organisation.type in NHS_TYPES:
        return f"{label}.nhs.uk"
    if organisation.type == "local_authority":
        return f"{label}.gov.uk"
    return f"{label}.org.uk"


def _email_domains(organisations: list[Organisation]) -> None:
    """Each organisation's own domain, and the shared ones, as administrators would keep them."""
    kept = {domain: None for domain in SHARED_DOMAINS}
    for organisation in organisations:
        kept.setdefault(email_domain_of(organisation), organisation)
    db.session.add_all(EmailDomain(domain=d, organisation=o) for d, o in kept.items())


def _members(
    rng: random.Random, organisations: list[Organisation], tags: list[ExpertiseTag], count: int
) -> list[User]:
    password_hash = generate_password_hash(data.DEMO_PASSWORD)
    approaches = [t for t in tags if t.kind == TagKind.APPROACH]
    topics = [t for t in tags if t.kind == TagKind.TOPIC]
    members, used = [], set()
    now = utcnow()
    while len(members) < count:
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        username = slugify(f"{first}-{last}")
        if username in used:
            continue
        used.add(username)
        organisation = rng.choice(organisations)
        expertise = rng.sample(approaches, rng.randint(1, 3)) + rng.sample(
            topics, rng.randint(1, 3)
        )
        bio = rng.choice(data.BIOS).format(
            topic=expertise[-1].name.lower(), approach=expertise[0].name
        )
        user = User(
            name=f"{first} {last}",
            username=username,
            email=f"{username.replace('-', '.')}@{email_domain_of(organisation)}",
            password_hash=password_hash,
            organisation=organisation,
            job_title=rng.choice(data.JOB_TITLES),
            email_confirmed_at=now,
            expertise=expertise,
        )
        user.set_bio(bio)
        members.append(user)
    db.session.add_all(members)
    return members


def _demo_logins(organisations: list[Organisation], password_hash: str) -> list[User]:
    admin = User(
        name="Alex Admin", username="admin", email="admin@improvement-commons.example",
        role=Role.ADMIN, organisation=organisations[0], job_title="Site administrator",
        password_hash=password_hash, email_confirmed_at=utcnow(),
    )  # fmt: skip
    member = User(
        name="Morgan Member", username="morgan", email="morgan@improvement-commons.example",
        organisation=organisations[1], job_title="Quality improvement lead",
        password_hash=password_hash, email_confirmed_at=utcnow(),
    )  # fmt: skip
    unconfirmed = User(
        name="Una Unconfirmed", username="una", email="una@improvement-commons.example",
        organisation=organisations[2], job_title="Staff nurse", password_hash=password_hash,
    )  # fmt: skip
    db.session.add_all([admin, member, unconfirmed])
    return [admin, member, unconfirmed]


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0 and (
        db.session.scalar(sa.select(sa.func.count(System.id))) == 0
    )


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has data.")
@click.option("--members", default=80, show_default=True, help="How many members to make.")
@with_appcontext
def seed_demo(if_empty: bool, members: int) -> None:
    """Fill the database with demo systems, organisations and members."""
    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data: no demo data added.")
            return
        raise click.ClickException("The database already has data; seed-demo needs an empty one.")
    rng = random.Random(SEED)
    tags = list(db.session.scalars(sa.select(ExpertiseTag)))
    made: dict[str, list] = {}
    with click.progressbar(length=8, label="Loading demo data") as bar:
        made["systems"] = _systems(rng)
        bar.update(1)
        made["organisations"] = _organisations(rng, made["systems"])
        db.session.flush()
        _email_domains(made["organisations"])
        bar.update(1)
        made["members"] = _members(rng, made["organisations"], tags, members)
        bar.update(1)
        logins = _demo_logins(made["organisations"], made["members"][0].password_hash)
        bar.update(1)
        db.session.commit()
        made["communities"] = seed_discussions(rng, made["members"], logins[0], logins[1])
        db.session.commit()
        bar.update(1)
        made["methods"] = seed_methods(rng, made["members"], logins[1])
        # Members and back-dated posts (methods' discussions too) were written directly:
        # index them as they now stand.
        reindex()
        bar.update(1)
        made["projects"] = seed_projects(
            rng,
            made["members"],
            made["organisations"],
            made["communities"],
            logins[1],
            made["methods"],
        )
        bar.update(1)
        mentoring = seed_mentoring(rng, made["members"], logins[1])
        bar.update(1)
    click.echo(
        f"Demo data: {len(made['systems'])} systems, {len(made['organisations'])} organisations, "
        f"{len(made['members']) + len(logins)} members, "
        f"{len(made['communities'])} communities with their discussions, "
        f"{len(made['methods'])} methods with their adaptations, revisions and uses, "
        f"{len(made['projects'])} improvement projects with their measures and PDSA cycles."
    )
    click.echo(
        f"Mentoring: {mentoring.offers} mentor offers, {mentoring.assessments} self-assessments, "
        f"{mentoring.open_requests} open requests, {mentoring.active} mentorships running and "
        f"{mentoring.completed} completed with feedback."
    )
    click.echo(f"Demo sign-ins (password for all: {data.DEMO_PASSWORD}):")
    for user, role in zip(
        logins, ("site administrator", "member", "unconfirmed member"), strict=True
    ):
        click.echo(f"  {role:<20} {user.email}")
