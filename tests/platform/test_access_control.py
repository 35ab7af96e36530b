"""Access control: every rule in the URL map × every role → what that role gets.

One table, one world. The world is built once for the module, through the
real services, and everything a route can name lives in a PRIVATE community C
(unlisted, so outsiders cannot even ask to join it):

* a thread with replies; a published method (and, for the publish row, a draft
  made for each request); a project with a measure (and its data, a PDSA cycle,
  a re-baseline), its discussion and a library method it uses; a mentoring
  request, an ask and a running mentorship with a goal (mentoring is not
  community content: it is the author's organisation's); a member's
  notification, an invitation and a join request.

The eight roles:

* ``anonymous``: signed out.
* ``unconfirmed``: signed in, email address not confirmed (not in C).
* ``member``: a confirmed member of C who wrote none of the objects. The
  notification is theirs (they replied in the thread, so hear of the author's
  reply).
* ``non_member``: a confirmed member of the site who is not in C.
* ``author``: a member of C who started the thread and wrote the post under
  test, wrote the methods (sole author), leads the project and asked for the
  mentoring (so their organisation is the requesting one; nobody else in the
  table is in it).
* ``facilitator``: facilitator of C (not on the project's team).
* ``facilitator_elsewhere``: facilitator of another community D only.
* ``admin``: a site administrator who is in no community.

Each URL-map rule (except ``static``) has one row: the method tried is GET
where the rule allows it, otherwise POST with the form needed to reach the
permission decision (CSRF is off in tests; tests/platform/test_security.py proves every
POST needs a token). Roles a feature adds (co-authors, team members, offered
mentors, people in the requester's organisation) and the POST half of
GET-and-POST rules stay in the feature tables (tests/test_*_permissions.py).

Outcomes: an int is the status; SIGN_IN is a redirect to sign in that
remembers the page; DONE is a redirect carrying a success message and REFUSED
one carrying an error message (the one-button actions refuse that way); a bare
302 or 301 is a redirect with no message.

Order does not matter: GETs change nothing, the POSTs that do change something
other rows rely on run on a target made for each role's request (``fresh``),
and the rest (watching, marking helpful, pinning) leave every other row's
answer as it was.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from factories import (
    ask,
    ask_of,
    csv_of,
    draft_method,
    make_community,
    make_post,
    make_thread,
    offer,
    publish_method,
    request_for,
    start_mentorship,
)
from helpers import PASSWORD_HASH, RequestPerContextClient, empty_tables, sign_in_as
from werkzeug.exceptions import HTTPException

from community.accounts import tokens
from community.accounts.models import ExpertiseTag, Role, User
from community.communities import joining
from community.communities import services as communities
from community.communities.models import Community, Visibility
from community.core.extensions import db, limiter
from community.core.timefmt import utcnow
from community.directory.models import EmailDomain, Organisation, System
from community.discussions import moderation
from community.discussions import services as discussion_services
from community.files import services as files
from community.mentoring.mentorships import progress as mentorships
from community.mentoring.organisations.assessments import record_assessment
from community.notifications.models import Notification
from community.projects import cycles, method_links, services
from community.projects.measures import imports as measure_imports
from community.projects.measures import services as measure_services
from community.projects.measures.models import DataPoint, ProcessChange

ROLES = (
    "anonymous", "unconfirmed", "member", "non_member", "author", "facilitator",
    "facilitator_elsewhere", "admin",
)  # fmt: skip
SIGNED_IN = ROLES[1:]
SIGN_IN = "sign in"
DONE = "done"
REFUSED = "refused"
OUTSIDERS = ("unconfirmed", "non_member", "facilitator_elsewhere")  # not in C
# Every name and text in C has C_TEXT in it, and every mentoring request and goal
# MENTORING_TEXT: a page that shows either to someone who may not see it leaks. Rows
# search for C_WORD, which a page may repeat back.
C_WORD = "quokka"
C_TEXT = "quokka ward"
MENTORING_TEXT = "capybara coaching"
MAY_SEE_C = ("member", "author", "facilitator", "admin")
MAY_SEE_MENTORING = ("author", "admin")

_numbers = itertools.count(1)


# ---------------------------------------------------------------- expectations


def everyone(status: int | str = 200, **by_role) -> dict:
    return {**dict.fromkeys(ROLES, status), **by_role}


def signed_in(status: int | str = 200, **by_role) -> dict:
    """Every signed-in role gets `status` unless named; signed-out visitors sign in."""
    return {"anonymous": SIGN_IN, **dict.fromkeys(SIGNED_IN, status), **by_role}


def in_c(status: int | str = 200, **by_role) -> dict:
    """Something in C: those who are not in it (nor administrators) get 404."""
    return signed_in(status, **dict.fromkeys(OUTSIDERS, 404), **by_role)


def c_facilitators(status: int | str = 200, **by_role) -> dict:
    """C's facilitators and administrators; its other members 403, outsiders 404."""
    return in_c(403, facilitator=status, admin=status, **by_role)


def leads(status: int | str = 200, **by_role) -> dict:
    """The author (a method's author, a project's lead) and administrators; in C 403."""
    return in_c(403, author=status, admin=status, **by_role)


