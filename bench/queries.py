"""SQL statements and CPU time per page, from instrumented requests made in-process.

The app is built with the benchmark's settings against the benchmark
database; the Flask test client carries the reader's session, and a
`before_cursor_execute` listener counts what each request sends.
Transaction control (BEGIN, COMMIT, ROLLBACK) is not counted.

The CPU time one request takes (median of a few, in this thread) changes
little when other work shares the machine, unlike latency under load, so it
is the steadier figure for comparing pages and runs.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from bench.database import bench_config
from bench.pages import FLOOR_PATH, Page

TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


CPU_SAMPLES = 15


@dataclass
class Instrumented:
    status: int
    queries: int
    bytes: int
    statements: list[str] = field(default_factory=list)
    cpu_ms: float = 0.0
    wall_ms: float = 0.0


class InstrumentedApp:
    def __init__(self, database_url: str, user_id: int):
        from bench.floor import bp as floor
        from community import create_app
        from community.accounts.models import User
        from community.extensions import db

        self.app = create_app(bench_config(database_url, WTF_CSRF_ENABLED=False))
        self.app.register_blueprint(floor)
        self.statements: list[str] = []
        self.db = db
        # No app context stays pushed: each request gets its own, with a fresh session.
        with self.app.app_context():
            self.engine = db.engine
            login_id = db.session.get(User, user_id).get_id()
            db.session.remove()
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        self.client = self.app.test_client()
        with self.client.session_transaction() as session:
            session["_user_id"] = login_id
            session["_fresh"] = True

    def _record(self, _conn, _cursor, statement, _params, _context, _many) -> None:
        if not TRANSACTION_CONTROL.match(statement):
            self.statements.append(statement)

    def request(self, method: str, path: str, data: dict | None = None) -> Instrumented:
        self.statements = []
        response = self.client.open(path, method=method, data=data)
        body = response.get_data()
        response.close()  # (and counts what runs once it is sent: a reply's notifications)
        return Instrumented(
            status=response.status_code,
            queries=len(self.statements),
            bytes=len(body),
            statements=self.statements,
        )

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._record)
        self.engine.dispose()


def count_pages(
    database_url: str, landmarks: dict, pages: Iterable[Page], samples: int = CPU_SAMPLES
) -> dict[str, Instrumented]:
    """Each page's statements, CPU and wall time (medians), and the floor's as "floor"."""
    instrumented = InstrumentedApp(database_url, landmarks["user_id"])
    try:
        paths = {"floor": FLOOR_PATH} | {page.name: page.url(landmarks) for page in pages}
        results = {}
        for name, url in paths.items():
            instrumented.request("GET", url)  # the first request also fills caches
            result = instrumented.request("GET", url)
            times, walls = [], []
            for _ in range(samples):
                started, wall = time.thread_time(), time.perf_counter()
                instrumented.request("GET", url)
                times.append((time.thread_time() - started) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
            result.cpu_ms = round(statistics.median(times), 2)
            result.wall_ms = round(statistics.median(walls), 2)
            results[name] = result
        return results
    finally:
        instrumented.close()
