"""Registration, confirmation, signing in, passwords, email changes and profiles.

Every function that changes something commits once, together with its audit
entry and any email it queues, so nothing is ever half-saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from community.accounts import tokens
from community.accounts.models import (
    ExpertiseSynonym,
    ExpertiseTag,
    RetiredUsername,
    Role,
    TagKind,
    User,
)
from community.accounts.passwords import password_problem
from community.audit.services import record
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.directory import email_domains
from community.directory.models import Organisation
from community.outbox.services import queue_email
from community.search import indexing
from community.search.vocabulary import normalised
from community.web.urls import external_url

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{2,29}$")
RESERVED_USERNAMES = frozenset(
    {"admin", "administrator", "root", "system", "support", "help", "account", "accounts",
     "people", "search", "settings", "new", "edit", "former-member", "moderator", "everyone",
     "here", "all", "staff", "nhs", "api", "static", "assets", "lookup"}
)  # fmt: skip
MAX_FREE_TAGS = 10
MAX_TAG_LENGTH = 40
INVALID_LINK = "This link has expired or is not valid. Ask for a new one below."

# Compared against when no account matches, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password, used for timing")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_username(username: str) -> str:
    return username.strip().lower().lstrip("@")


def email_domain_allowed(email: str) -> bool:
    """Whether the address's domain is on the allow-list (community.directory.email_domains)."""
    return email_domains.decide(email).allowed


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def user_by_username(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == normalise_username(username)))


def _check_new_email(email: str, field: str = "email") -> email_domains.DomainDecision:
    decision = email_domains.check_allowed(email, field)
    if user_by_email(email) is not None:
        raise RuleViolation(
            "An account already uses this email address. Sign in, or reset your password", field
        )
    return decision


