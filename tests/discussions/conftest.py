"""The discussions tests' people: the Discharge Lounge's regulars.

Fay runs the lounge; Ash, Mo and Kit are its members, and Mo starts "Weekend discharges"
there. Each file adds whoever its feature needs on top of the regulars, under its own
`people`: moderation two more readers who flag (Lee and Uma, also lounge members),
redaction an admin (Ada) who is not. The lounge and its thread stay in those files because
the two lounges' members differ.
"""

from __future__ import annotations

import pytest

REGULARS = {"fay": "Fay Facilitator", "ash": "Ash Author", "mo": "Mo Member", "kit": "Kit Member"}


@pytest.fixture
def regulars(make_user) -> dict:
    """Fay, Ash, Mo and Kit, by first name."""
    return {key: make_user(f"{key}-user", name=name) for key, name in REGULARS.items()}