def moderators(status: int | str = 200) -> dict:
    """A method's or project's discussion: its authors or leads, C's facilitators, admins."""
    return leads(status, facilitator=status)


def requester(status: int | str = 200, admin: int | str = 200) -> dict:
    """Mentoring is not public: outside the requester's organisation and the mentors
    asked, it does not exist, except to administrators (who may look but not act)."""
    return signed_in(404, author=status, admin=admin)


def admins(status: int | str = 200) -> dict:
    return signed_in(403, admin=status)


def signed_out_only() -> dict:
    return everyone(302, anonymous=200)


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Row:
    endpoint: str
    url: Callable[[Any, Any], str]  # (world, fresh target or None) → URL
    expect: dict[str, int | str]
    method: str = "GET"
    data: dict | None = None
    # Makes the target of one role's request, for POSTs whose success would
    # change what another role or row gets.
    fresh: Callable[[Any], Any] | None = None
    # The page may name C to those outside it (the emailed invitation does).
    names_c: bool = False


def C(w, _t=None) -> str:
    return f"/communities/{w.community.slug}"


def T(w) -> str:
    return f"{C(w)}/threads/{w.thread.id}"


def M(w) -> str:
    return f"/methods/{w.method.id}-{w.method.slug}"


def P(w) -> str:
    return f"/projects/{w.project.id}-{w.project.slug}"


def MS(w) -> str:
    return f"{P(w)}/measures/{w.measure.id}"


def MT(w) -> str:
    return f"/mentoring/mentorships/{w.mentorship.id}"


ORG = "/organisations/{}"

ROWS: list[Row] = []


def row(endpoint, url, expect, method="GET", data=None, fresh=None, names_c=False) -> None:
    ROWS.append(Row(endpoint, url, expect, method, data, fresh, names_c))


# fmt: off
# ---------------------------------------------------------------- main
row("main.index", lambda w, t: "/", everyone())
row("main.healthz", lambda w, t: "/healthz", everyone())
row("main.nhsuk_assets", lambda w, t: "/assets/images/favicon.svg", everyone())
row("main.about", lambda w, t: "/about", everyone())
row("main.accessibility", lambda w, t: "/accessibility", everyone())
row("main.privacy", lambda w, t: "/privacy", everyone())
# ---------------------------------------------------------------- accounts
row("accounts.register", lambda w, t: "/account/register", signed_out_only())
row("accounts.sign_in", lambda w, t: "/account/sign-in", signed_out_only())
row("accounts.sign_out", lambda w, t: "/account/sign-out", everyone(DONE), "POST")
row("accounts.confirm_email", lambda w, t: f"/account/confirm/{w.confirm_token}", everyone())
row("accounts.resend_confirmation", lambda w, t: "/account/confirm/resend", signed_in(DONE),
    "POST")
row("accounts.request_reset", lambda w, t: "/account/reset", everyone())
row("accounts.reset_password", lambda w, t: f"/account/reset/{w.reset_token}", everyone())
row("accounts.confirm_email_change", lambda w, t: f"/account/email/{w.change_email_token}",
    everyone())
row("accounts.settings", lambda w, t: "/account/settings", signed_in())
row("accounts.edit_profile", lambda w, t: "/account/settings/profile", signed_in())
row("accounts.change_password", lambda w, t: "/account/settings/password", signed_in())
row("accounts.change_email", lambda w, t: "/account/settings/email", signed_in())
row("accounts.your_data", lambda w, t: "/account/settings/data", signed_in())
row("accounts.export_data", lambda w, t: "/account/settings/data/export", signed_in(), "POST")
row("accounts.export_files", lambda w, t: "/account/settings/data/files", signed_in(), "POST")
row("accounts.delete_account", lambda w, t: "/account/settings/delete", signed_in())
row("notifications.settings", lambda w, t: "/account/settings/notifications", signed_in())
# Sign in with NHSmail: the access-control world configures no provider, so its pages are
# not there (tests/test_single_sign_on.py has them against one); nobody here is linked.
row("single_sign_on.start", lambda w, t: "/account/sso/start", everyone(404))
row("single_sign_on.callback", lambda w, t: "/account/sso/callback?code=x&state=y", everyone(404))
row("single_sign_on.new_account", lambda w, t: "/account/sso/new-account", everyone(404))
row("single_sign_on.link", lambda w, t: "/account/sso/link", everyone(404))
row("single_sign_on.confirm_link", lambda w, t: "/account/sso/link/a-token", everyone(404))
row("single_sign_on.unlink", lambda w, t: "/account/settings/sso", signed_in(404))
row("mentoring.offer", lambda w, t: "/account/settings/mentoring", signed_in())
# None of the eight has an offer to pause (the offered mentor is in the mentoring table).
row("mentoring.pause_offer", lambda w, t: "/account/settings/mentoring/pause",
    signed_in(REFUSED), "POST", {"paused": "1"})
# ---------------------------------------------------------------- administration


def _tag_id() -> int:
    """An area of expertise in the vocabulary (which every test database has)."""
    return db.session.scalar(
        sa.select(ExpertiseTag.id).where(ExpertiseTag.slug == "statistical-process-control")
    )


