"""The one Markdown renderer for every piece of text members write.

Python-Markdown turns source into HTML, then nh3 keeps only an allowlist of
tags and attributes, so raw HTML in the source, event handlers and script
links never reach a page. Everything that stores member-written Markdown keeps
the source, the HTML and RENDER_VERSION; bump the version when this function's
output changes so stored HTML can be re-rendered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from xml.etree import ElementTree

import markdown as md
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from community.core.markdown_lists import NestedListsExtension

# 3: lists nest under two, three or four spaces; bare web and email addresses become links;
# footnotes work; an image becomes a link to it, named by its alt text.
RENDER_VERSION = 3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "li": {"id"},
    "sup": {"id"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Column alignment as the align attribute the allowlist keeps (the default, style, is stripped).
MARKDOWN_EXTENSION_CONFIGS = {
    "tables": {"use_align_attribute": True},
    # Bare addresses become links; no shorthand for repositories or social accounts.
    "pymdownx.magiclink": {"hide_protocol": False},
}
# Footnotes keep only the ids their links need. The ids carry a hash of the source, so two posts
# on one page each reach their own notes.
FOOTNOTE_ID = re.compile(r"^fn(?:ref)?-[0-9a-f]{8}-[A-Za-z0-9_-]{1,40}$")
# @username, not inside a word or an email address.
MENTION_PATTERN = re.compile(r"(?<![\w@/])@([a-z][a-z0-9_-]{2,29})\b", re.IGNORECASE)


class ImagesAsLinks(Treeprocessor):
    """An image becomes a link to it, named by its alt text.

    Pictures from other sites stay blocked (they would tell that site who reads
    the post), but the reader still learns there was one and can open it.
    """

    def run(self, root: ElementTree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "img":
                    continue
                alt = (child.get("alt") or "").strip()
                src = child.get("src") or ""
                name = f"{alt} (image)" if alt else f"Image: {src}"
                if parent.tag == "a":  # already inside a link: a link may not hold another
                    replacement = ElementTree.Element("span")
                else:
                    replacement = ElementTree.Element("a", {"href": src})
                replacement.text = name
                replacement.tail = child.tail
                parent.remove(child)
                parent.insert(index, replacement)


class ImagesAsLinksExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(ImagesAsLinks(md), "images_as_links", 0)


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "id":
        return value if FOOTNOTE_ID.match(value) else None
    return value


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
    footnotes = hashlib.sha256(text.encode()).hexdigest()[:8]
    raw = md.markdown(
        text,
        extensions=[
            "tables",
            "fenced_code",
            "footnotes",
            "pymdownx.magiclink",
            NestedListsExtension(),
            ImagesAsLinksExtension(),
        ],
        extension_configs={
            **MARKDOWN_EXTENSION_CONFIGS,
            "footnotes": {"SEPARATOR": f"-{footnotes}-"},
        },
        output_format="html",
    )
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return Rendered(html=clean)
