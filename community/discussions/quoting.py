"""Quotes: the quoted post shown rendered and shortened, and a quote of a selected part.

A reply is linked to the post it answers (`Post.reply_to_id`, always a post of
the same thread). Above the reply the page shows that post as readers see it,
rendered (headings, bold, lists), cut at a paragraph or line near
QUOTE_CHARS with a link to the whole post: never its raw Markdown.

A member who selects part of a post before pressing Reply quotes just that
part (static/js/editor.js sends it as `quote`): the words become a Markdown
blockquote at the top of the reply, which keeps its link to the post. The
server takes the words only when they are in the quoted post, and the quoted
post must be in the thread, so a quote never brings in another thread's text
nor puts words in someone's mouth. A reply that opens with its own blockquote
shows only "In reply to …" above it, not the post's start as well.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from community.caching import store
from community.core.markdown import render_markdown

QUOTE_CHARS = 500  # of Markdown source shown above a reply before it is cut
SELECTION_CHARS = 2000  # the most of a selection taken into a reply


class Excerpt(NamedTuple):
    body_html: str  # sanitised by render_markdown
    shortened: bool  # True: there is more of the post than the excerpt shows


def _cut(source: str, limit: int) -> str:
    """The source up to `limit` characters, cut at a paragraph, else a line, else a word."""
    head = source[:limit]
    for mark in ("\n\n", "\n", " "):
        at = head.rfind(mark)
        if at >= limit // 3:
            return head[:at].rstrip()
    return head.rstrip()


def excerpt(source: str, limit: int = QUOTE_CHARS) -> Excerpt:
    """The start of a post's Markdown, rendered, as a quote shows it."""
    cache = store("quote_excerpts")  # (sources up to 20,000 characters each)
    found = cache.get((source, limit))
    if found is None:
        found = _excerpt(source, limit)
        cache.put((source, limit), found)
    return found


def _excerpt(source: str, limit: int) -> Excerpt:
    text = (source or "").strip()
    if len(text) <= limit:
        return Excerpt(render_markdown(text).html, False)
    return Excerpt(render_markdown(_cut(text, limit) + " …").html, True)


def opens_with_quote(source: str | None) -> bool:
    """Does a reply start with a Markdown blockquote (a quote of a selected part)?"""
    return (source or "").lstrip().startswith(">")


_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_`~#>\[\]()|\\-]")


def _plain(text: str) -> str:
    return _SPACE.sub(" ", _MARKUP.sub(" ", text)).strip().lower()


def selection_quote(selection: str | None, quoted_source: str) -> str | None:
    """The Markdown a reply starts with to quote `selection` of a post, or None.

    None when nothing was selected or the words are not in the post (compared
    without Markdown marks or line breaks, since the browser gives the words as
    they read, not as they were written).
    """
    words = (selection or "").strip()[:SELECTION_CHARS].strip()
    if not words or not _plain(words) or _plain(words) not in _plain(quoted_source):
        return None
    lines = [line.strip() for line in words.replace("\r\n", "\n").split("\n") if line.strip()]
    # Each line the reader saw (a paragraph, a list item) stays a line of its own.
    return "\n>\n".join(f"> {line}" for line in lines) + "\n\n"


_BLOCKQUOTE_TAG = re.compile(r"<(/?)blockquote\b[^>]*>")


def without_opening_quote(body_html: str) -> str:
    """A reply's HTML without the blockquote it opens with.

    Shown when the quoted post is no longer shown to the reader (hidden, removed,
    purged): the words a member selected from it go with it, as a whole-post quote does.
    """
    html = body_html.lstrip()
    if not html.startswith("<blockquote"):
        return body_html
    depth = 0
    for tag in _BLOCKQUOTE_TAG.finditer(html):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[tag.end() :].lstrip()
    return ""
