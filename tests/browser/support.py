"""Reading the database from a browser test without holding up the live server.

Outside a request, every SQLite transaction begins with BEGIN IMMEDIATE
(community/core/database.py), so a test that has merely read a model attribute
holds the database's write lock until its transaction ends, and the live
server's next write waits for it and then fails ("The service is busy").
So tests copy what they need into plain values and end the transaction
before the browser acts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.outbox.models import OutboxMessage

LINK = re.compile(r"https?://\S+")

# The widest element that sticks out of the page, to say what to fix.
WIDEST_OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  let widest = null;
  const clipped = element => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const element of document.body.querySelectorAll('*')) {
    if (clipped(element)) continue;
    const right = element.getBoundingClientRect().right;
    if (right > root.clientWidth + 1 && (!widest || right > widest.right)) {
      widest = {right, html: element.outerHTML.slice(0, 160)};
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest};
}"""


@dataclass(frozen=True)
class Person:
    """A member as the browser sees them: plain values, nothing to load later."""

    id: int
    username: str
    name: str
    email: str

    @classmethod
    def of(cls, user: User) -> Person:
        return cls(id=user.id, username=user.username, name=user.name, email=user.email)


def release(db) -> None:
    """End the test's transaction, so the live server can write."""
    db.session.rollback()


def emailed_link(db, to_address: str, pattern: re.Pattern = LINK) -> str:
    """The link in the latest email to `to_address`, as the member would click it."""
    try:
        body = db.session.scalar(
            sa.select(OutboxMessage.body_text)
            .where(OutboxMessage.to_address == to_address)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    finally:
        release(db)
    assert body is not None, f"no email was queued for {to_address}"
    found = pattern.search(body)
    assert found, f"no link like {pattern.pattern} in the email:\n{body}"
    return found.group(0)


def sideways_overflow(page) -> dict | None:
    """What makes the page wider than the screen (the widest element that sticks out), or None.

    Measured once the page has loaded: before its stylesheets arrive (a busy machine, a
    form just submitted) every page is unstyled and too wide, which says nothing.
    """
    page.wait_for_load_state("load")
    return page.evaluate(WIDEST_OVERFLOW)


# vignettes/deviations.Rmd (NHSRplotthedots): ones and twos with one 10.
DEVIATIONS = (1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1)
