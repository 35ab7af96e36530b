"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from community.accounts.vocabulary import INITIAL_VOCABULARY
from community.core.extensions import db as _db
from community.search.schema import include_name, include_object


def test_upgrade_to_head_matches_the_models(app, db):
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": include_name,
                "include_object": include_object,
            },
        )
        differences = compare_metadata(context, _db.metadata)
    assert differences == []


def test_vocabulary_is_loaded_by_the_migrations(vocabulary):
    assert sorted(tag.name for tag in vocabulary) == sorted(name for _, name in INITIAL_VOCABULARY)
