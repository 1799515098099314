"""A practitioner's weekly working hours (local wall-clock, per clinic) and time off."""

import itertools
import uuid
from bisect import bisect_right
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, NotFound
from api.practitioners.models import Practitioner, TimeOff, WorkingHours
from api.practitioners.schemas import TimeOffCreate, WorkingHoursIn, WorkingHoursOut

MINUTES_PER_DAY = 24 * 60
WEEKS_AHEAD = 53  # "the coming year": every daylight-saving configuration at least once
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def to_minutes(wall_clock: str) -> int:
    """`"09:30"` → 570; `"24:00"` → 1440 (midnight at the end of the day)."""
    hours, minutes = wall_clock.split(":")
    return int(hours) * 60 + int(minutes)


def to_wall_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _out(row: WorkingHours) -> WorkingHoursOut:
    return WorkingHoursOut(
        clinic_id=row.clinic_id,
        weekday=row.weekday,
        start=to_wall_clock(row.start_minute),
        end=to_wall_clock(row.end_minute),
    )


def _sorted(rows: Sequence[WorkingHours]) -> list[WorkingHoursOut]:
    ordered = sorted(rows, key=lambda r: (str(r.clinic_id), r.weekday, r.start_minute))
    return [_out(r) for r in ordered]


def get_working_hours(db: Session, practitioner: Practitioner) -> list[WorkingHoursOut]:
    """The weekly hours, by clinic, weekday and start."""
    stmt = select(WorkingHours).where(WorkingHours.practitioner_id == practitioner.id)
    return _sorted(list(db.scalars(stmt)))


def replace_working_hours(
    db: Session, practitioner: Practitioner, items: Sequence[WorkingHoursIn]
) -> list[WorkingHoursOut]:
    """Replace the weekly hours. Each interval is at one of the practitioner's clinics and ends
    after it starts ("24:00" is midnight); a practitioner is at one place at a time (touching is
    fine). Intervals at clinics of one time zone are compared by wall clock: two of the same
    weekday never overlap. Intervals at clinics of different zones are compared as instants,
    week by week over the coming year, so daylight-saving changes and midnight are accounted
    for: they may not meet in any of those weeks."""
    clinics = {c.id: c for c in practitioner.clinics}  # loaded with the practitioner
    rows: list[WorkingHours] = []
    for i, item in enumerate(items):
        if item.clinic_id not in clinics:
            raise InvalidInput(
                ["body", i, "clinic_id"], "The practitioner does not work at this clinic."
            )
        start, end = to_minutes(item.start), to_minutes(item.end)
        if end <= start:
            raise InvalidInput(["body", i, "end"], "The end is after the start.")
        rows.append(
            WorkingHours(
                practitioner_id=practitioner.id,
                clinic_id=item.clinic_id,
                weekday=item.weekday,
                start_minute=start,
                end_minute=end,
            )
        )
    zones = [clinics[r.clinic_id].timezone for r in rows]
    _refuse_wall_clock_overlaps(rows, zones)
    if len(set(zones)) > 1:
        _refuse_meeting_instants(rows, [clinics[r.clinic_id] for r in rows])
    db.execute(delete(WorkingHours).where(WorkingHours.practitioner_id == practitioner.id))
    db.add_all(rows)
    db.flush()
    return _sorted(rows)


def _refuse_wall_clock_overlaps(rows: Sequence[WorkingHours], zones: Sequence[str]) -> None:
    """Within one zone: two intervals of one weekday may not overlap (wall clock)."""
    by_day = sorted(
        range(len(rows)), key=lambda i: (zones[i], rows[i].weekday, rows[i].start_minute)
    )
    for before, after in itertools.pairwise(by_day):
        a, b = rows[before], rows[after]
        same_day = zones[before] == zones[after] and a.weekday == b.weekday
        if same_day and b.start_minute < a.end_minute:
            raise InvalidInput(
                ["body", after],
                f"Overlaps another interval on weekday {b.weekday} "
                f"({to_wall_clock(a.start_minute)}–{to_wall_clock(a.end_minute)}).",
            )


class _Occurrence(NamedTuple):
    """One week's occurrence of a weekly interval, in minutes since the epoch (UTC)."""

    start: int
    end: int
    item: int  # the index of the interval in the request body


_EPOCH = date(1970, 1, 1)


