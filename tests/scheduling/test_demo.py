from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.demo import DemoContext
from api.scheduling.demo import seed_sessions
from api.sessions.models import TreatmentSession
from tests.factories_sessions import make_setup


def test_demo_books_free_sessions_five_days_apart_for_demo_plans(
    db: Session, now: datetime
) -> None:
    setup = make_setup(db)
    ctx = DemoContext(objects={"plans": [setup.plan]})
    seed_sessions(db, ctx)
    starts = db.scalars(
        select(TreatmentSession.starts_at).where(TreatmentSession.plan_id == setup.plan.id)
    ).all()
    assert len(starts) == 2
    assert abs(starts[1] - starts[0]) >= timedelta(days=5)


def test_demo_skips_sessions_without_plans(db: Session) -> None:
    ctx = DemoContext()
    seed_sessions(db, ctx)
    assert "sessions" not in ctx.objects
