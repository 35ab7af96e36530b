"""Builders for mentoring tests: offers, requests, asks and discussion evidence.

Plain functions over the real services (not fixtures), so each test reads as
the story it tells. They need the `db` fixture's app context.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from helpers import RequestPerContextClient, sign_in_as

from community.accounts.models import ExpertiseTag, User
from community.communities.models import Community
from community.core.extensions import db
from community.core.slugs import slugify
from community.discussions.models import Post, Thread
from community.mentoring import offers, services
from community.mentoring.matching.evidence import refresh_evidence
from community.mentoring.models import MentoringRequest, MentorOffer, Mentorship
from factories.methods import adapt, publish_method


def tag(name: str) -> ExpertiseTag:
    return db.session.scalar(sa.select(ExpertiseTag).where(ExpertiseTag.name == name))


def offer(
    user: User,
    *,
    components: Iterable[int] = (4,),
    approaches: Iterable[str] = (),
    formats: Iterable[str] = ("video",),
    capacity: int = 2,
    travel: Iterable = (),
    note: str = "",
) -> MentorOffer:
    return offers.save_offer(
        user,
        components=list(components),
        approach_ids=[tag(name).id for name in approaches],
        formats=list(formats),
        capacity=capacity,
        travel_system_ids=[system.id for system in travel],
        note=note,
    )


def request_for(
    user: User,
    *,
    components: Iterable[int] = (4,),
    approaches: Iterable[str] = (),
    preferred_format: str = "any",
    title: str = "Build improvement capability",
    aim: str = "Train a first cohort of improvement coaches.",
    timescale: str = "quarter",
) -> MentoringRequest:
    return services.create_request(
        user,
        title=title,
        aim=aim,
        components=list(components),
        approach_ids=[tag(name).id for name in approaches],
        preferred_format=preferred_format,
        timescale=timescale,
    )


def ask(requester: User, request: MentoringRequest, *mentors: User, message: str = ""):
    return services.ask_mentors(requester, request, [m.id for m in mentors], message)


def ask_of(request: MentoringRequest, mentor: User):
    from community.mentoring.models import MentoringAsk

    return db.session.scalar(
        sa.select(MentoringAsk).where(
            MentoringAsk.request_id == request.id, MentoringAsk.mentor_id == mentor.id
        )
    )


def start_mentorship(requester: User, mentor: User, **request_fields) -> Mentorship:
    """A request, asked of `mentor`, accepted: a running mentorship."""
    request = request_for(requester, **request_fields)
    ask(requester, request, mentor)
    return services.respond(mentor, ask_of(request, mentor), accept=True, message="Glad to help")


def complete_mentorship(
    requester: User, mentor: User, *, outcome: str = "goals_met", rating: int | None = 5
) -> Mentorship:
    """A mentorship the requester closed with an outcome and (optionally) their rating."""
    mentorship = start_mentorship(requester, mentor)
    services.close_mentorship(
        requester, mentorship, outcome=outcome, rating=rating or 3, comment="Thank you"
    )
    if rating is None:  # remove the rating to model an unrated mentorship
        from community.mentoring.models import MentorshipFeedback

        db.session.execute(
            sa.delete(MentorshipFeedback).where(MentorshipFeedback.mentorship_id == mentorship.id)
        )
        db.session.commit()
    return mentorship


def discussion_evidence(
    author: User, *, helpful: int = 0, key_learnings: int = 0, visibility: str = "open"
) -> None:
    """Posts by `author` in a community, marked helpful and chosen as key learnings."""
    name = f"{visibility.title()} community {author.username}"
    community = Community(
        name=name, slug=slugify(name), purpose="Evidence", learning_question="Why?",
        visibility=visibility, listed=False, status="active", member_count=1, thread_count=0,
    )  # fmt: skip
    db.session.add(community)
    db.session.flush()
    for index in range(max(key_learnings, 1)):
        thread = Thread(
            community_id=community.id, title=f"Thread {index}", slug=f"thread-{index}",
            post_count=1,
        )  # fmt: skip
        db.session.add(thread)
        db.session.flush()
        post = Post(
            thread_id=thread.id, position=1, author_id=author.id, body_source="Advice",
            body_html="<p>Advice</p>", helpful_count=helpful if index == 0 else 0,
        )  # fmt: skip
        db.session.add(post)
        db.session.flush()
        if index < key_learnings:
            thread.key_post_id = post.id
    db.session.commit()
    refresh_evidence([author.id])  # as the hourly job would


def visit(app, user: User | None, method: str, url: str, data: dict | None = None, **options):
    """One request from `user`'s own browser (None: signed out), as a server would run it:
    in its own app context and database session (see helpers.RequestPerContextClient)."""
    client = RequestPerContextClient(app, app.response_class, use_cookies=True)
    if user is not None:
        sign_in_as(client, user)
    return client.open(url, method=method, data=data, **options)


def methods_on(author: User, approach: str, count: int = 1, *, adapted_by=(), used_by=()):
    """`count` published methods by `author` on `approach`; each adapted and used by others."""
    from community.methods import uses

    made = []
    for _ in range(count):
        method = publish_method(author, approach_ids=[tag(approach).id])
        for adapter in adapted_by:
            adapt(adapter, method)
        for user in used_by:
            uses.record_use(user, method)
        made.append(method)
    return made


def improving_project(member: User, title: str = "Discharge before noon"):
    """A project `member` leads whose measure shows special-cause improvement."""
    from datetime import date

    from community.projects import services as projects
    from community.projects.measures.models import Measure
    from community.projects.measures.spc import Direction, Variation

    project = projects.start_project(
        member,
        projects.ProjectDetails(
            title=title, aim="Discharge 30% of patients before noon by March.", problem="",
            organisation_id=member.organisation_id, community_id=None,
            programme_type="local", national_programme="", status="testing",
            start_date=date(2026, 1, 5),
        ),
    )  # fmt: skip
    db.session.add(
        Measure(
            project_id=project.id, name="Discharges before noon", definition="Share of all",
            unit="%", direction=Direction.UP, variation=Variation.IMPROVEMENT,
        )
    )  # fmt: skip
    db.session.commit()
    return project
