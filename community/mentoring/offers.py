"""A member's offer to mentor: setting it up, changing it, pausing and resuming it."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from community.accounts.models import User
from community.audit.services import record
from community.communities.services import require_confirmed
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.directory.models import System
from community.mentoring.matching.evidence import recount
from community.mentoring.models import MentorOffer, MentorOfferComponent
from community.mentoring.services import active_mentorship_count, approach_tags
from community.mentoring.vocabulary import ImpactComponent, MeetingFormat

MAX_CAPACITY = 10
MAX_NOTE = 1000


def offer_of(user: User) -> MentorOffer | None:
    return db.session.scalar(sa.select(MentorOffer).where(MentorOffer.user_id == user.id))


def _locked_offer(user: User) -> MentorOffer | None:
    # Locked like an acceptance does, so a smaller capacity and an acceptance cannot cross.
    return db.session.execute(
        sa.select(MentorOffer)
        .where(MentorOffer.user_id == user.id)
        .with_for_update(of=MentorOffer)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _checked(
    components: Iterable[int], approach_ids: Iterable[int], formats: Iterable[str],
    capacity: int | None, travel_system_ids: Iterable[int], note: str,
) -> tuple[list[int], list, set[str], list[System], str]:  # fmt: skip
    """Every problem with an offer at once (a RuleViolations), or what it keeps."""
    problems = Problems()
    chosen = sorted({int(c) for c in components})
    if any(c not in ImpactComponent._value2member_map_ for c in chosen):
        problems.add("Choose IMPACT components from the list", "components")
    approaches = approach_tags(approach_ids)
    if not chosen and not approaches:
        problems.add(
            "Choose at least one IMPACT component or improvement approach you can help with",
            "components",
        )
    formats = set(formats)
    if not formats or not formats <= set(MeetingFormat):
        problems.add("Choose at least one way you can meet", "formats")
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        problems.add(
            f"Enter how many organisations you can mentor at once, from 1 to {MAX_CAPACITY}",
            "capacity",
        )
    wanted_systems = {int(s) for s in travel_system_ids}
    systems = list(db.session.scalars(sa.select(System).where(System.id.in_(wanted_systems))))
    if len(systems) != len(wanted_systems):
        problems.add("Choose systems from the list", "travel_systems")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        problems.add(f"Note must be {MAX_NOTE:,} characters or fewer", "note")
    problems.raise_any()
    return chosen, approaches, formats, systems, note


def check_offer(
    *, components: Iterable[int], approach_ids: Iterable[int], formats: Iterable[str],
    capacity: int | None, travel_system_ids: Iterable[int], note: str,
) -> None:  # fmt: skip
    """The checks `save_offer` makes of what was entered, saving nothing."""
    _checked(components, approach_ids, formats, capacity, travel_system_ids, note)


def save_offer(
    user: User, *, components: Iterable[int], approach_ids: Iterable[int],
    formats: Iterable[str], capacity: int | None, travel_system_ids: Iterable[int], note: str,
) -> MentorOffer:  # fmt: skip
    require_confirmed(user, "offer mentoring")
    chosen, approaches, formats, systems, note = _checked(
        components, approach_ids, formats, capacity, travel_system_ids, note
    )
    offer = _locked_offer(user)
    active = active_mentorship_count(user.id)
    if capacity < active:
        raise RuleViolation(
            f"You are mentoring {active} organisations now, so you cannot offer fewer than "
            f"{active} places until a mentorship closes",
            "capacity",
        )
    creating = offer is None
    if creating:
        offer = MentorOffer(user_id=user.id)
        db.session.add(offer)
    kept = {row.component: row for row in offer.component_rows}
    offer.component_rows = [kept.get(c) or MentorOfferComponent(component=c) for c in chosen]
    offer.approaches = approaches
    offer.offers_video = MeetingFormat.VIDEO in formats
    offer.offers_phone = MeetingFormat.PHONE in formats
    offer.offers_in_person = MeetingFormat.IN_PERSON in formats
    offer.capacity, offer.note, offer.updated_at = capacity, note, utcnow()
    offer.travel_systems = systems
    recount([user.id])  # their evidence counts from the moment they offer
    db.session.flush()
    record("mentoring.offer_created" if creating else "mentoring.offer_updated", user, offer,
           f"{capacity} places")  # fmt: skip
    db.session.commit()
    return offer


def set_paused(user: User, paused: bool) -> MentorOffer:
    """Pause (no new suggestions or asks; running mentorships go on) or resume an offer."""
    offer = _locked_offer(user)
    if offer is None:
        raise RuleViolation("You have not offered mentoring yet")
    if offer.is_paused == paused:
        raise RuleViolation(
            "Your offer is already paused" if paused else "Your offer is not paused"
        )
    offer.paused_at = utcnow() if paused else None
    record("mentoring.offer_paused" if paused else "mentoring.offer_resumed", user, offer)
    db.session.commit()
    return offer