def _email_domain_id(w) -> int:
    """Riverside's email domain (kept once; removing it is asked first, on GET)."""
    kept = db.session.scalar(sa.select(EmailDomain).where(EmailDomain.domain == "riverside.test"))
    if kept is None:
        kept = EmailDomain(domain="riverside.test", organisation_id=w.organisation.id)
        db.session.add(kept)
        db.session.commit()
    return kept.id


row("admin.index", lambda w, t: "/admin/", admins())
row("admin.audit", lambda w, t: "/admin/audit", admins())
row("admin.members", lambda w, t: "/admin/members", admins())
row("admin.member", lambda w, t: f"/admin/members/{w.users['member'].id}", admins())
row("admin.edit_system", lambda w, t: "/admin/systems/new", admins())
row("admin.edit_system", lambda w, t: f"/admin/systems/{w.system.id}/edit", admins())
row("admin.edit_organisation", lambda w, t: "/admin/organisations/new", admins())
row("admin.edit_organisation", lambda w, t: f"/admin/organisations/{w.organisation.id}/edit",
    admins())
row("admin.email_domains_list", lambda w, t: "/admin/email-domains", admins())
row("admin.remove_email_domain",
    lambda w, t: f"/admin/email-domains/{_email_domain_id(w)}/remove", admins())
row("admin.expertise", lambda w, t: "/admin/expertise", admins())
row("admin.edit_synonyms", lambda w, t: f"/admin/expertise/{_tag_id()}", admins())
row("admin.community_proposals", lambda w, t: "/admin/communities", admins())
row("admin.decide_community", lambda w, t: f"/admin/communities/{t.id}/decision", admins(DONE),
    "POST", {"decision": "approve"}, fresh=lambda w: w.propose())
# ---------------------------------------------------------------- people and the directory
row("people.directory", lambda w, t: f"/people?topic={C_WORD}", signed_in())
row("people.profile", lambda w, t: f"/people/{w.users['author'].username}", signed_in())
row("people.lookup", lambda w, t: f"/people/lookup?q={C_WORD}", signed_in(unconfirmed=403))
row("directory.systems", lambda w, t: "/systems", signed_in())
row("directory.system", lambda w, t: f"/systems/{w.system.slug}", signed_in())
row("directory.organisations", lambda w, t: "/organisations", signed_in())
row("directory.organisation", lambda w, t: ORG.format(w.organisation.slug), signed_in())
row("search.index", lambda w, t: f"/search?q={C_WORD}", signed_in())
# ---------------------------------------------------------------- communities
row("communities.directory", lambda w, t: "/communities", signed_in())
row("communities.propose", lambda w, t: "/communities/new", signed_in())
row("communities.home", C, in_c())
row("communities.edit", lambda w, t: f"{C(w)}/edit", c_facilitators())
row("communities.join", lambda w, t: f"{C(w)}/join", in_c(REFUSED, admin=DONE), "POST",
    {"message": "May I join?"})
# The last facilitator may not leave; an administrator is not a member to leave.
row("communities.leave", lambda w, t: f"/communities/{t.slug}/leave",
    in_c(DONE, facilitator=REFUSED, admin=REFUSED), "POST",
    fresh=lambda w: w.copy_of_c())
row("communities.watch", lambda w, t: f"{C(w)}/watch", in_c(DONE, admin=REFUSED), "POST",
    {"watch": "1"})
row("communities.members", lambda w, t: f"{C(w)}/members", in_c())
row("communities.remove_member",
    lambda w, t: f"/communities/{t.slug}/members/{w.users['member'].username}/remove",
    c_facilitators(DONE), "POST", fresh=lambda w: w.copy_of_c())
row("communities.facilitator",
    lambda w, t: f"/communities/{t.slug}/members/{w.users['member'].username}/facilitator",
    c_facilitators(DONE), "POST", {"appoint": "1"}, fresh=lambda w: w.copy_of_c())
row("communities.join_requests", lambda w, t: f"{C(w)}/requests", c_facilitators())
row("communities.decide_request", lambda w, t: f"{C(w)}/requests/{t.id}", c_facilitators(DONE),
    "POST", {"decision": "approve"}, fresh=lambda w: w.join_request())
row("communities.invite", lambda w, t: f"{C(w)}/invite", c_facilitators())
# The emailed token, not membership, opens the invitation page.
row("communities.accept_invitation", lambda w, t: f"{C(w)}/invitations/{w.invitation_token}",
    signed_in(), names_c=True)
row("communities.moderation_queue", lambda w, t: f"{C(w)}/moderation", c_facilitators())
row("communities.audit", lambda w, t: f"{C(w)}/audit", c_facilitators())
row("dashboards.community", lambda w, t: f"{C(w)}/dashboard", in_c())
row("dashboards.community_summary", lambda w, t: f"{C(w)}/summary", in_c())
row("dashboards.community_summary_csv", lambda w, t: f"{C(w)}/summary.csv", in_c())
# ---------------------------------------------------------------- discussions
row("discussions.new_thread", lambda w, t: f"{C(w)}/threads/new", in_c())
row("discussions.thread", lambda w, t: f"{T(w)}-{w.thread.slug}", in_c())
row("discussions.thread_redirect", lambda w, t: f"/threads/{w.thread.id}", in_c(302))
row("discussions.reply", lambda w, t: f"{T(w)}/reply", in_c())
# The one-button actions refuse with a message on the thread page: only facilitators
# pin, only the author deletes (facilitators hide), nobody marks their own post helpful,
# the thread's starter and facilitators choose its key learning.
row("discussions.moderate", lambda w, t: f"{T(w)}/moderate",
    in_c(REFUSED, facilitator=DONE, admin=DONE), "POST", {"action": "pin"})
