"""Every page a person can reach passes axe with no violations.

Each row of VISITS is one page as one kind of visitor sees it (signed out, a
member, a member who has not confirmed their address, an administrator). A new
page needs a new row. Each visitor's pages are checked in one test, in one
browser that signs in once, because a browser context and a sign-in cost more
than the check itself; the test still looks at every page and reports them all.
For each page it checks that it is the page meant (a redirect to the sign-in
page must not pass for the page itself), then runs axe on it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from factories import first_post, make_community, make_post, make_thread, publish_method
from factories.files import pdf, png
from playwright.sync_api import Error, Page, expect

from community.accounts.models import ExpertiseTag
from community.communities import joining
from community.communities import services as communities
from community.communities.models import Visibility
from community.discussions import moderation
from community.discussions import services as discussions
from community.files import services as files
from community.files.owners import Owner
from community.projects import cycles

from .support import Person, emailed_link, release

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class World:
    """What the pages show: a member with a full profile, an administrator, and so on."""

    member: Person
    admin: Person
    unconfirmed: Person
    facilitator: Person
    system_name: str
    system_slug: str
    organisation_name: str
    organisation_slug: str
    community_name: str
    community_slug: str
    private_name: str
    private_slug: str
    invitation_token: str
    thread_id: int
    thread_title: str
    first_post_id: int
    reply_id: int
    join_request_id: int
    proposal_id: int
    spc_id: int
    method_path: str  # "<id>-<slug>" of a method with files (and of its project, below)
    project_path: str
    cycle_id: int
    file_token: str  # a PDF on the project, for the removal's confirmation page
    db: object
    make_user: Callable

    def emailed_link(self, to_address: str) -> str:
        return emailed_link(self.db, to_address)


@pytest.fixture
def world(
    db, member, admin, unconfirmed, organisation, vocabulary, make_user, make_project
) -> World:
    member.job_title = "Improvement advisor"
    member.set_bio(
        "I coach teams in **Lean** and [QSIR](https://example.org/qsir).\n\n"
        "- Discharge before noon\n- Frailty front door\n"
    )
    tags = {tag.name: tag for tag in vocabulary}
    member.expertise = [
        tags["Lean"],
        tags["QSIR"],
        ExpertiseTag(name="Hospital at home", slug="hospital-at-home"),
    ]
    db.session.commit()
    # Communities, built through the services as members would leave them.
    facilitator = make_user("fay-facilitator", name="Fay Facilitator")
    colleague = make_user("ravi-kumar", name="Ravi Kumar", job_title="Discharge coordinator")
    community = make_community(facilitator, "Discharge before noon", members=[member, colleague])
    make_community(facilitator, "Frailty front door")  # somewhere to move a thread to
    private = make_community(
        facilitator, "Hospital at home leads", visibility=Visibility.PRIVATE, listed=True
    )
    join_request = joining.request_to_join(
        colleague, private, "I run our virtual ward and would like to learn."
    )
    invitation = joining.invite(facilitator, private, member.email)
    proposal = communities.propose_community(
        colleague,
        name="Same day emergency care",
        purpose="Share what keeps SDEC flowing.",
        learning_question="Which patients can SDEC see without a bed?",
        visibility=Visibility.OPEN,
        listed=False,
    )
    thread = make_thread(
        member,
        community,
        "Board rounds at 8am",
        "We moved the board round to **8am**.\n\n- Fewer delays\n- Earlier transport\n",
    )
    opening = first_post(thread)
    reply = make_post(
        colleague, thread, "Pharmacy came earlier too: TTOs were ready by 10.", opening
    )
    make_post(facilitator, thread, "Thanks both. @sam-patel, could you share your board template?")
    flagged = make_post(colleague, thread, "Our ward manager is useless, honestly.")
    hidden = make_post(colleague, thread, "Buy cheap scrubs at my shop!")
    discussions.set_key_learning(member, reply, True)
    discussions.toggle_helpful(member, reply, True)  # "Marked helpful (1)" and "Helpful (1)"
    discussions.edit_post(
        member, opening, "We moved the board round to **8am** on two wards.\n\n- Fewer delays\n"
    )
    moderation.flag_post(member, flagged, "inappropriate", "Not respectful of a colleague.")
    personal = make_post(colleague, thread, "Mr K Jones in bay 3 went home with it.")
    moderation.flag_post(member, personal, "private_information", "Names a patient.")
    moderation.hide_post(facilitator, hidden)
    db.session.commit()
    # A method, a project and a PDSA cycle with their files, as their authors attached them.
    method = publish_method(member, "Board round huddle")
    diagram = files.Upload(
        io.BytesIO(png((400, 300))),
        "driver diagram.png",
        "Driver diagram: discharge before noon, three drivers",
        "file_1",
    )
    files.attach(member, Owner.of(method), [diagram])
    project = make_project(member, title="Discharge before noon on ward 7")
    cycle = cycles.record_cycle(member, project, cycles.CycleDetails(
        title="Board round at 8am", change="Move the board round", prediction="Earlier TTOs",
        started_on=date(2025, 2, 1),
    ))  # fmt: skip
    chart = files.Upload(
        io.BytesIO(png((300, 200))),
        "run chart.png",
        "Run chart: discharges before noon rising after week 4",
        "file_1",
    )
    files.attach(member, Owner.of(cycle), [chart])
    plan = files.Upload(io.BytesIO(pdf()), "plan.pdf", "", "file_1")
    [project_file] = files.attach(member, Owner.of(project), [plan])
    world = World(
        member=Person.of(member),
        admin=Person.of(admin),
        unconfirmed=Person.of(unconfirmed),
        facilitator=Person.of(facilitator),
        system_name=organisation.system.name,
        system_slug=organisation.system.slug,
        organisation_name=organisation.name,
        organisation_slug=organisation.slug,
        community_name=community.name,
        community_slug=community.slug,
        private_name=private.name,
        private_slug=private.slug,
        invitation_token=invitation.token,
        thread_id=thread.id,
        thread_title=thread.title,
        first_post_id=opening.id,
        reply_id=reply.id,
        join_request_id=join_request.id,
        proposal_id=proposal.id,
        spc_id=tags["Statistical process control"].id,
        method_path=f"{method.id}-{method.slug}",
        project_path=f"{project.id}-{project.slug}",
        cycle_id=cycle.id,
        file_token=project_file.token,
        db=db,
        make_user=make_user,
    )
    release(db)
    return world


@dataclass(frozen=True)
class Visit:
    name: str
    path: str  # formatted with the world, e.g. "/people/{w.member.username}"
    heading: str  # the page's <h1>, formatted likewise
    who: str | None = None  # "member", "facilitator", "admin" or "unconfirmed"; None is signed out
    then: Callable[[Page, World], None] | None = None  # what the person does there first
    prepare: Callable[[World], None] | None = None  # more data the page needs


def _submit_empty(page: Page, _world: World) -> None:
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


def _delete_with_a_wrong_password(page: Page, _world: World) -> None:
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


def _ask_for_reset(page: Page, world: World) -> None:
    page.get_by_label("Email address").fill(world.member.email)
    page.get_by_role("button", name="Send reset link").click()


def _follow_reset_link(page: Page, world: World) -> None:
    _ask_for_reset(page, world)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(world.emailed_link(world.member.email))


def _follow_confirmation_link(page: Page, world: World) -> None:
    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text("We have sent a new confirmation link")).to_be_visible()
    page.goto(world.emailed_link(world.unconfirmed.email))


def _propose_empty(page: Page, _world: World) -> None:
    page.get_by_role("button", name="Propose community").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


def _preview_thread(page: Page, _world: World) -> None:
    page.get_by_label("Title").fill("Criteria-led discharge")
    page.get_by_label("Your post").fill(
        "Has anyone tried **criteria-led discharge**?\n\n- Nurses\n"
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()


def _many_members(world: World) -> None:
    for number in range(30):
        world.make_user(f"colleague-{number:02}", name=f"Colleague {number:02}")
    release(world.db)


VISITS = [
    # Signed out
    Visit("landing", "/", "Improve services together, across organisations"),
    Visit("sign-in", "/account/sign-in", "Sign in"),
    Visit("register", "/account/register", "Create an account"),
    Visit("register-with-errors", "/account/register", "Create an account", then=_submit_empty),
    Visit("reset-request", "/account/reset", "Reset your password"),
    Visit("reset-sent", "/account/reset", "Check your email", then=_ask_for_reset),
    Visit("reset-choose-password", "/account/reset", "Choose a new password",
          then=_follow_reset_link),
    Visit("link-invalid", "/account/reset/not-a-real-token", "This link cannot be used"),
    Visit("not-found", "/no-such-page", "Page not found"),
    Visit("about", "/about", "About Improvement Commons"),
    Visit("accessibility", "/accessibility", "Accessibility statement"),
    Visit("privacy", "/privacy", "Privacy"),
    # A member
    Visit("home", "/", "Welcome, {w.member.name}", "member"),
    Visit("settings", "/account/settings", "Settings", "member"),
    Visit("edit-profile", "/account/settings/profile", "Edit your profile", "member"),
    Visit("change-password", "/account/settings/password", "Change your password", "member"),
    Visit("change-email", "/account/settings/email", "Change your email address", "member"),
    Visit("your-data", "/account/settings/data", "Your data", "member"),
    Visit("delete-account", "/account/settings/delete", "Delete your account", "member"),
    Visit("delete-account-refused", "/account/settings/delete", "Delete your account", "member",
          then=_delete_with_a_wrong_password),
    Visit("people", "/people", "People", "member"),
    Visit("people-paged", "/people?page=2", "People", "member", prepare=_many_members),
    Visit("profile", "/people/{w.member.username}", "{w.member.name}", "member"),
    Visit("systems", "/systems", "Integrated care systems", "member"),
    Visit("system", "/systems/{w.system_slug}", "{w.system_name}", "member"),
    Visit("organisations", "/organisations", "Organisations", "member"),
    Visit("organisation", "/organisations/{w.organisation_slug}", "{w.organisation_name}",
          "member"),
    Visit("system-board-summary", "/systems/{w.system_slug}/summary", "Board summary of measures",
          "member"),
    Visit("community-board-summary", "/communities/{w.community_slug}/summary",
          "Board summary of measures", "member"),
    Visit("forbidden", "/admin/", "You do not have permission to see this page", "member"),
    Visit("communities", "/communities", "Improvement communities", "member"),
    Visit("propose-community", "/communities/new", "Propose a community", "member"),
    Visit("propose-community-with-errors", "/communities/new", "Propose a community", "member",
          then=_propose_empty),
    Visit("community", "/communities/{w.community_slug}", "{w.community_name}", "member"),
    Visit("ask-to-join", "/communities/{w.private_slug}", "{w.private_name}", "member"),
    Visit("invitation", "/communities/{w.private_slug}/invitations/{w.invitation_token}",
          "Join {w.private_name}", "member"),
    Visit("thread", "/threads/{w.thread_id}", "{w.thread_title}", "member"),
    Visit("new-thread-preview", "/communities/{w.community_slug}/threads/new", "Start a thread",
          "member", then=_preview_thread),
    Visit("reply-with-quote",
          "/communities/{w.community_slug}/threads/{w.thread_id}/reply?to={w.first_post_id}",
          "Reply", "member"),
    Visit("edit-post", "/posts/{w.first_post_id}/edit", "Edit your post", "member"),
    Visit("post-history", "/posts/{w.first_post_id}/history", "Edit history", "member"),
    Visit("redact-version", "/posts/{w.first_post_id}/history/1/redact",
          "Redact the original of this post?", "member"),
    Visit("flag-post", "/posts/{w.reply_id}/flag", "Flag a post", "member"),
    Visit("notifications", "/notifications", "Notifications", "member"),
    Visit("notification-settings", "/account/settings/notifications", "Email about notifications",
          "member"),
    # The one confirmation page, as several destructive actions ask their question.
    Visit("confirm-delete-post", "/posts/{w.first_post_id}/delete", "Delete your post?", "member"),
    Visit("confirm-leave", "/communities/{w.community_slug}/leave", "Leave {w.community_name}?",
          "member"),
    # A community's facilitator
    Visit("community-facilitator", "/communities/{w.community_slug}", "{w.community_name}",
          "facilitator"),
    Visit("community-members", "/communities/{w.community_slug}/members", "Members",
          "facilitator"),
    Visit("join-requests", "/communities/{w.private_slug}/requests", "Requests to join",
          "facilitator"),
    Visit("invite", "/communities/{w.community_slug}/invite",
          "Invite someone to {w.community_name}", "facilitator"),
    Visit("moderation-queue", "/communities/{w.community_slug}/moderation", "Moderation queue",
          "facilitator"),
    Visit("community-audit", "/communities/{w.community_slug}/audit", "Audit log", "facilitator"),
    Visit("thread-facilitator", "/threads/{w.thread_id}", "{w.thread_title}", "facilitator"),
    Visit("move-thread", "/communities/{w.community_slug}/threads/{w.thread_id}/move",
          "Move “{w.thread_title}”", "facilitator"),
    Visit("confirm-remove-member",
          "/communities/{w.community_slug}/members/{w.member.username}/remove",
          "Remove {w.member.name} from {w.community_name}?", "facilitator"),
    Visit("confirm-remove-facilitator",
          "/communities/{w.community_slug}/members/{w.member.username}/facilitator",
          "Remove {w.member.name}'s facilitator role?", "facilitator"),
    Visit("confirm-decline-join-request",
          "/communities/{w.private_slug}/requests/{w.join_request_id}",
          "Decline Ravi Kumar's request to join?", "facilitator"),
    # The methods pages that need no method; the rest are checked along the journey in
    # test_methods_journey.py, which makes the methods they show.
    Visit("methods", "/methods", "Methods library", "member"),
    Visit("write-method", "/methods/new", "Write a method", "member"),
    # Files on a method, a project and a PDSA cycle: where they are shown, their pages,
    # the adapt form offering them, and removing one.
    Visit("method-with-files", "/methods/{w.method_path}", "Board round huddle", "member"),
    Visit("method-files", "/methods/{w.method_path}/files", "Files of “Board round huddle”",
          "member"),
    Visit("revision-with-files", "/methods/{w.method_path}/history/2", "Board round huddle",
          "member"),
    Visit("adapt-with-files", "/methods/{w.method_path}/adapt", "Adapt “Board round huddle”",
          "member"),
    Visit("project-with-files", "/projects/{w.project_path}", "Discharge before noon on ward 7",
          "member"),
    Visit("project-files", "/projects/{w.project_path}/files",
          "Files of “Discharge before noon on ward 7”", "member"),
    Visit("cycles-with-files", "/projects/{w.project_path}/cycles",
          "Discharge before noon on ward 7", "member"),
    Visit("cycle-files", "/projects/{w.project_path}/cycles/{w.cycle_id}/files",
          "Files of PDSA 1: Board round at 8am", "member"),
    Visit("confirm-remove-file", "/files/{w.file_token}/remove", "Remove plan.pdf?", "member"),
    # A member who has not confirmed their address yet
    Visit("home-unconfirmed", "/", "Welcome, {w.unconfirmed.name}", "unconfirmed"),
    Visit("settings-unconfirmed", "/account/settings", "Settings", "unconfirmed"),
    Visit("confirm-email", "/", "Confirm your email address", "unconfirmed",
          then=_follow_confirmation_link),
    # An administrator
    Visit("admin", "/admin/", "Administration", "admin"),
    Visit("admin-members", "/admin/members", "Members and roles", "admin"),
    Visit("admin-member", "/admin/members/{w.member.id}", "{w.member.name}", "admin"),
    Visit("admin-audit", "/admin/audit", "Audit log", "admin"),
    Visit("admin-add-system", "/admin/systems/new", "Add an integrated care system", "admin"),
    Visit("admin-add-organisation", "/admin/organisations/new", "Add an organisation", "admin"),
    Visit("admin-community-proposals", "/admin/communities", "Proposed communities", "admin"),
    Visit("admin-expertise", "/admin/expertise", "Areas of expertise", "admin"),
    Visit("admin-synonyms", "/admin/expertise/{w.spc_id}", "Other names for Statistical process "
          "control", "admin"),
    Visit("confirm-decline-community", "/admin/communities/{w.proposal_id}/decision",
          "Decline Same day emergency care?", "admin"),
    Visit("purge-post", "/posts/{w.reply_id}/purge", "Purge this post?", "admin"),
]  # fmt: skip


VISITORS = list(dict.fromkeys(visit.who or "signed-out" for visit in VISITS))


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_page_has_no_accessibility_violations(
    visitor: str, page: Page, world: World, sign_in, axe_report
):
    visits = [visit for visit in VISITS if (visit.who or "signed-out") == visitor]
    problems: dict[str, str] = {}
    for number, visit in enumerate(visits):
        if visit.prepare:
            visit.prepare(world)
        path = visit.path.format(w=world)
        if visit.who and number == 0:
            sign_in(page, getattr(world, visit.who), then=path)
        else:
            page.goto(path)
        if visit.then:
            visit.then(page, world)
        try:
            expect(page.get_by_role("heading", level=1)).to_have_text(visit.heading.format(w=world))
        except AssertionError as wrong_page:
            problems[visit.name] = f"not the page meant: {wrong_page}"
            continue
        report = axe_report(page)
        if report:
            problems[visit.name] = report

    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())


def test_the_pages_refuse_injected_inline_scripts(page: Page):
    # Why `axe_report` serves axe from the page's own origin.
    page.goto("/")
    with pytest.raises(Error, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = true;")
    assert page.evaluate("window.injected") is None
