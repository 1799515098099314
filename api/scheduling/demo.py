"""Demo step: the Paris weekly course across the end of daylight saving time, a session in
progress (checked in, to be completed), and a few booked sessions for the other demo plans, in
free slots of the coming days. Sessions of the demo plans get fixed ids
(`api.common.demo_ids.session_id(plan key, n)`)."""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.common.demo_ids import session_id
from api.plans.models import PlanArea, TreatmentPlan
from api.scheduling import slots
from api.scheduling.calendar import CalendarQuery, clinic_zone, load_calendar
from api.sessions.models import SESSION_LENGTH, TreatmentSession

PLANS_TO_BOOK = 3
SESSIONS_PER_PLAN = 2
SEARCH_DAYS = 28


def _plans(found: Any) -> Iterable[tuple[str | None, TreatmentPlan]]:
    """(demo key or None, plan) of the plans found (a dict by key, or a list)."""
    items = found.items() if isinstance(found, dict) else ((None, p) for p in found)
    return [(key, p) for key, p in items if isinstance(p, TreatmentPlan)]


def _book_next_free(db: Session, plan: TreatmentPlan, sid: uuid.UUID | None) -> bool:
    clinic = db.get_one(Clinic, plan.clinic_id)
    today = clock.now().astimezone(clinic_zone(clinic)).date()
    query = CalendarQuery(
        clinic=clinic,
        first_day=today + timedelta(days=1),
        last_day=today + timedelta(days=SEARCH_DAYS),
        practitioner_id=plan.practitioner_id,
        patient_id=plan.patient_id,
        plan_id=plan.id,
    )
    loaded = load_calendar(db, query)
    if plan.practitioner_id not in loaded.practitioner_ids:
        return False
    calendar = loaded.calendar(plan.practitioner_id)
    free = slots.free_starts(calendar, query.first_day, query.last_day, clock.now())
    # Late morning reads better than the first slot of the day.
    start = next((s for s in free if s.astimezone(calendar.zone).hour >= 10), None)
    if start is None:
        return False
    session = TreatmentSession.for_plan(plan, plan.practitioner_id, start, clinic.buffer_minutes)
    if sid is not None:
        session.id = sid
    db.add(session)
    db.flush()
    return True


def _end_of_summer_time(zone: ZoneInfo, after: datetime) -> date:
    """The local date of the first autumn change back to standard time after `after`."""
    day = after.astimezone(zone).date()
    while True:
        noon_today = datetime.combine(day, time(12), zone)
        noon_next = datetime.combine(day + timedelta(days=1), time(12), zone)
        if noon_next.utcoffset() < noon_today.utcoffset():  # type: ignore[operator]
            return day + timedelta(days=1)
        day += timedelta(days=1)


def _course_across_dst(db: Session, plan: TreatmentPlan) -> None:
    """The 12 weekly sessions of `plan` at 12:00 local on Tuesdays, five before the change back
    to standard time and the rest after it: sessions already past are completed, the others
    booked. Noon keeps the same wall-clock time on both sides of the change."""
    clinic = db.get_one(Clinic, plan.clinic_id)
    zone = clinic_zone(clinic)
    now = clock.now()
    change = _end_of_summer_time(zone, now - timedelta(weeks=plan.sessions_planned - 5))
    first = change - timedelta(days=(change.weekday() - 1) % 7) - timedelta(weeks=4)
    areas = list(db.scalars(select(PlanArea.area_code).where(PlanArea.plan_id == plan.id)))
    for n in range(plan.sessions_planned):
        starts = datetime.combine(first + timedelta(weeks=n), time(12), zone)
        done = starts + SESSION_LENGTH < now
        db.add(
            TreatmentSession.for_plan(
                plan,
                plan.practitioner_id,
                starts,
                clinic.buffer_minutes,
                id=session_id("paris_weekly", n + 1),
                status="completed" if done else "booked",
                checked_in_at=starts - timedelta(minutes=10) if done else None,
                completed_at=starts + SESSION_LENGTH if done else None,
                areas_treated=areas if done else [],
                notes="Demo: treated as planned." if done else None,
            )
        )
    db.flush()


def _in_progress(db: Session, plan: TreatmentPlan) -> None:
    """A session of `plan` that started on the grid 15 to 30 minutes ago and was checked in:
    what a practitioner completes next (the `completeSession` example)."""
    clinic = db.get_one(Clinic, plan.clinic_id)
    now = clock.now()
    quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    starts = quarter - timedelta(minutes=15)
    session = TreatmentSession.for_plan(
        plan,
        plan.practitioner_id,
        starts,
        clinic.buffer_minutes,
        id=session_id("in_progress", 1),
        status="checked_in",
        checked_in_at=starts - timedelta(minutes=5),
    )
    db.add(session)
    db.flush()


def seed_sessions(db: Session, ctx: Any) -> None:
    """The Paris weekly course across the end of summer time, the session in progress, then
    two sessions of up to three other demo plans that have none yet; skipped without plans."""
    found = ctx.objects.get("plans")
    if not found:
        return
    if isinstance(found, dict) and isinstance(found.get("paris_weekly"), TreatmentPlan):
        _course_across_dst(db, found["paris_weekly"])
    if isinstance(found, dict) and isinstance(found.get("in_progress"), TreatmentPlan):
        _in_progress(db, found["in_progress"])
    plans_booked = 0
    for key, plan in _plans(found):
        if plans_booked >= PLANS_TO_BOOK:
            break
        if plan.status not in ("proposed", "active"):
            continue
        existing = db.scalar(
            select(func.count())
            .select_from(TreatmentSession)
            .where(TreatmentSession.plan_id == plan.id, TreatmentSession.status != "cancelled")
        )
        if existing:
            continue
        plans_booked += 1
        for n in range(1, min(SESSIONS_PER_PLAN, plan.sessions_planned) + 1):
            if not _book_next_free(db, plan, session_id(key, n) if key else None):
                break
    ctx.objects["sessions"] = list(
        db.scalars(select(TreatmentSession).order_by(TreatmentSession.starts_at))
    )
