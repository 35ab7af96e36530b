"""Whole pages drawn once for every reader who sees them the same way, with holes for
what is each reader's own.

Most readers of a busy page see the same HTML, apart from a few small parts: the
header (their name, their unread count), the token in each form, the script
nonce. `render_with_holes` draws a page once with a stand-in where each of those
goes, and splits it there into a `PageWithHoles`; `fill` puts one reader's values
in. The caller keeps the split page (with `community.caching.kept`) under a
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
from types import MappingProxyType

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

from community.web.security import csp_nonce

_SECRET = secrets.token_hex(16)
# Cached HTML holds this where a form's CSRF token goes, and each page swaps in its
# reader's token. It is made at random when the process starts and never shown, so
# nothing a member writes can contain it.
CSRF_STAND_IN = f"csrf-stand-in-{secrets.token_hex(16)}"
_HOLE = re.compile(f"kept-hole-{_SECRET}-([a-z0-9-]+)-end")
_DRAWING = "_drawing_with_holes"


def hole(name: str) -> str:
    """The stand-in for the hole `name` (lower-case letters, digits and hyphens)."""
    return f"kept-hole-{_SECRET}-{name}-end"


def drawing_with_holes() -> bool:
    """Whether the page being drawn now is drawn with holes (see `render_with_holes`)."""
    return g.get(_DRAWING, False)


# Text and holes in turn: UTF-8 text at even places, hole names at odd ones.
Text = tuple[bytes | str, ...]


def split(html: str) -> Text:
    """`html` as text and holes in turn, each form's CSRF_STAND_IN being the hole "csrf"
    (replacing the token in a whole page cost more than filling its holes)."""
    parts = _HOLE.split(html.replace(CSRF_STAND_IN, hole("csrf")))
    parts[::2] = [text.encode() for text in parts[::2]]
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class PageWithHoles:
    """A page's HTML as UTF-8 text and holes in turn (see `Text`).

    Kept encoded: a thread page is about 170 KB, and encoding it on every response
    cost more than filling it.
    """

    parts: Text
    # The first moment it would be drawn differently for the same key (its "3 minutes
    # ago"s move on); None: never.
    good_until: datetime | None = None
    # Text kept with the page: what goes in each hole that a reader's values do not
    # fill, and other versions of it that the caller may choose for a reader. Its
    # only holes are tokens.
    kept: Mapping[str, Text] = field(default_factory=lambda: MappingProxyType({}))

    def is_good_at(self, moment: datetime) -> bool:
        return self.good_until is None or moment < self.good_until


def may_keep() -> bool:
    """Whether this request's page may be kept: not when it shows a flashed message, nor
    while templates may be edited (the development server)."""
    return not session.get("_flashes") and not current_app.jinja_env.auto_reload


def render_with_holes(
    draw: Callable[[], str],
    good_until: datetime | None = None,
    kept: Mapping[str, Text] | None = None,
) -> PageWithHoles:
    """What `draw()` renders, with a hole for the header ("header"), the script nonce
    ("nonce"), each form's token ("csrf") and the holes `draw` put in itself; `kept`
    is what goes in those (see `PageWithHoles`)."""
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
    return PageWithHoles(split(html), good_until, MappingProxyType(dict(kept or {})))


def fill(page: PageWithHoles, values: Mapping[str, str | Text]) -> bytes:
    """The page with `values` in its holes (HTML, or `Text` whose only holes are tokens;
    the caller gives the reader's header, `community.web.templating.header_html`), this
    response's nonce in its own, and this reader's CSRF token in its forms: a
    response's body."""
    token = generate_csrf()
    given = {"nonce": csp_nonce(), **values}
    own = {
        name: (text.replace(CSRF_STAND_IN, token).encode(),) if isinstance(text, str) else text
        for name, text in given.items()
    }
    token_bytes, kept, out = token.encode(), page.kept, []
    for i, part in enumerate(page.parts):
        if not i % 2:
            out.append(part)
        elif part == "csrf":
            out.append(token_bytes)
        else:
            for j, piece in enumerate(own[part] if part in own else kept[part]):
                out.append(token_bytes if j % 2 else piece)
    return b"".join(out)
