"""Every model the tests need, built one way: through the real services where there is one.

One module per idea, and every builder importable from here (`from factories import
make_community, publish_method`):

* `communities`: communities (one `make_community`, open or private, with members),
  threads, posts, and clients signed in as a member.
* `methods`: methods, drafts, adaptations, and lineage trees made directly for query counts.
* `projects`: projects and measures (the `make_project` and `make_measure` fixtures) and
  their CSV data.
* `mentoring`: offers, requests, asks, mentorships, and the evidence the expertise
  finder ranks.
* `search`: content written for search tests, and the search service as a page calls it.

People, systems and organisations are fixtures of the root conftest (`make_user`,
`make_organisation`, `make_system`, and personas such as `member` and `admin`). Reading
pages, emails and query counts is in `helpers`.
"""

from factories.communities import (
    MemberClient,
    add_member,
    client_as,
    first_post,
    make_community,
    make_post,
    make_thread,
    notifications_for,
)
from factories.mentoring import (
    ask,
    ask_of,
    complete_mentorship,
    discussion_evidence,
    improving_project,
    methods_on,
    offer,
    request_for,
    start_mentorship,
    tag,
    visit,
)
from factories.methods import (
    adapt,
    approach,
    build_tree,
    content,
    context,
    draft_method,
    publish_method,
    switch_to,
)
from factories.projects import (
    START,
    csv_of,
    import_file,
    signed_rows,
    weekly,
)
from factories.search import (
    counts,
    documents_of,
    found,
    in_step,
    index_everyone,
    reply,
    results_html,
    search_as,
    start_thread,
    tab_counts,
)

__all__ = [
    "make_community",
    "add_member",
    "make_thread",
    "make_post",
    "first_post",
    "notifications_for",
    "MemberClient",
    "client_as",
    "approach",
    "content",
    "context",
    "publish_method",
    "draft_method",
    "adapt",
    "switch_to",
    "build_tree",
    "weekly",
    "csv_of",
    "import_file",
    "signed_rows",
    "START",
    "tag",
    "offer",
    "request_for",
    "ask",
    "ask_of",
    "start_mentorship",
    "complete_mentorship",
    "discussion_evidence",
    "visit",
    "methods_on",
    "improving_project",
    "start_thread",
    "reply",
    "index_everyone",
    "in_step",
    "search_as",
    "found",
    "counts",
    "results_html",
    "tab_counts",
    "documents_of",
]
