"""SQL statements and CPU time per page, from instrumented requests made in-process.

The app is built with the benchmark's settings against the benchmark
database; the Flask test client carries the reader's session, and a
`before_cursor_execute` listener counts what each request sends.
Transaction control (BEGIN, COMMIT, ROLLBACK) is not counted.

The CPU time one request takes (median of a few, in this thread) changes
little when other work shares the machine, unlike latency under load, so it
is the steadier figure for comparing pages and runs. A page of diverse
queries is timed on a different query each time.

`cold` times the first request anyone makes for a query: one at a time, a
fresh query each, in-process (bench/diverse.py's cold list).
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
        from community.core.extensions import db

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
        paths = {"floor": [FLOOR_PATH]} | {page.name: page.paths(landmarks) for page in pages}
        results = {}
        for name, urls in paths.items():
            url = urls[0]
            instrumented.request("GET", url)  # the first request also fills caches
            result = instrumented.request("GET", url)
            times, walls = [], []
            for sample in range(samples):
                # A page of diverse queries: a query not asked before, each time.
                url = urls[(sample + 1) % len(urls)]
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


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cold(database_url: str, landmarks: dict, kinds: Iterable[str]) -> dict[str, dict]:
    """The first request for a query no one has asked: for each kind of diverse page
    ("search", "expertise"), p50 and p95 of wall and CPU time over the cold queries,
    one request at a time, after one warm-up request of another query."""
    from bench import diverse

    instrumented = InstrumentedApp(database_url, landmarks["user_id"])
    figures = {}
    try:
        for kind in kinds:
            instrumented.request("GET", diverse.warm_up_paths(kind)[0])
            walls, times, failed = [], [], 0
            for url in diverse.cold_paths(kind):
                started, wall = time.thread_time(), time.perf_counter()
                result = instrumented.request("GET", url)
                times.append((time.thread_time() - started) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
                failed += result.status != 200
            walls.sort()
            times.sort()
            figures[kind] = {
                "queries": len(walls), "failed": failed,
                "p50_ms": round(_percentile(walls, 0.5), 2),
                "p95_ms": round(_percentile(walls, 0.95), 2),
                "cpu_p50_ms": round(_percentile(times, 0.5), 2),
                "cpu_p95_ms": round(_percentile(times, 0.95), 2),
            }  # fmt: skip
        return figures
    finally:
        instrumented.close()