def _check_new_password(password: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem:
        raise RuleViolation(problem, field)


def _organisation(organisation_id: int | None) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        raise RuleViolation("Select your organisation", "organisation")
    return organisation


def check_username(username: str) -> str:
    username = normalise_username(username)
    if not USERNAME_PATTERN.match(username):
        raise RuleViolation(
            "Username must be 3 to 30 characters: lower-case letters, numbers, hyphens or "
            "underscores, starting with a letter",
            "username",
        )
    if (
        username in RESERVED_USERNAMES
        or user_by_username(username) is not None
        or db.session.get(RetiredUsername, RetiredUsername.digest_of(username)) is not None
    ):
        raise RuleViolation("That username is taken: choose another", "username")
    return username


def _checked_registration(
    username: str, email: str, password: str, organisation_id: int | None
) -> tuple[str, Organisation]:
    """Every problem with a registration at once (a RuleViolations), or the username
    and organisation it will have."""
    problems = Problems()
    checks = {
        "username": lambda: check_username(username),
        "email": lambda: _check_new_email(email),
        "password": lambda: _check_new_password(password),
    }
    found = {name: problems.attempt(check) for name, check in checks.items()}
    # The address's domain may decide the organisation (a refused one says so itself).
    decision = email_domains.decide(email)
    found["organisation"] = problems.attempt(
        lambda: email_domains.organisation_for(decision, organisation_id)
    )
    problems.raise_any()
    return found["username"], found["organisation"]


def check_registration(
    *, username: str, email: str, password: str, organisation_id: int | None
) -> None:
    """The checks `register` makes, saving nothing."""
    _checked_registration(username or "", normalise_email(email or ""), password or "",
                          organisation_id)  # fmt: skip


def register(
    *, name: str, username: str, email: str, password: str, organisation_id: int | None
) -> User:
    email = normalise_email(email)
    username, organisation = _checked_registration(username, email, password, organisation_id)
    user = User(name=name.strip(), username=username, email=email, organisation=organisation)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    indexing.person_changed(user)
    _queue_confirmation(user)
    record("account.registered", user, user, f"{username} registered")
    db.session.commit()
    return user


def _queue_confirmation(user: User) -> None:
    token = tokens.make_token(tokens.CONFIRM_EMAIL, {"u": user.id, "e": user.email})
    link = external_url("accounts.confirm_email", token=token)
    queue_email(
        user.email,
        "Confirm your email address for Improvement Commons",
        f"Hello {user.name},\n\n"
        "Confirm your email address to start posting on Improvement Commons:\n\n"
        f"{link}\n\n"
        "The link works for 48 hours. If you did not make an account, ignore this email.\n",
    )


def resend_confirmation(user: User) -> None:
    if user.is_confirmed:
        return
    _queue_confirmation(user)
    db.session.commit()


def confirm_email(token: str) -> User:
    payload = tokens.read_token(
        tokens.CONFIRM_EMAIL, token, current_app.config["EMAIL_TOKEN_MAX_AGE"]
    )
    user = db.session.get(User, payload.get("u")) if payload else None
    if user is None or user.email != payload.get("e"):
        raise RuleViolation(INVALID_LINK)
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
        record("account.email_confirmed", user, user)
        db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The member with these credentials, or None. Both outcomes are audited."""
    user = user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        record("account.sign_in_failed", None, summary=f"unknown address {email[:200]}")
        db.session.commit()
        return None
    if not user.check_password(password):
        record("account.sign_in_failed", user, user, "wrong password")
        db.session.commit()
        return None
    user.last_sign_in_at = utcnow()
    record("account.signed_in", user, user)
    db.session.commit()
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = user_by_email(email)
    if user is None:
        return
    token = tokens.make_token(tokens.RESET_PASSWORD, {"u": user.id, "h": user.password_hash[-16:]})
    link = external_url("accounts.reset_password", token=token)
    queue_email(
        user.email,
        "Reset your Improvement Commons password",
        f"Hello {user.name},\n\nSomeone asked to reset the password for your account. "
        f"To choose a new password, open this link within 2 hours:\n\n{link}\n\n"
        "If it was not you, ignore this email: your password has not changed.\n",
    )
    record("account.password_reset_requested", user, user)
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    payload = tokens.read_token(
        tokens.RESET_PASSWORD, token, current_app.config["RESET_TOKEN_MAX_AGE"]
    )
    user = db.session.get(User, payload.get("u")) if payload else None
    if user is None or user.password_hash[-16:] != payload.get("h"):
        raise RuleViolation(INVALID_LINK)
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    _check_new_password(new_password)
    user.set_password(new_password)
    user.end_other_sessions()
    # Following the emailed link proves the address too.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    record("account.password_reset", user, user)
    db.session.commit()
    return user


def _check_current_password(problems: Problems, user: User, current_password: str) -> None:
    if not user.check_password(current_password or ""):
        problems.add("Your current password is not correct", "current_password")


def check_password_change(user: User, current_password: str, new_password: str) -> None:
    """Every problem with a password change at once (a RuleViolations), saving nothing."""
    problems = Problems()
    _check_current_password(problems, user, current_password)
    try:
        _check_new_password(new_password or "", "new_password")
    except RuleViolation as violation:
        problems.collect(violation)
    problems.raise_any()


def change_password(user: User, current_password: str, new_password: str) -> None:
    check_password_change(user, current_password, new_password)
    user.set_password(new_password)
    user.end_other_sessions()
    queue_email(
        user.email,
        "Your Improvement Commons password was changed",
        f"Hello {user.name},\n\nThe password for your account was changed, and every other "
        "device you were signed in on has been signed out.\n\nIf you did not do this, reset "
        f"your password now: {external_url('accounts.request_reset')}\n",
    )
    record("account.password_changed", user, user)
    db.session.commit()


def check_email_change(user: User, current_password: str, new_email: str) -> None:
    """Every problem with an email change at once (a RuleViolations), saving nothing."""
    problems = Problems()
    _check_current_password(problems, user, current_password)
    new_email = normalise_email(new_email or "")
    if new_email == user.email:
        problems.add("That is already your email address", "new_email")
    else:
        try:
            _check_new_email(new_email, "new_email")
        except RuleViolation as violation:
            problems.collect(violation)
    problems.raise_any()


def request_email_change(user: User, current_password: str, new_email: str) -> None:
    new_email = normalise_email(new_email)
    check_email_change(user, current_password, new_email)
    token = tokens.make_token(tokens.CHANGE_EMAIL, {"u": user.id, "e": new_email})
    queue_email(
        new_email,
        "Confirm your new email address for Improvement Commons",
        f"Hello {user.name},\n\nTo use this address for your Improvement Commons account, "
        f"open this link within 48 hours:\n\n"
        f"{external_url('accounts.confirm_email_change', token=token)}\n",
    )
    queue_email(
        user.email,
        "Your Improvement Commons email address is changing",
        f"Hello {user.name},\n\nSomeone asked to move your account to another email address. "
        "It will change when the new address is confirmed. If this was not you, change your "
        f"password now: {external_url('accounts.request_reset')}\n",
    )
    record("account.email_change_requested", user, user)
    db.session.commit()


def confirm_email_change(token: str) -> User:
    payload = tokens.read_token(
        tokens.CHANGE_EMAIL, token, current_app.config["EMAIL_TOKEN_MAX_AGE"]
    )
    user = db.session.get(User, payload.get("u")) if payload else None
    if user is None:
        raise RuleViolation(INVALID_LINK)
    new_email = payload["e"]
    if user.email != new_email:
        if user_by_email(new_email) is not None:
            raise RuleViolation("Another account now uses that email address")
        old = user.email
        user.email = new_email
        user.email_confirmed_at = utcnow()
        record("account.email_changed", user, user, f"from {old} to {new_email}")
        db.session.commit()
    return user


def expertise_vocabulary() -> list[ExpertiseTag]:
    """The seeded tags offered as checkboxes, approaches first."""
    return list(
        db.session.scalars(
            sa.select(ExpertiseTag)
            .where(ExpertiseTag.kind.in_([TagKind.APPROACH, TagKind.TOPIC]))
            .order_by(ExpertiseTag.kind, ExpertiseTag.name)
        )
    )


def parse_free_tags(text: str) -> list[str]:
    names: list[str] = []
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > MAX_FREE_TAGS:
        raise RuleViolation(f"Add {MAX_FREE_TAGS} other areas of expertise or fewer", "other_tags")
    for name in names:
        if len(name) > MAX_TAG_LENGTH or not slugify(name):
            raise RuleViolation(
                f"Each area of expertise must be {MAX_TAG_LENGTH} characters or fewer and "
                "contain letters or numbers",
                "other_tags",
            )
    return names


def _tags_named(names: Iterable[str]) -> list[ExpertiseTag]:
    tags = []
    for name in names:
        slug = slugify(name)
        tag = db.session.scalar(sa.select(ExpertiseTag).where(ExpertiseTag.slug == slug))
        if tag is None:
            tag = ExpertiseTag(name=name, slug=slug, kind=TagKind.FREE)
            db.session.add(tag)
        tags.append(tag)
    return tags


def _checked_profile(
    organisation_id: int | None, other_tags: str
) -> tuple[list[str], Organisation]:
    """Every problem with a profile at once (a RuleViolations), or its other tags'
    names and its organisation."""
    problems = Problems()
    checks = {
        "names": lambda: parse_free_tags(other_tags or ""),
        "organisation": lambda: _organisation(organisation_id),
    }
    found = {name: problems.attempt(check) for name, check in checks.items()}
    problems.raise_any()
    return found["names"], found["organisation"]


def check_profile(*, organisation_id: int | None, other_tags: str) -> None:
    """The checks `update_profile` makes, saving nothing."""
    _checked_profile(organisation_id, other_tags)


def update_profile(
    user: User,
    *,
    name: str,
    job_title: str,
    organisation_id: int | None,
    bio: str,
    tag_ids: Iterable[int],
    other_tags: str,
) -> None:
    free_names, organisation = _checked_profile(organisation_id, other_tags)
    chosen = list(db.session.scalars(sa.select(ExpertiseTag).where(ExpertiseTag.id.in_(tag_ids))))
    tags = {tag.slug: tag for tag in chosen}
    for tag in _tags_named(free_names):
        tags.setdefault(tag.slug, tag)
    moved = user.organisation_id != organisation.id
    user.name = name.strip()
    user.job_title = job_title.strip()
    user.organisation = organisation
    user.set_bio(bio)
    user.expertise = sorted(tags.values(), key=lambda t: t.name.lower())
    indexing.person_changed(user, moved=moved)
    db.session.commit()


def grant_role(admin: User, member: User, role: str) -> None:
    if role not in {r.value for r in Role}:
        raise RuleViolation("Choose a role", "role")
    if member.id == admin.id and role != Role.ADMIN:
        raise RuleViolation("You cannot remove your own administrator role", "role")
    if member.role == role:
        return
    old = member.role
    member.role = role
    record("account.role_changed", admin, member, f"{member.username}: {old} to {role}")
    db.session.commit()


# ---------------------------------------------------------------- the expertise vocabulary

SYNONYM_LENGTH = 80


def set_synonyms(admin: User, tag: ExpertiseTag, lines: Iterable[str]) -> ExpertiseTag:
    """Give `tag` exactly these other names (acronyms, spellings, phrases), one a line.

    Each name means one area of expertise: a name already another tag's, or
    another tag's other name, is refused with both named, and nothing is saved.
    """
    wanted: dict[str, str] = {}
    for line in lines:
        text = " ".join(line.split())
        if not text:
            continue
        if len(text) > SYNONYM_LENGTH:
            raise RuleViolation(
                f"“{text[:30]}…” is too long: keep each name to {SYNONYM_LENGTH} characters",
                "synonyms",
            )
        key = normalised(text)
        if not key:
            raise RuleViolation(f"“{text}” has no letters or numbers", "synonyms")
        if key == tag.slug:
            continue  # the tag's own name
        wanted.setdefault(key, text)
    if wanted:
        clash = db.session.execute(
            sa.select(ExpertiseTag.name, sa.literal(""))
            .where(ExpertiseTag.slug.in_(wanted), ExpertiseTag.id != tag.id)
            .union_all(
                sa.select(ExpertiseTag.name, ExpertiseSynonym.key)
                .join(ExpertiseTag, ExpertiseTag.id == ExpertiseSynonym.tag_id)
                .where(ExpertiseSynonym.key.in_(wanted), ExpertiseSynonym.tag_id != tag.id)
            )
        ).first()
        if clash is not None:
            other, key = clash
            taken = wanted[key] if key else other
            raise RuleViolation(
                f"“{taken}” already means {other}: a name can mean one area of expertise",
                "synonyms",
            )
    kept = [s for s in tag.synonyms if s.key in wanted]
    for synonym in kept:
        synonym.text = wanted[synonym.key]
    have = {s.key for s in kept}
    tag.synonyms = kept + [
        ExpertiseSynonym(text=text, key=key) for key, text in wanted.items() if key not in have
    ]
    db.session.flush()
    names = ", ".join(s.text for s in tag.synonyms) or "none"
    record("expertise.synonyms_changed", admin, tag, f"{tag.name}: {names}"[:250])
    db.session.commit()
    return tag
