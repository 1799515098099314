"""Free 45-minute slots: weekly working hours − time off − busy sessions (with buffer) − past.

Pure functions over intervals, with no database: the availability search and the booking check
both call `free_starts`, so every slot that is offered can be booked and nothing else can.
`explain` only names the reason a start is not free, for the 409 of a refused booking.

Local wall-clock rules (the clinic's zone):
- Slots start on the clinic-local 15-minute grid (:00, :15, :30, :45) of the local date.
- Working hours are local wall-clock minutes and keep their local time across daylight-saving
  changes. A wall time that does not exist (spring gap) is never a slot start; a bound of the
  working hours that falls in the gap moves forward to the end of the gap. A wall time that
  occurs twice (autumn fold) means its FIRST occurrence, for slot starts and for bounds alike,
  so the repeated hour's second pass is not offered.
- A slot lies inside one working interval of its own local date (touching intervals of a day
  are merged; hours may end at 24:00, i.e. `end_minute` 1440); it never spans midnight.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

SLOT = timedelta(minutes=45)
GRID_MINUTES = 15
MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Interval:
    """A half-open interval of instants [start, end), aware datetimes."""

    start: datetime
    end: datetime

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Busy:
    """A booked session: the practitioner is busy over [start, buffer_end), the patient over
    [start, end)."""

    start: datetime
    end: datetime
    buffer_end: datetime


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int  # 0 = Monday
    start_minute: int
    end_minute: int  # up to 1440 (24:00)


@dataclass(frozen=True)
class Calendar:
    """What decides whether one practitioner can take a session at one clinic."""

    zone: ZoneInfo
    hours: Sequence[WeeklyHours]
    time_off: Sequence[Interval] = ()
    busy: Sequence[Busy] = ()  # the practitioner's sessions, at any clinic
    buffer: timedelta = timedelta(0)  # the clinic's buffer, kept after the new session
    patient_busy: Sequence[Interval] = ()  # the patient's sessions, when a patient is known
    licensed_through: date | None = None  # last clinic-local day of the licence; None: no limit
    blocked_days: frozenset[date] = frozenset()  # clinic-local days refused (5-day spacing)


# --- local wall-clock time ------------------------------------------------------------------


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    aware = wall.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


@lru_cache(maxsize=8192)
def wall_instant(day: date, minute: int, zone: ZoneInfo) -> datetime | None:
    """The instant the clinic's wall clock shows `minute` (0–1440) on `day`.

    None when that wall time does not exist (spring gap); the first occurrence when it occurs
    twice (autumn fold). Minute 1440 is the next day's midnight.
    """
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    if not _exists(wall, zone):
        return None
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def bound_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """A bound of working hours: a wall time in a spring gap moves forward to the gap's end."""
    for shift in range(0, 24 * 60 + 1):
        instant = wall_instant(day, minute + shift, zone)
        if instant is not None:
            return instant
    raise ValueError("no existing wall time within a day")  # pragma: no cover


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def on_grid(instant: datetime, zone: ZoneInfo) -> bool:
    """True when `instant` is a whole local quarter hour (:00, :15, :30, :45)."""
    local = instant.astimezone(zone)
    return local.second == 0 and local.microsecond == 0 and local.minute % GRID_MINUTES == 0


def _merged_day_hours(hours: Iterable[WeeklyHours], weekday: int) -> list[tuple[int, int]]:
    spans = sorted((h.start_minute, h.end_minute) for h in hours if h.weekday == weekday)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# The computation runs on integer microseconds since the epoch (UTC): exact, and much cheaper
# to compare than aware datetimes.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_SLOT_US = SLOT // _US


def _us(instant: datetime) -> int:
    return (instant.astimezone(UTC) - _EPOCH) // _US


