"""Nested lists as people write them: two, three or four spaces.

Python-Markdown nests a list only under four spaces, so "- a\\n  - b" (what
Discourse, GitHub and most editors produce) ran the items together.
mdx_truly_sane_lists makes the nesting width configurable, but only to one
width for the whole document, and four-space lists written before would then
break. These subclasses read the width from each list itself: the indentation
of its first nested item (two to four spaces), for that list and the blocks
indented under it, and put it back when the list ends.
"""

from __future__ import annotations

import re

from markdown.extensions import Extension
from mdx_truly_sane_lists.mdx_truly_sane_lists import (
    TrulySaneListIndentProcessor,
    TrulySaneOListProcessor,
    TrulySaneUListProcessor,
)

DEFAULT_WIDTH = 2
NESTED_ITEM = re.compile(r"^( {2,})(?:\d+\.|[*+-])[ ]+\S", re.MULTILINE)


def _current_width(parser) -> int:
    widths = getattr(parser, "list_indent_widths", None)
    return widths[-1] if widths else DEFAULT_WIDTH


class _WidthFromList:
    TAG: str
    tab_length: int
    # A blank line between items keeps them in one (loose) list, as everywhere else.
    truly_sane = False

    def _use_width(self, width: int) -> None:
        marker = r"\d+\." if self.TAG == "ol" else r"[*+-]"
        self.tab_length = width
        self.RE = re.compile(rf"^[ ]{{0,{width - 1}}}{marker}[ ]+(.*)")
        self.CHILD_RE = re.compile(rf"^[ ]{{0,{width - 1}}}(({marker}))[ ]+(.*)")
        self.INDENT_RE = re.compile(rf"^[ ]{{{width},{width * 2 - 1}}}((\d+\.)|[*+-])[ ]+.*")

    def run(self, parent, blocks):
        nested = NESTED_ITEM.search(blocks[0])
        width = min(len(nested.group(1)), 4) if nested else DEFAULT_WIDTH
        widths = self.parser.__dict__.setdefault("list_indent_widths", [])
        previous = self.tab_length
        widths.append(width)
        self._use_width(width)
        try:
            return super().run(parent, blocks)
        finally:
            widths.pop()
            self._use_width(previous)


class OrderedList(_WidthFromList, TrulySaneOListProcessor):
    pass


class UnorderedList(_WidthFromList, TrulySaneUListProcessor):
    pass


class IndentedUnderList(TrulySaneListIndentProcessor):
    """Blocks indented under a list item follow the width of the list they are in."""

    truly_sane = False

    def _follow_list(self) -> None:
        width = _current_width(self.parser)
        self.tab_length = width
        self.INDENT_RE = re.compile(rf"^(([ ]{{{width}}})+)")

    def test(self, parent, block):
        self._follow_list()
        return super().test(parent, block)

    def run(self, parent, blocks):
        self._follow_list()
        return super().run(parent, blocks)


class NestedListsExtension(Extension):
    def extendMarkdown(self, md):
        # Python-Markdown's own names and priorities for the list processors these replace.
        md.parser.blockprocessors.register(IndentedUnderList(md.parser), "indent", 95)
        md.parser.blockprocessors.register(OrderedList(md.parser), "olist", 50)
        md.parser.blockprocessors.register(UnorderedList(md.parser), "ulist", 40)
