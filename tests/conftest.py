"""Fixtures: app → db → client, factories that build on each other, and sign-in helpers.

The database is built once per run by the real migrations (so every test runs
on the migrated schema) and emptied after each test. It is a temporary SQLite
file, or the PostgreSQL database named by DATABASE_URL (under `pytest -n`, one
database per worker beside it).
"""

from __future__ import annotations

import itertools
import os

import helpers
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

import config as config_module
from community import create_app
from community.accounts.models import ExpertiseTag, Role, User
from community.caching import LRU, forget_all
from community.core.extensions import db as _db
from community.core.extensions import limiter
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.directory.models import Organisation, System

# Fixtures every folder may use, kept in modules of their own: the factories that need
# fixtures (make_project, make_measure), the cast several features meet (Fay, Mo, Ash, Nia,
# Ama and the Discharge Lounge), and the demo data seeded once per run (demo_app).
pytest_plugins = ["factories.projects", "cast", "demo_database"]


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
    app = create_app(helpers.make_test_config(database_uri))
    with app.app_context():
        _drop_everything(_db.engine)
        upgrade()
        _db.session.remove()
    return app


@pytest.fixture(autouse=True, scope="session")
def _cached_values_are_frozen():
    """Every value any cache keeps, in every test, is immutable and holds no ORM object."""
    put = LRU.put

    def checked_put(self, key, value):
        problem = helpers.frozen_problem(value)
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
        helpers.empty_tables()
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
            password_hash=helpers.PASSWORD_HASH,
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


@pytest.fixture
def auth(client):
    class Auth:
        def as_user(self, user: User):
            helpers.sign_in_as(client, user)
            return client

        def sign_in(self, email: str, password: str = helpers.PASSWORD, **extra):
            return client.post(
                "/account/sign-in", data={"email": email, "password": password, **extra}
            )

    return Auth()


# ---------------------------------------------------------------- requests in their own context


@pytest.fixture
def make_client(app, db):
    """A new device: its own cookies, and a fresh app context for each request."""

    def make() -> helpers.RequestPerContextClient:
        return helpers.RequestPerContextClient(app, app.response_class, use_cookies=True)

    return make


@pytest.fixture
def http(make_client) -> helpers.RequestPerContextClient:
    return make_client()
