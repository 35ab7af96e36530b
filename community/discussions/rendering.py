"""The posts of a thread page, each rendered once for every viewer who sees it the same way.

Rendering fifty posts through their Jinja macro is most of a thread page's
cost, and nearly every reader sees a given post the same way. So each post is
first reduced to a PostView: every fact its HTML shows, with the viewer's part
boiled down to a few yes/no answers (is it theirs, did they mark it helpful,
may they moderate …). The view is the cache key: a post edited, hidden,
removed, re-rendered, renamed by its author or quoting a post that changed
makes a different view, so a stale fragment can never match. The template
reads nothing but the view (see templates/discussions/_post.html).

A fragment holds a stand-in where each form's CSRF token goes, swapped for
the viewer's own token when the page is put together. The stand-in is a
random value made when the process starts, never shown to anyone, so no post
can contain it.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import datetime
from typing import NamedTuple

from flask import current_app, get_template_attribute, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from community.caching import LRU, store
from community.caching.pages import CSRF_STAND_IN
from community.core.timefmt import relative, utcnow
from community.discussions import quoting
from community.discussions.reading import ShownPost, ThreadPage


class Quote(NamedTuple):
    id: int
    author_name: str
    body_html: str  # the start of the quoted post, rendered (quoting.excerpt); "" when not shown
    shortened: bool  # there is more of the post than `html`


class PostView(NamedTuple):
    """One post as one kind of viewer sees it."""

    id: int
    position: int
    author_username: str | None  # None: the author's account is gone
    author_name: str
    created_at: datetime
    ago: str  # "3 hours ago" now; part of the key so the fragment ages with the post
    permalink: str
    edit_count: int
    is_removed: bool
    is_purged: bool  # removed by a site administrator, text and history
    is_hidden: bool
    hidden_reason: str
    shows_body: bool  # neither removed nor hidden from this viewer
    moderators_label: str
    is_reply: bool
    quote: Quote | None  # the quoted post, when this viewer may see it
    body_html: str
    is_key: bool
    helpful_count: int
    # What the viewer may do, and has done.
    mine: bool
    may_react: bool
    helpful_by_me: bool
    flagged_by_me: bool
    reply_url: str | None  # None: the viewer cannot reply here
    may_mark_key: bool
    may_moderate: bool
    may_purge: bool  # a site administrator, who may remove the post and its history for good
    # Links in the fragment start with the address the app is served under.
    script_root: str
    files: tuple = ()  # reading.FileView: the post's files, when the viewer sees its body


class ThreadPosts(NamedTuple):
    first: Markup  # the opening post, on the first page only
    replies: Markup


def _fragments() -> LRU:
    return store("post_fragments")


class Reader(NamedTuple):
    """What a post's view reads of its reader."""

    id: int | None  # None: a bystander, who wrote none of the posts and marked none
    is_confirmed: bool
    helpful_by_me: Set[int] = frozenset()
    flagged_by_me: Set[int] = frozenset()
    helpful_counts: Mapping[int, int] = {}  # noqa: RUF012  (post id: marks now, if read)


