"""Demo data for `python -m api seed-demo`: a little of everything, with known logins.

Each domain adds its own step to `SEED_STEPS`; a step receives the session and the demo
context built so far and returns lines to print. The objects that the OpenAPI document's
request examples refer to have fixed ids (`api/common/demo_ids.py`), the same in every demo
database.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clinics.demo import seed_clinics
from api.common.demo_ids import user_id
from api.patients.demo import seed_patients
from api.plans.demo import seed_plans
from api.practitioners.demo import seed_practitioners
from api.scheduling.demo import seed_sessions
from api.users.models import User
from api.users.schemas import UserCreate
from api.users.service import create_user
from api.vocabulary import Role

DEMO_PASSWORD = "demo-password-1"


@dataclass
class DemoContext:
    """What earlier steps created, for later steps to refer to."""

    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def demo_email(role: Role) -> str:
    """The demo login of `role` (example.com is reserved for examples, so never a real inbox)."""
    return f"{role.value}@demo.example.com"


def _users(db: Session, ctx: DemoContext) -> None:
    for role in Role:
        email = demo_email(role)
        create_user(
            db, UserCreate(email=email, password=DEMO_PASSWORD, role=role), user_id=user_id(role)
        )
        ctx.logins.append((role.value, email, DEMO_PASSWORD))


# Plans come after the steps that create clinics, practitioners and patients.
SEED_STEPS: list[Callable[[Session, DemoContext], None]] = [
    _users,
    seed_clinics,
    seed_practitioners,
    seed_patients,
    seed_plans,
    seed_sessions,
]


def database_is_empty(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(User))


def seed_demo(db: Session) -> DemoContext:
    """Fill an empty database with demo data; the caller commits."""
    ctx = DemoContext()
    for step in SEED_STEPS:
        step(db, ctx)
    db.flush()
    return ctx
