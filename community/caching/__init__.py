"""Every cache the application keeps, and the one rule each follows.

A cache only saves work: each app process (gunicorn worker) keeps its own, so
none decides what a page shows, and none may show what a reader may not see
or what was taken away. Each is declared once, in `stores.CACHES`, with what
it holds, its key, its size and how its entries end; `store(name)` finds it,
and a name not declared there is refused. Cached values are immutable (tuples,
frozen dataclasses, strings), never ORM objects.

An entry ends in one of three ways:

* INPUTS: its key holds everything the value is made from (a post's HTML is
  keyed by every value it is drawn from): a change makes a new key, and the
  old entry is never asked for again;
* CONTENT: its key holds the content version (`versions.py`), which goes up
  in the same transaction as any change that may alter or take away what a
  cached page shows, on whichever app server made it; `changes.py` reads that
  from the statements' structure and counts whatever it cannot classify as an
  alteration. New things may show up to NEW_CONTENT_WAIT_SECONDS late;
* SECONDS: for three rankings that cannot be keyed by what they read (mentor
  suggestions, popular expertise, who else is working on this), after a few
  minutes at most; each says what it re-checks on every view.

`pages.py` draws a page once with holes for each reader's own parts (thread
pages use it). `forget_all()` empties every cache (the tests do between
tests). docs/caching.md has the table as a reader sees it, and what each
cache is worth.
"""

from community.caching.stores import CACHES, LRU, forget_all, store
from community.caching.versions import kept

__all__ = ["CACHES", "LRU", "forget_all", "kept", "store"]
