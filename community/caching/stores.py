"""The caches themselves: each one declared in CACHES, found by name with `store()`.

A cache belongs to one app (`current_app.extensions`), so each gunicorn worker
keeps its own and tests that make a new app start empty. A name that is not
declared is refused: a cache cannot appear without a line in the table.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

# How a cache's entries end (the "ends" column of the table in community/caching/__init__.py).
INPUTS = "its key holds everything the value is made from: a change makes a new key"
CONTENT = "the content version (versions.py): any alteration, on any app server, ends it"
THREAD = (
    "the thread's own version and the shared content version (versions.py): an "
    "alteration of that thread, or one not confined to a thread, on any app server, "
    "ends it"
)
SECONDS = "after its setting's number of seconds"


@dataclass(frozen=True)
class Cache:
    """One cache: what it holds, by what key, how many entries at most, and how it ends."""

    name: str
    holds: str
    key: str
    entries: int | str  # a number, or the configuration setting that gives it
    ends: str  # INPUTS, CONTENT, THREAD or SECONDS
    late: str  # what a reader may see late because of it, and for how long
    seconds: str | None = None  # the setting with the seconds, for SECONDS

    def size(self, app: Flask) -> int:
        if self.name in app.config["CACHES_OFF"]:
            return 0  # (switched off: to measure what it is worth)
        return app.config[self.entries] if isinstance(self.entries, str) else self.entries

    def lifetime(self, app: Flask) -> float | None:
        if self.ends == SECONDS:
            return app.config[self.seconds]
        if self.ends in (CONTENT, THREAD):
            return app.config["KEPT_ANSWER_SECONDS"]
        return None


NOTHING_LATE = "nothing"
ADDITIONS_LATE = (
    "an addition (a reply, a helpful mark) for NEW_CONTENT_WAIT_SECONDS (15 s); "
    "nothing taken away or altered"
)

# Every cache the application keeps. docs/caching.md explains them; tests/caching/test_caching.py
# checks that no cache is made anywhere else.
CACHES: dict[str, Cache] = {c.name: c for c in (
    Cache("post_fragments", "a post's HTML as a kind of reader sees it",
          "every value the post is drawn from, as the reader sees it (author's name, body "
          "HTML, age, counts, what they may do)",
          "POST_CACHE_ENTRIES", INPUTS, NOTHING_LATE),
    Cache("page_headers", "the site header's HTML (about 4 KB)",
          "section, reader id, username, name, admin or not, unread count", 2000, INPUTS,
          NOTHING_LATE),
    Cache("component_html", "an NHS.UK form component's HTML",
          "the component and every parameter but filled text (drawn in each time)", 1000,
          INPUTS, NOTHING_LATE),
    Cache("quote_excerpts", "the start of a post's Markdown, rendered, as a quote shows it",
          "the Markdown text and the length", 1024, INPUTS, NOTHING_LATE),
    Cache("mentor_reasons", "the words that say which areas a mentor covers",
          "the areas", 1024, INPUTS, NOTHING_LATE),
    Cache("measure_views", "a measure's SPC analysis and chart",
          "measure id and creation time, its data version, its PDSA cycles' dates and labels",
          128, INPUTS, NOTHING_LATE),
    Cache("thread_rows", "a thread page's 50 posts and the posts they quote, as plain rows",
          "thread, page, post count, key learning; and the thread's own and the shared "
          "content version", 100, THREAD, ADDITIONS_LATE),
    Cache("thread_pages", "a thread page drawn once with holes for each reader's own parts",
          "thread, page, what the reader may do, their watch setting, the side panel; "
          "and the thread's own and the shared content version", 100, THREAD, ADDITIONS_LATE),
    Cache("lineage_pages", "a method's family tree page as a kind of reader sees it",
          "method, the reader's visibility class; and the content version", 32, CONTENT,
          ADDITIONS_LATE),
    Cache("working_on_rankings", "who is ranked for a 'who else is working on this' panel, "
          "and their evidence's ids (no words, no names)",
          "the page's title and the people it leaves out, the reader's visibility class",
          500, SECONDS,
          "who appears and in what order, for WORKING_ON_RANKING_SECONDS (120 s); every "
          "piece of evidence is checked, as it is now, each time a panel is drawn",
          seconds="WORKING_ON_RANKING_SECONDS"),
    Cache("working_on_panels", "a 'who else is working on this' panel as a kind of reader "
          "sees it, drawn from its kept ranking",
          "the ranking's key and the ranking, the reader if they are among those ranked; and "
          "the content version", 500, CONTENT, ADDITIONS_LATE),
    Cache("mentor_suggestions", "a mentoring request's ranking of mentors",
          "everything the request asks for", 500, SECONDS,
          "the order and words of suggestions for MENTOR_SUGGESTIONS_CACHE_SECONDS (120 s); "
          "who may be suggested is checked on every view",
          seconds="MENTOR_SUGGESTIONS_CACHE_SECONDS"),
    Cache("popular_tags", "how many members declared each of the commonest areas of expertise",
          "how many areas", 8, SECONDS,
          "the counts in the people directory's filter for POPULAR_TAGS_CACHE_SECONDS (300 s)",
          seconds="POPULAR_TAGS_CACHE_SECONDS"),
)}  # fmt: skip


class LRU:
    """A thread-safe least-recently-used cache holding at most `size` entries, each
    forgotten `seconds` after it was put (None: kept until pushed out)."""

    def __init__(self, size: int, seconds: float | None = None):
        if seconds is not None and seconds <= 0:
            size = 0  # (keeps nothing)
        self.size, self.seconds = size, seconds
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            entry = self.items.get(key)
            if entry is None:
                return None
            put_at, value = entry
            if self.seconds is not None and time.monotonic() - put_at >= self.seconds:
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.items[key] = (time.monotonic(), value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()

    def __len__(self) -> int:
        return len(self.items)

    def values(self) -> list:
        with self.lock:
            return [value for _put_at, value in self.items.values()]


_EXTENSION = "caching"


def store(name: str) -> LRU:
    """This app's cache `name`, as CACHES declares it."""
    stores = current_app.extensions.setdefault(_EXTENSION, {})
    found = stores.get(name)
    if found is None:
        declared = CACHES[name]  # (a KeyError: declare the cache in CACHES first)
        found = stores[name] = LRU(declared.size(current_app), declared.lifetime(current_app))
    return found


def forget_all(app: Flask | None = None) -> None:
    """Empty every cache of `app` (this app by default)."""
    for found in (app or current_app).extensions.get(_EXTENSION, {}).values():
        found.clear()


def remake(name: str, app: Flask | None = None) -> None:
    """Throw away this app's cache `name`, so the next `store(name)` makes it again from the
    configuration as it is then (a test that changes a cache's setting)."""
    (app or current_app).extensions.get(_EXTENSION, {}).pop(name, None)