row("discussions.move", lambda w, t: f"{T(w)}/move", c_facilitators())
row("discussions.watch", lambda w, t: f"{T(w)}/watch", in_c(DONE), "POST", {"level": "watching"})
row("discussions.post_permalink", lambda w, t: f"/posts/{w.post.id}", in_c(302))
row("discussions.edit_post", lambda w, t: f"/posts/{w.post.id}/edit", in_c(403, author=200))
row("discussions.post_history", lambda w, t: f"/posts/{w.post.id}/history", in_c())
# The post's author and the thread's moderators redact an earlier version; only site
# administrators purge a post (the POST halves are in
# tests/communities/test_community_permissions.py).
row("discussions.redact_version", lambda w, t: f"/posts/{w.post.id}/history/1/redact",
    in_c(403, author=200, facilitator=200, admin=200))
row("discussions.purge_post", lambda w, t: f"/posts/{w.post.id}/purge", in_c(403, admin=200))
row("discussions.delete_post", lambda w, t: f"/posts/{t.id}/delete", in_c(REFUSED, author=DONE),
    "POST",
    fresh=lambda w: w.reply())
# A post's files: its page for everyone in C (attaching is its author's: the POST half is in
# tests/test_files_permissions.py); the file itself for everyone who reads the post; its
# removal for who attached it and the thread's moderators.
row("files.post_files", lambda w, t: f"/posts/{w.post.id}/files", in_c())
row("files.serve", lambda w, t: f"/files/{t.token}", in_c(), fresh=lambda w: w.attached_file())
row("files.remove", lambda w, t: f"/files/{t.token}/remove",
    in_c(403, author=200, facilitator=200, admin=200), fresh=lambda w: w.attached_file())
# A method's, a project's and a PDSA cycle's files pages, for whoever sees the method or
# project. Attaching is for whoever may edit it, and serving and removing their files is
# the rule above for another kind of owner: tests/files/test_files_owner_permissions.py.
row("files.method_files", lambda w, t: f"{M(w)}/files", in_c())
row("files.project_files", lambda w, t: f"{P(w)}/files", in_c())
row("files.cycle_files", lambda w, t: f"{P(w)}/cycles/{w.cycle.id}/files", in_c())
row("discussions.helpful", lambda w, t: f"/posts/{w.post.id}/helpful", in_c(DONE, author=REFUSED),
    "POST",
    {"mark": "1"})
row("discussions.key_learning", lambda w, t: f"/posts/{w.post.id}/key-learning",
    in_c(DONE, member=REFUSED),
    "POST", {"mark": "1"})
row("discussions.hide_post", lambda w, t: f"/posts/{t.id}/hide",
    in_c(REFUSED, facilitator=DONE, admin=DONE), "POST",
    {"hide": "1"}, fresh=lambda w: w.reply())
row("discussions.flag_post", lambda w, t: f"/posts/{w.post.id}/flag", in_c())
row("discussions.preview", lambda w, t: "/posts/preview", signed_in(), "POST", {"body": "**Hi**"})
row("discussions.review_post", lambda w, t: f"/posts/{t.id}/review", c_facilitators(DONE),
    "POST", {"decision": "keep"}, fresh=lambda w: w.flagged_reply())
# ---------------------------------------------------------------- notifications
row("notifications.index", lambda w, t: "/notifications", signed_in())
row("notifications.open_notification", lambda w, t: f"/notifications/{w.notification.id}/open",
    signed_in(404, member=302), "POST")
row("notifications.read_all", lambda w, t: "/notifications/read-all", signed_in(DONE), "POST")
# ---------------------------------------------------------------- methods
row("methods.library", lambda w, t: "/methods", signed_in())
row("methods.new", lambda w, t: "/methods/new", signed_in())
row("methods.method_redirect", lambda w, t: f"/methods/{w.method.id}", in_c(302))
row("methods.method", lambda w, t: M(w), in_c())
row("methods.print_view", lambda w, t: f"{M(w)}/print", in_c())
row("methods.history", lambda w, t: f"{M(w)}/history", in_c())
row("methods.revision", lambda w, t: f"{M(w)}/history/1", in_c())
row("methods.lineage", lambda w, t: f"{M(w)}/lineage", in_c())
row("methods.adapt", lambda w, t: f"{M(w)}/adapt", in_c())
row("methods.edit", lambda w, t: f"{M(w)}/edit", in_c(403, author=200))
row("methods.delete", lambda w, t: f"{M(w)}/delete", in_c(403, author=200, admin=200))
# A draft is its authors' alone: to anyone else, administrators included, it does not exist.
row("methods.publish", lambda w, t: f"/methods/{t.id}-{t.slug}/publish", in_c(404, author=DONE),
    "POST",
    fresh=lambda w: w.new_draft())
