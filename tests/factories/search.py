"""Building content for the search tests through the real services (so it is indexed
the way members' content is), and reading the results page the way a person does."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app

from community.core.extensions import db
from community.discussions import services as discussions
from community.search.commands import problems, reindex
from community.search.models import SearchDocument
from community.search.services import Filters, search


def start_thread(user, community, title, body="Opening post"):
    return discussions.start_thread(user, community, title, body)


def reply(user, thread, body):
    return discussions.reply(user, thread, body)


def index_everyone() -> None:
    """People made by the test factories skip the registration service: index them now."""
    reindex()


def in_step() -> list[str]:
    """What `flask search check` would report (empty when the index matches the content)."""
    db.session.expire_all()
    return problems()


def search_as(user, text: str, page: int = 1, per_page: int = 100, **filters):
    """The service the results page calls (result lines carry links, so in a request)."""
    with current_app.test_request_context():
        return search(user, text, Filters(**filters), page=page, per_page=per_page)


def found(user, text: str, **filters) -> list[tuple[str, int]]:
    """(kind, id) of every result `user` gets for `text`, in ranked order (first page)."""
    return [(hit.kind, hit.object_id) for hit in search_as(user, text, **filters).hits]


def counts(user, text: str, **filters) -> dict[str, int]:
    return search_as(user, text, **filters).counts


def results_html(response) -> str:
    """Only the results list of the search page (not the search box echoing the query)."""
    html = response.get_data(as_text=True)
    start = html.find('<ol class="nhsuk-list ic-hits"')
    return html[start : html.find("</ol>", start)] if start != -1 else ""


def tab_counts(response) -> dict[str, int]:
    html = response.get_data(as_text=True)
    nav = html[
        html.find('class="ic-search-types"') : html.find("</nav>", html.find("ic-search-types"))
    ]
    return {label: int(n) for label, n in re.findall(r">(\w+) \((\d+)\)<", nav)}


def documents_of(kind: str) -> set[int]:
    return set(
        db.session.scalars(sa.select(SearchDocument.object_id).where(SearchDocument.kind == kind))
    )
