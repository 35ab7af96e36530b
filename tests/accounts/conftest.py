"""What the accounts tests share: cheap password hashes for files that sign in many times.

The accounts tests have no shared cast: each file makes the members its feature needs
(Ria registering, Sam and his data, the Northfold directory, Riverside's email domains),
on top of the root conftest's `member`, `admin` and `organisation`. The registration and
directory files sign in through the form again and again, so they name
`cheap_password_hashes`; the other files keep the real scrypt hash.
"""

from __future__ import annotations

import pytest
from helpers import quick_hashes


@pytest.fixture
def cheap_password_hashes(monkeypatch):
    """Members made by the factories get a cheap hash of the test password."""
    quick_hashes(monkeypatch)