row("methods.unpublish", lambda w, t: f"/methods/{t.id}-{t.slug}/unpublish", leads(DONE), "POST",
    fresh=lambda w: w.new_published())
row("methods.used", lambda w, t: f"{M(w)}/used", in_c(DONE), "POST", {"used": "1"})
row("methods.discussion", lambda w, t: f"{M(w)}/discussion", in_c())
row("methods.discussion_reply", lambda w, t: f"{M(w)}/discussion/reply", in_c())
row("methods.discussion_watch", lambda w, t: f"{M(w)}/discussion/watch", in_c(DONE), "POST",
    {"level": "watching"})
row("methods.discussion_moderate", lambda w, t: f"{M(w)}/discussion/moderate", moderators(DONE),
    "POST", {"action": "pin"})
row("methods.discussion_flags", lambda w, t: f"{M(w)}/discussion/flags", moderators())
# ---------------------------------------------------------------- projects and measures
row("projects.index", lambda w, t: "/projects", signed_in())
row("projects.new", lambda w, t: "/projects/new", signed_in())
row("projects.show_by_id", lambda w, t: f"/projects/{w.project.id}", in_c(301))
row("projects.show", lambda w, t: P(w), in_c())
row("projects.edit", lambda w, t: f"{P(w)}/edit", leads())
row("projects.progress", lambda w, t: f"{P(w)}/progress", in_c())
row("projects.team", lambda w, t: f"{P(w)}/team", in_c())
# Destructive actions answer GET with their confirmation page (the POST is in the feature table).
row("projects.remove_team_member",
    lambda w, t: f"{P(w)}/team/{w.users['teammate'].username}/remove", leads())
row("projects.archive", lambda w, t: f"{P(w)}/archive", leads())
# The project is not archived, so restoring it is refused with a message.
row("projects.restore", lambda w, t: f"{P(w)}/restore", leads(REFUSED), "POST")
row("projects.delete", lambda w, t: f"{P(w)}/delete", leads())
row("projects.updates", lambda w, t: f"{P(w)}/updates", in_c())
row("projects.delete_update", lambda w, t: f"{P(w)}/updates/{w.update.id}/delete", leads())
row("projects.cycles_list", lambda w, t: f"{P(w)}/cycles", in_c())
row("projects.new_cycle", lambda w, t: f"{P(w)}/cycles/new", leads())
row("projects.edit_cycle", lambda w, t: f"{P(w)}/cycles/{w.cycle.id}/edit", leads())
row("projects.delete_cycle", lambda w, t: f"{P(w)}/cycles/{w.cycle.id}/delete", leads())
row("projects.discussion", lambda w, t: f"{P(w)}/discussion", in_c())
row("projects.discussion_reply", lambda w, t: f"{P(w)}/discussion/reply", in_c())
row("projects.discussion_watch", lambda w, t: f"{P(w)}/discussion/watch", in_c(DONE), "POST",
    {"level": "watching"})
row("projects.discussion_moderate", lambda w, t: f"{P(w)}/discussion/moderate", moderators(DONE),
    "POST", {"action": "pin"})
row("projects.discussion_flags", lambda w, t: f"{P(w)}/discussion/flags", moderators())
row("projects.methods", lambda w, t: f"{P(w)}/methods", in_c())
row("projects.unlink_method", lambda w, t: f"{P(w)}/methods/{t.id}/remove", leads(DONE), "POST",
    fresh=lambda w: w.linked_method())
row("measures.new", lambda w, t: f"{P(w)}/measures/new", leads())
row("measures.show", lambda w, t: MS(w), in_c())
row("measures.chart_svg", lambda w, t: f"{MS(w)}/chart.svg", in_c())
row("measures.chart_png", lambda w, t: f"{MS(w)}/chart.png", in_c())
row("measures.chart_data", lambda w, t: f"{MS(w)}/chart-data.csv", in_c())
row("measures.export_csv", lambda w, t: f"{MS(w)}/export.csv", in_c())
row("measures.edit", lambda w, t: f"{MS(w)}/edit", leads())
row("measures.delete", lambda w, t: f"{MS(w)}/delete", leads())
row("measures.add_point", lambda w, t: f"{MS(w)}/data", leads())
row("measures.edit_point", lambda w, t: f"{MS(w)}/data/{w.point_id}/edit", leads())
row("measures.remove_point", lambda w, t: f"{MS(w)}/data/{w.point_id}/remove", leads())
row("measures.import_csv", lambda w, t: f"{MS(w)}/import", leads())
# Without a preview's signed rows there is nothing to confirm: refused with a message.
row("measures.confirm_import", lambda w, t: f"{MS(w)}/import/confirm", leads(REFUSED), "POST",
    {"rows": "forged", "replace": "yes"})
row("measures.rebaseline", lambda w, t: f"{MS(w)}/rebaseline", leads())
row("measures.remove_rebaseline",
    lambda w, t: f"{MS(w)}/rebaseline/{w.process_change().id}/remove", leads())
row("dashboards.system", lambda w, t: f"/systems/{w.system.slug}/dashboard", signed_in())
row("dashboards.system_summary", lambda w, t: f"/systems/{w.system.slug}/summary", signed_in())
row("dashboards.system_summary_csv", lambda w, t: f"/systems/{w.system.slug}/summary.csv",
    signed_in())
