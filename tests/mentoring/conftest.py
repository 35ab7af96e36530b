"""The mentoring tests' people: Rita, who asks for a mentor, and Cole, her colleague.

Both work at Riverside Trust in the North system. The route and workflow tests add the
mentors each needs (Mina nearby and Otis far away; four mentors at another North trust).
The matching, permission and expertise tests build worlds of their own, because who is
near whom and what evidence each mentor has is what they test.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def riverside_trust(make_system, make_organisation):
    """Riverside Trust, in the North system (`riverside_trust.system`)."""
    return make_organisation("Riverside Trust", system=make_system("North"))


@pytest.fixture
def rita(make_user, riverside_trust):
    """Rita, who asks for mentoring for herself and Riverside."""
    return make_user("rita", name="Rita Requester", organisation=riverside_trust)


@pytest.fixture
def cole(make_user, riverside_trust):
    """Cole, Rita's colleague at Riverside, who may see her organisation's requests."""
    return make_user("cole", name="Cole Colleague", organisation=riverside_trust)
