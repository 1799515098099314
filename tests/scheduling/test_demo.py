from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.demo import DemoContext, seed_demo
from api.plans.models import TreatmentPlan
from api.scheduling.demo import seed_sessions
from api.sessions.models import TreatmentSession
from tests.scheduling.helpers import make_setup


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


def test_demo_paris_weekly_course_crosses_the_end_of_summer_time(db: Session) -> None:
    ctx = seed_demo(db)
    plans = ctx.objects["plans"]
    assert {p.status for p in plans.values()} == {"proposed", "active", "completed", "cancelled"}
    course = plans["paris_weekly"]
    assert isinstance(course, TreatmentPlan)
    assert (course.cadence, course.sessions_planned, course.status) == ("weekly", 12, "active")
    sessions = db.scalars(
        select(TreatmentSession)
        .where(TreatmentSession.plan_id == course.id)
        .order_by(TreatmentSession.starts_at)
    ).all()
    assert len(sessions) == 12
    paris = ZoneInfo("Europe/Paris")
    local = [s.starts_at.astimezone(paris) for s in sessions]
    assert {t.time().isoformat() for t in local} == {"12:00:00"}
    assert {t.utcoffset() for t in local} == {timedelta(hours=2), timedelta(hours=1)}
    assert all(b - a == timedelta(days=7) for a, b in pairwise(local))
