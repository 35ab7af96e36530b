"""A page of a list that is already in memory (ranked suggestions), shaped like db.paginate's."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination


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
