"""Small helpers the foundation tests share: reading pages, the outbox and emailed links."""

from __future__ import annotations

import contextlib
import contextvars
import html
import re
from datetime import timedelta
from html.parser import HTMLParser

import sqlalchemy as sa
from itsdangerous.timed import TimestampSigner
from werkzeug.security import generate_password_hash

from community.accounts.models import User
from community.core.extensions import db
from community.outbox.models import OutboxMessage

_SUMMARY_ITEM = re.compile(r'<a href="#([\w-]+)"\s*>\s*(.*?)\s*</a>', re.DOTALL)


def error_summary(response) -> list[str]:
    """The messages in the page's "There is a problem" summary, in order."""
    start = response.text.find("nhsuk-error-summary__list")
    if start == -1:
        return []
    block = response.text[start : response.text.find("</ul>", start)]
    return [html.unescape(message) for _field, message in _SUMMARY_ITEM.findall(block)]


def run_command(app, args: list[str], input: str | None = None):
    """Run a `flask` command as from a shell: in its own app context and database session."""
    db.session.commit()
    runner = app.test_cli_runner()
    return contextvars.Context().run(runner.invoke, args=args, input=input)


def emails_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


def outbox_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def link_token(message: OutboxMessage, path: str) -> str:
    """The token from the link to `path` (like "/account/confirm/") in an email."""
    match = re.search(rf"https?://[^/\s]+{re.escape(path)}([\w.\-]+)", message.body_text)
    assert match, f"no {path} link in: {message.body_text}"
    return match.group(1)


@contextlib.contextmanager
def clock_turned_back(by: timedelta):
    """Tokens signed inside this block look `by` older than they are."""
    real = TimestampSigner.get_timestamp
    TimestampSigner.get_timestamp = lambda self: real(self) - int(by.total_seconds())
    try:
        yield
    finally:
        TimestampSigner.get_timestamp = real


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def quick_hashes(monkeypatch) -> None:
    """Members made by the factories get a cheap hash of the test password.

    Checking the real (scrypt) hash takes a tenth of a second; tests that sign in
    through the form many times are about something other than hashing.
    """
    import conftest

    cheap = generate_password_hash(conftest.PASSWORD, method="pbkdf2:sha256:1000")
    monkeypatch.setattr(conftest, "_PASSWORD_HASH", cheap)


class _TableReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(response) -> list[list[str]]:
    """The text of each cell of each table row on the page, header rows included.

    The NHS.UK table macro repeats each column heading, visually hidden, inside
    every body cell for small screens; the heading is dropped here.
    """
    reader = _TableReader()
    reader.feed(response.text)
    header = reader.rows[0] if reader.rows else []
    rows = [header]
    for row in reader.rows[1:]:
        rows.append(
            [
                cell[len(heading) + 1 :] if heading and cell.startswith(heading + " ") else cell
                for heading, cell in zip(header, row, strict=False)
            ]
        )
    return rows
