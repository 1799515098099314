"""Loading practitioners' calendars at one clinic, in a fixed number of statements.

Shared by the availability search and the booking check, so both decide "is this slot free"
from the same data with the same pure function (`slots.free_starts`):
1. working hours at the clinic, with the practitioner's licence and qualifications;
2. their time off and non-cancelled sessions (at any clinic), plus the patient's sessions when
   a patient is known, in one UNION ALL.
When the practitioner is known beforehand (booking, rescheduling, a course: `eligible_only`
off), their hours at the clinic come with the second statement and the first is not needed.
"""

import json
import typing
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.functions import FunctionElement

from api.clinics.models import Clinic
from api.practitioners.models import (
    MESOTHERAPY,
    Practitioner,
    TimeOff,
    WorkingHours,
    practitioner_clinics,
)
from api.scheduling.slots import (
    SLOT_US,
    BlockedCalendar,
    Busy,
    Calendar,
    Interval,
    WeeklyHours,
    bound_instant,
    from_us,
    merge_spans,
)
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


# The statements are built once per shape, with bound parameters: building them afresh costs
# more Python than running them, on every booking.


@lru_cache(maxsize=8)
def _hours_statement(
    one_practitioner: bool, eligible_only: bool
) -> Select[uuid.UUID, int, int, int, date, list[str]]:
    clinic_id: BindParameter[uuid.UUID] = bindparam("clinic_id")
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
        .where(WorkingHours.clinic_id == clinic_id)
    )
    if one_practitioner:
        stmt = stmt.where(WorkingHours.practitioner_id == bindparam("practitioner_id"))
    if eligible_only:
        pc = practitioner_clinics
        stmt = stmt.join(
            pc, and_(pc.c.practitioner_id == Practitioner.id, pc.c.clinic_id == clinic_id)
        ).where(Practitioner.active.is_(True))
    return stmt


def _hours(db: Session, q: CalendarQuery) -> _Rows:
    stmt = _hours_statement(q.practitioner_id is not None, q.eligible_only)
    params = {"clinic_id": q.clinic.id, "practitioner_id": q.practitioner_id}
    rows = _Rows()
    for pid, weekday, start, end, expires, qualifications in db.execute(stmt, params):
        if q.eligible_only and MESOTHERAPY not in (qualifications or []):
            continue
        rows.hours[pid].append(WeeklyHours(weekday, start, end))
        rows.licence[pid] = expires
    return rows


@dataclass
class _Loaded:
    """Rows of the two statements, instants as integer microseconds since the epoch (UTC)."""

    rows: _Rows
    pids: set[uuid.UUID]
    zone: ZoneInfo
    buffer_us: int
    busy: dict[uuid.UUID, list[tuple[int, int, int]]]  # start, end, buffer end
    off: dict[uuid.UUID, list[tuple[int, int]]]
    patient_busy: list[tuple[int, int]]
    blocked_days: frozenset[date]
    plan_sessions: int  # non-cancelled sessions of the plan (but the excluded one), any date


@lru_cache(maxsize=64)
def _busy_statement(
    patient: bool, plan: bool, exclude: bool, ends: bool, hours: bool
) -> CompoundSelect[Any]:
    """Sessions (not cancelled) of the practitioners, the patient and the plan, and the
    practitioners' time off, near the window [lo, hi).

    One row per kind (`flags`: 1 time off, 2 the patient's, 4 the plan's, 0 other sessions)
    and practitioner (id as text), its intervals folded into one text of comma-separated
    start,end,buffer-end triples in µs since the epoch: a busy month of a clinic is thousands
    of sessions, and reading them back as rows costs more than the whole rest of the search.
    Without `ends`, a session's end is read for the patient's sessions only (the others count
    up to the end of their buffer, which is all the availability search needs), 0 for others.
    With `hours`, the practitioners' weekly hours at the clinic come too (`flags` 8, triples of
    weekday, start and end minute).
    """
    s = TreatmentSession
    pids: BindParameter[list[uuid.UUID]] = bindparam("pids", expanding=True)
    lo: BindParameter[datetime] = bindparam("lo")
    hi: BindParameter[datetime] = bindparam("hi")
    who: ColumnElement[bool] = s.practitioner_id.in_(pids)
    of_patient: ColumnElement[bool] = false()
    of_plan: ColumnElement[bool] = false()
    if patient:
        of_patient = s.patient_id == bindparam("patient_id")
        who = or_(who, of_patient)
    if plan:
        of_plan = s.plan_id == bindparam("plan_id")
        who = or_(who, of_plan)
    end: ColumnElement[int] = EpochMicroseconds(s.ends_at)
    if not ends:
        end = case((of_patient, end), else_=0)
    sessions = select(
        (case((of_patient, 2), else_=0) + case((of_plan, 4), else_=0)).label("flags"),
        s.practitioner_id.label("pid"),
        _triple(EpochMicroseconds(s.starts_at), end, EpochMicroseconds(s.buffer_ends_at)),
    ).where(s.status != "cancelled", who)
    # The plan's sessions matter at any date (5-day spacing); the others only near the range.
    near: ColumnElement[bool] = and_(s.starts_at < hi, s.buffer_ends_at > lo)
    if plan:
        near = or_(near, of_plan)
    sessions = sessions.where(near)
    if exclude:
        sessions = sessions.where(s.id != bindparam("exclude_session_id"))
    off_start, off_end = EpochMicroseconds(TimeOff.starts_at), EpochMicroseconds(TimeOff.ends_at)
    time_off = select(
        literal(1).label("flags"),
        TimeOff.practitioner_id.label("pid"),
        _triple(off_start, off_end, off_end),
    ).where(TimeOff.practitioner_id.in_(pids), TimeOff.starts_at < hi, TimeOff.ends_at > lo)

    def folded(rows: Select[int, uuid.UUID, str]) -> Select[int, str, str]:
        sub = rows.subquery()
        return select(
            sub.c.flags, cast(sub.c.pid, String()), func.aggregate_strings(sub.c.triple, ",")
        ).group_by(sub.c.flags, sub.c.pid)

    parts = [folded(sessions), folded(time_off)]
    if hours:
        weekly = select(
            literal(8).label("flags"),
            WorkingHours.practitioner_id.label("pid"),
            _triple(WorkingHours.weekday, WorkingHours.start_minute, WorkingHours.end_minute),
        ).where(
            WorkingHours.practitioner_id.in_(pids),
            WorkingHours.clinic_id == bindparam("clinic_id"),
        )
        parts.append(folded(weekly))
    return union_all(*parts)


