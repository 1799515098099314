"""Test databases: one per pytest worker, built by `alembic upgrade head`, on SQLite (default)
or on the PostgreSQL server named by DATABASE_URL.

A template is migrated once; the worker's test database and every fresh database for tests
that need a running server are copies of it (a file copy on SQLite, CREATE DATABASE …
TEMPLATE on PostgreSQL).
"""

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from api.config import normalize_database_url
from api.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def alembic_config() -> Config:
    """Alembic's configuration; the caller passes the connection in `attributes["connection"]`."""
    return Config(str(ROOT / "alembic.ini"))


def migrate(url: str, revision: str = "head") -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


class DatabaseFactory:
    """Makes and removes the databases of one test worker."""

    def __init__(self, base_url: str | None, worker: str) -> None:
        self.base_url = normalize_database_url(base_url) if base_url else None
        self.is_postgres = bool(self.base_url and self.base_url.startswith("postgresql"))
        self.prefix = f"meso_test_{worker}_{os.getpid()}"
        self.tmp = Path(tempfile.mkdtemp(prefix="meso-tests-"))
        self._admin: Engine | None = None
        self.template_url = self.empty_url("template")
        migrate(self.template_url)

    # --- PostgreSQL administration, on the server's maintenance database
    def _admin_engine(self) -> Engine:
        if self._admin is None:
            assert self.base_url is not None
            url = make_url(self.base_url).set(database="postgres")
            self._admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=None)
        return self._admin

    def _pg_url(self, name: str) -> str:
        assert self.base_url is not None
        return make_url(self.base_url).set(database=name).render_as_string(hide_password=False)

    def empty_url(self, label: str) -> str:
        """A new, empty database."""
        if not self.is_postgres:
            return f"sqlite:///{self.tmp / label}.db"
        name = f"{self.prefix}_{label}"
        with self._admin_engine().connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
        return self._pg_url(name)

    def copy_of_template(self, label: str) -> str:
        """A new database holding the migrated, empty schema."""
        if not self.is_postgres:
            path = self.tmp / f"{label}.db"
            shutil.copyfile(self.tmp / "template.db", path)
            return f"sqlite:///{path}"
        name = f"{self.prefix}_{label}"
        with self._admin_engine().connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.prefix}_template"'))
        return self._pg_url(name)

    def drop(self, url: str) -> None:
        if not self.is_postgres:
            for suffix in ("", "-wal", "-shm"):
                Path(make_url(url).database + suffix).unlink(missing_ok=True)  # type: ignore[operator]
            return
        name = make_url(url).database
        with self._admin_engine().connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    @contextmanager
    def fresh(self, migrated: bool = True) -> Iterator[str]:
        """A database of its own for one test (servers, races, migrations), dropped after."""
        label = uuid.uuid4().hex[:10]
        url = self.copy_of_template(label) if migrated else self.empty_url(label)
        try:
            yield url
        finally:
            self.drop(url)

    def close(self) -> None:
        if self.is_postgres:
            self.drop(self.template_url)
        if self._admin is not None:
            self._admin.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)