class _WallClock:
    """A zone's wall clock over a span of days, as integer minutes since the epoch.

    The zone's offset changes in the span are found once (its offset sampled at each UTC
    midnight, then a bisection to the minute of each change); a wall time then becomes an
    instant by one bisection and a subtraction. As `api.scheduling.slots.bound_instant` reads a
    bound: a wall time in a spring gap is the gap's end, one that occurs twice its first pass.
    """

    def __init__(self, zone: ZoneInfo, first_day: date, days: int) -> None:
        def offset(minute: int) -> int:
            delta = datetime.fromtimestamp(minute * 60, zone).utcoffset()
            return int(delta.total_seconds()) // 60 if delta is not None else 0

        start = (first_day - _EPOCH).days * MINUTES_PER_DAY - 2 * MINUTES_PER_DAY
        samples = [start + d * MINUTES_PER_DAY for d in range(days + 4)]
        self.initial = offset(samples[0])
        self.walls: list[int] = []  # wall time (old offset) at which each change happens
        self.changes: list[tuple[int, int]] = []  # (instant of the change, offset after it)
        before = self.initial
        for low, high in itertools.pairwise(samples):
            after = offset(high)
            if after == before:
                continue
            while high - low > 1:  # offset(low) == before, offset(high) == after
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == before else (low, middle)
            self.walls.append(high + before)
            self.changes.append((high, after))
            before = after

    def instant(self, day: int, minute: int) -> int:
        """`minute` (0–1440) of local day number `day` (days since 1970-01-01)."""
        wall = day * MINUTES_PER_DAY + minute
        i = bisect_right(self.walls, wall) - 1
        if i < 0:
            return wall - self.initial
        changed_at, after = self.changes[i]
        return max(changed_at, wall - after)


def _occurrences(index: int, row: WorkingHours, zone: ZoneInfo) -> list[_Occurrence]:
    """The interval in each of the 53 weeks from the clinic-local today, as instants."""
    today = clock.now().astimezone(zone).date()
    instant = _wall_clock(zone, today).instant
    first = (today - _EPOCH).days + (row.weekday - today.weekday()) % 7
    start_minute, end_minute = row.start_minute, row.end_minute
    found = []
    for day in range(first, first + 7 * WEEKS_AHEAD, 7):
        start, end = instant(day, start_minute), instant(day, end_minute)
        if start < end:
            found.append(_Occurrence(start, end, index))
    return found


@lru_cache(maxsize=256)
def _wall_clock(zone: ZoneInfo, today: date) -> _WallClock:
    return _WallClock(zone, today, WEEKS_AHEAD * 7 + 1)


def _refuse_meeting_instants(rows: Sequence[WorkingHours], clinics: Sequence[Clinic]) -> None:
    """Across zones: no two intervals share an instant in any week of the coming year. One
    sweep over every occurrence by start; the first clash found is the earliest."""
    zones = {c.timezone: ZoneInfo(c.timezone) for c in clinics}
    occurrences = sorted(
        o for i, r in enumerate(rows) for o in _occurrences(i, r, zones[clinics[i].timezone])
    )
    active: list[_Occurrence] = []  # started, not yet ended
    for new in occurrences:
        active = [o for o in active if o.end > new.start]
        for old in active:
            if clinics[old.item].timezone != clinics[new.item].timezone:
                raise _clash(rows, clinics, old, new)
        active.append(new)


def _describe(row: WorkingHours, clinic: Clinic, index: int) -> str:
    return (
        f"item {index}, {clinic.name} ({clinic.timezone}) {WEEKDAYS[row.weekday]} "
        f"{to_wall_clock(row.start_minute)}–{to_wall_clock(row.end_minute)}"
    )


def _local(minute: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC).astimezone(zone)


def _span(start: int, end: int, clinic: Clinic) -> str:
    zone = ZoneInfo(clinic.timezone)
    since, until = _local(start, zone), _local(end, zone)
    last = "24:00" if until.date() > since.date() and until.time() == time() else f"{until:%H:%M}"
    return f"{since:%Y-%m-%d %H:%M}–{last} {clinic.timezone} time"


def _clash(
    rows: Sequence[WorkingHours], clinics: Sequence[Clinic], old: _Occurrence, new: _Occurrence
) -> InvalidInput:
    first, second = sorted((old.item, new.item))
    start, end = new.start, min(old.end, new.end)
    return InvalidInput(
        ["body", second],
        "Meets another interval at the same instants: "
        f"{_describe(rows[first], clinics[first], first)} and "
        f"{_describe(rows[second], clinics[second], second)}; they meet on "
        f"{_span(start, end, clinics[first])} ({_span(start, end, clinics[second])}).",
    )


def add_time_off(db: Session, practitioner: Practitioner, data: TimeOffCreate) -> TimeOff:
    """Record time off; it ends after it starts. No slot is offered or bookable inside it."""
    if data.ends_at <= data.starts_at:
        raise InvalidInput(["body", "ends_at"], "The time off ends after it starts.")
    time_off = TimeOff(
        practitioner_id=practitioner.id,
        starts_at=data.starts_at.astimezone(UTC),
        ends_at=data.ends_at.astimezone(UTC),
        reason=data.reason,
    )
    db.add(time_off)
    db.flush()
    return time_off


def list_time_off(
    db: Session, practitioner: Practitioner, params: PageParams
) -> tuple[list[TimeOff], str | None]:
    """By start, then id."""
    stmt = select(TimeOff).where(TimeOff.practitioner_id == practitioner.id)
    return paginate(db, stmt, [SortKey(TimeOff.starts_at), SortKey(TimeOff.id)], params)


def delete_time_off(db: Session, practitioner: Practitioner, time_off_id: uuid.UUID) -> None:
    time_off = db.get(TimeOff, time_off_id)
    if time_off is None or time_off.practitioner_id != practitioner.id:
        raise NotFound("Time off")
    db.delete(time_off)
    db.flush()
