"""Paging shared by every list: the page number asked for, and a page of a list in memory.

A list already in memory (ranked suggestions, a method's spread, a measure's
points) is paged by ListPagination, shaped like db.paginate's page, so the
same pager macros draw both.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination


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
