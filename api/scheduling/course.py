"""Booking a course: the plan's remaining sessions, one per cadence step, all or nothing.

Placement rules (DESIGN section 5, "Course scheduling"):
- The remaining sessions are `sessions_planned` minus the plan's sessions that are not
  cancelled. Step k (1-based, counting only the sessions of this request) is intended on the
  clinic-local date of `first_starts_at` plus (k − 1) × 7 days (weekly) or × 14 days
  (twice_monthly), at the same LOCAL wall-clock time: 10:00 stays 10:00 across a
  daylight-saving change. (A wall time inside a spring gap aims at the end of the gap.)
- When that start is not free, the step takes the free start of the same practitioner on the
  same local day nearest in time to the intended one (on a tie, the earlier wins); failing that
  the nearest on the day before, then on the day after, each aimed at the same wall time.
- "Free" is the single booking's rule (`slots.free_starts`): working hours at the clinic, the
  15-minute grid, in the future, no time off, the clinic's buffer, the licence valid that day,
  no overlap with the practitioner's or the patient's sessions, and 5 days between any two
  sessions of the plan, the ones already booked and the ones placed by earlier steps alike.
- Steps are placed in order, each against the ones placed before it. A step that cannot be
  placed leaves its days open and the later steps are still tried, so that the 409 names every
  unplaceable step at once.

Cost: a fixed number of statements whatever the number of sessions. The calendar is loaded once
over the whole course (`calendar.load_calendar`), the steps are placed in memory, and the new
sessions are inserted in one flush (one batched INSERT).
"""

import dataclasses
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.errors import ConflictItem, InvalidInput, NotFound, RuleConflict
from api.plans.models import CADENCE_DAYS, TreatmentPlan
from api.practitioners.models import Practitioner
from api.safety import gates
from api.scheduling import slots
from api.scheduling.booking import (
    check_start,
    flush_booking,
    lock_visible_plan,
    plan_full,
    plan_not_bookable,
)
from api.scheduling.calendar import SPACING_DAYS, CalendarQuery, clinic_zone, load_calendar
from api.sessions.models import TreatmentSession
from api.users.models import User
from api.vocabulary import ConflictCode, SessionStatus

_ONE_DAY = timedelta(days=1)
# The 409 codes of `schedule_course` (`flush_booking`'s included: a concurrent booking).
COURSE_CODES = (
    gates.LICENCE_CODES
    | gates.RECHECK_CODES
    | {
        ConflictCode.PLAN_NOT_BOOKABLE,
        ConflictCode.PLAN_FULL,
        ConflictCode.UNPLACEABLE,
        ConflictCode.SLOT_TAKEN,
        ConflictCode.PATIENT_BUSY,
    }
)


@dataclass(frozen=True)
class Step:
    """One session of the course: its 1-based index in the request, the clinic-local date the
    cadence intends, the wall-clock instant aimed at, and where it was placed (None: nowhere)."""

    index: int
    intended: date
    target: datetime
    start: datetime | None


def _target(day: date, minute: int, cal: slots.Calendar) -> datetime:
    """The instant the clinic's clock shows `minute` on `day` (a gap moves to its end)."""
    return slots.wall_instant(day, minute, cal.zone) or slots.bound_instant(day, minute, cal.zone)


def _nearest(starts: list[datetime], target: datetime) -> datetime:
    """The start nearest in time to `target`; on a tie the earlier."""
    return min(starts, key=lambda start: (abs(start - target), start))


def place_course(
    cal: slots.Calendar, first: datetime, count: int, cadence_days: int, now: datetime
) -> list[Step]:
    """Place `count` sessions from `first`, one per `cadence_days`, by the module's rules.

    Pure: `cal` is the practitioner's calendar at the plan's clinic, with the patient's
    sessions and the days the plan's existing sessions block.
    """
    zone = cal.zone
    local = first.astimezone(zone)
    minute = local.hour * 60 + local.minute
    days = [local.date() + timedelta(days=k * cadence_days) for k in range(count)]
    # One pass of the slot function over the whole course, with every day no step can use
    # closed: only the intended days and their neighbours produce candidates.
    wanted = {day + timedelta(days=shift) for day in days for shift in (-1, 0, 1)}
    window = [days[0] - _ONE_DAY + timedelta(days=k) for k in range((days[-1] - days[0]).days + 3)]
    closed = frozenset(day for day in window if day not in wanted)
    search = dataclasses.replace(cal, blocked_days=cal.blocked_days | closed)
    free: dict[date, list[datetime]] = defaultdict(list)
    for start in slots.free_starts(search, window[0], window[-1], now):
        free[slots.local_date(start, zone)].append(start)

    placed_near: set[date] = set()  # days within 5 days of a session placed by this request
    steps: list[Step] = []
    for index, day in enumerate(days, start=1):
        aim = first.astimezone(UTC) if index == 1 else _target(day, minute, cal)
        chosen: datetime | None = None
        for option in (day, day - _ONE_DAY, day + _ONE_DAY):
            starts = free.get(option)
            if not starts or option in placed_near:
                continue
            target = aim if option == day else _target(option, minute, cal)
            chosen = _nearest(starts, target)
            break
        if chosen is not None:
            placed = slots.local_date(chosen, zone)
            spread = range(1 - SPACING_DAYS, SPACING_DAYS)
            placed_near.update(placed + timedelta(days=k) for k in spread)
        steps.append(Step(index, day, aim, chosen))
    return steps


