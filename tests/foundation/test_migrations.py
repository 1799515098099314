"""Migrations build the schema from empty, come down to base and go up again, with no drift."""

from alembic import command
from sqlalchemy import inspect

from api.db import make_engine
from tests.databases import DatabaseFactory, alembic_config


def _run(url: str, action: str, revision: str = "head") -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            if action == "upgrade":
                command.upgrade(config, revision)
            elif action == "downgrade":
                command.downgrade(config, revision)
            else:
                command.check(config)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_from_empty_downgrade_to_base_and_upgrade_again(
    databases: DatabaseFactory,
) -> None:
    with databases.fresh(migrated=False) as url:
        _run(url, "upgrade")
        tables = _tables(url)
        assert {"users", "patients", "sessions", "audit_events"} <= tables
        _run(url, "check")
        _run(url, "downgrade", "base")
        assert _tables(url) == set()
        _run(url, "upgrade")
        assert _tables(url) == tables
        _run(url, "check")
