"""Loading practitioners' calendars at one clinic, in a fixed number of statements.

Shared by the availability search, the booking check and course scheduling, so all decide
"is this slot free" from the same data with the same pure functions of `slots`. Two modes
(`Mode`):
- `SEARCH`, the clinic's bookable practitioners (or one of them): 1. their working hours at
  the clinic, with their licence and qualifications; 2. their time off and non-cancelled
  sessions (at any clinic), plus the patient's and the plan's sessions when known, in one
  UNION ALL (`calendar_statements`).
- `ONE_PRACTITIONER`, a practitioner the caller has already read (booking, rescheduling, a
  course): whatever their eligibility (the caller's gates judge it), their hours at the clinic
  come with the second statement and the first is not needed; the caller gives the licence.
"""

import typing
import uuid
from collections import defaultdict
from collections.abc import Iterator, KeysView, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.practitioners.models import MESOTHERAPY, Practitioner
from api.scheduling.calendar_statements import (
    BusyShape,
    RowKind,
    busy_statement,
    hours_statement,
    triples,
)
from api.scheduling.slots import (
    BlockedCalendar,
    Busy,
    Calendar,
    Interval,
    WeeklyHours,
    blocked_spans_us,
    bound_instant,
    from_us,
)

SPACING_DAYS = 5
# Busy intervals are read with this margin around the range: a session may start before the
# first day and still keep its buffer into it, and zone offsets reach ±14 h.
_MARGIN = timedelta(days=1)


class Mode(Enum):
    SEARCH = "search"  # active, qualified practitioners working at the clinic
    ONE_PRACTITIONER = "one_practitioner"  # `practitioner_id`, known to the caller


@dataclass(frozen=True)
class CalendarQuery:
    clinic: Clinic
    first_day: date
    last_day: date
    # SEARCH: only this practitioner (if bookable); ONE_PRACTITIONER: required.
    practitioner_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None  # the patient's sessions are busy too
    plan_id: uuid.UUID | None = None  # the plan's sessions block days (5-day spacing)
    exclude_session_id: uuid.UUID | None = None  # a session being rescheduled counts free
    mode: Mode = Mode.SEARCH
    # ONE_PRACTITIONER: the last day of the practitioner's licence (SEARCH reads it).
    licensed_through: date | None = None
    # False: the practitioners' sessions are read without their end, which only
    # `LoadedCalendar.calendar` needs (the availability search uses `blocked`).
    session_ends: bool = True

    def __post_init__(self) -> None:
        if self.mode is Mode.ONE_PRACTITIONER and self.practitioner_id is None:
            raise ValueError("a ONE_PRACTITIONER query names its practitioner")
        if self.mode is Mode.SEARCH and self.licensed_through is not None:
            raise ValueError("a SEARCH query reads the licences")

    @classmethod
    def of_practitioner(
        cls,
        clinic: Clinic,
        practitioner: Practitioner,
        first_day: date,
        last_day: date,
        **known: Any,
    ) -> "CalendarQuery":
        """The ONE_PRACTITIONER query of `practitioner`, licence included; `known` the
        patient, plan and excluded session."""
        return cls(
            clinic,
            first_day,
            last_day,
            practitioner_id=practitioner.id,
            mode=Mode.ONE_PRACTITIONER,
            licensed_through=practitioner.license_expires_on,
            **known,
        )


def clinic_zone(clinic: Clinic) -> ZoneInfo:
    return ZoneInfo(clinic.timezone)


@dataclass(frozen=True)
class LoadedCalendar:
    """What the calendar read found for the practitioners concerned (the keys of `hours`),
    instants as integer microseconds since the epoch (UTC). `calendar(pid)` and `blocked(pid)`
    give one practitioner's in the two forms of `slots`."""

    zone: ZoneInfo
    buffer_us: int  # the clinic's buffer
    hours: dict[uuid.UUID, list[WeeklyHours]]
    licensed_through: dict[uuid.UUID, date | None]
    busy: dict[uuid.UUID, list[tuple[int, int, int]]]  # start, end (0 unless read), buffer end
    time_off: dict[uuid.UUID, list[tuple[int, int]]]
    patient_busy: list[tuple[int, int]]
    blocked_days: frozenset[date]  # clinic-local days within 5 days of the plan's sessions
    plan_sessions: int  # non-cancelled sessions of the plan (but the excluded one), any date
    session_ends: bool

    @property
    def practitioner_ids(self) -> KeysView[uuid.UUID]:
        return self.hours.keys()

    def calendar(self, pid: uuid.UUID) -> Calendar:
        """The practitioner's calendar, instants as datetimes (booking, courses: `explain`)."""
        if not self.session_ends:
            raise ValueError("read without the sessions' ends (session_ends=False)")
        return Calendar(
            zone=self.zone,
            hours=self.hours[pid],
            time_off=[Interval(from_us(a), from_us(b)) for a, b in self.time_off[pid]],
            busy=[Busy(from_us(a), from_us(b), from_us(c)) for a, b, c in sorted(self.busy[pid])],
            buffer=timedelta(microseconds=self.buffer_us),
            patient_busy=[Interval(from_us(a), from_us(b)) for a, b in self.patient_busy],
            licensed_through=self.licensed_through[pid],
            blocked_days=self.blocked_days,
        )

    def blocked(self, pid: uuid.UUID) -> BlockedCalendar:
        """The practitioner's calendar in the integer form `slots.free_starts_us` walks, the
        same as `slots.blocked_calendar(self.calendar(pid))`."""
        return BlockedCalendar(
            zone=self.zone,
            hours=tuple(self.hours[pid]),
            blocked=blocked_spans_us(
                self.busy[pid], self.time_off[pid], self.patient_busy, self.buffer_us
            ),
            licensed_through=self.licensed_through[pid],
            blocked_days=self.blocked_days,
        )


