"""Fixtures: app → db → client, factories that build on each other, and sign-in helpers.

The database is built once per run by the real migrations (so every test runs
on the migrated schema) and emptied after each test. It is a temporary SQLite
file, or the PostgreSQL database named by DATABASE_URL (under `pytest -n`, one
database per worker beside it).
"""

from __future__ import annotations

import contextvars
import itertools
import os

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

import config as config_module
from community import create_app
from community.accounts.models import ExpertiseTag, Role, TagKind, User
from community.accounts.vocabulary import INITIAL_SYNONYMS
from community.caching import LRU, forget_all
from community.core.extensions import db as _db
from community.core.extensions import limiter
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.directory.models import Organisation, System
from community.search.vocabulary import normalised

PASSWORD = "a sturdy test passphrase"
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def make_test_config(database_uri: str, **overrides) -> type[config_module.TestConfig]:
    return type(
        "RunConfig",
        (config_module.TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_uri, **overrides},
    )


def pytest_configure(config) -> None:
    """Under `pytest -n` each worker gets its own PostgreSQL database, named after it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and config_module.database_url("").startswith("postgresql"):
        os.environ["DATABASE_URL"] = _database_for_worker(worker)


def _database_for_worker(worker: str) -> str:
    """A fresh database beside the one DATABASE_URL names (its role needs CREATEDB)."""
    shared = sa.make_url(config_module.database_url(""))
    own = shared.set(database=f"{shared.database}_{worker}")
    engine = sa.create_engine(shared, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> str:
    if os.environ.get("DATABASE_URL"):
        return config_module.database_url("")
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _drop_everything(engine) -> None:
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # CASCADE makes the order irrelevant, and threads and posts refer to each other.
            for name in metadata.tables:
                connection.execute(sa.text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
        else:
            metadata.drop_all(bind=connection)


@pytest.fixture(scope="session")
def app(database_uri):
    app = create_app(make_test_config(database_uri))
    with app.app_context():
        _drop_everything(_db.engine)
        upgrade()
        _db.session.remove()
    return app


def _empty_tables() -> None:
    # The vocabulary and the content generation (which only ever goes up) are kept;
    # the vocabulary's other names are loaded again as migration 0026 loads them.
    kept = {"expertise_tags", "content_generation"}
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in kept]
    with _db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        tags = _db.metadata.tables["expertise_tags"]
        connection.execute(tags.delete().where(tags.c.kind == TagKind.FREE))
        ids = dict(connection.execute(sa.select(tags.c.name, tags.c.id)).all())
        connection.execute(
            _db.metadata.tables["expertise_synonyms"].insert(),
            [{"tag_id": ids[name], "text": text, "key": normalised(text)}
             for name, texts in INITIAL_SYNONYMS.items() for text in texts],
        )  # fmt: skip


@pytest.fixture(autouse=True, scope="session")
def _cached_values_are_frozen():
    """Every value any cache keeps, in every test, is immutable and holds no ORM object."""
    from test_caching import frozen_problem

    put = LRU.put

    def checked_put(self, key, value):
        problem = frozen_problem(value)
        assert problem is None, f"a cached value may change under its readers: {problem}"
        put(self, key, value)

    LRU.put = checked_put
    yield
    LRU.put = put


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.remove()
        _empty_tables()
    forget_all(app)  # every cache: the next test's ids may be this one's again
    limiter.reset()


@pytest.fixture
def client(app, db):
    return app.test_client()


# ---------------------------------------------------------------- factories

_sequence = itertools.count(1)


@pytest.fixture
def make_system(db):
    def make(name: str | None = None, **fields) -> System:
        name = name or f"Test System {next(_sequence)}"
        system = System(name=name, slug=slugify(name), region=fields.pop("region", "London"))
        db.session.add(system)
        db.session.commit()
        return system

    return make


@pytest.fixture
def make_organisation(db, make_system):
    def make(name: str | None = None, system: System | None = None, **fields) -> Organisation:
        name = name or f"Test Organisation {next(_sequence)}"
        organisation = Organisation(
            name=name, slug=slugify(name), type=fields.pop("type", "acute_trust"),
            system=system or make_system(),
        )  # fmt: skip
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return make


@pytest.fixture
def organisation(make_organisation):
    return make_organisation("Riverside Hospitals NHS Foundation Trust")


@pytest.fixture
def make_user(db, organisation):
    def make(
        username: str | None = None,
        *,
        role: str = Role.MEMBER,
        confirmed: bool = True,
        organisation: Organisation | None = organisation,
        **fields,
    ) -> User:
        username = username or f"member-{next(_sequence)}"
        user = User(
            username=username,
            name=fields.pop("name", username.replace("-", " ").title()),
            email=fields.pop("email", f"{username}@nhs.example"),
            password_hash=_PASSWORD_HASH,
            role=role,
            organisation=organisation,
            email_confirmed_at=utcnow() if confirmed else None,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def member(make_user):
    return make_user("sam-patel", name="Sam Patel")


@pytest.fixture
def admin(make_user):
    return make_user("ada-admin", name="Ada Admin", role=Role.ADMIN)


@pytest.fixture
def unconfirmed(make_user):
    return make_user("una-new", name="Una New", confirmed=False)


@pytest.fixture
def vocabulary(db) -> list[ExpertiseTag]:
    return list(db.session.scalars(sa.select(ExpertiseTag).order_by(ExpertiseTag.name)))


# ---------------------------------------------------------------- signing in


def sign_in_as(client, user: User) -> None:
    """Start a session for `user` without the sign-in form (which has its own tests)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def auth(client):
    class Auth:
        def as_user(self, user: User):
            sign_in_as(client, user)
            return client

        def sign_in(self, email: str, password: str = PASSWORD, **extra):
            return client.post(
                "/account/sign-in", data={"email": email, "password": password, **extra}
            )

    return Auth()


# ---------------------------------------------------------------- requests in their own context


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
        _db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def make_client(app, db):
    """A new device: its own cookies, and a fresh app context for each request."""

    def make() -> RequestPerContextClient:
        return RequestPerContextClient(app, app.response_class, use_cookies=True)

    return make


@pytest.fixture
def http(make_client) -> RequestPerContextClient:
    return make_client()