row("dashboards.organisation_summary",
    lambda w, t: f"{ORG.format(w.organisation.slug)}/summary", signed_in())
row("dashboards.organisation_summary_csv",
    lambda w, t: f"{ORG.format(w.organisation.slug)}/summary.csv", signed_in())
row("projects.project_summary", lambda w, t: f"{P(w)}/summary", in_c())
row("projects.project_summary_csv", lambda w, t: f"{P(w)}/summary.csv", in_c())
row("dashboards.organisation", lambda w, t: f"{ORG.format(w.organisation.slug)}/dashboard",
    signed_in())
# ---------------------------------------------------------------- mentoring
row("mentoring.index", lambda w, t: "/mentoring", signed_in())
row("mentoring.new_request", lambda w, t: "/mentoring/requests/new", signed_in())
row("mentoring.request", lambda w, t: f"/mentoring/requests/{w.request.id}", requester())
row("mentoring.respond", lambda w, t: f"/mentoring/requests/{w.request.id}/respond",
    requester(403, admin=403), "POST")
row("mentoring.suggestions", lambda w, t: f"/mentoring/requests/{w.request.id}/suggestions",
    requester())
row("mentoring.withdraw_ask",
    lambda w, t: f"/mentoring/requests/{t.request_id}/asks/{t.id}/withdraw",
    requester(DONE, admin=403), "POST", fresh=lambda w: w.ask())
row("mentoring.withdraw_request", lambda w, t: f"/mentoring/requests/{t.id}/withdraw",
    requester(DONE, admin=403), "POST", fresh=lambda w: w.mentoring_request())
row("mentoring.mentorship", lambda w, t: MT(w), requester())
row("mentoring.add_goal", lambda w, t: f"{MT(w)}/goals", requester(admin=403), "POST")
row("mentoring.update_goal", lambda w, t: f"{MT(w)}/goals/{w.goal.id}", requester(admin=403))
row("mentoring.log_session", lambda w, t: f"{MT(w)}/sessions/new", requester(admin=403))
row("mentoring.close", lambda w, t: f"{MT(w)}/close", requester(admin=403))
# The mentorship is running: its feedback page sends a participant back to say when.
row("mentoring.feedback", lambda w, t: f"{MT(w)}/feedback", requester(DONE, admin=403))
# An organisation's self-assessment is written by its own people only.
row("mentoring.assessment", lambda w, t: f"{ORG.format(w.organisation.slug)}/assessment",
    signed_in(403, author=200))
row("mentoring.assessment_history",
    lambda w, t: f"{ORG.format(w.organisation.slug)}/assessments", signed_in())
row("mentoring.assessment_detail",
    lambda w, t: f"{ORG.format(w.organisation.slug)}/assessments/{w.assessment.id}", signed_in())
row("mentoring.organisation_mentoring",
    lambda w, t: f"{ORG.format(w.organisation.slug)}/mentoring", signed_in())
row("mentoring.system_dashboard", lambda w, t: f"/systems/{w.system.slug}/mentoring", signed_in())
# fmt: on


COVERED = frozenset((r.endpoint, r.method) for r in ROWS)


def covered(endpoint: str, method: str) -> bool:
    """Whether this table has the row for `endpoint` and `method`: a feature's own table
    then checks only the roles it adds."""
    return (endpoint, method) in COVERED


# ---------------------------------------------------------------- the world


class World(SimpleNamespace):
    """Everything the rows name, and makers of the fresh targets some POSTs need."""

    def copy_of_c(self) -> Community:
        """Another private community with C's people in C's places."""
        u = self.users
        return make_community(
            u["facilitator"], f"Copy of C {next(_numbers)}", visibility=Visibility.PRIVATE,
            members=[u["member"], u["author"]],
        )  # fmt: skip

    def propose(self) -> Community:
        return communities.propose_community(
            self.applicant, name=f"Proposed network {next(_numbers)}", purpose="Fewer falls",
            learning_question="What works?", visibility=Visibility.OPEN, listed=True,
        )  # fmt: skip

    def join_request(self):
        applicant = _person(f"applicant-{next(_numbers)}", self.other_organisation)
        return joining.request_to_join(applicant, self.community, "May I join?")

    def reply(self):
        return make_post(self.users["author"], self.thread)

    def attached_file(self):
        """A reply of the author's with a PDF attached."""
        post = self.reply()
        upload = files.Upload(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "plan.pdf", "", "file_1")
        return files.attach_to_post(self.users["author"], post, [upload])[0]

    def flagged_reply(self):
        post = self.reply()
        moderation.flag_post(self.users["member"], post, "off_topic", "")
        return post

    def new_draft(self):
        return draft_method(self.users["author"], community_id=self.community.id)

    def new_published(self):
        return publish_method(self.users["author"], community_id=self.community.id)

    def linked_method(self):
        if self.method.id not in {m.id for m in method_links.linked_methods(
                self.users["author"], self.project)}:  # fmt: skip
            method_links.link_method(self.users["author"], self.project, self.method.id)
        return self.method

    def teammate_on_team(self):
        teammate = self.users["teammate"]
        if services.team_member(teammate, self.project) is None:
            services.add_team_member(
                self.users["author"], self.project, username=teammate.username, role="",
                is_lead=False,
            )  # fmt: skip
        return teammate

    def process_change(self):
        starts_on = measure_services.point_dates(self.measure)[2]
        existing = db.session.scalar(
            sa.select(ProcessChange).where(
                ProcessChange.measure_id == self.measure.id, ProcessChange.starts_on == starts_on
            )
        )
        return existing or measure_services.add_process_change(
            self.users["author"], self.project, self.measure, starts_on, "New rota"
        )

    def mentoring_request(self):
        return request_for(self.users["author"], title=f"Request {next(_numbers)}")

    def ask(self):
        request = self.mentoring_request()
        ask(self.users["author"], request, self.mentor)
        return ask_of(request, self.mentor)


