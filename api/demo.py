"""Demo data for `python -m api seed-demo`: a little of everything, with known logins.

Each domain adds its own step to `SEED_STEPS`; a step receives the session and the demo
context built so far and returns lines to print.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.scheduling.demo import seed_sessions
from api.users.models import Role, User
from api.users.schemas import UserCreate
from api.users.service import create_user

DEMO_PASSWORD = "demo-password-1"


@dataclass
class DemoContext:
    """What earlier steps created, for later steps to refer to."""

    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _users(db: Session, ctx: DemoContext) -> None:
    for role in Role:
        email = f"{role.value}@demo.meso-clinic.test"
        create_user(db, UserCreate(email=email, password=DEMO_PASSWORD, role=role))
        ctx.logins.append((role.value, email, DEMO_PASSWORD))


SEED_STEPS: list[Callable[[Session, DemoContext], None]] = [_users]
SEED_STEPS.append(seed_sessions)


def database_is_empty(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(User))


def seed_demo(db: Session) -> DemoContext:
    """Fill an empty database with demo data; the caller commits."""
    ctx = DemoContext()
    for step in SEED_STEPS:
        step(db, ctx)
    db.flush()
    return ctx
