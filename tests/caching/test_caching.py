"""The one caching design: every cache declared in one table, none made elsewhere,
values that cannot change under a reader, and one call that empties them all.

`frozen_problem` is also what tests/conftest.py checks every value put in any
cache against, for the whole suite.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import MappingProxyType

import pytest
from helpers import frozen_problem

from community import caching
from community.caching import stores

PACKAGE = Path(caching.__file__).parents[1]
# Functions cached with functools that hold no content: statements built once (they
# take shapes, never rows), and a file shipped with the code.
BUILT_ONCE = {
    "visibility.py": {"_class_facts", "_membership"},
    "notifications/inbox.py": {"_unread_statement"},
    "discussions/reading.py": {"_marks_statement"},
    "discussions/feed.py": {"_newest_merged"},
    "accounts/passwords.py": {"common_passwords"},
}


def test_every_cache_made_outside_the_caching_package_is_a_statement_built_once():
    found = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("caching/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = ast.unparse(target)
                    if name.split(".")[-1] in {"cache", "lru_cache", "cached_property"}:
                        found.setdefault(relative, set()).add(node.name)
            elif isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in {
                "LRU", "Expiring", "OrderedDict"
            }:  # fmt: skip
                found.setdefault(relative, set()).add(f"{ast.unparse(node.func)}(…)")
    assert found.keys() >= BUILT_ONCE.keys(), "the list of statements built once is out of date"
    unexpected = {
        module: sorted(names - BUILT_ONCE.get(module, set()))
        for module, names in found.items()
        if names - BUILT_ONCE.get(module, set())
    }
    assert not unexpected, (
        f"caches made outside community/caching: {unexpected}; declare them in "
        "community/caching/stores.py CACHES and use caching.store(name)"
    )


def test_the_caching_page_lists_every_cache():
    page = (PACKAGE.parent / "docs" / "caching.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `") for line in page.splitlines() if line.startswith("| `")}
    assert rows == set(caching.CACHES)


def test_a_cache_that_is_not_declared_is_refused(app):
    with app.app_context(), pytest.raises(KeyError):
        caching.store("answers_nobody_declared")


def test_only_a_cache_that_ends_with_the_content_version_may_keep_by_it(app, db):
    with app.test_request_context(), pytest.raises(ValueError, match="post_fragments"):
        caching.kept("post_fragments", "key", lambda: "value")
    with app.test_request_context(), pytest.raises(ValueError, match="thread_pages"):
        caching.kept("thread_pages", "key", lambda: "value")  # (without its thread's version)
    with app.test_request_context(), pytest.raises(ValueError, match="lineage_pages"):
        caching.kept("lineage_pages", "key", lambda: "value", thread_version=1)


def test_every_declared_cache_says_what_may_show_late(app):
    for cache in caching.CACHES.values():
        assert cache.ends in {stores.INPUTS, stores.CONTENT, stores.THREAD, stores.SECONDS}, (
            cache.name
        )
        assert cache.late and cache.holds and cache.key, cache.name
        assert (cache.seconds is not None) == (cache.ends == stores.SECONDS), cache.name
        if cache.seconds:
            assert cache.seconds in app.config, cache.name
        assert cache.size(app) >= 0


def test_forget_all_empties_every_cache(app):
    with app.app_context():
        app.config["POST_CACHE_ENTRIES"], before = 10, app.config["POST_CACHE_ENTRIES"]
        try:
            for name in caching.CACHES:
                stores.remake(name)
                stores.store(name).put("key", "value")
            kept = [n for n in caching.CACHES if caching.store(n).get("key") == "value"]
            assert "post_fragments" in kept and "thread_pages" in kept
            caching.forget_all()
            assert all(caching.store(n).get("key") is None for n in caching.CACHES)
        finally:
            app.config["POST_CACHE_ENTRIES"] = before
            stores.remake("post_fragments")


def test_an_entry_with_a_lifetime_is_forgotten_after_it(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(stores.time, "monotonic", lambda: now[0])
    kept = stores.LRU(10, seconds=60)
    kept.put("panel", ("someone",))
    now[0] += 59
    assert kept.get("panel") == ("someone",)
    now[0] += 2
    assert kept.get("panel") is None
    assert stores.LRU(10, seconds=0).get("panel") is None


def test_the_least_recently_used_entry_goes_first():
    kept = stores.LRU(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1
    kept.put("c", 3)
    assert kept.get("b") is None and kept.get("a") == 1 and kept.get("c") == 3


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (("a", 1, MappingProxyType({1: "x"})), None),
        (["a"], "value is a list, which can change"),
        (("a", {"b": 1}), "value[1] is a dict, which can change"),
    ],
)
def test_what_counts_as_frozen(value, problem):
    assert frozen_problem(value) == problem


def test_an_orm_object_is_never_frozen(member):
    assert "ORM object" in frozen_problem((member,))