def _instant(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _day_candidates(day: date, cal: Calendar) -> Iterator[int]:
    """Grid starts of `day` whose 45 minutes lie inside one working interval, ascending."""
    zone = cal.zone
    midnight = wall_instant(day, 0, zone)
    next_midnight = wall_instant(day + timedelta(days=1), 0, zone)
    steady = (
        midnight is not None
        and next_midnight is not None
        and next_midnight - midnight == timedelta(days=1)
        and midnight.astimezone(zone).utcoffset() == next_midnight.astimezone(zone).utcoffset()
    )
    midnight_us = _us(midnight) if midnight is not None else 0
    for start_minute, end_minute in _merged_day_hours(cal.hours, day.weekday()):
        work_start = _us(bound_instant(day, start_minute, zone))
        last_start = _us(bound_instant(day, end_minute, zone)) - _SLOT_US
        first = -(-start_minute // GRID_MINUTES) * GRID_MINUTES
        for minute in range(first, end_minute, GRID_MINUTES):
            if steady:
                start = midnight_us + minute * _MINUTE_US
            else:
                instant = wall_instant(day, minute, zone)
                if instant is None:
                    continue
                start = _us(instant)
            if start < work_start:
                continue
            if start > last_start:
                break
            yield start


# --- blocked start times ----------------------------------------------------------------------


def _blocked_spans(cal: Calendar, now: datetime) -> list[tuple[int, int]]:
    """Open intervals (lo, hi) of start instants that a slot may not take, merged and sorted.

    A start s is refused when [s, s + 45 min) meets time off or a session of the patient, or
    when [s, s + 45 min + buffer) meets a session of the practitioner with its own buffer.
    """
    before = _SLOT_US
    spans = [(_us(t.start) - before, _us(t.end)) for t in cal.time_off]
    spans += [(_us(p.start) - before, _us(p.end)) for p in cal.patient_busy]
    before += cal.buffer // _US
    spans += [(_us(b.start) - before, _us(b.buffer_end)) for b in cal.busy]
    spans.append((-(2**62), _us(now) + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _day_open(cal: Calendar, day: date) -> bool:
    licensed = cal.licensed_through is None or day <= cal.licensed_through
    return licensed and day not in cal.blocked_days


def free_starts(cal: Calendar, first_day: date, last_day: date, now: datetime) -> list[datetime]:
    """Every free slot start (UTC) of clinic-local days first_day..last_day, ascending.

    A slot is free when it lies inside working hours on the local grid, starts after `now`,
    overlaps no time off and no session of the patient, keeps the buffer from every session of
    the practitioner on both sides, and falls on a day the practitioner's licence is valid and
    not within 5 days of another session of the same plan.
    """
    blocked = _blocked_spans(cal, now)
    free: list[datetime] = []
    # Candidates come in ascending order, and the blocked spans are merged and sorted: one
    # pointer walks both lists once.
    j, spans = 0, len(blocked)
    day = first_day
    while day <= last_day:
        if _day_open(cal, day):
            for start in _day_candidates(day, cal):
                while j < spans and blocked[j][1] <= start:
                    j += 1
                if j == spans or start <= blocked[j][0]:
                    free.append(_instant(start))
        day += timedelta(days=1)
    return free


def is_free(cal: Calendar, start: datetime, now: datetime) -> bool:
    """The booking check: `start` is exactly one of the starts `free_starts` offers."""
    day = local_date(start, cal.zone)
    return start.astimezone(UTC) in free_starts(cal, day, day, now)


# --- why a start is not free ------------------------------------------------------------------


def explain(cal: Calendar, start: datetime, now: datetime) -> list[str]:
    """Conflict codes for a start that `is_free` refuses (empty when it is free).

    Codes: `past`, `off_grid`, `licence`, `spacing`, `outside_working_hours`, `time_off`,
    `slot_taken` (meets another session of the practitioner), `buffer` (only the buffer is not
    kept), `patient_busy`.
    """
    start = start.astimezone(UTC)
    day = local_date(start, cal.zone)
    codes: list[str] = []
    if start <= now:
        codes.append("past")
    if not on_grid(start, cal.zone):
        codes.append("off_grid")
    if cal.licensed_through is not None and day > cal.licensed_through:
        codes.append("licence")
    if day in cal.blocked_days:
        codes.append("spacing")
    if _us(start) not in _day_candidates(day, cal) and on_grid(start, cal.zone):
        codes.append("outside_working_hours")
    slot = Interval(start, start + SLOT)
    if any(slot.overlaps(t) for t in cal.time_off):
        codes.append("time_off")
    if any(slot.overlaps(Interval(b.start, b.end)) for b in cal.busy):
        codes.append("slot_taken")
    elif any(
        Interval(start, start + SLOT + cal.buffer).overlaps(Interval(b.start, b.buffer_end))
        for b in cal.busy
    ):
        codes.append("buffer")
    if any(slot.overlaps(p) for p in cal.patient_busy):
        codes.append("patient_busy")
    return codes
