"""Fixtures: a migrated database per worker, one rolled-back transaction per test, and an
HTTP client (httpx, through Starlette's TestClient) talking to the real application."""

import gc
import logging
import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.db import get_db, make_engine
from api.main import create_app
from api.vocabulary import Role
from tests.constants import TEST_SECRET
from tests.databases import DatabaseFactory
from tests.factories import auth_headers, make_user


@pytest.fixture(scope="session")
def databases() -> Iterator[DatabaseFactory]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    dbs = DatabaseFactory(os.environ.get("DATABASE_URL"), worker)
    yield dbs
    dbs.close()


@pytest.fixture(scope="session")
def database_url(databases: DatabaseFactory) -> Iterator[str]:
    url = databases.copy_of_template("shared")
    yield url
    databases.drop(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=TEST_SECRET)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection and one outer transaction per test, rolled back at the end."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            yield connection
        finally:
            outer.rollback()


def _session(connection: Connection) -> Session:
    # Each commit releases a savepoint inside the test's transaction.
    return Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    """A session for arranging data and asserting what the database holds."""
    with _session(connection) as session:
        yield session


@pytest.fixture
def app(settings: Settings, engine: Engine, connection: Connection) -> FastAPI:
    app = create_app(settings, engine=engine)

    def test_db() -> Iterator[Session]:
        with _session(connection) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    app.dependency_overrides[get_db] = test_db
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture(autouse=True)
def _release_clock() -> Iterator[None]:
    yield
    clock.freeze(None)


@pytest.fixture(autouse=True)
def _conflicts_documented() -> Iterator[None]:
    """Every 409 that a test provokes names only codes its operation documents: the server
    logs any other to `api.errors.contract` (`api.errors.check_documented`)."""
    handler = _Collect(logging.ERROR)
    contract = logging.getLogger("api.errors.contract")
    contract.addHandler(handler)
    try:
        yield
    finally:
        contract.removeHandler(handler)
    assert not handler.seen, [record.getMessage() for record in handler.seen]


class _Collect(logging.Handler):
    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.seen: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record)


@pytest.fixture
def as_admin(db: Session, settings: Settings) -> dict[str, str]:
    """The headers of an admin."""
    return auth_headers(make_user(db, role=Role.ADMIN), settings)


@pytest.fixture
def as_receptionist(db: Session, settings: Settings) -> dict[str, str]:
    """The headers of a receptionist of no clinic."""
    return auth_headers(make_user(db, role=Role.RECEPTIONIST), settings)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker collects its garbage now, before it reports that it has finished, and
    freezes what is left (it all lives until the process ends). Once every worker has
    reported, execnet gives each 5 s to exit and then sends it SIGINT; pytest's own closing
    collections (five full passes, to surface unraisable exceptions) took about that long on
    a loaded machine, and the KeyboardInterrupt landed in hypothesis's GC callback, printed
    in a green run. The same passes, here, do not count against those 5 s."""
    if hasattr(session.config, "workerinput"):
        for _ in range(5):
            if not gc.collect():
                break
        gc.freeze()
