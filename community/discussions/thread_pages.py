"""A page of a thread, drawn once for every reader who sees it alike and filled in for each.

Nearly every reader of a busy thread sees the same page. It is drawn with holes
for each reader's own posts, header and tokens (`community.caching.pages`) and
kept (`community.caching.kept`) until this thread, or anything not confined to
one thread, is altered (the thread's own version and the shared one), under a
key holding everything else the page shows: the thread, the page, its post
count and key learning, what the reader may do, their watch setting, the "who
else is working on this" panel as they see it. A reader's own posts go in as
their author sees them (kept with the page); the few posts they marked,
flagged, whose count moved on, or that quote their hidden posts are drawn for
them.
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from community import caching
from community.caching import pages as kept_pages
from community.core.timefmt import relative_until
from community.discussions import reading, rendering
from community.discussions.forms import ReplyForm, WatchForm
from community.discussions.links import post_url, thread_links, thread_url
from community.discussions.models import Thread
from community.search.working_on import working_on
from community.web.forms import ActionForm
from community.web.templating import header_html


def show(thread: Thread, number: int, **context) -> bytes | str:
    """Page `number` of `thread` for the signed-in reader; `context` goes to the template
    (and into the key)."""
    user = current_user._get_current_object()  # (read often below: not through the proxy)
    page = reading.thread_page(thread, user, number)
    panel = working_on(user, thread.title, thread_id=thread.id, leave_out=[thread.author_id])
    if not kept_pages.may_keep():
        return _draw(page, panel, context)
    key = (
        thread.id, page.number, thread.post_count, thread.key_post_id, page.key_post is not None,
        page.can_facilitate, page.can_post, user.is_confirmed, thread.author_id == user.id,
        bool(user.is_admin),  # (a site administrator may purge posts)
        page.watch_level, panel, tuple(sorted(context.items())), request.script_root,
    )  # fmt: skip
    drawn = caching.kept(
        "thread_pages", key, lambda: _draw_with_holes(page, panel, context),
        # (by the clock the posts' ages are written by)
        still_good=lambda drawn: drawn.is_good_at(rendering.utcnow()),
        thread_version=thread.content_version,
    )  # fmt: skip
    own = rendering.own_posts(page, user.id)
    values = {f"post-{p.id}": drawn.kept[f"post-{p.id}-as-author"] for p in own.as_author}
    values["header"] = header_html()  # (which draws its own hole)
    if own.others:
        views = _views(page)
        reader = views.reader()
        values |= {f"post-{p.id}": views.fragment(p, reader) for p in own.others}
    return kept_pages.fill(drawn, values)


def _views(page: reading.ThreadPage) -> rendering.PageViews:
    thread = page.thread
    links = thread_links(thread)
    return rendering.PageViews(page, current_user, thread_url(thread, page.number), links["reply"])


def _draw_with_holes(page: reading.ThreadPage, panel, context: dict) -> kept_pages.PageWithHoles:
    """The page as a bystander of the reader's kind sees it, with a hole for each post."""
    views = _views(page)
    bystander = views.bystander()
    first, replies = views.first_and_replies()
    fragments = {}
    for p in first + replies:
        fragments[f"post-{p.id}"] = kept_pages.split(views.fragment(p, bystander))
        if p.author_id is not None:  # (the reader may be its author: see `show`)
            as_author = views.fragment(p, views.author_of(p))
            fragments[f"post-{p.id}-as-author"] = kept_pages.split(as_author)
    posts = rendering.ThreadPosts(
        first=Markup("".join(kept_pages.hole(f"post-{p.id}") for p in first)),  # noqa: S704
        replies=Markup("\n".join(kept_pages.hole(f"post-{p.id}") for p in replies)),  # noqa: S704
    )
    good_until = min(
        (u for p in first + replies if (u := relative_until(p.created_at, views.now))),
        default=None,
    )
    return kept_pages.render_with_holes(
        lambda: _draw(page, panel, context, posts), good_until, fragments
    )


def _draw(page: reading.ThreadPage, panel, context: dict, posts=None) -> str:
    thread = page.thread
    links = thread_links(thread)
    if posts is None:
        posts = rendering.thread_posts(
            page, current_user, thread_url(thread, page.number), links["reply"]
        )
    return render_template(
        "discussions/thread.html",
        thread=thread,
        page=page,
        posts=posts,
        links=links,
        working_on=panel,
        reply_form=ReplyForm(),
        action_form=ActionForm(),
        watch_form=WatchForm(level=page.watch_level),
        post_url=lambda post: post_url(post, thread),
        page_link=lambda n: thread_url(thread, n),
        **context,
    )
