"""Signing in with NHSmail: single sign-on by OpenID Connect (Microsoft Entra ID).

Authlib does the protocol: discovery from OIDC_ISSUER's
``/.well-known/openid-configuration``, the authorisation code flow with PKCE
(S256), ``state`` and ``nonce``, and the ID token's signature (against the
provider's published keys), issuer, audience and expiry. This module decides
what a verified identity means here:

* its issuer and subject already belong to a member: that member signs in;
* a signed-in member who went to the provider from their settings: linked to them;
* an account already has its address: linked only once the member proves they
  own it (their password once, or a link emailed to the account's address);
* otherwise a new account, from the token's name and address, already
  confirmed, once the member has chosen a username (and their organisation,
  when the address's domain does not decide it).

Every refusal is a `SignInRefused` that the routes show on a page of its own
and that is audited as ``account.sso_failed``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass

import requests
import sqlalchemy as sa
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app, request, session
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError

from community.accounts import tokens
from community.accounts.models import SingleSignOnIdentity, User
from community.accounts.services import check_username, normalise_email, user_by_email
from community.audit.services import record
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.directory import email_domains
from community.outbox.services import queue_email
from community.search import indexing
from community.web.urls import external_url

SCOPES = "openid email profile"
# The session keys: the identity waiting for an account or a link, and whether this
# session began at the provider (so signing out can offer the provider's sign-out).
PENDING = "sso_pending"
CAME_BY_SINGLE_SIGN_ON = "sso_session"
PENDING_SECONDS = 30 * 60
LINK_PURPOSE = "link-single-sign-on"
PROVIDER_TIMEOUT_SECONDS = 10

_oauth = OAuth()


class SignInRefused(Exception):
    """Single sign-on ended without signing anyone in: `reason` for the audit log,
    `message` for the person."""

    def __init__(self, reason: str, message: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class Identity:
    """Who the provider vouched for, from a verified ID token."""

    issuer: str
    subject: str
    email: str
    name: str

    @property
    def domain(self) -> str:
        return email_domains.domain_of(self.email)


def configured() -> bool:
    config = current_app.config
    return bool(config["OIDC_ISSUER"] and config["OIDC_CLIENT_ID"])


def provider_name() -> str:
    """The button's words, and how pages name the provider ("NHSmail")."""
    return current_app.config["OIDC_PROVIDER_NAME"]


def _short_name() -> str:
    words = provider_name()
    return words.removeprefix("Sign in with ").strip() or "single sign-on"


