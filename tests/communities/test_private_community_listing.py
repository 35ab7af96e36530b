"""One rule for private communities, the same in the directory and in search: a listed
one's name and purpose are found by everyone signed in; an unlisted one by its members."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import client_as, index_everyone, make_community
from helpers import page_text

from community.communities.models import Community, Visibility
from community.core.extensions import db
from community.visibility import can_find_community, listed_communities_clause


@pytest.fixture
def listing(make_user):
    fay = make_user("fay-facilitator", name="Fay Facilitator")
    mo = make_user("mo-member", name="Mo Member")
    nia = make_user("nia-outsider", name="Nia Outsider")
    listed = make_community(fay, "Night Shift Safety", visibility=Visibility.PRIVATE,
                            members=[mo], listed=True)  # fmt: skip
    unlisted = make_community(fay, "Quiet Huddle", visibility=Visibility.PRIVATE, members=[mo])
    for community, purpose, question in (
        (listed, "Safer wombat nights on the wards", "Does a numbat huddle help?"),
        (unlisted, "Wombat nights we keep to ourselves", "Numbat results"),
    ):
        community.purpose, community.learning_question = purpose, question
    db.session.commit()
    index_everyone()
    return locals()


def _found(user) -> list[str]:
    return sorted(
        db.session.scalars(sa.select(Community.name).where(listed_communities_clause(user)))
    )


def test_the_rule_lists_a_listed_private_community_for_everyone_signed_in(listing):
    nia, mo = listing["nia"], listing["mo"]
    assert _found(nia) == ["Night Shift Safety"]
    assert _found(mo) == ["Night Shift Safety", "Quiet Huddle"]
    assert can_find_community(nia, listing["listed"])
    assert not can_find_community(nia, listing["unlisted"])


def test_the_directory_and_search_agree_for_someone_not_in_them(listing):
    client = client_as(listing["nia"])
    directory = page_text(client.get("/communities"))
    assert "Night Shift Safety" in directory and "Quiet Huddle" not in directory
    by_purpose = page_text(client.get("/search?q=wombat"))
    assert "Night Shift Safety" in by_purpose  # found by its purpose, as listed
    assert "Quiet Huddle" not in by_purpose  # listed nowhere
    by_name = page_text(client.get("/search?q=huddle"))
    assert "Quiet Huddle" not in by_name
    # The learning question is for members: a listed community is not found by it.
    assert "Night Shift Safety" not in page_text(client.get("/search?q=numbat"))


def test_members_find_both_in_the_directory_and_in_search(listing):
    client = client_as(listing["mo"])
    directory = page_text(client.get("/communities"))
    assert "Night Shift Safety" in directory and "Quiet Huddle" in directory
    found = page_text(client.get("/search?q=wombat"))
    assert "Night Shift Safety" in found and "Quiet Huddle" in found
