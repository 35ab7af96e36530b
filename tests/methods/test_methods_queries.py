"""Pages that list methods or walk their lineage do the same database work however big.

Each test measures a page for a small and a large amount of data and requires
the same number of SQL statements: no query per row, per level or per branch.
"""

from __future__ import annotations

import pytest
from factories import adapt, build_tree, make_community, publish_method
from helpers import count_queries

from community.methods import uses


@pytest.fixture
def places(make_system, make_organisation):
    systems = [make_system(f"System {n}") for n in range(4)]
    return [make_organisation(f"Organisation {n}", systems[n % 4]) for n in range(20)]


def _statements(client, path):
    client.get(path)  # compile templates and warm caches first
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def _use_by_everyone(method, users):
    for user in users:
        uses.record_use(user, method)


def _lineage(method):
    return f"/methods/{method.id}-{method.slug}/lineage"


def test_lineage_of_200_adaptations_over_5_levels_costs_the_same_as_5(
    client, auth, author, make_user, places
):
    viewer = make_user("val-viewer")
    users = [make_user(organisation=places[n]) for n in (0, 5, 10)]
    small_root, small_levels = build_tree(author, places, [1, 1, 1, 1, 1], title="Small")
    big_root, big_levels = build_tree(author, places, [5, 15, 30, 60, 90], title="Big")
    assert sum(len(level) for level in big_levels) == 200
    for root, levels in ((small_root, small_levels), (big_root, big_levels)):
        _use_by_everyone(root, users)
        _use_by_everyone(levels[-1][0], users[:1])
    auth.as_user(viewer)
    # From the original: the tree of adaptations and the spread.
    small, big = _statements(client, _lineage(small_root)), _statements(client, _lineage(big_root))
    assert big == small, f"{big} statements for 200 adaptations, {small} for 5"
    # From the deepest adaptation: the chain of 5 ancestors.
    small_leaf, big_leaf = small_levels[-1][0], big_levels[-1][0]
    assert _statements(client, _lineage(big_leaf)) == _statements(client, _lineage(small_leaf))
    page = client.get(_lineage(big_root)).text
    assert page.count('class="ic-lineage__item"') == 200
    assert "Big adaptation 200" in page


def test_a_method_page_costs_the_same_with_many_adaptations_and_uses(
    client, auth, author, make_user, places
):
    small_root, _ = build_tree(author, places, [1], title="Small")
    big_root, _ = build_tree(author, places, [40, 40], title="Big")
    _use_by_everyone(big_root, [make_user(organisation=o) for o in places])
    auth.as_user(make_user())
    small = _statements(client, f"/methods/{small_root.id}-{small_root.slug}")
    big = _statements(client, f"/methods/{big_root.id}-{big_root.slug}")
    assert big == small


def test_the_library_costs_the_same_for_5_or_50_methods(client, auth, make_user, places):
    def fill(count, prefix):
        authors = [make_user(organisation=places[n % len(places)]) for n in range(3)]
        circle = make_community(authors[0], f"{prefix} circle", members=authors[1:])
        for n in range(count):
            method = publish_method(
                authors[n % 3], f"{prefix} method {n}", co_authors=authors[(n + 1) % 3].username,
                free_tags=f"{prefix} tag {n % 4}", impacts=[1 + n % 5], settings=["acute"],
                community_id=circle.id if n % 2 else None,
            )  # fmt: skip
            if n % 3 == 0:
                adapt(authors[(n + 2) % 3], method, f"{prefix} adaptation {n}")

    viewer = make_user("val-viewer")
    auth.as_user(viewer)
    fill(5, "Few")
    few = _statements(client, "/methods")
    fill(50, "Many")
    many = _statements(client, "/methods")
    assert many == few, f"{many} statements for a full page, {few} for 5 methods"
    assert _statements(client, "/methods?sort=adapted&setting=acute") == few


def _plans(action) -> dict[str, str]:
    """SQLite's plan for each statement `action` runs: {statement: plan}."""
    import sqlalchemy as sa

    from community.core.extensions import db

    ran: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            ran.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    plans = {}
    for statement, parameters in ran:
        rows = db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters
        )
        plans[statement] = "\n".join(str(row[-1]) for row in rows)
    return plans


def test_a_methods_adaptations_are_found_from_the_method(db, author, member, places):
    """Not by walking every published method, newest first (0.15 s at 20 000)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    from community.methods.queries import adaptations_of

    root = publish_method(author, "Safety huddles")
    adapt(member, root, "Safety huddles at night")

    adapted = _plans(lambda: adaptations_of(member, root))
    [plan] = [p for s, p in adapted.items() if "parent_id =" in s]
    assert "ix_methods_parent_id" in plan and "ix_methods_status_published_at" not in plan


def test_a_method_page_lists_the_adaptations_its_reader_may_see_with_where_they_were_made(
    author, make_user, make_organisation, make_system
):
    from factories import client_as
    from helpers import page_text

    root = publish_method(author, "Safety huddles")
    north = make_user("nia-north", organisation=make_organisation("North Trust", make_system()))
    adapt(north, root, "Safety huddles at night")
    adapt(make_user("oli-nowhere", organisation=None), root, "Safety huddles on wards")
    adapt(north, root, "Safety huddles, a draft", publish=False)
    text = page_text(client_as(make_user("vic-viewer")).get(f"/methods/{root.id}-{root.slug}"))
    panel = text[text.index("Adaptations") : text.index("Lineage: where it came from")]
    assert "2 adaptations of this method" in panel
    assert "Safety huddles at night , North Trust" in panel
    assert "Safety huddles on wards" in panel and "Safety huddles on wards ," not in panel
    assert "a draft" not in panel
