"""The kinds of content search knows, each registered with `community.search.index`.

Each module says, for its content: the document it calls for, who may see it
(a SQL clause built from the content's own tables and `community.visibility`),
how to list every document for reindex/check, and how a result line reads.
Add a module here (and import it here) to make more content searchable.
"""

from community.search.index import Group, register_group
from community.search.kinds import (  # noqa: F401  (each registers its kinds)
    communities,
    discussions,
    methods,
    people,
    projects,
)

register_group(Group("discussions", "Discussions", ("discussion", "threads", "thread", "posts",
                                                    "post", "replies", "reply")))  # fmt: skip
register_group(Group("methods", "Methods", ("method", "adaptations", "adaptation")))
register_group(Group("projects", "Projects", ("project",)))
register_group(Group("people", "People", ("person", "members", "member")))
register_group(Group("communities", "Communities", ("community",)))
