"""Reading sessions and moving them through their states.

booked → checked_in (from one hour before the start until its end; the plan consented, i.e.
active; the safety gates passed again) → completed (areas ⊆ the plan's areas, notes);
booked → cancelled (reason; late under 24 hours before the start); booked → no_show (only
after the start).
Any other transition is 409 `invalid_transition`.
"""

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, NotFound, RuleConflict
from api.patients.deps import visible_care_clause
from api.plans import service as plans
from api.plans.models import PlanArea, TreatmentPlan
from api.safety import gates
from api.scheduling.slots import bound_instant
from api.sessions.models import TreatmentSession
from api.users.models import User

CHECK_IN_OPENS = timedelta(hours=1)
LATE_CANCELLATION = timedelta(hours=24)


def get_session(db: Session, user: User, session_id: uuid.UUID) -> TreatmentSession:
    """A session the caller may see (404 otherwise)."""
    session = db.scalar(
        select(TreatmentSession).where(
            TreatmentSession.id == session_id,
            visible_care_clause(user, TreatmentSession.clinic_id, TreatmentSession.patient_id),
        )
    )
    if session is None:
        raise NotFound("Session")
    return session


def timezones(db: Session, clinic_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not clinic_ids:
        return {}
    rows = db.execute(select(Clinic.id, Clinic.timezone).where(Clinic.id.in_(set(clinic_ids))))
    return {clinic_id: tz for clinic_id, tz in rows}


def _local_dates(
    db: Session, first_day: date | None, last_day: date | None
) -> ColumnElement[bool] | None:
    """Sessions whose start falls on clinic-local dates first_day..last_day of their own clinic.

    The clinics are grouped by zone, so the condition is a few UTC ranges whatever the page.
    """
    if first_day is None and last_day is None:
        return None
    by_zone: dict[str, list[uuid.UUID]] = {}
    for clinic_id, tz in db.execute(select(Clinic.id, Clinic.timezone)):
        by_zone.setdefault(tz, []).append(clinic_id)
    parts = []
    for tz, ids in by_zone.items():
        zone = ZoneInfo(tz)
        cond: list[ColumnElement[bool]] = [TreatmentSession.clinic_id.in_(ids)]
        if first_day is not None:
            cond.append(TreatmentSession.starts_at >= bound_instant(first_day, 0, zone))
        if last_day is not None:
            end = bound_instant(last_day + timedelta(days=1), 0, zone)
            cond.append(TreatmentSession.starts_at < end)
        parts.append(and_(*cond))
    return or_(*parts) if parts else TreatmentSession.id.is_(None)


def list_sessions(
    db: Session,
    user: User,
    params: PageParams,
    *,
    clinic_id: uuid.UUID | None = None,
    practitioner_id: uuid.UUID | None = None,
    patient_id: uuid.UUID | None = None,
    plan_id: uuid.UUID | None = None,
    status: str | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> tuple[list[TreatmentSession], str | None]:
    """The sessions the caller may see, by start time; `from`/`to` are clinic-local dates."""
    s = TreatmentSession
    stmt = select(s).where(visible_care_clause(user, s.clinic_id, s.patient_id))
    for column, value in (
        (s.clinic_id, clinic_id),
        (s.practitioner_id, practitioner_id),
        (s.patient_id, patient_id),
        (s.plan_id, plan_id),
        (s.status, status),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    dates = _local_dates(db, first_day, last_day)
    if dates is not None:
        stmt = stmt.where(dates)
    return paginate(db, stmt, [SortKey(s.starts_at), SortKey(s.id)], params)


def _invalid(session: TreatmentSession, action: str) -> RuleConflict:
    return RuleConflict.one("invalid_transition", f"A {session.status} session cannot be {action}.")


def cancel(session: TreatmentSession, reason: str) -> None:
    """booked → cancelled; `late` when under 24 hours before the start."""
    if session.status != "booked":
        raise _invalid(session, "cancelled")
    now = clock.now()
    session.status = "cancelled"
    session.cancelled_at = now
    session.cancel_reason = reason
    session.late_cancellation = session.starts_at - now < LATE_CANCELLATION


def check_in(db: Session, session: TreatmentSession) -> None:
    """booked → checked_in, from one hour before the start until its end; the plan must be
    consented (active) and the age, allergy and contraindication gates passed again."""
    if session.status != "booked":
        raise _invalid(session, "checked in")
    now = clock.now()
    if not (session.starts_at - CHECK_IN_OPENS <= now <= session.ends_at):
        raise RuleConflict.one(
            "invalid_transition",
            "Check-in is open from one hour before the start until the end of the session.",
        )
    plan = db.get_one(TreatmentPlan, session.plan_id)
    if plan.status != "active":
        raise RuleConflict.one("consent_required", "The plan has no consent (it is not active).")
    conflicts = gates.recheck_conflicts(db, plan, db.get_one(Clinic, session.clinic_id))
    if conflicts:
        raise RuleConflict(conflicts)
    session.status = "checked_in"
    session.checked_in_at = now


def complete(db: Session, session: TreatmentSession, areas: list[str], notes: str) -> None:
    """checked_in → completed with the areas treated (a subset of the plan's) and notes; the
    plan completes with its last planned session."""
    if session.status != "checked_in":
        raise _invalid(session, "completed")
    plan_areas = set(
        db.scalars(select(PlanArea.area_code).where(PlanArea.plan_id == session.plan_id))
    )
    unknown = sorted(set(areas) - plan_areas)
    if unknown:
        raise InvalidInput(
            ["body", "areas_treated"], f"Not areas of the plan: {', '.join(unknown)}."
        )
    session.status = "completed"
    session.completed_at = clock.now()
    session.areas_treated = list(dict.fromkeys(areas))
    session.notes = notes
    db.flush()
    plans.mark_completed_if_done(db, db.get_one(TreatmentPlan, session.plan_id))


def no_show(db: Session, session: TreatmentSession) -> None:
    """booked → no_show, only once the start has passed; a no-show keeps its place in the
    course, so the plan may complete with it."""
    if session.status != "booked":
        raise _invalid(session, "marked no-show")
    if clock.now() < session.starts_at:
        raise RuleConflict.one("invalid_transition", "A no-show is marked only after the start.")
    session.status = "no_show"
    db.flush()
    plans.mark_completed_if_done(db, db.get_one(TreatmentPlan, session.plan_id))