_IntColumn = ColumnElement[int] | InstrumentedAttribute[int]


def _triple(start: _IntColumn, end: _IntColumn, third: _IntColumn) -> ColumnElement[str]:
    text = cast(start, String()) + "," + cast(end, String()) + "," + cast(third, String())
    return text.label("triple")


def _triples(text: str) -> list[tuple[int, int, int]]:
    # Comma-separated integers are a JSON array but for its brackets; the C parser reads them
    # several times faster than int() over str.split.
    values: list[int] = json.loads(f"[{text}]")
    return list(zip(values[0::3], values[1::3], values[2::3], strict=True))


def _load(db: Session, q: CalendarQuery, ends: bool = True) -> _Loaded | None:
    """With `ends=False`, only the patient's sessions keep their end (see `_busy_statement`).
    A known practitioner's hours come with the busy intervals (no licence: the caller has the
    practitioner and sets it)."""
    known = q.practitioner_id if not q.eligible_only else None
    rows = _Rows() if known is not None else _hours(db, q)
    pids = set(rows.hours) if known is None else {known}
    if not pids:
        return None
    lo, hi = _window(q)
    stmt = _busy_statement(
        q.patient_id is not None,
        q.plan_id is not None,
        q.exclude_session_id is not None,
        ends,
        known is not None,
    )
    params = {
        "pids": list(pids),
        "lo": lo,
        "hi": hi,
        "clinic_id": q.clinic.id,
        "patient_id": q.patient_id,
        "plan_id": q.plan_id,
        "exclude_session_id": q.exclude_session_id,
    }
    patient_busy: list[tuple[int, int]] = []
    plan_starts: list[int] = []
    # Rows come keyed by the id as the database spells it (text: hex on SQLite), mapped back
    # once below.
    busy_of: defaultdict[str, list[tuple[int, int, int]]] = defaultdict(list)
    off_of: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    hours_of: defaultdict[str, list[WeeklyHours]] = defaultdict(list)
    found = typing.cast(Sequence[tuple[int, str, str]], db.execute(stmt, params).all())
    for flags, raw_pid, text in found:
        triples = _triples(text)
        if flags == 8:
            hours_of[raw_pid] += [WeeklyHours(*triple) for triple in triples]
            continue
        if flags == 1:
            off_of[raw_pid] += [(start, end) for start, end, _ in triples]
            continue
        busy_of[raw_pid] += triples
        if flags & 2:
            patient_busy += [(start, end) for start, end, _ in triples]
        if flags & 4:
            plan_starts += [start for start, _, _ in triples]
    ids: dict[str, uuid.UUID] = {p.hex: p for p in pids} | {str(p): p for p in pids}
    busy: dict[uuid.UUID, list[tuple[int, int, int]]] = {pid: [] for pid in pids}
    off: dict[uuid.UUID, list[tuple[int, int]]] = {pid: [] for pid in pids}
    for raw_pid, found_busy in busy_of.items():
        if (pid := ids.get(raw_pid)) is not None:
            busy[pid] += found_busy
    for raw_pid, found_off in off_of.items():
        if (pid := ids.get(raw_pid)) is not None:
            off[pid] += found_off
    for raw_pid, found_hours in hours_of.items():
        if (pid := ids.get(raw_pid)) is not None:
            rows.hours[pid] += found_hours
    zone = clinic_zone(q.clinic)
    blocked_days: set[date] = set()
    for start in plan_starts:
        day = from_us(start).astimezone(zone).date()
        blocked_days.update(day + timedelta(days=k) for k in range(1 - SPACING_DAYS, SPACING_DAYS))
    return _Loaded(
        rows=rows,
        pids=pids,
        zone=zone,
        buffer_us=q.clinic.buffer_minutes * 60_000_000,
        busy=busy,
        off=off,
        patient_busy=patient_busy,
        blocked_days=frozenset(blocked_days),
        plan_sessions=len(plan_starts),
    )


