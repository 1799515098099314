"""Booking and rescheduling one 45-minute session of a treatment plan.

The slot check is the same one availability uses (`calendar.load_calendar` then
`slots.is_free`), so an offered slot is bookable and a booked one is no longer offered.

No double booking: the plan row is locked (SELECT … FOR UPDATE; on SQLite every write
transaction is BEGIN IMMEDIATE, which serializes the check and the insert), and on PostgreSQL
the exclusion constraints refuse any overlap that a concurrent writer could still slip in.
Their violation at flush becomes a 409 `slot_taken` / `patient_busy`, never a 500.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Exists, Select, bindparam, exists, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api.access import CareKind, care_clause, care_scope
from api.clinics.models import Clinic
from api.common import clock
from api.errors import ConflictItem, DomainError, InvalidInput, RuleConflict, is_retryable
from api.plans.models import TreatmentPlan
from api.practitioners.models import Practitioner, practitioner_clinics
from api.safety import gates
from api.scheduling import slots
from api.scheduling.calendar import CalendarQuery, clinic_zone, load_calendar
from api.sessions import transitions
from api.sessions.models import (
    PATIENT_OVERLAP,
    PRACTITIONER_OVERLAP,
    SESSION_LENGTH,
    TreatmentSession,
)
from api.users.models import User
from api.vocabulary import ConflictCode, PlanStatus, SessionStatus

BOOKABLE_PLAN_STATUSES = (PlanStatus.PROPOSED, PlanStatus.ACTIVE)

# The 409 codes of `_slot_conflicts` (the plan, the practitioner, and `slots.explain`'s
# codes that have words) and of `flush_booking`; then of a booking and of a reschedule.
SLOT_CODES = gates.LICENCE_CODES | {
    ConflictCode.PLAN_NOT_BOOKABLE,
    ConflictCode.PLAN_FULL,
    ConflictCode.SPACING,
    ConflictCode.OUTSIDE_WORKING_HOURS,
    ConflictCode.TIME_OFF,
    ConflictCode.SLOT_TAKEN,
    ConflictCode.BUFFER,
    ConflictCode.PATIENT_BUSY,
}
BOOK_CODES = SLOT_CODES | gates.RECHECK_CODES
RESCHEDULE_CODES = (
    (SLOT_CODES - {ConflictCode.PLAN_FULL})
    | gates.RECHECK_CODES
    | {ConflictCode.INVALID_TRANSITION}
)

# A violation's message names the constraint: which rule a concurrent booking broke.
_CONSTRAINT_CODES = {
    PRACTITIONER_OVERLAP: ConflictCode.SLOT_TAKEN,
    PATIENT_OVERLAP: ConflictCode.PATIENT_BUSY,
}


def conflict(code: ConflictCode, detail: str | None = None) -> ConflictItem:
    """A 409 item; without `detail`, the code's words in `slots.REFUSALS`."""
    return ConflictItem(code=code, detail=detail or slots.REFUSALS[code].detail)


def plan_not_bookable(plan: TreatmentPlan) -> list[ConflictItem]:
    """`plan_not_bookable` unless the plan is proposed or active."""
    if plan.status in BOOKABLE_PLAN_STATUSES:
        return []
    return [conflict(ConflictCode.PLAN_NOT_BOOKABLE, f"The plan is {plan.status}.")]


def plan_full(plan: TreatmentPlan, held: int) -> list[ConflictItem]:
    """`plan_full` when `held`, its non-cancelled sessions, already make all it plans."""
    if held < plan.sessions_planned:
        return []
    return [conflict(ConflictCode.PLAN_FULL, f"The plan has its {plan.sessions_planned} sessions.")]


@lru_cache(maxsize=8)
def locked_plan_query(kind: CareKind) -> Select[TreatmentPlan]:
    """The plan of bound parameter `plan_id` if a user of this `care_scope` kind may see it,
    its row locked for the rest of the transaction; booking, rescheduling and course
    scheduling all start here. Built once per kind."""
    return (
        select(TreatmentPlan)
        .where(
            TreatmentPlan.id == bindparam("plan_id"),
            care_clause(kind, TreatmentPlan.clinic_id, TreatmentPlan.patient_id),
        )
        .with_for_update(of=TreatmentPlan)
    )


def unknown_plan() -> DomainError:
    """422: the plan a request's body names is unknown, or not visible to the caller."""
    return InvalidInput(["body", "treatment_plan_id"], "Unknown treatment plan.")


def lock_visible_plan(
    db: Session,
    user: User,
    plan_id: uuid.UUID,
    *,
    missing: Callable[[], DomainError] = unknown_plan,
) -> TreatmentPlan:
    """The plan, its row locked for the rest of the transaction, if `user` may see it; else
    `missing()` is raised (by default the 422 of a plan named in the body; a course, whose
    plan is the path's resource, answers 404)."""
    scope = care_scope(user)
    plan: TreatmentPlan | None = db.scalar(
        locked_plan_query(scope.kind), scope.bind(plan_id=plan_id)
    )
    if plan is None:
        raise missing()
    return plan