def _person(username: str, organisation: Organisation, **fields) -> User:
    user = User(
        username=username, name=username.replace("-", " ").title(),
        email=f"{username}@nhs.example", password_hash=PASSWORD_HASH,
        organisation=organisation,
        email_confirmed_at=fields.pop("email_confirmed_at", utcnow()), **fields,
    )  # fmt: skip
    db.session.add(user)
    db.session.commit()
    return user


def build_world() -> World:
    system = System(name="Northshire Care System", slug="northshire-care-system", region="North")
    home = Organisation(name="Riverside Hospitals", slug="riverside-hospitals",
                        type="acute_trust", system=system)  # fmt: skip
    other = Organisation(name="Hillside Community Health", slug="hillside-community-health",
                         type="community_provider", system=system)  # fmt: skip
    mentors = Organisation(name="Mentor Trust", slug="mentor-trust", type="acute_trust",
                           system=system)  # fmt: skip
    db.session.add_all([system, home, other, mentors])
    users = {
        "unconfirmed": _person("una-unconfirmed", other, email_confirmed_at=None),
        "member": _person("mo-member", other),
        "non_member": _person("nia-non-member", other),
        "author": _person("ash-author", home),
        "facilitator": _person("fay-facilitator", other),
        "facilitator_elsewhere": _person("eli-elsewhere", other),
        "admin": _person("ada-admin", other, role=Role.ADMIN),
        "teammate": _person("tara-teammate", other),
    }
    applicant = _person("pat-applicant", other)
    mentor = _person("max-mentor", mentors)
    fay, mo, ash = users["facilitator"], users["member"], users["author"]

    community = make_community(fay, "Quokka ward flow circle", visibility=Visibility.PRIVATE,
                               members=[mo, ash, users["teammate"]])  # fmt: skip
    make_community(users["facilitator_elsewhere"], "Elsewhere network", visibility=Visibility.OPEN)
    invitation = joining.invite(fay, community, "invitee@nhs.example")
    joining.request_to_join(applicant, community, "May I join?")

    thread = make_thread(ash, community, "Quokka ward board rounds",
                         "Quokka ward: has anyone moved board rounds earlier?")  # fmt: skip
    make_post(mo, thread, "Quokka ward too: we start at 8am.")  # Mo now watches the thread…
    post = make_post(ash, thread, "Quokka ward again at 2pm.")  # …so hears of this reply
    # Edited, so that its history has an earlier version to redact.
    discussion_services.edit_post(ash, post, "Quokka ward again at 2pm, on weekdays.")
    notification = db.session.scalar(
        sa.select(Notification).where(Notification.recipient_id == mo.id).limit(1)
    )
    assert notification is not None

    method = publish_method(ash, "Quokka ward huddle", community_id=community.id)

    project = services.start_project(ash, services.ProjectDetails(
        title="Quokka ward discharge before noon", aim="Discharge 30% of patients before noon.",
        problem="Patients wait for medicines.", organisation_id=home.id,
        community_id=community.id, programme_type="local", national_programme="",
        status="testing", start_date=date(2025, 1, 1),
    ))  # fmt: skip
    measure = measure_services.create_measure(ash, project, measure_services.MeasureDetails(
        name="Quokka ward discharges before noon", definition="Share of all discharges.", unit="%",
        direction="up", target=None,
    ))  # fmt: skip
    result = measure_imports.import_points(ash, project, measure, csv_of(range(10, 24)))
    assert result.ok
    cycle = cycles.record_cycle(ash, project, cycles.CycleDetails(
        title="Quokka ward pharmacy round", change="c", prediction="p",
        started_on=date(2025, 2, 1),
    ))  # fmt: skip
    world = World(
        system=system, organisation=home, other_organisation=other, users=users,
        applicant=applicant, mentor=mentor, community=community,
        invitation_token=invitation.token, thread=thread, post=post, notification=notification,
        method=method, project=project, measure=measure, cycle=cycle,
    )  # fmt: skip
    world.teammate_on_team()
    world.linked_method()
    world.process_change()
    world.point_id = db.session.scalar(
        sa.select(sa.func.max(DataPoint.id)).where(DataPoint.measure_id == measure.id)
    )
    world.update = services.post_update(ash, project, "Quokka ward: the first week went well.")

    offer(mentor, capacity=5)
    world.request = request_for(ash, title="Capybara coaching request")
    ask(ash, world.request, mentor)
    world.mentorship = start_mentorship(ash, mentor, title="Capybara coaching cohort")
    world.goal = mentorships.add_goal(ash, world.mentorship, "Capybara coaching: train six coaches")
    world.assessment = record_assessment(ash, home, {1: 3, 2: 3, 3: 2, 4: 1, 5: 2}, {})

    world.confirm_token = tokens.make_token(
        tokens.CONFIRM_EMAIL, {"u": users["unconfirmed"].id, "e": users["unconfirmed"].email}
    )
    world.reset_token = tokens.make_token(
        tokens.RESET_PASSWORD, {"u": mo.id, "h": mo.password_hash[-16:]}
    )
    world.change_email_token = tokens.make_token(
        tokens.CHANGE_EMAIL, {"u": mo.id, "e": "mo.new@nhs.example"}
    )
    return world