def _client():
    """Authlib's client for the configured provider, made once per configuration."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"])
    name = "sso_" + hashlib.sha256("\n".join(settings).encode()).hexdigest()[:12]
    if _oauth.app is None:
        _oauth.init_app(current_app._get_current_object())
    if name not in _oauth._registry:
        _oauth.register(
            name,
            client_id=settings[1],
            client_secret=settings[2],
            server_metadata_url=settings[0] + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": PROVIDER_TIMEOUT_SECONDS,
            },
        )
    return _oauth.create_client(name)


def _unreachable(error: Exception) -> SignInRefused:
    return SignInRefused(
        "provider unreachable",
        f"{_short_name()} could not be reached. Try again in a few minutes, or sign in with "
        "your email address and password.",
        str(error)[:120],
    )


def redirect_to_provider(callback_url: str):
    """The response that sends the person to the provider to sign in."""
    try:
        return _client().authorize_redirect(callback_url)
    except (requests.RequestException, ValueError, RuntimeError) as error:
        raise _unreachable(error) from error


def identity_from_callback() -> Identity:
    """Check the provider's answer on the callback and return who it vouched for."""
    name = _short_name()
    client = _client()
    try:
        _refuse_an_expired_state(client)
        token = client.authorize_access_token()
    except MismatchingStateError as error:
        raise SignInRefused(
            "state expired or mismatched",
            "Signing in took too long, or was started in another window. Start again.",
        ) from error
    except OAuthError as error:
        if error.error == "access_denied":
            raise SignInRefused(
                "consent denied",
                f"{name} did not let us know who you are, so you have not been signed in. "
                "To use Improvement Commons, sign in again and allow it, or use your email "
                "address and password.",
            ) from error
        raise SignInRefused(
            "provider error",
            f"{name} could not sign you in. Try again, or sign in with your email address "
            "and password.",
            f"{error.error}: {error.description or ''}"[:120],
        ) from error
    except ExpiredTokenError as error:
        raise SignInRefused(
            "expired token",
            f"The sign-in from {name} had expired. Start again.",
        ) from error
    except ClaimError as error:
        claim = getattr(error, "claim", "") or ""
        # An ID token for another client fails on its audience, or on its authorised
        # party (azp, which OpenID Connect demands when the audience is not us alone).
        reasons = {"aud": "wrong audience", "azp": "wrong audience", "iss": "wrong issuer",
                   "nonce": "nonce mismatch"}  # fmt: skip
        reason = reasons.get(claim, f"invalid claim {claim}")
        raise SignInRefused(
            reason,
            f"The sign-in from {name} was not meant for Improvement Commons, so it cannot be "
            "used. Start again; if it happens again, tell the site administrators.",
        ) from error
    except JoseError as error:
        raise SignInRefused(
            "token not trusted",
            f"The sign-in from {name} could not be checked, so it cannot be used. Start again; "
            "if it happens again, tell the site administrators.",
            type(error).__name__,
        ) from error
    except (requests.RequestException, ValueError, RuntimeError) as error:
        raise _unreachable(error) from error
    claims = token.get("userinfo")
    if not claims or not claims.get("sub") or not claims.get("iss"):
        raise SignInRefused(
            "no ID token",
            f"{name} did not say who you are. Start again, or sign in with your email address "
            "and password.",
        )
    if claims["iss"] != current_app.config["OIDC_ISSUER"]:
        # Authlib checked it against the discovery document; that must name OIDC_ISSUER
        # too (OpenID Connect Discovery), so links are kept under the issuer configured.
        raise SignInRefused(
            "wrong issuer",
            f"The sign-in from {name} came from another issuer than the one configured, so it "
            "cannot be used. Tell the site administrators.",
            str(claims["iss"])[:120],
        )
    email = normalise_email(str(claims.get("email") or ""))
    if "@" not in email:
        raise SignInRefused(
            "no email address",
            f"{name} did not give us your email address, which your account needs. Ask the "
            "site administrators, or sign in with your email address and password.",
        )
    if not _email_verified(claims):
        raise SignInRefused(
            "unverified email",
            f"{name} has not verified the email address {email}, so we cannot use it to make "
            "or find your account. Sign in with your email address and password, or ask the "
            "site administrators.",
            email,
        )
    full_name = " ".join(str(claims.get("name") or "").split())[:100]
    return Identity(
        issuer=str(claims["iss"]), subject=str(claims["sub"]), email=email,
        name=full_name or email.split("@")[0],
    )  # fmt: skip


def _refuse_an_expired_state(client) -> None:
    """Authlib keeps each sign-in's state, nonce and PKCE verifier in the session with an
    expiry (an hour) that it does not itself check on the way back: we do."""
    key = f"_state_{client.name}_{request.args.get('state', '')}"
    kept = session.get(key)
    if isinstance(kept, dict) and kept.get("exp", 0) < time.time():
        session.pop(key)
        raise MismatchingStateError()


def _email_verified(claims) -> bool:
    """OpenID Connect's email_verified, or Entra ID's optional xms_edov (the address's
    domain is verified by the tenant that owns it), which Entra sends instead."""
    return claims.get("email_verified") is True or claims.get("xms_edov") in (True, "1", "true")


# ---------------------------------------------------------------- who the identity is


def identity_record(issuer: str, subject: str) -> SingleSignOnIdentity | None:
    return db.session.scalar(
        sa.select(SingleSignOnIdentity).where(
            SingleSignOnIdentity.issuer == issuer, SingleSignOnIdentity.subject == subject
        )
    )


