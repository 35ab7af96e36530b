"""Lineage of any depth, what readers who cannot see part of it are shown, and spread."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import adapt, build_tree, make_community, publish_method, switch_to
from helpers import count_queries

from community.core.extensions import db
from community.methods import services, uses
from community.methods.lineage import ancestors, descendants, spread
from community.methods.models import MethodUse
from community.methods.picture import spread_picture


@pytest.fixture
def places(make_system, make_organisation):
    north, south = make_system("North ICS"), make_system("South ICS")
    return [
        make_organisation("North Acute Trust", north),
        make_organisation("North Hospice", north),
        make_organisation("South GP Practice", south),
    ]


def _titles(nodes):
    return [n.method.title for n in nodes]


def test_a_chain_of_any_depth_is_walked_both_ways(author, places):
    root, levels = build_tree(author, places, [1] * 60)
    leaf = levels[-1][0]
    chain = ancestors(author, leaf)
    assert len(chain) == 60
    assert chain[0].method.id == root.id and chain[-1].method.id == levels[-2][0].id
    family = descendants(author, root)
    assert len(family.visible) == 60
    depth, node = 0, family.roots[0]
    while node.children:
        node, depth = node.children[0], depth + 1
    assert depth == 59 and node.method.id == leaf.id


def test_the_tree_branches_as_the_adaptations_did(author, member, places):
    root = publish_method(author, "Board rounds")
    a = adapt(member, root, "Board rounds by phone")
    b = adapt(member, root, "Board rounds for mental health")
    a1 = adapt(author, a, "Board rounds by video")
    family = descendants(member, root)
    assert sorted(_titles(family.roots)) == sorted([a.title, b.title])
    by_title = {n.method.title: n for n in family.roots}
    assert _titles(by_title[a.title].children) == [a1.title]
    events = [kind for kind, _ in family.events()]
    # <ul><li>a <ul><li>a1</li></ul></li><li>b</li></ul>, in order of publication.
    assert events == ["open", "item", "open", "item", "end", "close", "end", "item", "end", "close"]


def test_a_deleted_middle_method_keeps_the_chain_whole(author, member, make_user):
    root = publish_method(author, "Board rounds")
    middle = adapt(member, root, "Virtual board rounds")
    leaf = adapt(make_user(), middle, "Hospice board rounds")
    services.delete_method(member, middle)
    viewer = make_user()
    chain = ancestors(viewer, leaf)
    assert [n.state for n in chain] == ["visible", "unpublished"]
    assert chain[0].method.id == root.id
    family = descendants(viewer, root)
    (placeholder,) = family.roots
    assert placeholder.state == "unpublished"
    assert _titles(placeholder.children) == ["Hospice board rounds"]
    assert _titles(family.visible) == ["Hospice board rounds"]


def test_hidden_methods_with_nothing_visible_below_are_left_out(author, member, make_user):
    root = publish_method(author, "Board rounds")
    circle = make_community(member, "Private circle", private=True)
    secret = adapt(member, root, "Secret adaptation", community_id=circle.id)
    adapt(member, root, "Draft adaptation", publish=False)
    viewer = make_user()
    family = descendants(viewer, root)
    assert family.roots == [] and family.visible == []
    # Below a private adaptation, a public one keeps its place, and the private
    # one shows only as a method the reader cannot open.
    public = adapt(member, secret, "Public grandchild", widen_audience=True)
    family = descendants(viewer, root)
    (hidden,) = family.roots
    assert hidden.state == "hidden" and _titles(hidden.children) == [public.title]
    assert [n.state for n in ancestors(viewer, public)] == ["visible", "hidden"]
    # Members of the circle see it all.
    assert "Secret adaptation" in _titles(descendants(member, root).visible)


def test_lineage_pages_never_name_what_the_reader_cannot_see(
    client, auth, author, member, make_user
):
    root = publish_method(author, "Board rounds")
    circle = make_community(member, "Private circle", private=True)
    secret = adapt(member, root, "Secret adaptation", community_id=circle.id)
    public = adapt(member, secret, "Public grandchild", widen_audience=True)
    uses.record_use(member, secret)
    viewer = make_user()
    auth.as_user(viewer)
    for method in (root, public):
        page = client.get(f"/methods/{method.id}-{method.slug}/lineage").text
        assert "Secret adaptation" not in page and "Private circle" not in page
        assert "A method you do not have access to" in page
    page = client.get(f"/methods/{public.id}-{public.slug}").text
    assert "Adapted from a method you do not have access to" in page


def test_spread_groups_organisations_by_system(author, make_user, places):
    root, levels = build_tree(author, places, [2, 2])
    for organisation in places[:2]:
        uses.record_use(make_user(organisation=organisation), root)
    uses.record_use(make_user(organisation=places[2]), levels[1][0])
    reach = spread(root, descendants(author, root))
    assert [s.system.name for s in reach.systems] == ["North ICS", "South ICS"]
    north = {o.organisation.name: o for o in reach.systems[0].organisations}
    assert north["North Acute Trust"].members_using == 1
    assert north["North Hospice"].kind == "both"  # used there, and adapted there
    south = reach.systems[1].organisations[0]
    assert south.adaptation_users == 1 and south.adaptations
    picture = spread_picture(reach)
    assert len(picture.rows) == 2 and sum(len(r.marks) for r in picture.rows) == 3
    assert {m.kind for r in picture.rows for m in r.marks} <= {"used", "adapted", "both"}


def test_adaptations_the_reader_cannot_see_add_nothing_to_the_spread(
    author, member, make_user, places
):
    root = publish_method(author, "Board rounds")
    circle = make_community(member, "Private circle", private=True)
    secret = adapt(make_user(organisation=places[2]), root, "Secret", publish=False)
    uses.record_use(make_user(organisation=places[1]), root)
    assert secret.is_draft and circle
    reach = spread(root, descendants(make_user(), root))
    assert [o.organisation.name for _, o in reach.rows] == ["North Hospice"]
    assert db.session.scalar(sa.select(sa.func.count(MethodUse.id))) == 1


def test_a_family_is_read_without_each_methods_text_tags_or_author_expertise(
    app, author, member, places
):
    """A family can be hundreds of methods: only what a lineage entry shows is read."""
    from helpers import count_queries

    root = publish_method(author, "Huddles")
    adaptations = [adapt(member, root, f"Huddles {n}") for n in range(3)]
    adapt(author, adaptations[0], "Huddles by video")
    db.session.expire_all()
    _ = (root.title, member.name)  # the page's own method and reader, read in full anyway
    with count_queries() as read:
        family = descendants(member, root)
        chain = ancestors(member, family.visible[-1].method)
        for node in family.visible + chain:  # what the page draws of each
            _ = (node.method.title, node.method.slug, node.method.published_at, node.state)
            _ = (node.organisation, node.method.adaptation and node.method.adaptation.scale)
    assert len(family.visible) == 4 and len(chain) == 2
    statements = "\n".join(read.statements)
    for never in ("how_to_html", "method_tags", "method_impacts", "method_settings",
                  "member_expertise"):  # fmt: skip
        assert never not in statements, never
    assert read.count <= 8, read.statements  # 4 a direction, however many methods


def test_the_spread_table_is_paged_while_the_picture_shows_everyone(
    client, auth, author, make_user, places, monkeypatch
):
    from community.methods import history_routes

    monkeypatch.setattr(history_routes, "SPREAD_ROWS_PER_PAGE", 2)
    root = publish_method(author, "Board rounds")
    for organisation in places:
        uses.record_use(make_user(organisation=organisation), root)
    auth.as_user(make_user())
    url = f"/methods/{root.id}-{root.slug}/lineage"

    def table_rows(html: str) -> list[str]:
        table = html[html.index("<tbody") : html.index("</tbody>")]
        return [place.name for place in places if place.name in table]

    first = client.get(url).text
    assert "3 organisations in 2 integrated care systems" in first
    assert "Showing 1 to 2 of 3 organisations" in first
    assert table_rows(first) == ["North Acute Trust", "North Hospice"]
    assert "?organisations=2#spread-table" in first
    assert "South GP Practice: uses it" in first  # the picture marks every organisation
    last = client.get(url + "?organisations=2").text
    assert "Showing 3 to 3 of 3 organisations" in last
    assert table_rows(last) == ["South GP Practice"]
    assert client.get(url + "?organisations=banana").status_code == 200


def test_a_kept_lineage_page_follows_each_readers_view_and_every_change(
    client, author, member, make_user
):
    """The page's body is kept for readers alike until the methods change (see
    community.generation.kept): a draft's author, another member, then a deletion."""
    root = publish_method(author, "Board rounds")
    draft = adapt(member, root, "Draft for hospices", publish=False)
    shown = adapt(author, root, "Board rounds in the community")
    address = f"/methods/{root.id}-{root.slug}/lineage"
    viewer, other = make_user(), make_user()
    switch_to(client, member)
    assert "Draft for hospices" in client.get(address).text  # its author sees the draft
    switch_to(client, viewer)
    page = client.get(address).text
    assert "Draft for hospices" not in page and "Board rounds in the community" in page
    switch_to(client, other)
    db.session.refresh(other)  # (loaded before counting)
    with count_queries() as asked:
        assert client.get(address).text.count("Board rounds in the community") == page.count(
            "Board rounds in the community"
        )
    # The family and the spread were not read again (nor anything else but the page's
    # own lookups: the reader's class, the generation, their notifications count).
    assert not any("method_uses" in q or "descendants" in q for q in asked.statements)
    assert asked.count <= 3, asked.statements
    services.delete_method(author, shown)
    switch_to(client, viewer)
    assert "Board rounds in the community" not in client.get(address).text
    services.publish(member, draft)
    assert "Draft for hospices" in client.get(address).text
