"""Loading practitioners' calendars at one clinic, in a fixed number of statements.

Shared by the availability search and the booking check, so both decide "is this slot free"
from the same data with the same pure function (`slots.free_starts`):
1. working hours at the clinic, with the practitioner's licence and qualifications;
2. their time off and non-cancelled sessions (at any clinic), plus the patient's sessions when
   a patient is known, in one UNION ALL.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
    and_,
    case,
    false,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.practitioners.models import (
    MESOTHERAPY,
    Practitioner,
    TimeOff,
    WorkingHours,
    practitioner_clinics,
)
from api.scheduling.slots import Busy, Calendar, Interval, WeeklyHours, bound_instant
from api.sessions.models import TreatmentSession

SPACING_DAYS = 5
# Busy intervals are read with this margin around the range: a session may start before the
# first day and still keep its buffer into it, and zone offsets reach ±14 h.
_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class CalendarQuery:
    clinic: Clinic
    first_day: date
    last_day: date
    practitioner_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None  # the patient's sessions are busy too
    plan_id: uuid.UUID | None = None  # the plan's sessions block days (5-day spacing)
    exclude_session_id: uuid.UUID | None = None  # a session being rescheduled counts free
    eligible_only: bool = True  # only active, qualified practitioners working at the clinic


@dataclass
class _Rows:
    hours: dict[uuid.UUID, list[WeeklyHours]] = field(default_factory=lambda: defaultdict(list))
    licence: dict[uuid.UUID, date] = field(default_factory=dict)


def clinic_zone(clinic: Clinic) -> ZoneInfo:
    return ZoneInfo(clinic.timezone)


def _window(q: CalendarQuery) -> tuple[datetime, datetime]:
    zone = clinic_zone(q.clinic)
    lo = bound_instant(q.first_day, 0, zone)
    hi = bound_instant(q.last_day + timedelta(days=1), 0, zone)
    return lo - _MARGIN, hi + _MARGIN


def _hours(db: Session, q: CalendarQuery) -> _Rows:
    stmt = (
        select(
            WorkingHours.practitioner_id,
            WorkingHours.weekday,
            WorkingHours.start_minute,
            WorkingHours.end_minute,
            Practitioner.license_expires_on,
            Practitioner.qualifications,
        )
        .join(Practitioner, Practitioner.id == WorkingHours.practitioner_id)
        .where(WorkingHours.clinic_id == q.clinic.id)
    )
    if q.practitioner_id is not None:
        stmt = stmt.where(WorkingHours.practitioner_id == q.practitioner_id)
    if q.eligible_only:
        pc = practitioner_clinics
        stmt = stmt.join(
            pc, and_(pc.c.practitioner_id == Practitioner.id, pc.c.clinic_id == q.clinic.id)
        ).where(Practitioner.active.is_(True))
    rows = _Rows()
    for pid, weekday, start, end, expires, qualifications in db.execute(stmt):
        if q.eligible_only and MESOTHERAPY not in (qualifications or []):
            continue
        rows.hours[pid].append(WeeklyHours(weekday, start, end))
        rows.licence[pid] = expires
    return rows


def load_calendars(db: Session, q: CalendarQuery) -> dict[uuid.UUID, Calendar]:
    """The calendar of each practitioner concerned, keyed by practitioner id (two statements).

    With `eligible_only=False` and a `practitioner_id` (booking), that practitioner always gets
    a calendar, possibly without hours; its licence is left for the caller to set.
    """
    rows = _hours(db, q)
    pids = set(rows.hours)
    if not q.eligible_only and q.practitioner_id is not None:
        pids.add(q.practitioner_id)
    if not pids:
        return {}
    lo, hi = _window(q)
    s = TreatmentSession
    who: ColumnElement[bool] = s.practitioner_id.in_(pids)
    if q.patient_id is not None:
        who = or_(who, s.patient_id == q.patient_id)
    if q.plan_id is not None:
        who = or_(who, s.plan_id == q.plan_id)
    # Flags rather than ids: cheaper to read back for thousands of rows.
    of_patient = s.patient_id == q.patient_id if q.patient_id is not None else false()
    of_plan = s.plan_id == q.plan_id if q.plan_id is not None else false()
    sessions = select(
        literal("session").label("kind"),
        _raw_id(s.practitioner_id),
        case((of_patient, 1), else_=0).label("of_patient"),
        case((of_plan, 1), else_=0).label("of_plan"),
        _raw(s.starts_at),
        _raw(s.ends_at),
        _raw(s.buffer_ends_at),
    ).where(s.status != "cancelled", who)
    # The plan's sessions matter at any date (5-day spacing); the others only near the range.
    near: ColumnElement[bool] = and_(s.starts_at < hi, s.buffer_ends_at > lo)
    if q.plan_id is not None:
        near = or_(near, s.plan_id == q.plan_id)
    sessions = sessions.where(near)
    if q.exclude_session_id is not None:
        sessions = sessions.where(s.id != q.exclude_session_id)
    time_off = select(
        literal("off").label("kind"),
        _raw_id(TimeOff.practitioner_id),
        literal(0),
        literal(0),
        _raw(TimeOff.starts_at),
        _raw(TimeOff.ends_at),
        _raw(TimeOff.ends_at),
    ).where(TimeOff.practitioner_id.in_(pids), TimeOff.starts_at < hi, TimeOff.ends_at > lo)

    zone = clinic_zone(q.clinic)
    busy: dict[uuid.UUID, list[Busy]] = defaultdict(list)
    off: dict[uuid.UUID, list[Interval]] = defaultdict(list)
    patient_busy: list[Interval] = []
    blocked_days: set[date] = set()
    # Ids as the driver gives them (hex text on SQLite, UUID on PostgreSQL), mapped back here.
    ids: dict[Any, uuid.UUID] = {p.hex: p for p in pids} | {p: p for p in pids}
    rows_found = cast(Sequence[tuple[Any, ...]], db.execute(union_all(sessions, time_off)).all())
    for row in rows_found:
        kind, pid, of_patient_row, of_plan_row = row[0], ids.get(row[1]), row[2], row[3]
        start, end, buffer_end = _aware(row[4]), _aware(row[5]), _aware(row[6])
        if pid is not None and kind == "off":
            off[pid].append(Interval(start, end))
            continue
        if pid is not None:
            busy[pid].append(Busy(start, end, buffer_end))
        if of_patient_row:
            patient_busy.append(Interval(start, end))
        if of_plan_row:
            day = start.astimezone(zone).date()
            spread = range(1 - SPACING_DAYS, SPACING_DAYS)
            blocked_days.update(day + timedelta(days=k) for k in spread)
    buffer = timedelta(minutes=q.clinic.buffer_minutes)
    return {
        pid: Calendar(
            zone=zone,
            hours=rows.hours.get(pid, []),
            time_off=off[pid],
            busy=sorted(busy[pid], key=lambda b: b.start),
            buffer=buffer,
            patient_busy=patient_busy,
            licensed_through=rows.licence.get(pid),
            blocked_days=frozenset(blocked_days),
        )
        for pid in pids
    }


def _raw(column: Any) -> Any:
    # Read instants with the driver's own conversion, skipping the per-value Python hook of
    # UTCDateTime: thousands of rows per search. `_aware` completes them.
    return type_coerce(column, DateTime(timezone=True))


def _raw_id(column: Any) -> Any:
    return type_coerce(column, String())


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive UTC values when a UNION hides the column type.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
