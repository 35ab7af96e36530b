"""How big each scale is, and how long each page is driven."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    systems: int
    organisations: int
    members: int
    communities: int
    threads: int
    posts: int  # including the long thread's
    long_thread_posts: int
    methods: int  # originals and adaptations
    projects: int
    mentors: int  # members offering mentoring
    # How long wrk drives each page after its warm-up, in seconds.
    warm_up_s: int
    duration_s: int
    # Posts created while reads run.
    writes: int


SCALES = {
    "small": Scale(
        name="small", systems=6, organisations=60, members=2_000, communities=30,
        threads=2_000, posts=20_000, long_thread_posts=5_000,
        methods=400, projects=400, mentors=200,
        warm_up_s=2, duration_s=5, writes=100,
    ),
    "full": Scale(
        name="full", systems=42, organisations=1_500, members=100_000, communities=300,
        threads=100_000, posts=1_000_000, long_thread_posts=5_000,
        methods=20_000, projects=20_000, mentors=10_000,
        warm_up_s=3, duration_s=10, writes=200,
    ),
}  # fmt: skip
