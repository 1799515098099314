"""Listing sessions, and moving them through their states: the rules are in
`api.sessions.transitions`; here they are given what they need from the database, and the
changes are flushed (with the plan's completion after the last session).
"""

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from api.access import care_scope
from api.clinics.models import Clinic
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.plans import service as plans
from api.plans.models import PlanArea, TreatmentPlan
from api.safety import gates
from api.scheduling.slots import bound_instant
from api.sessions import transitions
from api.sessions.models import TreatmentSession
from api.users.models import User
from api.vocabulary import PlanStatus


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
    stmt = select(s).where(care_scope(user).inline(s.clinic_id, s.patient_id))
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


def cancel(db: Session, session: TreatmentSession, reason: str) -> None:
    """Cancel a booked session (`transitions.cancel`)."""
    transitions.cancel(session, reason, clock.now())
    db.flush()


def check_in(db: Session, session: TreatmentSession) -> None:
    """Check a session in (`transitions.check_in`): the plan is read and the age, allergy and
    contraindication gates run again only once the session itself may be checked in."""
    now = clock.now()
    transitions.check_in_open(session, now)
    plan = db.get_one(TreatmentPlan, session.plan_id)
    conflicts = (
        gates.recheck_conflicts(db, plan, db.get_one(Clinic, session.clinic_id))
        if plan.status == PlanStatus.ACTIVE
        else []
    )
    transitions.check_in(session, now, plan.status, conflicts)
    db.flush()


def complete(db: Session, session: TreatmentSession, areas: list[str], notes: str) -> None:
    """Complete a checked-in session (`transitions.complete`); the plan completes with its last
    planned session."""
    plan_areas = set(
        db.scalars(select(PlanArea.area_code).where(PlanArea.plan_id == session.plan_id))
    )
    transitions.complete(session, areas, plan_areas, notes, clock.now())
    db.flush()
    plans.mark_completed_if_done(db, db.get_one(TreatmentPlan, session.plan_id))


def no_show(db: Session, session: TreatmentSession) -> None:
    """Mark a no-show (`transitions.no_show`); a no-show keeps its place in the course, so the
    plan may complete with it."""
    transitions.no_show(session, clock.now())
    db.flush()
    plans.mark_completed_if_done(db, db.get_one(TreatmentPlan, session.plan_id))