def linked_identity(user: User) -> SingleSignOnIdentity | None:
    """The member's link to the configured provider (or any, if none is configured now)."""
    query = sa.select(SingleSignOnIdentity).where(SingleSignOnIdentity.user_id == user.id)
    issuer = current_app.config["OIDC_ISSUER"]
    if issuer:
        query = query.where(SingleSignOnIdentity.issuer == issuer)
    return db.session.scalars(query.order_by(SingleSignOnIdentity.id)).first()


def audit_refusal(refusal: SignInRefused, user: User | None = None) -> None:
    """Record a refused single sign-on in the audit log, with its reason."""
    reason, detail = refusal.reason, refusal.detail
    summary = f"{reason}: {detail}" if detail else reason
    record("account.sso_failed", user, user, summary[:300])
    db.session.commit()


def sign_in_existing(identity: Identity) -> User | None:
    """The member this identity is linked to, signed in (audited); None if nobody."""
    link = identity_record(identity.issuer, identity.subject)
    if link is None:
        return None
    now = utcnow()
    link.last_used_at = now
    link.user.last_sign_in_at = now
    record("account.sso_signed_in", link.user, link.user)
    db.session.commit()
    return link.user


def _check_can_link(user: User, identity: Identity) -> None:
    if identity_record(identity.issuer, identity.subject) is not None:
        raise RuleViolation(
            f"That {_short_name()} account is already linked to an Improvement Commons account"
        )
    if linked_identity(user) is not None:
        raise RuleViolation(
            f"Your account is already linked to another {_short_name()} account: unlink it in "
            "your settings first"
        )


def _link(user: User, identity: Identity, how: str) -> SingleSignOnIdentity:
    _check_can_link(user, identity)
    now = utcnow()
    link = SingleSignOnIdentity(
        user=user, issuer=identity.issuer, subject=identity.subject, email=identity.email,
        last_used_at=now,
    )  # fmt: skip
    db.session.add(link)
    user.last_sign_in_at = now
    record("account.sso_linked", user, user, f"{identity.email}, {how}"[:300])
    db.session.commit()
    return link


def link_signed_in_member(user: User, identity: Identity) -> None:
    """A signed-in member went to the provider from their settings: they are both."""
    _link(user, identity, "from their settings")


def link_with_password(user: User, identity: Identity, password: str) -> None:
    if not user.check_password(password or ""):
        record("account.sign_in_failed", user, user, "wrong password linking single sign-on")
        db.session.commit()
        raise RuleViolation("Your password is not correct", "password")
    _link(user, identity, "proved by password")


def email_link_confirmation(user: User, identity: Identity) -> None:
    """Email the account's address a link that links the identity when opened."""
    _check_can_link(user, identity)
    token = tokens.make_token(
        LINK_PURPOSE,
        {"u": user.id, "e": user.email, "i": identity.issuer, "s": identity.subject,
         "m": identity.email},
    )  # fmt: skip
    queue_email(
        user.email,
        f"Link {_short_name()} to your Improvement Commons account",
        f"Hello {user.name},\n\nSomeone signed in with {_short_name()} as {identity.email} and "
        "asked to use it for your Improvement Commons account. To link them and sign in, open "
        f"this link within 2 hours:\n\n{external_url('single_sign_on.confirm_link', token=token)}"
        "\n\nIf it was not you, ignore this email: nothing changes, and your password still "
        "works.\n",
    )
    record("account.sso_link_requested", user, user, identity.email)
    db.session.commit()


def link_from_email(token: str) -> User:
    payload = tokens.read_token(LINK_PURPOSE, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("u")) if payload else None
    if user is None or user.email != payload.get("e"):
        raise RuleViolation("This link has expired or is not valid. Sign in again to get another.")
    identity = Identity(issuer=payload["i"], subject=payload["s"], email=payload["m"], name="")
    _link(user, identity, "proved by email")
    return user


def unlink(user: User) -> None:
    link = linked_identity(user)
    if link is None:
        raise RuleViolation(f"Your account is not linked to {_short_name()}")
    if not user.has_password:
        raise RuleViolation(
            f"Set a password first: without one, you could not sign in once {_short_name()} "
            "is unlinked"
        )
    record("account.sso_unlinked", user, user, link.email)
    db.session.delete(link)
    db.session.commit()


