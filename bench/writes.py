"""Creating posts through the reply form while a thread page is being read.

One visitor posts replies one after another (each a POST with the CSRF token,
answered by a redirect once the post, its notifications and any emails are
committed; only the POST is timed, then the redirect is followed as a browser
would); at the same time wrk reads the thread's last page at the usual
concurrency. The number of posts and the time are both bounded.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.load import LoadResult, start_load
from bench.server import Visitor
from bench.text import Prose


@dataclass
class WriteResult:
    posts: int
    failures: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    reads: LoadResult | None


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def create_posts(
    visitor: Visitor,
    landmarks: dict,
    count: int,
    seconds: float,
    *,
    read_cookie: str | None = None,
    warm_up: float = 1.0,
) -> WriteResult:
    """Post up to `count` replies within `seconds`; with `read_cookie`, under read load."""
    thread = landmarks["thread"]
    last_page = f"{thread}?page={landmarks['thread_last_page']}"
    reply_path = f"/communities/{landmarks['community']}/threads/{landmarks['thread_id']}/reply"
    token = visitor.csrf_token(last_page)
    prose = Prose(random.Random(len(thread)))
    reads = None
    if read_cookie is not None:
        reads = start_load(visitor.host, last_page, read_cookie, seconds + warm_up)
        time.sleep(warm_up)
    latencies, failures = [], 0
    deadline = time.monotonic() + seconds
    try:
        while len(latencies) + failures < count and time.monotonic() < deadline:
            body = prose.post(50, 150)
            started = time.perf_counter()
            status, headers, _ = visitor.post(reply_path, {"csrf_token": token, "body": body})
            elapsed = (time.perf_counter() - started) * 1000
            if status == 302:
                latencies.append(elapsed)
                # As a browser would (and so the flashed message is shown, not piled up).
                target = urlsplit(headers["Location"])
                visitor.get(target.path + (f"?{target.query}" if target.query else ""))
            else:
                failures += 1
    finally:
        read_result = reads.result() if reads is not None else None
    ordered = sorted(latencies)
    return WriteResult(
        posts=len(latencies),
        failures=failures,
        p50_ms=_percentile(ordered, 0.50),
        p95_ms=_percentile(ordered, 0.95),
        p99_ms=_percentile(ordered, 0.99),
        reads=read_result,
    )
