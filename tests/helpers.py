"""What tests share beyond building data (that is tests/factories.py): the test app's
configuration, emptying the database, signing in, reading pages, the outbox and emailed
links, and what a cache may keep."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import html
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from types import MappingProxyType

import sqlalchemy as sa
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner
from markupsafe import Markup
from werkzeug.security import generate_password_hash

import config as config_module
from community.accounts.models import TagKind, User
from community.accounts.vocabulary import INITIAL_SYNONYMS
from community.core.extensions import db
from community.outbox.models import OutboxMessage
from community.search.vocabulary import normalised

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


def emails_to(user_or_address: User | str) -> list[OutboxMessage]:
    """What the outbox holds for a member (or an address), oldest first."""
    address = getattr(user_or_address, "email", user_or_address)
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
    import helpers

    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    monkeypatch.setattr(helpers, "PASSWORD_HASH", cheap)


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


# ---------------------------------------------------------------- the app, members and signing in

PASSWORD = "a sturdy test passphrase"
PASSWORD_HASH = generate_password_hash(PASSWORD)


def make_test_config(database_uri: str, **overrides) -> type[config_module.TestConfig]:
    return type(
        "RunConfig",
        (config_module.TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_uri, **overrides},
    )


def empty_tables() -> None:
    # The vocabulary and the content generation (which only ever goes up) are kept;
    # the vocabulary's other names are loaded again as migration 0026 loads them.
    kept = {"expertise_tags", "content_generation"}
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in kept]
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        tags = db.metadata.tables["expertise_tags"]
        connection.execute(tags.delete().where(tags.c.kind == TagKind.FREE))
        ids = dict(connection.execute(sa.select(tags.c.name, tags.c.id)).all())
        connection.execute(
            db.metadata.tables["expertise_synonyms"].insert(),
            [{"tag_id": ids[name], "text": text, "key": normalised(text)}
             for name, texts in INITIAL_SYNONYMS.items() for text in texts],
        )  # fmt: skip


def sign_in_as(client, user: User) -> None:
    """Start a session for `user` without the sign-in form (which has its own tests)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


class RequestPerContextClient(FlaskClient):
    """A test client whose every request gets its own app context, as under a real server.

    The `db` fixture keeps an app context open for the whole test, and a request
    made inside it would reuse it, sharing `g` with every other request and
    client in the test: Flask-Login caches the signed-in member there (so an
    anonymous client would see a member's pages) and the CSP nonce lives there.
    Before each request the test's own transaction is ended, as another process's
    would be, so that the request can take SQLite's write lock and then sees, and
    is seen by, the test's data.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


# ---------------------------------------------------------------- what a cache may keep

_PLAIN = (str, bytes, int, float, bool, type(None), date, datetime, Markup)


def frozen_problem(value, path: str = "value") -> str | None:
    """Why `value` may not be cached (it, or something in it, can change), or None."""
    if hasattr(value, "_sa_instance_state"):
        return f"{path} is an ORM object ({type(value).__name__})"
    if isinstance(value, _PLAIN):
        return None
    if isinstance(value, tuple | frozenset):
        items = value._asdict().items() if hasattr(value, "_asdict") else enumerate(value)
        return next((p for k, v in items if (p := frozen_problem(v, f"{path}[{k}]"))), None)
    if isinstance(value, MappingProxyType):
        return next(
            (p for k, v in value.items() if (p := frozen_problem(v, f"{path}[{k!r}]"))), None
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if not type(value).__dataclass_params__.frozen:
            return f"{path} is a dataclass that is not frozen ({type(value).__name__})"
        return next(
            (p for f in dataclasses.fields(value)
             if (p := frozen_problem(getattr(value, f.name), f"{path}.{f.name}"))),
            None,
        )  # fmt: skip
    return f"{path} is a {type(value).__name__}, which can change"

    """The page's visible words, tags stripped and whitespace squeezed, as a reader sees them."""


def page_text(response) -> str:
    """The page's visible words, tags stripped and whitespace squeezed, as a person reads them."""
    markup = response.get_data(as_text=True)
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


class Queries:
    """The SQL statements run inside a `count_queries()` block, in order."""

    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return len(self.statements)

    def __iter__(self):
        return iter(self.statements)

    def __getitem__(self, index):
        return self.statements[index]


@contextlib.contextmanager
def count_queries():
    """Count the SQL statements run inside the block (not BEGIN, SAVEPOINT or RELEASE)."""
    queries = Queries()

    def note(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            queries.statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield queries
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