def _why(cal: slots.Calendar, step: Step, now: datetime) -> str:
    codes = slots.explain(cal, step.target, now)
    reasons = [slots.REFUSALS[c].reason for c in codes if slots.REFUSALS[c].reason]
    local = step.target.astimezone(cal.zone)
    at = f" (at {local:%H:%M}: {'; '.join(reasons)})" if reasons else ""
    return (
        f"Step {step.index}: no free slot of the practitioner on {step.intended.isoformat()}"
        f"{at}, nor on the day before or the day after."
    )


def _rule_conflicts(
    db: Session,
    plan: TreatmentPlan,
    practitioner: Practitioner,
    clinic: Clinic,
    first_day: date,
    held: int,
) -> list[ConflictItem]:
    items = plan_not_bookable(plan) + plan_full(plan, held)
    items += gates.licence_and_qualification_conflicts(practitioner, clinic, first_day)
    items += gates.recheck_conflicts(db, plan, clinic)
    return items


def schedule_course(
    db: Session,
    user: User,
    plan_id: uuid.UUID,
    practitioner_id: uuid.UUID | None,
    first_starts_at: datetime,
    *,
    dry_run: bool = False,
) -> tuple[list[TreatmentSession], Clinic]:
    """Book the plan's remaining sessions from `first_starts_at` (see the module's rules), all
    or nothing. Refusals: 409 `plan_not_bookable`, `plan_full`, `not_qualified`, `licence`
    (on the first date), `allergy`, `contraindication`, `under_age`, or one `unplaceable` per
    step that has no slot (`step`, `date`). With `dry_run` the sessions are placed and returned
    but nothing is written."""
    plan = lock_visible_plan(db, user, plan_id, missing=lambda: NotFound("Treatment plan"))
    practitioner = db.get(Practitioner, practitioner_id or plan.practitioner_id)
    if practitioner is None:
        raise InvalidInput(["body", "practitioner_id"], "Unknown practitioner.")
    clinic = db.get_one(Clinic, plan.clinic_id)
    now = clock.now()
    zone = clinic_zone(clinic)
    first = check_start(first_starts_at, zone, "first_starts_at", now)
    first_day = slots.local_date(first, zone)
    held = (
        db.scalar(
            select(func.count())
            .select_from(TreatmentSession)
            .where(
                TreatmentSession.plan_id == plan.id,
                TreatmentSession.status != SessionStatus.CANCELLED,
            )
        )
        or 0
    )
    remaining = plan.sessions_planned - held
    items = _rule_conflicts(db, plan, practitioner, clinic, first_day, held)
    if items:
        raise RuleConflict(items)

    cadence_days = CADENCE_DAYS[plan.cadence]
    last_day = first_day + timedelta(days=(remaining - 1) * cadence_days)
    query = CalendarQuery.of_practitioner(
        clinic,
        practitioner,
        first_day - _ONE_DAY,
        last_day + _ONE_DAY,
        patient_id=plan.patient_id,
        plan_id=plan.id,
    )
    calendar = load_calendar(db, query).calendar(practitioner.id)
    steps = place_course(calendar, first, remaining, cadence_days, now)
    unplaceable = [
        ConflictItem(
            code=ConflictCode.UNPLACEABLE,
            detail=_why(calendar, step, now),
            step=step.index,
            date=step.intended.isoformat(),
        )
        for step in steps
        if step.start is None
    ]
    if unplaceable:
        raise RuleConflict(unplaceable)

    sessions = [
        TreatmentSession.for_plan(
            plan,
            practitioner.id,
            step.start,
            clinic.buffer_minutes,
            id=uuid.uuid4(),
            status=SessionStatus.BOOKED,
            created_by=user.id,
            late_cancellation=False,
            areas_treated=[],
            created_at=now,
            updated_at=now,
        )
        for step in steps
        if step.start is not None
    ]
    if not dry_run:
        db.add_all(sessions)
        flush_booking(db)  # one batched INSERT; a concurrent overlap becomes a 409
    return sessions, clinic
