"""Organisations known by their email domains, and the allow-list they make.

Who may make an account (registering, changing their address, or signing in
with NHSmail for the first time) is decided here, once:

* The allow-list is the domains site administrators keep (each one
  organisation's, or shared like nhs.net) together with ALLOWED_EMAIL_DOMAINS
  from the environment. A domain's subdomains count as it; the most specific
  listed domain wins (an organisation's ``trust.nhs.uk`` over a shared ``nhs.uk``).
* While both are empty nothing is listed yet and any address may be used, as
  before there were kept domains; EMAIL_DOMAIN_ALLOW_LIST=false switches the
  allow-list off for open pilots while still placing people by known domains.
* A domain of one organisation places the member there. A shared domain, or one
  allowed only by ALLOWED_EMAIL_DOMAINS, or any address in an open pilot, asks
  the member which organisation they work for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from community.accounts.models import User
from community.audit.services import record
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.directory.models import EmailDomain, Organisation

# Labels of letters, digits and hyphens, at least two of them: "nhs.net", "trust.nhs.uk".
DOMAIN_PATTERN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class DomainDecision:
    """What an address's domain decides: whether it may be used, and where it places them."""

    domain: str
    allowed: bool
    organisation: Organisation | None = None  # None: the member chooses

    @property
    def places(self) -> bool:
        return self.organisation is not None


def normalise_domain(text: str) -> str:
    return text.strip().lower().lstrip("@").rstrip(".")


def domain_of(email: str) -> str:
    return normalise_domain(email.rsplit("@", 1)[-1]) if "@" in email else ""


def _suffixes(domain: str) -> list[str]:
    """ "a.trust.nhs.uk" → ["a.trust.nhs.uk", "trust.nhs.uk", "nhs.uk", "uk"]."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def kept_domain_for(domain: str) -> EmailDomain | None:
    """The most specific kept domain the address's domain is, or is under (one query)."""
    if not domain:
        return None
    candidates = _suffixes(domain)
    kept = db.session.scalars(sa.select(EmailDomain).where(EmailDomain.domain.in_(candidates)))
    return max(kept, key=lambda d: len(d.domain), default=None)


def _in_environment_list(domain: str) -> bool:
    listed = current_app.config["ALLOWED_EMAIL_DOMAINS"]
    return any(domain == d or domain.endswith("." + d) for d in listed)


def allow_list_in_force() -> bool:
    if not current_app.config["EMAIL_DOMAIN_ALLOW_LIST"]:
        return False
    if current_app.config["ALLOWED_EMAIL_DOMAINS"]:
        return True
    return db.session.scalar(sa.select(EmailDomain.id).limit(1)) is not None


def decide(email: str) -> DomainDecision:
    domain = domain_of(email)
    kept = kept_domain_for(domain)
    if kept is not None:
        return DomainDecision(domain, True, kept.organisation)
    allowed = _in_environment_list(domain) or not allow_list_in_force()
    return DomainDecision(domain, allowed)


def refusal(domain: str) -> str:
    """What a refused address is told, and who to ask."""
    contact = current_app.config["SUPPORT_EMAIL"]
    who = f"the site administrators at {contact}" if contact else "the site administrators"
    return (
        f"Use your work email address. Addresses at {domain or 'that domain'} cannot be used "
        f"here yet: ask {who} to add your organisation's email domain"
    )


def check_allowed(email: str, field: str = "email") -> DomainDecision:
    decision = decide(email)
    if not decision.allowed:
        raise RuleViolation(refusal(decision.domain), field)
    return decision


def organisation_for(decision: DomainDecision, chosen_id: int | None) -> Organisation:
    """The organisation a new member joins: their domain's, or the one they chose.

    A choice that differs from their domain's organisation is refused rather than
    quietly overruled, so the member sees why.
    """
    if decision.organisation is not None:
        if chosen_id and chosen_id != decision.organisation.id:
            raise RuleViolation(
                f"Addresses at {decision.domain} belong to {decision.organisation.name}: "
                "select it, or ask the site administrators if you work elsewhere",
                "organisation",
            )
        return decision.organisation
    organisation = db.session.get(Organisation, chosen_id) if chosen_id else None
    if organisation is None:
        raise RuleViolation("Select your organisation", "organisation")
    return organisation


# ---------------------------------------------------------------- keeping them


SHARED = 0  # the organisation choice that means "shared by several organisations"


def kept_domains_page(page: int, per_page: int):
    """Kept domains, shared ones first, then by organisation and domain."""
    query = (
        sa.select(EmailDomain)
        .outerjoin(Organisation, Organisation.id == EmailDomain.organisation_id)
        .order_by(EmailDomain.organisation_id.is_not(None), Organisation.name, EmailDomain.domain)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def domains_of(organisation: Organisation) -> list[EmailDomain]:
    return list(
        db.session.scalars(
            sa.select(EmailDomain)
            .where(EmailDomain.organisation_id == organisation.id)
            .order_by(EmailDomain.domain)
        )
    )


def add_domain(admin: User, text: str, organisation_id: int | None) -> EmailDomain:
    """Keep a domain: one organisation's (organisation_id), or shared (SHARED)."""
    domain = normalise_domain(text or "")
    if not domain:
        raise RuleViolation("Enter an email domain, like riverside.nhs.uk", "domain")
    if not DOMAIN_PATTERN.match(domain):
        raise RuleViolation(
            "Enter an email domain in the correct format, like riverside.nhs.uk", "domain"
        )
    existing = db.session.scalar(sa.select(EmailDomain).where(EmailDomain.domain == domain))
    if existing is not None:
        owner = existing.organisation.name if existing.organisation else "shared"
        raise RuleViolation(f"{domain} is already kept ({owner}): remove it first", "domain")
    organisation = None
    if organisation_id != SHARED:
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        if organisation is None:
            raise RuleViolation(
                "Select the organisation the domain belongs to, or that it is shared",
                "organisation",
            )
    kept = EmailDomain(domain=domain, organisation=organisation)
    db.session.add(kept)
    db.session.flush()
    owner = organisation.name if organisation else "shared"
    record("directory.email_domain_added", admin, kept, f"{domain}: {owner}"[:250])
    db.session.commit()
    return kept


def remove_domain(admin: User, kept: EmailDomain) -> None:
    owner = kept.organisation.name if kept.organisation else "shared"
    record("directory.email_domain_removed", admin, kept, f"{kept.domain}: {owner}"[:250])
    db.session.delete(kept)
    db.session.commit()
