"""Free 45-minute slots: weekly working hours − time off − busy sessions (with buffer) − past.

Pure functions over intervals, with no database. Both sides walk the same `free_starts_us`
over the same blocked spans (`blocked_spans_us`), so every slot that is offered can be booked
and nothing else can: the availability search over the `BlockedCalendar`s the calendar loader
builds from database rows, the booking check and course placement through `free_starts` and
`is_free` on a `Calendar`, which `blocked_calendar` reduces to that form. `explain` only names
the reasons a start is not free (their words in `REFUSALS`), for the 409 of a refusal.

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

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from api.sessions.models import SESSION_LENGTH

SLOT = SESSION_LENGTH
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
SLOT_US = SLOT // _US


def to_us(instant: datetime) -> int:
    """An instant as integer microseconds since the epoch (UTC)."""
    return (instant.astimezone(UTC) - _EPOCH) // _US


def from_us(us: int) -> datetime:
    """The aware UTC instant of integer microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=us)


def _day_candidates(day: date, cal: Calendar) -> tuple[int, ...]:
    """Grid starts of `day` whose 45 minutes lie inside one working interval, ascending."""
    return _candidates(day, _week(tuple(cal.hours))[day.weekday()], cal.zone)


@lru_cache(maxsize=256)
def _week(hours: tuple[WeeklyHours, ...]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The merged working intervals of each weekday (0 = Monday)."""
    return tuple(tuple(_merged_day_hours(hours, weekday)) for weekday in range(7))


@lru_cache(maxsize=8192)
def _candidates(day: date, spans: tuple[tuple[int, int], ...], zone: ZoneInfo) -> tuple[int, ...]:
    # Practitioners of a clinic mostly share their hours: the grid of one day is computed once.
    midnight = wall_instant(day, 0, zone)
    next_midnight = wall_instant(day + timedelta(days=1), 0, zone)
    steady = (
        midnight is not None
        and next_midnight is not None
        and next_midnight - midnight == timedelta(days=1)
        and midnight.astimezone(zone).utcoffset() == next_midnight.astimezone(zone).utcoffset()
    )
    midnight_us = to_us(midnight) if midnight is not None else 0
    found: list[int] = []
    for start_minute, end_minute in spans:
        work_start = to_us(bound_instant(day, start_minute, zone))
        last_start = to_us(bound_instant(day, end_minute, zone)) - SLOT_US
        first = -(-start_minute // GRID_MINUTES) * GRID_MINUTES
        for minute in range(first, end_minute, GRID_MINUTES):
            if steady:
                start = midnight_us + minute * _MINUTE_US
            else:
                instant = wall_instant(day, minute, zone)
                if instant is None:
                    continue
                start = to_us(instant)
            if start < work_start:
                continue
            if start > last_start:
                break
            found.append(start)
    return tuple(found)


# --- blocked start times ----------------------------------------------------------------------


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Open intervals (lo, hi) of refused start instants (µs), sorted and merged."""
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo < merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def blocked_spans_us(
    busy: Iterable[tuple[int, int, int]],
    time_off: Iterable[tuple[int, int]],
    patient_busy: Iterable[tuple[int, int]],
    buffer_us: int,
) -> list[tuple[int, int]]:
    """Open intervals (lo, hi) of start instants that a slot may not take, merged and sorted,
    all in µs since the epoch: `busy` the practitioner's sessions (start, end, buffer end; the
    end is not needed), `time_off` and `patient_busy` (start, end) the other intervals.

    A start s is refused when [s, s + 45 min) meets time off or a session of the patient, or
    when [s, s + 45 min + buffer) meets a session of the practitioner with its own buffer.
    """
    slot_us = SLOT_US
    before = slot_us + buffer_us
    spans = [(start - before, buffer_end) for start, _, buffer_end in busy]
    spans += [(start - slot_us, end) for start, end in time_off]
    spans += [(start - slot_us, end) for start, end in patient_busy]
    return merge_spans(spans)


@dataclass(frozen=True)
class BlockedCalendar:
    """A `Calendar` reduced to what `free_starts` needs, in integer microseconds since the
    epoch (UTC): `blocked` holds the merged open intervals of refused starts (`merge_spans`),
    from time off, the patient's sessions and the practitioner's sessions with both buffers.
    The availability search builds it straight from database rows."""

    zone: ZoneInfo
    hours: tuple[WeeklyHours, ...]
    blocked: Sequence[tuple[int, int]]
    licensed_through: date | None = None
    blocked_days: frozenset[date] = frozenset()


def blocked_calendar(cal: Calendar) -> BlockedCalendar:
    """`cal` in the form `free_starts_us` walks (the calendar loader builds the same straight
    from database rows)."""
    return BlockedCalendar(
        zone=cal.zone,
        hours=tuple(cal.hours),
        blocked=blocked_spans_us(
            [(to_us(b.start), 0, to_us(b.buffer_end)) for b in cal.busy],  # end not needed
            [(to_us(t.start), to_us(t.end)) for t in cal.time_off],
            [(to_us(p.start), to_us(p.end)) for p in cal.patient_busy],
            cal.buffer // _US,
        ),
        licensed_through=cal.licensed_through,
        blocked_days=cal.blocked_days,
    )


def _day_open(cal: Calendar | BlockedCalendar, day: date) -> bool:
    licensed = cal.licensed_through is None or day <= cal.licensed_through
    return licensed and day not in cal.blocked_days


def free_starts_us(cal: BlockedCalendar, first_day: date, last_day: date, now_us: int) -> list[int]:
    """`free_starts` in integer microseconds since the epoch (UTC), ascending."""
    week = _week(cal.hours)
    candidates: list[int] = []
    day = first_day
    while day <= last_day:
        if _day_open(cal, day):
            candidates += _candidates(day, week[day.weekday()], cal.zone)
        day += timedelta(days=1)
    # Both lists are sorted, and the spans do not overlap: keep what lies between the spans.
    free: list[int] = []
    pos = bisect_right(candidates, now_us)
    for lo, hi in cal.blocked:
        cut = bisect_right(candidates, lo, pos)
        if cut > pos:
            free += candidates[pos:cut]
        pos = bisect_left(candidates, hi, max(cut, pos))
    free += candidates[pos:]
    return free


def free_starts(cal: Calendar, first_day: date, last_day: date, now: datetime) -> list[datetime]:
    """Every free slot start (UTC) of clinic-local days first_day..last_day, ascending.

    A slot is free when it lies inside working hours on the local grid, starts after `now`,
    overlaps no time off and no session of the patient, keeps the buffer from every session of
    the practitioner on both sides, and falls on a day the practitioner's licence is valid and
    not within 5 days of another session of the same plan.
    """
    found = free_starts_us(blocked_calendar(cal), first_day, last_day, to_us(now))
    return [from_us(start) for start in found]


def is_free(cal: Calendar, start: datetime, now: datetime) -> bool:
    """The booking check: `start` is exactly one of the starts `free_starts` offers."""
    day = local_date(start, cal.zone)
    return start.astimezone(UTC) in free_starts(cal, day, day, now)


# --- why a start is not free ------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """The words for a code of `explain`: `detail`, the sentence of a refused booking's 409
    item; `reason`, the clause that a course's unplaceable step quotes. Empty: not said there."""

    detail: str = ""
    reason: str = ""


# `past` and `off_grid` have no detail: booking refuses them first, with a 422.
REFUSALS = {
    "past": Refusal(reason="in the past"),
    "off_grid": Refusal(),
    "licence": Refusal(
        "The practitioner's licence is not valid on that day.",
        "the practitioner's licence is not valid",
    ),
    "spacing": Refusal(
        "Sessions of one plan must start at least 5 days apart.",
        "within 5 days of another session of the plan",
    ),
    "outside_working_hours": Refusal(
        "The slot is outside the practitioner's working hours.", "outside working hours"
    ),
    "time_off": Refusal("The practitioner is off at that time.", "the practitioner is off"),
    "slot_taken": Refusal(
        "The practitioner has another session at that time.",
        "the practitioner has another session",
    ),
    "buffer": Refusal(
        "The clinic's buffer between sessions would not be kept.",
        "the clinic's buffer would not be kept",
    ),
    "patient_busy": Refusal(
        "The patient has another session at that time.", "the patient has another session"
    ),
}


def explain(cal: Calendar, start: datetime, now: datetime) -> list[str]:
    """Conflict codes for a start that `is_free` refuses (empty when it is free).

    Codes (their words in `REFUSALS`): `past`, `off_grid`, `licence`, `spacing`,
    `outside_working_hours`, `time_off`, `slot_taken` (meets another session of the
    practitioner), `buffer` (only the buffer is not kept), `patient_busy`.
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
    if to_us(start) not in _day_candidates(day, cal) and on_grid(start, cal.zone):
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