def _window(q: CalendarQuery) -> tuple[datetime, datetime]:
    zone = clinic_zone(q.clinic)
    lo = bound_instant(q.first_day, 0, zone)
    hi = bound_instant(q.last_day + timedelta(days=1), 0, zone)
    return lo - _MARGIN, hi + _MARGIN


def _bookable_hours(
    db: Session, q: CalendarQuery
) -> tuple[dict[uuid.UUID, list[WeeklyHours]], dict[uuid.UUID, date | None]]:
    """SEARCH's first statement: the hours and licence of each bookable practitioner."""
    stmt = hours_statement(q.practitioner_id is not None)
    params = {"clinic_id": q.clinic.id, "practitioner_id": q.practitioner_id}
    hours: defaultdict[uuid.UUID, list[WeeklyHours]] = defaultdict(list)
    licence: dict[uuid.UUID, date | None] = {}
    for pid, weekday, start, end, expires, qualifications in db.execute(stmt, params):
        if MESOTHERAPY not in (qualifications or []):
            continue
        hours[pid].append(WeeklyHours(weekday, start, end))
        licence[pid] = expires
    return dict(hours), licence


def load_calendar(db: Session, q: CalendarQuery) -> LoadedCalendar:
    """The calendars of the practitioners `q` concerns (see the module's modes): two
    statements in SEARCH (one when nobody is bookable), one in ONE_PRACTITIONER, whose
    practitioner always gets a calendar, possibly without hours."""
    if q.mode is Mode.ONE_PRACTITIONER:
        pid = typing.cast(uuid.UUID, q.practitioner_id)
        hours: dict[uuid.UUID, list[WeeklyHours]] = {pid: []}
        licence: dict[uuid.UUID, date | None] = {pid: q.licensed_through}
    else:
        hours, licence = _bookable_hours(db, q)
    busy: dict[uuid.UUID, list[tuple[int, int, int]]] = {pid: [] for pid in hours}
    time_off: dict[uuid.UUID, list[tuple[int, int]]] = {pid: [] for pid in hours}
    patient_busy: list[tuple[int, int]] = []
    plan_starts: list[int] = []
    for kind, of, folded in _busy_rows(db, q, list(hours)) if hours else ():
        if kind == RowKind.HOURS:
            if of is not None:
                hours[of] += [WeeklyHours(*triple) for triple in folded]
        elif kind == RowKind.TIME_OFF:
            if of is not None:
                time_off[of] += [(start, end) for start, end, _ in folded]
        else:  # sessions; one of the patient's or the plan's may be another practitioner's
            if of is not None:
                busy[of] += folded
            if kind & RowKind.PATIENT:
                patient_busy += [(start, end) for start, end, _ in folded]
            if kind & RowKind.PLAN:
                plan_starts += [start for start, _, _ in folded]
    zone = clinic_zone(q.clinic)
    blocked_days: set[date] = set()
    for start in plan_starts:
        day = from_us(start).astimezone(zone).date()
        blocked_days.update(day + timedelta(days=k) for k in range(1 - SPACING_DAYS, SPACING_DAYS))
    return LoadedCalendar(
        zone=zone,
        buffer_us=q.clinic.buffer_minutes * 60_000_000,
        hours=hours,
        licensed_through=licence,
        busy=busy,
        time_off=time_off,
        patient_busy=patient_busy,
        blocked_days=frozenset(blocked_days),
        plan_sessions=len(plan_starts),
        session_ends=q.session_ends,
    )


def _busy_rows(
    db: Session, q: CalendarQuery, pids: list[uuid.UUID]
) -> Iterator[tuple[int, uuid.UUID | None, list[tuple[int, int, int]]]]:
    """The rows of the busy statement for `pids`: kind, practitioner (None: one outside
    `pids`, whose session is the patient's or the plan's) and its triples."""
    shape = BusyShape(
        patient=q.patient_id is not None,
        plan=q.plan_id is not None,
        exclude=q.exclude_session_id is not None,
        ends=q.session_ends,
        hours=q.mode is Mode.ONE_PRACTITIONER,
    )
    lo, hi = _window(q)
    params = {
        "pids": pids,
        "lo": lo,
        "hi": hi,
        "clinic_id": q.clinic.id,
        "patient_id": q.patient_id,
        "plan_id": q.plan_id,
        "exclude_session_id": q.exclude_session_id,
    }
    # Rows come keyed by the id as the database spells it (text: hex on SQLite).
    ids: dict[str, uuid.UUID] = {p.hex: p for p in pids} | {str(p): p for p in pids}
    rows = typing.cast(
        Sequence[tuple[int, str, str]], db.execute(busy_statement(shape), params).all()
    )
    for kind, raw_pid, text in rows:
        yield kind, ids.get(raw_pid), triples(text)
