"""Small helpers shared by tests of several domains."""

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def count(db: Session, model: type[Any], **where: Any) -> int:
    """The rows of `model` matching `where` (column = value), read afresh."""
    db.expire_all()
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return int(db.scalar(stmt) or 0)


def new_id() -> str:
    return str(uuid.uuid4())
