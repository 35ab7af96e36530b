"""The pages the benchmark drives, and the target each must meet.

A feature adds its page with one line in PAGES. The path is a format string
over the landmarks its generator phase recorded (see bench/generators/), e.g.

    Page("method", "/methods/{method}", p95_ms=100),

A page with `queries` is driven with a different query on every request, from
that list in bench/diverse.py ("search" or "expertise"); its path is unused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    p95_ms: float = 100.0
    # The least share of the floor's requests per second this page must serve.
    min_floor_share: float | None = None
    # A page that must cost no more than another (e.g. the last page of a long thread).
    no_costlier_than: str | None = None
    # A different query on every request, from this list in bench/diverse.py.
    queries: str | None = None

    def url(self, landmarks: dict) -> str:
        """The page's one path (a page of diverse queries: the first one)."""
        return self.paths(landmarks)[0]

    def paths(self, landmarks: dict) -> list[str]:
        """Every path the page is driven with, in order."""
        if self.queries:
            from bench import diverse

            return diverse.paths(self.queries)
        return [self.path.format(**landmarks)]

    def warm_up_paths(self, landmarks: dict) -> list[str]:
        """What the server is warmed up with: other queries than those measured."""
        if self.queries:
            from bench import diverse

            return diverse.warm_up_paths(self.queries)
        return self.paths(landmarks)


PAGES = (
    Page("home", "/"),
    Page("community", "/communities/{community}"),
    Page("thread_first", "{thread}", p95_ms=50, min_floor_share=0.2),
    Page("thread_last", "{thread}?page={thread_last_page}", p95_ms=50, min_floor_share=0.2,
         no_costlier_than="thread_first"),
    Page("people", "/people"),
    Page("profile", "/people/{profile}"),
    Page("communities", "/communities"),
    Page("notifications", "/notifications"),
    Page("method", "{method}"),
    Page("method_lineage", "{method}/lineage"),
    Page("project", "{project}"),
    Page("measure", "{measure}"),
    Page("search_common", "/search?q=discharge", p95_ms=100),
    Page("search_rare", "/search?q={rare_word}", p95_ms=100),
    Page("search_phrase", "/search?q=%22special+cause+variation%22", p95_ms=100),
    Page("expertise", "/people?topic=discharge", p95_ms=150),
    Page("mentor_suggestions", "{suggestions}", p95_ms=150),
    # A different query on every request, 6 000 of them (bench/diverse.py).
    Page("search_diverse", "/search?q=…", p95_ms=100, queries="search"),
    Page("expertise_diverse", "/people?topic=…", p95_ms=150, queries="expertise"),
)  # fmt: skip

FLOOR_PATH = "/bench/floor"
# Creating a post, with its notifications, while a thread page is being read.
WRITE_P95_MS = 50.0
WORKER_RSS_MB = 250.0
# The thread pages measured under those edits, judged against the floor.
THREAD_PAGES = ("thread_first", "thread_last")
