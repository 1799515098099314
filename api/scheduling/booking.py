"""Booking and rescheduling one 45-minute session of a treatment plan.

The slot check is the same one availability uses (`calendar.load_calendars` then
`slots.is_free`), so an offered slot is bookable and a booked one is no longer offered.

No double booking: the plan row is locked (SELECT … FOR UPDATE; on SQLite every write
transaction is BEGIN IMMEDIATE, which serializes the check and the insert), and on PostgreSQL
the exclusion constraints refuse any overlap that a concurrent writer could still slip in.
Their violation at flush becomes a 409 `slot_taken` / `patient_busy`, never a 500.
"""

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Exists, Select, bindparam, exists, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.errors import ConflictItem, InvalidInput, RuleConflict, is_retryable
from api.patients.deps import CareKind, care_clause, care_scope
from api.plans.models import TreatmentPlan
from api.practitioners.models import Practitioner, practitioner_clinics
from api.safety import gates
from api.scheduling import slots
from api.scheduling.calendar import CalendarQuery, clinic_zone, load_calendars_counting_plan
from api.sessions import transitions
from api.sessions.models import SESSION_LENGTH, TreatmentSession
from api.users.models import User

BOOKABLE_PLAN_STATUSES = ("proposed", "active")

_DETAILS = {
    "licence": "The practitioner's licence is not valid on that day.",
    "spacing": "Sessions of one plan must start at least 5 days apart.",
    "outside_working_hours": "The slot is outside the practitioner's working hours.",
    "time_off": "The practitioner is off at that time.",
    "slot_taken": "The practitioner has another session at that time.",
    "buffer": "The clinic's buffer between sessions would not be kept.",
    "patient_busy": "The patient has another session at that time.",
}
_CONSTRAINT_CODES = {
    "ex_sessions_practitioner_overlap": "slot_taken",
    "ex_sessions_patient_overlap": "patient_busy",
}


def conflict(code: str, detail: str | None = None) -> ConflictItem:
    return ConflictItem(code=code, detail=detail or _DETAILS[code])


def locked_plan_query(kind: CareKind, *columns: Any) -> Select[Any]:
    """The plan of bound parameter `plan_id` (and `columns`) if a user of this `care_scope`
    kind may see it, its row locked for the rest of the transaction; booking, rescheduling and
    course scheduling all start here. Built once per kind (see `lock_plan`)."""
    return (
        select(TreatmentPlan, *columns)
        .where(
            TreatmentPlan.id == bindparam("plan_id"),
            care_clause(kind, TreatmentPlan.clinic_id, TreatmentPlan.patient_id),
        )
        .with_for_update(of=TreatmentPlan)
    )


_plan_lock = lru_cache(maxsize=8)(locked_plan_query)


def find_locked_plan(db: Session, user: User, plan_id: uuid.UUID) -> TreatmentPlan | None:
    """The plan, locked for the rest of the transaction, if `user` may see it."""
    kind, values = care_scope(user)
    plan: TreatmentPlan | None = db.scalar(_plan_lock(kind), {"plan_id": plan_id, **values})
    return plan


def lock_plan(db: Session, user: User, plan_id: uuid.UUID) -> TreatmentPlan:
    """The plan, locked for the rest of the transaction; unknown or not visible is 422."""
    plan = find_locked_plan(db, user, plan_id)
    if plan is None:
        raise InvalidInput(["body", "treatment_plan_id"], "Unknown treatment plan.")
    return plan


def check_start(start: datetime, clinic: Clinic) -> datetime:
    """A start must be in the future and on the clinic-local 15-minute grid (else 422)."""
    if start <= clock.now():
        raise InvalidInput(["body", "starts_at"], "The start is in the past.")
    if not slots.on_grid(start, clinic_zone(clinic)):
        raise InvalidInput(
            ["body", "starts_at"], "Sessions start on the quarter hour (:00, :15, :30, :45)."
        )
    return start.astimezone(UTC)


def _works_at(practitioner_id: Any, clinic_id: Any) -> Exists:
    return exists().where(
        practitioner_clinics.c.practitioner_id == practitioner_id,
        practitioner_clinics.c.clinic_id == clinic_id,
    )


def slot_conflicts(
    db: Session,
    plan: TreatmentPlan,
    clinic: Clinic,
    practitioner: Practitioner,
    start: datetime,
    exclude_session_id: uuid.UUID | None = None,
) -> list[ConflictItem]:
    """Every rule of a single session that refuses `start` for this plan and practitioner."""
    return _slot_conflicts(db, plan, clinic, practitioner, start, exclude_session_id)


