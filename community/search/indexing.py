"""What the content services call to keep the search index in step.

Each call writes to the index inside the caller's transaction (no commit), so
the caller's one commit saves the content and its index entry together.
"""

from community.search.kinds.communities import community_changed
from community.search.kinds.discussions import (
    key_learning_changed,
    post_changed,
    thread_changed,
    thread_moved,
)
from community.search.kinds.methods import method_changed
from community.search.kinds.people import organisation_changed, person_changed, system_changed
from community.search.kinds.projects import project_changed

__all__ = [
    "community_changed",
    "key_learning_changed",
    "method_changed",
    "organisation_changed",
    "person_changed",
    "post_changed",
    "project_changed",
    "system_changed",
    "thread_changed",
    "thread_moved",
]
