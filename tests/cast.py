"""The cast several features' tests meet, as fixtures any test may name.

Fay runs the Discharge Lounge, where Mo and Ash are members; Nia is outside it; Ama writes
methods. A test file may still make its own people (a fixture of the same name in a test
file or a folder's conftest wins). The plain personas (`member`, `admin`, `unconfirmed`)
are in the root conftest.
"""

from __future__ import annotations

import pytest
from factories import make_community


@pytest.fixture
def fay(make_user):
    return make_user("fay-facilitator", name="Fay Facilitator")


@pytest.fixture
def mo(make_user):
    return make_user("mo-member", name="Mo Member")


@pytest.fixture
def ash(make_user):
    return make_user("ash-author", name="Ash Author")


@pytest.fixture
def nia(make_user):
    return make_user("nia-outsider", name="Nia Outsider")


@pytest.fixture
def author(make_user):
    """Ama, who writes methods."""
    return make_user("ama-author", name="Ama Author")


@pytest.fixture
def lounge(fay, mo, ash):
    """An open community Fay runs, with Mo and Ash as members."""
    return make_community(fay, "Discharge Lounge", members=[mo, ash])