class PageViews:
    """Each post of a page as a reader sees it, and its HTML."""

    def __init__(self, page: ThreadPage, user, page_url: str, reply_url: str):
        self.page, self.user, self.page_url, self.now = page, user, page_url, utcnow()
        thread = page.thread
        self.common = {
            "moderators_label": thread.moderators_label,
            "reply_url": reply_url if not thread.is_locked and page.can_post else None,
            "may_moderate": page.can_facilitate,
            "may_purge": bool(user.is_admin),
            "script_root": request.script_root,
        }
        self.may_mark_key = thread.author_id == user.id or page.can_facilitate
        self.renderer = _Renderer(self.now)

    def reader(self) -> Reader:
        """The page's reader, with their marks."""
        page = self.page
        return Reader(self.user.id, self.user.is_confirmed, page.helpful_by_me,
                      page.flagged_by_me, page.helpful_counts)  # fmt: skip

    def bystander(self) -> Reader:
        """A reader who may do what the page's reader may, with no part in any post."""
        return Reader(None, self.user.is_confirmed)

    def author_of(self, post: ShownPost) -> Reader:
        """`post`'s author, who may do what the page's reader may, with no marks."""
        return Reader(post.author_id, self.user.is_confirmed)

    def view(self, post: ShownPost, reader: Reader) -> PostView:
        page = self.page
        mine = post.author_id is not None and post.author_id == reader.id
        quote = None
        if post.reply_to_id:
            quoted = page.quoted.get(post.reply_to_id)
            if quoted is not None and _may_see(quoted, reader, page):
                quoted_by = quoted.author_name or "a former member"
                # A reply opening with its own quote of a selected part shows just the link.
                shown = (
                    quoting.excerpt(quoted.body_source)
                    if not quoting.opens_with_quote(post.body_source)
                    else quoting.Excerpt("", False)
                )
                quote = Quote(quoted.id, quoted_by, shown.body_html, shown.shortened)
        body_html = post.body_html
        if post.reply_to_id and quote is None and quoting.opens_with_quote(post.body_source):
            # Words selected from a post no longer shown go with it (see quoting.py).
            body_html = quoting.without_opening_quote(body_html)
        shows_body = not post.is_removed and _may_see(post, reader, page)
        return PostView(
            id=post.id, position=post.position,
            author_username=post.author_username,
            author_name=post.author_name or "A former member",
            created_at=post.created_at, ago=relative(post.created_at, self.now),
            permalink=f"{self.page_url}#post-{post.id}",
            edit_count=post.edit_count, is_removed=post.is_removed, is_purged=post.is_purged,
            is_hidden=post.is_hidden, hidden_reason=post.hidden_reason,
            shows_body=shows_body, files=page.files.get(post.id, ()) if shows_body else (),
            is_reply=post.reply_to_id is not None, quote=quote, body_html=body_html,
            is_key=page.thread.key_post_id == post.id,
            helpful_count=reader.helpful_counts.get(post.id, post.helpful_count),
            mine=mine, may_react=not mine and reader.is_confirmed,
            helpful_by_me=post.id in reader.helpful_by_me,
            flagged_by_me=post.id in reader.flagged_by_me,
            may_mark_key=post.position > 1 and self.may_mark_key, **self.common,
        )  # fmt: skip

    def fragment(self, post: ShownPost, reader: Reader) -> Markup:
        """The post's HTML for `reader`, with CSRF_STAND_IN for the token."""
        return self.renderer.fragment(self.view(post, reader))

    def first_and_replies(self) -> tuple[list[ShownPost], list[ShownPost]]:
        page = self.page
        first = [page.first_post] if page.number == 1 and page.first_post else []
        replies = [p for p in page.posts if not (page.number == 1 and p.position == 1)]
        return first, replies


def thread_posts(page: ThreadPage, user, page_url: str, reply_url: str) -> ThreadPosts:
    """The HTML of a page's posts for `user`; `page_url` is the page's address."""
    views = PageViews(page, user, page_url, reply_url)
    reader, token = views.reader(), generate_csrf()
    first, replies = views.first_and_replies()
    return ThreadPosts(
        first=views.renderer.html([views.view(p, reader) for p in first], token),
        replies=views.renderer.html([views.view(p, reader) for p in replies], token),
    )


class OwnPosts(NamedTuple):
    """The posts a reader sees otherwise than a bystander (see `own_posts`)."""

    as_author: list[ShownPost]  # theirs, seen as any author sees their own post
    others: list[ShownPost]  # marked or flagged by them, quoting theirs, or counted anew


def own_posts(page: ThreadPage, user_id: int) -> OwnPosts:
    """The posts `user_id` sees otherwise than a bystander: their own, those quoting
    their hidden ones, those they marked or flagged, and those whose helpful count moved
    on since the page's rows were read."""
    own = OwnPosts([], [])
    # A quote shows otherwise only when the quoted post is hidden (from all but its author).
    theirs = {pid for pid, q in page.quoted.items() if q.author_id == user_id and q.is_hidden}
    for p in page.posts:
        marked = p.id in page.helpful_by_me or p.id in page.flagged_by_me
        counted_anew = page.helpful_counts.get(p.id, p.helpful_count) != p.helpful_count
        if p.author_id == user_id:
            (own.others if marked or counted_anew else own.as_author).append(p)
        elif marked or counted_anew or p.reply_to_id in theirs:
            own.others.append(p)
    return own


def _may_see(post: ShownPost, reader: Reader, page: ThreadPage) -> bool:
    """Hidden posts show to their author and the thread's moderators (removed ones to none)."""
    if post.is_removed:
        return False
    mine = post.author_id is not None and post.author_id == reader.id
    return not post.is_hidden or page.can_facilitate or mine


class _Renderer:
    def __init__(self, now: datetime):
        self.now, self.cache, self.macro = now, _fragments(), None
        # A template edited while the development server runs must show at once.
        self.enabled = not current_app.jinja_env.auto_reload

    def fragment(self, view: PostView) -> Markup:
        html = self.cache.get(view) if self.enabled else None
        if html is None:
            if self.macro is None:
                self.macro = get_template_attribute("discussions/_post.html", "render_post")
            html = self.macro(view, self.now, CSRF_STAND_IN)
            if self.enabled:
                self.cache.put(view, html)
        return html

    def html(self, views: list[PostView], token: str) -> Markup:
        joined = Markup("\n").join(self.fragment(v) for v in views)
        return joined.replace(CSRF_STAND_IN, token)  # the token is escaped, as in a template
