"""Whole pages drawn once for every reader who sees them the same way, with holes for
what is each reader's own.

Most readers of a busy page see the same HTML, apart from a few small parts: the
header (their name, their unread count), the token in each form, the script
nonce. `render_with_holes` draws a page once with a stand-in where each of those
goes, and splits it there into a `PageWithHoles`; `fill` puts one reader's values
in. The caller keeps the split page (with `community.generation.kept`) under a
key holding everything else the page shows its readers: which way each control
is drawn, what the reader may do, the page's rows.

A stand-in is made of a random value chosen when the process starts, which is
never shown, so nothing a member writes can contain one. A page that shows a
flashed message is never kept: the message is one reader's, once.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask import g, session
from flask_wtf.csrf import generate_csrf

from community.cache import CSRF_STAND_IN
from community.security import csp_nonce

_SECRET = secrets.token_hex(16)
_HOLE = re.compile(f"kept-hole-{_SECRET}-([a-z0-9-]+)-end")
_DRAWING = "_drawing_with_holes"
CSRF_BYTES = CSRF_STAND_IN.encode()


def hole(name: str) -> str:
    """The stand-in for the hole `name` (lower-case letters, digits and hyphens)."""
    return f"kept-hole-{_SECRET}-{name}-end"


def drawing_with_holes() -> bool:
    """Whether the page being drawn now is drawn with holes (see `render_with_holes`)."""
    return g.get(_DRAWING, False)


@dataclass(frozen=True, slots=True)
class PageWithHoles:
    """A page's HTML as UTF-8 text and holes in turn: parts[0], hole name, parts[2], …

    Kept encoded: a thread page is about 170 KB, and encoding it on every response
    cost more than filling it.
    """

    parts: tuple[bytes | str, ...]  # text (bytes) at even places, hole names at odd ones
    # The first moment it would be drawn differently for the same key (its "3 minutes
    # ago"s move on); None: never.
    good_until: datetime | None = None
    # Text kept with the page: what goes in each hole that a reader's values do not
    # fill, and other versions of it that the caller may choose for a reader.
    kept: Mapping[str, bytes] = field(default_factory=dict)

    def is_good_at(self, moment: datetime) -> bool:
        return self.good_until is None or moment < self.good_until


def may_keep() -> bool:
    """Whether this request's page may be kept: not when it shows a flashed message."""
    return not session.get("_flashes")


def render_with_holes(draw: Callable[[], str], good_until: datetime | None = None) -> PageWithHoles:
    """What `draw()` renders, with a hole for the header ("header"), the script nonce
    ("nonce") and the holes `draw` put in itself; every form's token stays a
    CSRF_STAND_IN, for `fill` to replace."""
    token = generate_csrf()  # (the session gets its CSRF secret now, as on any page)
    g.csrf_token, g.csp_nonce, previous_nonce = CSRF_STAND_IN, hole("nonce"), g.get("csp_nonce")
    setattr(g, _DRAWING, True)
    try:
        html = draw()
    finally:
        g.csrf_token = token
        g.pop(_DRAWING)
        if previous_nonce is None:
            g.pop("csp_nonce")
        else:
            g.csp_nonce = previous_nonce
    parts = _HOLE.split(html)
    parts[::2] = [text.encode() for text in parts[::2]]
    return PageWithHoles(tuple(parts), good_until)


def fill(page: PageWithHoles, values: Mapping[str, str | bytes]) -> bytes:
    """The page with `values` in its holes, this reader's header and this response's
    nonce in theirs, and this reader's CSRF token in its forms: a response's body."""
    from community.templating import header_html  # (which draws its own hole)

    own = {"nonce": csp_nonce(), "header": header_html(), **values}
    filled = page.kept | {
        name: text if isinstance(text, bytes) else text.encode() for name, text in own.items()
    }
    parts = page.parts
    html = b"".join([part if i % 2 == 0 else filled[part] for i, part in enumerate(parts)])
    return html.replace(CSRF_BYTES, generate_csrf().encode())
