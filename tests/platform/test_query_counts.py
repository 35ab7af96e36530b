"""Pages that list things make the same number of queries for 5 rows as for 30."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers import count_queries, sign_in_as

from community.accounts.models import Role
from community.audit.services import record
from community.core.extensions import db as _db


@pytest.fixture
def add_rows(make_user, make_organisation, make_system, organisation, vocabulary, admin):
    """For each page, a way to add `n` more of the rows it lists, each with its own relations."""
    lean, frailty = vocabulary[0], vocabulary[1]

    def people(n: int, start: int):
        for i in range(start, start + n):
            make_user(
                f"person-{i}", organisation=make_organisation(), job_title="Ward manager",
                expertise=[lean, frailty],
            )  # fmt: skip

    def organisations(n: int, start: int):
        for _ in range(n):
            make_organisation()

    def members_of_one_organisation(n: int, start: int):
        for i in range(start, start + n):
            make_user(f"colleague-{i}", organisation=organisation, job_title="Matron")

    def systems(n: int, start: int):
        for i in range(start, start + n):
            make_user(f"system-member-{i}", organisation=make_organisation(system=make_system()))

    def accounts(n: int, start: int):
        for i in range(start, start + n):
            make_user(f"account-{i}", organisation=make_organisation())

    def audit_events(n: int, start: int):
        for i in range(start, start + n):
            actor = make_user(f"actor-{i}")
            record("account.signed_in", actor, actor, f"event {i}")
        _db.session.commit()

    return {
        "/people": people,
        "/organisations": organisations,
        f"/organisations/{organisation.slug}": members_of_one_organisation,
        "/systems": systems,
        "/admin/members": accounts,
        "/admin/audit": audit_events,
    }


PAGES = [
    "/people",
    "/organisations",
    "/organisations/riverside-hospitals-nhs-foundation-trust",
    "/systems",
    "/admin/members",
    "/admin/audit",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_list_page_makes_the_same_queries_for_5_rows_as_for_30(http, admin, add_rows, path):
    add: Callable[[int, int], None] = add_rows[path]
    sign_in_as(http, admin)
    assert admin.role == Role.ADMIN

    add(5, 0)
    _db.session.commit()  # the test's own writes are not the page's
    with count_queries() as few:
        small = http.get(path)
    add(25, 5)
    _db.session.commit()
    with count_queries() as many:
        large = http.get(path)

    assert small.status_code == large.status_code == 200
    assert len(large.text) > len(small.text) + 2000, "the larger page lists more rows"
    assert len(many) == len(few), "\n".join(many)
