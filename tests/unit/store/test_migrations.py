"""The migrations build exactly the schema the models describe, and can be undone."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from carelane.store.migrate import alembic_config, upgrade_database
from carelane.store.models import Base


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    assert _differences(engine) == []


def test_downgrade_to_base_then_upgrade_again(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "base")
    left = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert left == set()

    upgrade_database(engine)
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    assert _differences(engine) == []
