"""GET /health (the process is up) and GET /ready (database reachable, schema at head)."""

from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from api.common.responses import problem
from api.db import DbSession
from api.errors import UNAVAILABLE_RETRY_SECONDS, DomainError

router = APIRouter(tags=["health"])

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


class NotReady(DomainError):
    status = 503
    slug = "not-ready"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)})


class Status(BaseModel):
    status: str


@lru_cache
def head_revisions() -> frozenset[str]:
    """The newest migration(s) this code ships; read once, not on every probe."""
    return frozenset(ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_heads())


@router.get("/health", summary="The process is up")
def get_health() -> Status:
    return Status(status="ok")


@router.get(
    "/ready",
    summary="The database is reachable and its schema is at the newest migration",
    responses=problem(503, "Not ready."),
)
def get_ready(db: DbSession) -> Status:
    try:
        current = MigrationContext.configure(db.connection()).get_current_heads()
    except SQLAlchemyError as exc:
        raise NotReady("The database is unreachable.") from exc
    if frozenset(current) != head_revisions():
        raise NotReady("The database schema is not at the newest migration.")
    return Status(status="ready")
