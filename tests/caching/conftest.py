"""The caching tests' world: a thread in the Discharge Lounge, read by its members.

Fay runs the lounge; Ash, Mo and Kit are members, and Mo has started "Weekend
discharges". A test file adds the readers it needs (a fixture that names itself extends
this one).
"""

from __future__ import annotations

import pytest
from factories import make_community, make_thread


@pytest.fixture
def people(make_user):
    names = {"fay": "Fay Facilitator", "ash": "Ash Author", "mo": "Mo Member", "kit": "Kit Member"}
    return {key: make_user(f"{key}-user", name=name) for key, name in names.items()}


@pytest.fixture
def lounge(people):
    p = people
    return make_community(p["fay"], "Discharge Lounge", members=[p["ash"], p["mo"], p["kit"]])


@pytest.fixture
def thread(lounge, people):
    return make_thread(people["mo"], lounge, "Weekend discharges", "What works at weekends?")
