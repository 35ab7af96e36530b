"""The search tests' pharmacy people: who runs a group, who is let into its private
circle, and who is kept out.

Fran runs an open pharmacy group and a private pharmacy circle; Ian is inside the circle
and Olga outside it. The bounds and the permission tests each build their own pair of
communities around these three (what is posted there is what each file searches for).
"""

from __future__ import annotations

import pytest


@pytest.fixture
def fran(make_user):
    return make_user("fran-facilitator", name="Fran Facilitator")


@pytest.fixture
def insider(make_user):
    """Ian, whom Fran lets into the private circle."""
    return make_user("ian-insider", name="Ian Insider")


@pytest.fixture
def outsider(make_user):
    """Olga, a member who is in none of Fran's private communities."""
    return make_user("olga-outsider", name="Olga Outsider")
