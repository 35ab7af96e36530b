"""The fixed lists methods are classified by: NHS IMPACT components, care
settings, the scale of an adaptation, and the sections every method has.

Improvement approaches are not here: they are ExpertiseTag rows of kind
"approach" (community/accounts/vocabulary.py), shared with members' profiles.
"""

from __future__ import annotations

from enum import StrEnum

IMPACT_COMPONENTS: dict[int, str] = {
    1: "Shared purpose and vision",
    2: "Investing in people and culture",
    3: "Developing leadership behaviours",
    4: "Building improvement capability and capacity",
    5: "Embedding improvement into management systems and processes",
}


class CareSetting(StrEnum):
    ACUTE = "acute"
    MENTAL_HEALTH = "mental_health"
    COMMUNITY = "community"
    PRIMARY_CARE = "primary_care"
    SOCIAL_CARE = "social_care"
    AMBULANCE = "ambulance"
    HOSPICE = "hospice_palliative"
    VOLUNTARY = "voluntary_sector"

    @property
    def label(self) -> str:
        return CARE_SETTING_LABELS[self]


CARE_SETTING_LABELS = {
    CareSetting.ACUTE: "Acute hospital care",
    CareSetting.MENTAL_HEALTH: "Mental health",
    CareSetting.COMMUNITY: "Community health services",
    CareSetting.PRIMARY_CARE: "Primary care",
    CareSetting.SOCIAL_CARE: "Social care",
    CareSetting.AMBULANCE: "Ambulance services",
    CareSetting.HOSPICE: "Hospice and palliative care",
    CareSetting.VOLUNTARY: "Voluntary and community sector",
}


class Scale(StrEnum):
    TEAM = "team"
    SERVICE = "service"
    ORGANISATION = "organisation"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return SCALE_LABELS[self]


SCALE_LABELS = {
    Scale.TEAM: "One team or ward",
    Scale.SERVICE: "A department or service",
    Scale.ORGANISATION: "A whole organisation",
    Scale.SYSTEM: "Several organisations or a whole system",
}

# The structured sections, in the order a reader meets them.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("when_to_use", "When to use it"),
    ("how_to", "How to do it"),
    ("what_you_need", "What you need"),
    ("evidence", "Evidence and results"),
    ("pitfalls", "Pitfalls"),
)
SECTION_KEYS = tuple(key for key, _ in SECTIONS)