@pytest.fixture(scope="module")
def world(app):
    with app.app_context():
        limiter.reset()
        try:
            yield build_world()
        finally:
            db.session.remove()
            empty_tables()
            limiter.reset()


# ---------------------------------------------------------------- running a row


def outcome(client, response) -> int | str:
    """What a visitor gets, in the table's terms."""
    if response.status_code != 302:
        return response.status_code
    if urlsplit(response.headers["Location"]).path == "/account/sign-in":
        return SIGN_IN
    with client.session_transaction() as session:
        categories = {category for category, _ in session.get("_flashes", [])}
    if "error" in categories:
        return REFUSED
    return DONE if categories else 302


def run(app, world, r: Row) -> dict[str, int | str]:
    got = {}
    for role in ROLES:
        target = r.fresh(world) if r.fresh else None
        limiter.reset()  # rate limits have their own tests
        client = RequestPerContextClient(app, app.response_class, use_cookies=True)
        if role != "anonymous":
            sign_in_as(client, world.users[role])
        response = client.open(r.url(world, target), method=r.method, data=r.data or {})
        got[role] = outcome(client, response)
        # A redirect's body only repeats the URL the visitor asked for. A picture (the
        # chart's PNG) is not text: read what it holds as text, replacing the rest.
        body = response.get_data().decode("utf-8", "replace")
        text = "" if response.status_code in (301, 302) else body
        text = " ".join(re.sub(r"<[^>]*>", " ", text).lower().split())
        if C_TEXT in text and role not in MAY_SEE_C and not r.names_c:
            got[role] = f"{got[role]}, showing C"
        if MENTORING_TEXT in text and role not in MAY_SEE_MENTORING:
            got[role] = f"{got[role]}, showing the mentoring request"
    return got


def _id(n: int, r: Row) -> str:
    return f"{n:03d} {r.method} {r.endpoint}"


RECORD = os.environ.get("ACCESS_TABLE_RECORD")  # a path: write what each row got there


@pytest.mark.parametrize("r", [pytest.param(r, id=_id(n, r)) for n, r in enumerate(ROWS)])
def test_each_role_gets_the_expected_outcome(app, world, r: Row):
    try:
        got = run(app, world, r)
    except Exception as error:
        got = {"error": repr(error)}
        raise
    finally:
        if RECORD:
            with open(RECORD, "a") as out:
                out.write(json.dumps([ROWS.index(r), got]) + "\n")
    assert got == r.expect, f"{r.method} {r.endpoint}"


def test_every_route_has_a_row(app, world):
    """Every URL-map rule but `static` has exactly one row, and every row a rule."""
    adapter = app.url_map.bind("localhost")
    rows_by_rule: dict[str, list[str]] = {}
    for r in ROWS:
        assert set(r.expect) == set(ROLES), f"{r.endpoint}: give an outcome for every role"
        target = SimpleNamespace(id=1, slug="x", request_id=1, token="x")
        try:
            rule, _ = adapter.match(urlsplit(r.url(world, target)).path, method=r.method,
                                    return_rule=True)  # fmt: skip
        except HTTPException:
            raise AssertionError(f"{r.method} {r.endpoint}: no such route any more") from None
        assert rule.endpoint == r.endpoint, f"the URL of {r.endpoint}'s row is {rule}"
        rows_by_rule.setdefault(rule.rule, []).append(r.endpoint)
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert sorted(rules - set(rows_by_rule)) == [], "add a row for each of these rules"
    assert {k: v for k, v in rows_by_rule.items() if len(v) > 1} == {}, "one row per rule"


def test_the_leak_check_can_fail(app, world):
    """Those who may see C's pages and the mentoring request are shown the marked text."""
    seen = {}
    for role, url in (
        ("member", f"{T(world)}-{world.thread.slug}"),
        ("author", f"/mentoring/requests/{world.request.id}"),
        ("member", f"/search?q={C_WORD}"),
    ):
        client = RequestPerContextClient(app, app.response_class, use_cookies=True)
        sign_in_as(client, world.users[role])
        text = re.sub(r"<[^>]*>", " ", client.get(url).get_data(as_text=True))
        seen[url] = " ".join(text.lower().split())
    assert [C_TEXT in text or MENTORING_TEXT in text for text in seen.values()] == [True] * 3
