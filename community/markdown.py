"""The one Markdown renderer for every piece of text members write.

Python-Markdown turns source into HTML, then nh3 keeps only an allowlist of
tags and attributes, so raw HTML in the source, event handlers and script
links never reach a page. Everything that stores member-written Markdown keeps
the source, the HTML and RENDER_VERSION; bump the version when this function's
output changes so stored HTML can be re-rendered.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import markdown as md
import nh3

RENDER_VERSION = 2

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
# Column alignment as the align attribute the allowlist keeps (the default, style, is stripped).
MARKDOWN_EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}
# @username, not inside a word or an email address.
MENTION_PATTERN = re.compile(r"(?<![\w@/])@([a-z][a-z0-9_-]{2,29})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rendered:
    html: str
    version: int = RENDER_VERSION


def mentioned_usernames(source: str | None) -> set[str]:
    return {name.lower() for name in MENTION_PATTERN.findall(source or "")}


def _link_mentions(source: str, usernames: Collection[str]) -> str:
    def link(match: re.Match) -> str:
        name = match.group(1).lower()
        return f"[@{name}](/people/{name})" if name in usernames else match.group(0)

    return MENTION_PATTERN.sub(link, source)


def render_markdown(source: str | None, mentions: Collection[str] = ()) -> Rendered:
    """Render member-written Markdown to sanitised HTML.

    `mentions` are the usernames that exist; an @mention of one becomes a link
    to that member's profile.
    """
    text = source or ""
    if mentions:
        text = _link_mentions(text, mentions)
    raw = md.markdown(
        text,
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs=MARKDOWN_EXTENSION_CONFIGS,
        output_format="html",
    )
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return Rendered(html=clean)