def _slot_conflicts(
    db: Session,
    plan: TreatmentPlan,
    clinic: Clinic,
    practitioner: Practitioner,
    start: datetime,
    exclude_session_id: uuid.UUID | None = None,
    works_there: bool | None = None,
) -> list[ConflictItem]:
    items: list[ConflictItem] = []
    if plan.status not in BOOKABLE_PLAN_STATUSES:
        items.append(conflict("plan_not_bookable", f"The plan is {plan.status}."))
    items += gates.licence_and_qualification_conflicts(practitioner, clinic, None, works_there)
    day = slots.local_date(start, clinic_zone(clinic))
    query = CalendarQuery(
        clinic=clinic,
        first_day=day,
        last_day=day,
        practitioner_id=practitioner.id,
        patient_id=plan.patient_id,
        plan_id=plan.id,
        exclude_session_id=exclude_session_id,
        eligible_only=False,
    )
    # The plan's sessions come with the calendar (all dates): they count towards a full plan.
    calendars, booked = load_calendars_counting_plan(db, query)
    if exclude_session_id is None and booked >= plan.sessions_planned:
        items.append(conflict("plan_full", f"The plan has its {plan.sessions_planned} sessions."))
    calendar = dataclasses.replace(
        calendars[practitioner.id], licensed_through=practitioner.license_expires_on
    )
    now = clock.now()
    if not slots.is_free(calendar, start, now):
        codes = [c for c in slots.explain(calendar, start, now) if c in _DETAILS]
        items.extend(conflict(code) for code in codes or ["slot_taken"])
    return items


def flush_booking(db: Session) -> None:
    """Flush; an exclusion-constraint violation (a concurrent booking won) becomes a 409.

    So does a deadlock: two transactions inserting overlapping sessions at the same moment
    each find the other's row in progress while checking the exclusion constraints, and
    PostgreSQL aborts one of them. The survivor's row is the one that overlaps, so the loser
    of the race is told the slot was taken, like any other loser."""
    try:
        db.flush()
    except OperationalError as exc:
        if is_retryable(exc):
            raise RuleConflict(
                [conflict("slot_taken", "A booking made at the same moment took the slot.")]
            ) from exc
        raise
    except IntegrityError as exc:
        message = str(exc.orig)
        for constraint, code in _CONSTRAINT_CODES.items():
            if constraint in message:
                raise RuleConflict([conflict(code)]) from exc
        raise


@lru_cache(maxsize=16)
def _booking_read(kind: CareKind, practitioner_named: bool) -> Select[Any]:
    chosen: Any = TreatmentPlan.practitioner_id
    if practitioner_named:
        chosen = bindparam("practitioner_id")
    columns = (
        Clinic,
        Practitioner,
        _works_at(Practitioner.id, TreatmentPlan.clinic_id),
        *gates.patient_flag_columns(TreatmentPlan.patient_id),
    )
    return (
        locked_plan_query(kind, *columns)
        .join(Clinic, Clinic.id == TreatmentPlan.clinic_id)
        .outerjoin(Practitioner, Practitioner.id == chosen)
    )


def _lock_for_booking(
    db: Session, user: User, plan_id: uuid.UUID, practitioner_id: uuid.UUID | None
) -> tuple[TreatmentPlan, Clinic, Practitioner, bool, gates.PatientFlags]:
    """The plan (locked, as `lock_plan`), its clinic, the practitioner (the plan's own unless
    named), whether they work at the clinic and what the safety gates need to know of the
    patient: one statement, where reading them one by one was six (booking is the hot path),
    built once per kind of user (building it cost as much as running it)."""
    kind, values = care_scope(user)
    params = {"plan_id": plan_id, "practitioner_id": practitioner_id, **values}
    row = db.execute(_booking_read(kind, practitioner_id is not None), params).first()
    if row is None:
        raise InvalidInput(["body", "treatment_plan_id"], "Unknown treatment plan.")
    plan, clinic, practitioner, works_there, *flags = row
    if practitioner is None:
        raise InvalidInput(["body", "practitioner_id"], "Unknown practitioner.")
    return plan, clinic, practitioner, works_there, gates.PatientFlags(*flags)


def book_session(
    db: Session,
    user: User,
    plan_id: uuid.UUID,
    practitioner_id: uuid.UUID | None,
    starts_at: datetime,
) -> tuple[TreatmentSession, Clinic]:
    """Book one session of a plan, under every rule of a single session (409 `conflicts`).
    Without a practitioner, the plan's own."""
    plan, clinic, practitioner, works_there, flags = _lock_for_booking(
        db, user, plan_id, practitioner_id
    )
    start = check_start(starts_at, clinic)
    items = _slot_conflicts(db, plan, clinic, practitioner, start, works_there=works_there)
    items += gates.recheck_conflicts(db, plan, clinic, flags)
    if items:
        raise RuleConflict(items)
    session = TreatmentSession.for_plan(
        plan, practitioner.id, start, clinic.buffer_minutes, status="booked", created_by=user.id
    )
    db.add(session)
    flush_booking(db)
    return session, clinic


def reschedule_session(
    db: Session, user: User, session: TreatmentSession, starts_at: datetime
) -> Clinic:
    """Move a booked session under the same rules and safety gates; its own old time counts as
    free."""
    plan = lock_plan(db, user, session.plan_id)
    transitions.ensure_reschedulable(session)
    practitioner = db.get_one(Practitioner, session.practitioner_id)
    clinic = db.get_one(Clinic, session.clinic_id)
    start = check_start(starts_at, clinic)
    items = slot_conflicts(db, plan, clinic, practitioner, start, exclude_session_id=session.id)
    items += gates.recheck_conflicts(db, plan, clinic)
    if items:
        raise RuleConflict(items)
    session.starts_at = start
    session.ends_at = start + SESSION_LENGTH
    session.buffer_ends_at = session.ends_at + timedelta(minutes=clinic.buffer_minutes)
    flush_booking(db)
    return clinic
