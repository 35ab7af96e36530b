"""Rate limits shared by several blueprints.

The limits themselves are configuration (config.py, each one an environment
variable); their counters live in RATELIMIT_STORAGE_URI, which is Redis when
REDIS_URL is set, so every app server counts against the same limit.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from community.core.extensions import limiter


def configured(name: str):
    """A limit read from the app's configuration when the request is counted."""
    return lambda: current_app.config[name]


def _member_key() -> str:
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return f"address:{request.remote_addr}"


# Starting a thread or replying, anywhere (a community, a method's or a
# project's discussion), counts against one per-member limit. Only a post that
# was saved (the redirect after it) is counted.
posting_limit = limiter.shared_limit(
    configured("POST_LIMIT_PER_MEMBER"),
    scope="posting",
    key_func=_member_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 302,
)

# The editor's preview renders Markdown, as a post does: counted per member like posting,
# but every request counts (a preview saves nothing, so there is no redirect to wait for).
preview_limit = limiter.shared_limit(
    configured("PREVIEW_LIMIT_PER_MEMBER"),
    scope="preview",
    key_func=_member_key,
    methods=["POST"],
)

# The suggestions of people as a member types a name in a form (GET /people/lookup).
people_lookup_limit = limiter.shared_limit(
    configured("PEOPLE_LOOKUP_LIMIT_PER_MEMBER"), scope="people-lookup", key_func=_member_key
)
