"""Paging shared by every list: the page number asked for, a page of a list in
memory, and a page of a long list that is counted only so far.

A list already in memory (ranked suggestions, a method's spread, a measure's
points) is paged by ListPagination, shaped like db.paginate's page, so the
same pager macros draw both. A list that can grow without bound for one
member (their notifications) is paged by `counted_ahead`, which stops
counting a fixed distance past the page shown.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination

from community.core.extensions import db

COUNT_AHEAD = 1000  # rows counted past the page shown, at most


def page_number(param: str = "page") -> int:
    """The page asked for in the query string's `param` (1 if missing or not a number)."""
    return max(request.args.get(param, 1, type=int), 1)


class ListPagination(Pagination):
    """`db.paginate`'s page object over a Python list, so the same pager macros work.

    The list may stop at the end of the page asked for (the best suggestions
    only), with `total` saying how long the whole list is.
    """

    def __init__(self, items: list[Any], page: int, per_page: int, total: int | None = None):
        self._all = items
        self._total = len(items) if total is None else total
        super().__init__(page=max(page, 1), per_page=per_page, error_out=False)

    def _query_items(self) -> list[Any]:
        return self._all[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return self._total


class CountedAhead(SelectPagination):
    """`db.paginate`'s page, with the rows counted only to COUNT_AHEAD past this page.

    Counting every row a member may see cost more than reading the page once
    they had thousands (15 ms of SQL for 4 000 notifications, each checked
    against what they may see). Beyond the count, `over_cap` is true and
    `total` is a lower bound: the count says "more than", and the pager still
    reaches COUNT_AHEAD rows further on.
    """

    over_cap: bool = False

    def _query_count(self) -> int:
        ceiling = self._query_offset + self.per_page + COUNT_AHEAD
        ids = self._query_args["select"].order_by(None).limit(ceiling + 1).subquery()
        counted = db.session.scalar(sa.select(sa.func.count()).select_from(ids))
        self.over_cap = counted > ceiling
        return min(counted, ceiling)


def counted_ahead(select: sa.Select, page: int, per_page: int) -> CountedAhead:
    """A page of `select`, counted to COUNT_AHEAD rows past it (see CountedAhead)."""
    return CountedAhead(select=select, session=db.session, page=page, per_page=per_page,
                        error_out=False)  # fmt: skip
