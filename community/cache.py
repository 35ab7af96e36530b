"""Small in-process caches for work many requests repeat: an SPC chart, a post's HTML.

Each app process (each gunicorn worker) keeps its own; nothing is shared
between workers, so a cache only ever saves work and never decides what a
page shows. A cached value is found by a key that holds everything it was
made from (a version number, or the inputs themselves), so a change makes a
new key rather than waiting for an old entry to be thrown away.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import current_app

# Cached HTML holds this where a form's CSRF token goes, and each page swaps in its
# reader's token. It is made at random when the process starts and never shown, so
# nothing a member writes can contain it.
CSRF_STAND_IN = f"csrf-stand-in-{secrets.token_hex(16)}"


class LRU:
    """A thread-safe least-recently-used cache holding at most `size` entries."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def __len__(self) -> int:
        return len(self.items)


class Expiring(LRU):
    """An LRU whose entries are forgotten `seconds` after they were put (0: keeps nothing).

    For values that cannot be keyed by everything they were made from (who has
    written about a topic lately): a change shows within `seconds`.
    """

    def __init__(self, size: int, seconds: float):
        super().__init__(size if seconds > 0 else 0)
        self.seconds = seconds

    def get(self, key: Hashable) -> Any:
        entry = super().get(key)
        if entry is None or time.monotonic() - entry[0] >= self.seconds:
            return None
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        super().put(key, (time.monotonic(), value))


def kept(name: str, entries: int, seconds_setting: str) -> Expiring:
    """This app's Expiring cache `name`, its entries kept for the config's `seconds_setting`."""
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = Expiring(entries, current_app.config[seconds_setting])
        current_app.extensions[name] = cache
    return cache
