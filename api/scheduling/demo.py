"""Demo step: a few booked sessions for the demo plans, in free slots of the coming days."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.plans.models import TreatmentPlan
from api.scheduling import slots
from api.scheduling.calendar import CalendarQuery, clinic_zone, load_calendars
from api.sessions.models import SESSION_LENGTH, TreatmentSession

PLANS_TO_BOOK = 3
SESSIONS_PER_PLAN = 2
SEARCH_DAYS = 28


def _plans(found: Any) -> Iterable[TreatmentPlan]:
    items = found.values() if isinstance(found, dict) else found
    return [p for p in items if isinstance(p, TreatmentPlan)]


def _book_next_free(db: Session, plan: TreatmentPlan) -> bool:
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
    calendar = load_calendars(db, query).get(plan.practitioner_id)
    if calendar is None:
        return False
    free = slots.free_starts(calendar, query.first_day, query.last_day, clock.now())
    # Late morning reads better than the first slot of the day.
    start = next((s for s in free if s.astimezone(calendar.zone).hour >= 10), None)
    if start is None:
        return False
    db.add(
        TreatmentSession(
            plan_id=plan.id,
            patient_id=plan.patient_id,
            practitioner_id=plan.practitioner_id,
            clinic_id=clinic.id,
            starts_at=start,
            ends_at=start + SESSION_LENGTH,
            buffer_ends_at=start + SESSION_LENGTH + timedelta(minutes=clinic.buffer_minutes),
        )
    )
    db.flush()
    return True


def seed_sessions(db: Session, ctx: Any) -> None:
    """Book two sessions of up to three demo plans that have none yet; skipped without plans."""
    found = ctx.objects.get("plans")
    if not found:
        return
    plans_booked = 0
    for plan in _plans(found):
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
        for _ in range(min(SESSIONS_PER_PLAN, plan.sessions_planned)):
            if not _book_next_free(db, plan):
                break
    ctx.objects["sessions"] = list(
        db.scalars(select(TreatmentSession).order_by(TreatmentSession.starts_at))
    )