def _calendars(loaded: _Loaded | None) -> dict[uuid.UUID, Calendar]:
    if loaded is None:
        return {}
    buffer = timedelta(microseconds=loaded.buffer_us)
    patient_busy = [Interval(from_us(a), from_us(b)) for a, b in loaded.patient_busy]
    return {
        pid: Calendar(
            zone=loaded.zone,
            hours=loaded.rows.hours.get(pid, []),
            time_off=[Interval(from_us(a), from_us(b)) for a, b in loaded.off[pid]],
            busy=[Busy(from_us(a), from_us(b), from_us(c)) for a, b, c in sorted(loaded.busy[pid])],
            buffer=buffer,
            patient_busy=patient_busy,
            licensed_through=loaded.rows.licence.get(pid),
            blocked_days=loaded.blocked_days,
        )
        for pid in loaded.pids
    }


def load_calendars(db: Session, q: CalendarQuery) -> dict[uuid.UUID, Calendar]:
    """The calendar of each practitioner concerned, keyed by practitioner id (two statements).

    With `eligible_only=False` and a `practitioner_id` (booking), that practitioner always gets
    a calendar, possibly without hours; its licence is left for the caller to set; and it
    costs one statement.
    """
    return _calendars(_load(db, q))


def load_calendars_counting_plan(
    db: Session, q: CalendarQuery
) -> tuple[dict[uuid.UUID, Calendar], int]:
    """`load_calendars`, and the number of the plan's non-cancelled sessions (all dates, but
    `exclude_session_id`), read by the same two statements."""
    loaded = _load(db, q)
    return _calendars(loaded), loaded.plan_sessions if loaded is not None else 0


def load_blocked_calendars(db: Session, q: CalendarQuery) -> dict[uuid.UUID, BlockedCalendar]:
    """`load_calendars` for the availability search, straight into the integer form that
    `slots.free_starts_us` walks (the same two statements, and the same spans as
    `slots.blocked_calendar` makes of each calendar)."""
    loaded = _load(db, q, ends=False)
    if loaded is None:
        return {}
    slot_us = SLOT_US
    shared = [(a - slot_us, b) for a, b in loaded.patient_busy]
    before = slot_us + loaded.buffer_us
    return {
        pid: BlockedCalendar(
            zone=loaded.zone,
            hours=tuple(loaded.rows.hours.get(pid, ())),
            blocked=merge_spans(
                [(a - before, c) for a, _, c in loaded.busy[pid]]
                + [(a - slot_us, b) for a, b in loaded.off[pid]]
                + shared
            ),
            licensed_through=loaded.rows.licence.get(pid),
            blocked_days=loaded.blocked_days,
        )
        for pid in loaded.pids
    }


class EpochMicroseconds(FunctionElement[int]):
    """An instant column as integer microseconds since the epoch, computed by the database:
    thousands of rows per search read back as plain integers, not datetimes."""

    type = BigInteger()
    inherit_cache = True
    name = "epoch_us"


@compiles(EpochMicroseconds)
def _epoch_us_sqlite(element: EpochMicroseconds, compiler: Any, **kw: Any) -> str:
    # SQLite keeps naive UTC text, "YYYY-MM-DD HH:MM:SS.ffffff". Whole seconds and the
    # fraction are read apart: strftime keeps milliseconds only and rounds, so .9999995 s
    # would count a second too many.
    value = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%s', substr({value}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr(substr({value}, 21) || '000000', 1, 6) AS INTEGER))"
    )


@compiles(EpochMicroseconds, "postgresql")
def _epoch_us_postgresql(element: EpochMicroseconds, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    # date_part is double precision (EXTRACT is numeric, several times slower over thousands
    # of rows): 53 bits hold today's epoch seconds to 2.4e-7 s, and the cast rounds to the
    # nearest microsecond, so the value is exact.
    return f"CAST(date_part('epoch', {value}) * 1000000 AS BIGINT)"