# ---------------------------------------------------------------- a new account


def suggested_username(identity: Identity) -> str:
    """A free username from the address's first part ("ria.shah" → "ria-shah")."""
    base = "".join(c if c.isalnum() else "-" for c in identity.email.split("@")[0].lower())
    base = "-".join(part for part in base.split("-") if part)[:26]
    if not base or not base[0].isalpha():
        base = ("member-" + base)[:26].rstrip("-")
    for candidate in [base] + [f"{base}-{n}" for n in range(2, 10)]:
        try:
            return check_username(candidate)
        except RuleViolation:
            continue
    return ""


def decision_for(identity: Identity) -> email_domains.DomainDecision:
    """What the address's domain decides; refused if it is not on the allow-list."""
    decision = email_domains.decide(identity.email)
    if not decision.allowed:
        raise SignInRefused("domain not allowed", email_domains.refusal(decision.domain),
                            identity.email)  # fmt: skip
    return decision


def _checked_new_account(identity: Identity, username: str, organisation_id: int | None):
    problems = Problems()
    decision = decision_for(identity)
    if user_by_email(identity.email) is not None or identity_record(
        identity.issuer, identity.subject
    ):
        raise SignInRefused(
            "account exists", "An account was made for you meanwhile. Sign in again.",
            identity.email,
        )  # fmt: skip
    found = {
        "username": problems.attempt(lambda: check_username(username or "")),
        "organisation": problems.attempt(
            lambda: email_domains.organisation_for(decision, organisation_id)
        ),
    }
    problems.raise_any()
    return found["username"], found["organisation"]


def check_new_account(identity: Identity, *, username: str, organisation_id: int | None) -> None:
    """The checks `make_account` makes, saving nothing."""
    _checked_new_account(identity, username, organisation_id)


def make_account(identity: Identity, *, username: str, organisation_id: int | None) -> User:
    """A confirmed account from the provider's claims, linked to the identity."""
    username, organisation = _checked_new_account(identity, username, organisation_id)
    now = utcnow()
    user = User(
        name=identity.name, username=username, email=identity.email, password_hash="",
        organisation=organisation, email_confirmed_at=now, last_sign_in_at=now,
    )  # fmt: skip
    db.session.add(user)
    db.session.add(
        SingleSignOnIdentity(
            user=user,
            issuer=identity.issuer,
            subject=identity.subject,
            email=identity.email,
            last_used_at=now,
        )  # fmt: skip
    )
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        # Someone took the username (or the account was made) between the checks and now.
        db.session.rollback()
        raise RuleViolation("That username is taken: choose another", "username") from None
    indexing.person_changed(user)
    record("account.sso_registered", user, user, f"{username} registered with single sign-on")
    db.session.commit()
    return user


# ---------------------------------------------------------------- the session


def keep_pending(identity: Identity) -> None:
    session[PENDING] = {**asdict(identity), "until": int(time.time()) + PENDING_SECONDS}


def pending() -> Identity | None:
    """The identity this browser proved in the last half hour, awaiting an account or link."""
    kept = session.get(PENDING)
    if not isinstance(kept, dict) or kept.get("until", 0) < time.time():
        return None
    return Identity(kept["issuer"], kept["subject"], kept["email"], kept["name"])


def forget_pending() -> None:
    session.pop(PENDING, None)


def provider_sign_out_url() -> str | None:
    """The provider's end-session address, for a session that began there and a provider
    whose discovery document gives one."""
    if not session.get(CAME_BY_SINGLE_SIGN_ON) or not configured():
        return None
    try:
        result = _client().create_logout_url(
            post_logout_redirect_uri=external_url("main.index"),
            client_id=current_app.config["OIDC_CLIENT_ID"],
        )
    except (requests.RequestException, ValueError, RuntimeError):
        return None  # no end_session_endpoint, or the provider cannot be reached now
    return result["url"]