def check_start(start: datetime, zone: ZoneInfo, field: str, now: datetime) -> datetime:
    """A start must be after `now` and on the clinic-local 15-minute grid, else 422 at the
    body's `field`; it is returned in UTC."""
    if start <= now:
        raise InvalidInput(["body", field], "The start is in the past.")
    if not slots.on_grid(start, zone):
        raise InvalidInput(
            ["body", field], "Sessions start on the quarter hour (:00, :15, :30, :45)."
        )
    return start.astimezone(UTC)


def _works_at(practitioner_id: Any, clinic_id: Any) -> Exists:
    return exists().where(
        practitioner_clinics.c.practitioner_id == practitioner_id,
        practitioner_clinics.c.clinic_id == clinic_id,
    )


def _slot_conflicts(
    db: Session,
    plan: TreatmentPlan,
    clinic: Clinic,
    practitioner: Practitioner,
    start: datetime,
    exclude_session_id: uuid.UUID | None = None,
    works_there: bool | None = None,
) -> list[ConflictItem]:
    """Every rule of a single session that refuses `start` for this plan and practitioner
    (`works_there`: whether they work at the clinic, when already read)."""
    items = plan_not_bookable(plan)
    items += gates.licence_and_qualification_conflicts(practitioner, clinic, None, works_there)
    day = slots.local_date(start, clinic_zone(clinic))
    query = CalendarQuery.of_practitioner(
        clinic,
        practitioner,
        day,
        day,
        patient_id=plan.patient_id,
        plan_id=plan.id,
        exclude_session_id=exclude_session_id,
    )
    # The plan's sessions come with the calendar (all dates): they count towards a full plan.
    loaded = load_calendar(db, query)
    if exclude_session_id is None:
        items += plan_full(plan, loaded.plan_sessions)
    calendar = loaded.calendar(practitioner.id)
    now = clock.now()
    if not slots.is_free(calendar, start, now):
        explained = slots.explain(calendar, start, now)
        codes = [code for code in explained if slots.REFUSALS[code].detail]
        items.extend(conflict(ConflictCode(code)) for code in codes or [ConflictCode.SLOT_TAKEN])
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
            taken = "A booking made at the same moment took the slot."
            raise RuleConflict([conflict(ConflictCode.SLOT_TAKEN, taken)]) from exc
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
    columns: tuple[Any, ...] = (
        Clinic,
        Practitioner,
        _works_at(Practitioner.id, TreatmentPlan.clinic_id),
        *gates.patient_flag_columns(TreatmentPlan.patient_id),
    )
    return (
        locked_plan_query(kind)
        .add_columns(*columns)
        .join(Clinic, Clinic.id == TreatmentPlan.clinic_id)
        .outerjoin(Practitioner, Practitioner.id == chosen)
    )


def _lock_for_booking(
    db: Session, user: User, plan_id: uuid.UUID, practitioner_id: uuid.UUID | None
) -> tuple[TreatmentPlan, Clinic, Practitioner, bool, gates.PatientFlags]:
    """The plan (locked, as `lock_visible_plan`), its clinic, the practitioner (the plan's own
    unless named), whether they work at the clinic and what the safety gates need to know of the
    patient: one statement, where reading them one by one was six (booking is the hot path),
    built once per kind of user (building it cost as much as running it)."""
    scope = care_scope(user)
    params = scope.bind(plan_id=plan_id, practitioner_id=practitioner_id)
    row = db.execute(_booking_read(scope.kind, practitioner_id is not None), params).first()
    if row is None:
        raise unknown_plan()
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
    start = check_start(starts_at, clinic_zone(clinic), "starts_at", clock.now())
    items = _slot_conflicts(db, plan, clinic, practitioner, start, works_there=works_there)
    items += gates.recheck_conflicts(db, plan, clinic, flags)
    if items:
        raise RuleConflict(items)
    session = TreatmentSession.for_plan(
        plan,
        practitioner.id,
        start,
        clinic.buffer_minutes,
        status=SessionStatus.BOOKED,
        created_by=user.id,
    )
    db.add(session)
    flush_booking(db)
    return session, clinic


def reschedule_session(
    db: Session, user: User, session: TreatmentSession, starts_at: datetime
) -> Clinic:
    """Move a booked session under the same rules and safety gates; its own old time counts as
    free."""
    plan = lock_visible_plan(db, user, session.plan_id)
    transitions.ensure_reschedulable(session)
    practitioner = db.get_one(Practitioner, session.practitioner_id)
    clinic = db.get_one(Clinic, session.clinic_id)
    start = check_start(starts_at, clinic_zone(clinic), "starts_at", clock.now())
    items = _slot_conflicts(db, plan, clinic, practitioner, start, exclude_session_id=session.id)
    items += gates.recheck_conflicts(db, plan, clinic)
    if items:
        raise RuleConflict(items)
    session.starts_at = start
    session.ends_at = start + SESSION_LENGTH
    session.buffer_ends_at = session.ends_at + timedelta(minutes=clinic.buffer_minutes)
    flush_booking(db)
    return clinic
