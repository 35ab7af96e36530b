"""SQL statements per page, counted on one instrumented request made in-process.

The app is built with the benchmark's settings against the benchmark
database; the Flask test client carries the reader's session, and a
`before_cursor_execute` listener counts what each request sends.
Transaction control (BEGIN, COMMIT, ROLLBACK) is not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from bench.database import bench_config
from bench.pages import Page

TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


@dataclass
class Instrumented:
    status: int
    queries: int
    bytes: int
    statements: list[str] = field(default_factory=list)


class InstrumentedApp:
    def __init__(self, database_url: str, user_id: int):
        from community import create_app
        from community.accounts.models import User
        from community.extensions import db

        self.app = create_app(bench_config(database_url, WTF_CSRF_ENABLED=False))
        self.statements: list[str] = []
        self.context = self.app.app_context()
        self.context.push()
        self.db = db
        sa.event.listen(db.engine, "before_cursor_execute", self._record)
        self.client = self.app.test_client()
        login_id = db.session.get(User, user_id).get_id()
        db.session.remove()
        with self.client.session_transaction() as session:
            session["_user_id"] = login_id
            session["_fresh"] = True

    def _record(self, _conn, _cursor, statement, _params, _context, _many) -> None:
        if not TRANSACTION_CONTROL.match(statement):
            self.statements.append(statement)

    def request(self, method: str, path: str, data: dict | None = None) -> Instrumented:
        self.statements = []
        response = self.client.open(path, method=method, data=data)
        return Instrumented(
            status=response.status_code,
            queries=len(self.statements),
            bytes=len(response.get_data()),
            statements=self.statements,
        )

    def close(self) -> None:
        sa.event.remove(self.db.engine, "before_cursor_execute", self._record)
        self.db.session.remove()
        self.db.engine.dispose()
        self.context.pop()


def count_pages(
    database_url: str, landmarks: dict, pages: Iterable[Page]
) -> dict[str, Instrumented]:
    instrumented = InstrumentedApp(database_url, landmarks["user_id"])
    try:
        results = {}
        for page in pages:
            url = page.url(landmarks)
            instrumented.request("GET", url)  # the first request also fills caches
            results[page.name] = instrumented.request("GET", url)
        return results
    finally:
        instrumented.close()
