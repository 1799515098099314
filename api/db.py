"""Engine, session and declarative base shared by every domain."""

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from anyio import CancelScope
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import JSON, DateTime, Engine, MetaData, Uuid, create_engine, delete, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from api.common import clock
from api.errors import RuleConflict
from api.vocabulary import ConflictCode

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def in_values(column: str, vocabulary: type[StrEnum]) -> str:
    """SQL for a CHECK that keeps `column` inside a vocabulary of `api.vocabulary`."""
    return f"{column} IN ({', '.join(repr(word.value) for word in vocabulary)})"


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so the UTC value is stored naive there and made aware on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        # TypeDecorator answers `object`; keyset cursors need to know to parse a datetime.
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are never stored")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        uuid.UUID: Uuid(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)


def delete_or_in_use(db: Session, row: IdMixin, detail: str) -> None:
    """Delete `row`, or refuse with 409 `in_use` (`detail`) when a foreign key still refers to
    it: the rows of other domains (plans, sessions) are guarded by their foreign keys, so a
    record need not import them to know it is in use."""
    model = type(row)
    try:
        with db.begin_nested():
            db.execute(delete(model).where(model.id == row.id))
    except IntegrityError:
        raise RuleConflict.one(ConflictCode.IN_USE, detail) from None
    db.expunge(row)


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# A pooled connection idle for longer than this is tested before use (the database may have
# restarted or dropped it); one used a moment ago is not, which saves a round trip per request
# under load (what `pool_pre_ping=True` would cost on every checkout).
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since <= PING_AFTER_IDLE_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
        except Exception as exc:
            # The pool discards this connection and checks out a fresh one.
            raise DisconnectionError() from exc


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for `url` with the guarantees the application relies on.

    SQLite: foreign keys on, and every transaction opened with BEGIN IMMEDIATE so that a
    check followed by a write (a booking) is serialized against every other writer.
    """
    if not url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _ping_when_idle(engine)
        return engine

    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so that "begin" below decides.
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds ASCII only; case-insensitive search needs every letter.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def _commit_and_close(db: Session) -> None:
    try:
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


def _rollback_and_close(db: Session) -> None:
    try:
        db.rollback()
    finally:
        db.close()


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session and one transaction per request, committed before the response is sent.

    Used with `Depends(scope="function")`, so the code after `yield` runs as soon as the
    endpoint returns, not after the response has gone out. Async although the session is not:
    creating one does no I/O (a connection is checked out by its first statement, which runs
    in the thread pool with the endpoint), so only the end of the transaction takes a trip to
    the thread pool, where a sync generator took two (about 0.2 ms of CPU each). The end is
    shielded: a cancelled request still rolls back and returns its connection.
    """
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    db = factory()
    try:
        yield db
    except BaseException:
        with CancelScope(shield=True):
            await run_in_threadpool(_rollback_and_close, db)
        raise
    with CancelScope(shield=True):
        await run_in_threadpool(_commit_and_close, db)


DbSession = Annotated[Session, Depends(get_db, scope="function")]
