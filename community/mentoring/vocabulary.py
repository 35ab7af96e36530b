"""The words of mentoring: NHS IMPACT components, meeting formats, states and outcomes.

Pure data with labels for people, so models, forms, templates and the matcher
all say the same thing.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ImpactComponent(IntEnum):
    """The five components of NHS IMPACT, numbered as NHS England numbers them."""

    SHARED_PURPOSE = 1
    PEOPLE_AND_CULTURE = 2
    LEADERSHIP = 3
    CAPABILITY = 4
    MANAGEMENT_SYSTEMS = 5

    @property
    def label(self) -> str:
        return IMPACT_LABELS[self][0]

    @property
    def short(self) -> str:
        return IMPACT_LABELS[self][1]


IMPACT_LABELS = {
    ImpactComponent.SHARED_PURPOSE: ("Building a shared purpose and vision", "Shared purpose"),
    ImpactComponent.PEOPLE_AND_CULTURE: ("Investing in people and culture", "People and culture"),
    ImpactComponent.LEADERSHIP: ("Developing leadership behaviours", "Leadership behaviours"),
    ImpactComponent.CAPABILITY: (
        "Building improvement capability and capacity",
        "Capability and capacity",
    ),
    ImpactComponent.MANAGEMENT_SYSTEMS: (
        "Embedding improvement into management systems and processes",
        "Management systems",
    ),
}

# What each self-assessment score means, shown beside the radios and in tables.
SCORE_LABELS = {
    1: "Not yet started",
    2: "Early steps",
    3: "Developing",
    4: "Established",
    5: "Embedded and sustained",
}
LOWEST_SCORE, HIGHEST_SCORE = 1, 5


class MeetingFormat(StrEnum):
    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return FORMAT_LABELS[self]


FORMAT_LABELS = {
    MeetingFormat.VIDEO: "Video call",
    MeetingFormat.PHONE: "Phone",
    MeetingFormat.IN_PERSON: "In person",
}
ANY_FORMAT = "any"  # a request with no preference


class Timescale(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"

    @property
    def label(self) -> str:
        return TIMESCALE_LABELS[self]


TIMESCALE_LABELS = {
    Timescale.MONTH: "Within a month",
    Timescale.QUARTER: "Over 1 to 3 months",
    Timescale.HALF_YEAR: "Over 3 to 6 months",
    Timescale.YEAR: "Over 6 to 12 months",
}


class RequestStatus(StrEnum):
    OPEN = "open"  # looking for a mentor
    MATCHED = "matched"  # a mentor accepted: the mentorship is running
    CLOSED = "closed"  # its mentorship has ended
    WITHDRAWN = "withdrawn"  # the requester stopped looking before a match

    @property
    def label(self) -> str:
        return {
            RequestStatus.OPEN: "Looking for a mentor",
            RequestStatus.MATCHED: "Mentorship running",
            RequestStatus.CLOSED: "Mentorship ended",
            RequestStatus.WITHDRAWN: "Withdrawn",
        }[self]


class AskStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by the requester, or because another mentor accepted
    EXPIRED = "expired"  # not answered within MENTORING_ASK_EXPIRY_DAYS

    @property
    def label(self) -> str:
        return {
            AskStatus.PENDING: "Waiting for an answer",
            AskStatus.ACCEPTED: "Accepted",
            AskStatus.DECLINED: "Declined",
            AskStatus.WITHDRAWN: "Withdrawn",
            AskStatus.EXPIRED: "Expired without an answer",
        }[self]


class MentorshipStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class Outcome(StrEnum):
    GOALS_MET = "goals_met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.GOALS_MET: "Goals met",
    Outcome.PARTLY_MET: "Goals partly met",
    Outcome.NOT_MET: "Goals not met",
    Outcome.WITHDRAWN: "Withdrawn",
}
# A mentorship someone withdrew from is not a completed one: it does not count
# towards the mentor's track record.
COMPLETED_OUTCOMES = (Outcome.GOALS_MET, Outcome.PARTLY_MET, Outcome.NOT_MET)


class GoalProgress(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {
            GoalProgress.NOT_STARTED: "Not started",
            GoalProgress.IN_PROGRESS: "In progress",
            GoalProgress.ACHIEVED: "Achieved",
            GoalProgress.DROPPED: "Dropped",
        }[self]


class FeedbackSide(StrEnum):
    ORGANISATION = "organisation"  # about the mentor: counts towards their track record
    MENTOR = "mentor"  # about how the mentorship went for the mentor
