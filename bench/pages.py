"""The pages the benchmark drives, and the target each must meet.

A feature adds its page with one line in PAGES. The path is a format string
over the landmarks its generator phase recorded (see bench/generators/), e.g.

    Page("method", "/methods/{method}", p95_ms=100),
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

    def url(self, landmarks: dict) -> str:
        return self.path.format(**landmarks)


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
)  # fmt: skip

FLOOR_PATH = "/bench/floor"
# Creating a post, with its notifications, while a thread page is being read.
WRITE_P95_MS = 50.0
WORKER_RSS_MB = 250.0
