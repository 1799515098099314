"""The pure slot computation: grid, hours, buffer, time off, past, daylight-saving changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from api.scheduling.slots import (
    SLOT,
    Busy,
    Calendar,
    Interval,
    WeeklyHours,
    explain,
    free_starts,
    is_free,
    wall_instant,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
SINGAPORE = ZoneInfo("Asia/Singapore")
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def every_day(start: str, end: str) -> list[WeeklyHours]:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return [WeeklyHours(d, h1 * 60 + m1, h2 * 60 + m2) for d in range(7)]


def local(zone: ZoneInfo, day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone, fold=fold)


def wall(starts: list[datetime], zone: ZoneInfo) -> list[str]:
    return [s.astimezone(zone).strftime("%H:%M%z") for s in starts]


DAY = date(2026, 3, 3)  # a Tuesday with no change of offset anywhere below


def test_slots_start_on_the_local_quarter_hour_inside_hours() -> None:
    cal = Calendar(zone=PARIS, hours=every_day("09:10", "10:40"))
    assert wall(free_starts(cal, DAY, DAY, LONG_AGO), PARIS) == [
        "09:15+0100",
        "09:30+0100",
        "09:45+0100",
    ]


def test_buffer_is_kept_on_both_sides_of_a_session() -> None:
    start = local(PARIS, DAY, 10)
    busy = Busy(start, start + SLOT, start + SLOT + timedelta(minutes=15))
    cal = Calendar(
        zone=PARIS, hours=every_day("09:00", "12:00"), busy=[busy], buffer=timedelta(minutes=15)
    )
    assert wall(free_starts(cal, DAY, DAY, LONG_AGO), PARIS) == [
        "09:00+0100",
        "11:00+0100",
        "11:15+0100",
    ]
    assert explain(cal, local(PARIS, DAY, 9, 15), LONG_AGO) == ["buffer"]
    assert explain(cal, local(PARIS, DAY, 10, 30), LONG_AGO) == ["slot_taken"]


def test_time_off_removes_every_overlapping_slot() -> None:
    off = Interval(local(PARIS, DAY, 10), local(PARIS, DAY, 11))
    cal = Calendar(zone=PARIS, hours=every_day("09:00", "12:00"), time_off=[off])
    assert wall(free_starts(cal, DAY, DAY, LONG_AGO), PARIS) == [
        "09:00+0100",
        "09:15+0100",
        "11:00+0100",
        "11:15+0100",
    ]
    assert explain(cal, local(PARIS, DAY, 9, 30), LONG_AGO) == ["time_off"]


def test_no_slot_starts_in_the_past() -> None:
    cal = Calendar(zone=PARIS, hours=every_day("09:00", "11:00"))
    now = local(PARIS, DAY, 10, 5)
    assert wall(free_starts(cal, DAY, DAY, now), PARIS) == ["10:15+0100"]
    assert explain(cal, local(PARIS, DAY, 10), now) == ["past"]


def test_a_patients_own_sessions_are_busy() -> None:
    start = local(PARIS, DAY, 10)
    cal = Calendar(
        zone=PARIS,
        hours=every_day("09:00", "11:30"),
        patient_busy=[Interval(start, start + SLOT)],
    )
    assert wall(free_starts(cal, DAY, DAY, LONG_AGO), PARIS) == [
        "09:00+0100",
        "09:15+0100",
        "10:45+0100",
    ]
    assert explain(cal, local(PARIS, DAY, 9, 30), LONG_AGO) == ["patient_busy"]


def test_expired_licence_and_spacing_close_whole_days() -> None:
    cal = Calendar(
        zone=PARIS,
        hours=every_day("09:00", "10:00"),
        licensed_through=DAY,
        blocked_days=frozenset({DAY - timedelta(days=1)}),
    )
    found = free_starts(cal, DAY - timedelta(days=2), DAY + timedelta(days=1), LONG_AGO)
    assert {s.astimezone(PARIS).date() for s in found} == {DAY - timedelta(days=2), DAY}
    assert explain(cal, local(PARIS, DAY + timedelta(days=1), 9), LONG_AGO) == ["licence"]


def test_hours_ending_at_midnight() -> None:
    cal = Calendar(zone=NEW_YORK, hours=every_day("22:00", "24:00"))
    assert wall(free_starts(cal, DAY, DAY, LONG_AGO), NEW_YORK) == [
        f"{h}-0500" for h in ("22:00", "22:15", "22:30", "22:45", "23:00", "23:15")
    ]


def test_touching_intervals_of_a_day_are_one() -> None:
    hours = [WeeklyHours(DAY.weekday(), 9 * 60, 10 * 60), WeeklyHours(DAY.weekday(), 600, 630)]
    cal = Calendar(zone=PARIS, hours=hours)
    assert "09:45+0100" in wall(free_starts(cal, DAY, DAY, LONG_AGO), PARIS)


def test_singapore_has_one_offset_all_year() -> None:
    cal = Calendar(zone=SINGAPORE, hours=every_day("09:00", "17:00"))
    for day in (date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)):
        found = free_starts(cal, day, day, LONG_AGO)
        assert len(found) == 30
        assert wall(found, SINGAPORE)[0] == "09:00+0800"
        assert wall(found, SINGAPORE)[-1] == "16:15+0800"


def test_paris_spring_forward_keeps_local_hours_and_skips_the_gap() -> None:
    saturday, sunday, monday = date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)
    cal = Calendar(zone=PARIS, hours=every_day("09:00", "09:45"))
    assert wall(free_starts(cal, saturday, monday, LONG_AGO), PARIS) == [
        "09:00+0100",
        "09:00+0200",
        "09:00+0200",
    ]
    night = Calendar(zone=PARIS, hours=[WeeklyHours(6, 0, 4 * 60)])
    starts = wall(free_starts(night, sunday, sunday, LONG_AGO), PARIS)
    assert not any(s.startswith("02:") for s in starts)  # 02:00–03:00 does not exist
    assert "01:45+0100" in starts  # ends at 03:30 CEST, 45 real minutes later
    assert starts[-1] == "03:15+0200"
    assert wall_instant(sunday, 150, PARIS) is None


def test_paris_fall_back_takes_the_first_occurrence() -> None:
    sunday = date(2026, 10, 25)
    cal = Calendar(zone=PARIS, hours=[WeeklyHours(6, 60, 4 * 60)])
    starts = wall(free_starts(cal, sunday, sunday, LONG_AGO), PARIS)
    assert "02:30+0200" in starts  # the first 02:30 …
    assert "02:30+0100" not in starts  # … and never the second
    assert starts[0] == "01:00+0200"
    assert starts[-1] == "03:15+0100"
    day = Calendar(zone=PARIS, hours=every_day("09:00", "09:45"))
    assert wall(free_starts(day, date(2026, 10, 24), date(2026, 10, 26), LONG_AGO), PARIS) == [
        "09:00+0200",
        "09:00+0100",
        "09:00+0100",
    ]


def test_new_york_spring_forward_and_fall_back() -> None:
    cal = Calendar(zone=NEW_YORK, hours=every_day("09:00", "09:45"))
    spring = free_starts(cal, date(2026, 3, 7), date(2026, 3, 9), LONG_AGO)
    assert wall(spring, NEW_YORK) == ["09:00-0500", "09:00-0400", "09:00-0400"]
    autumn = free_starts(cal, date(2026, 10, 31), date(2026, 11, 2), LONG_AGO)
    assert wall(autumn, NEW_YORK) == ["09:00-0400", "09:00-0500", "09:00-0500"]
    night = Calendar(zone=NEW_YORK, hours=[WeeklyHours(6, 60, 4 * 60)])
    gap = wall(free_starts(night, date(2026, 3, 8), date(2026, 3, 8), LONG_AGO), NEW_YORK)
    assert not any(s.startswith("02:") for s in gap)
    fold = wall(free_starts(night, date(2026, 11, 1), date(2026, 11, 1), LONG_AGO), NEW_YORK)
    assert "01:30-0400" in fold
    assert "01:30-0500" not in fold


def test_a_session_of_another_clinic_at_night_across_the_change_is_respected() -> None:
    sunday = date(2026, 10, 25)
    start = local(PARIS, sunday, 2, 30, fold=1)  # the second 02:30
    busy = Busy(start, start + SLOT, start + SLOT)
    cal = Calendar(zone=PARIS, hours=[WeeklyHours(6, 60, 4 * 60)], busy=[busy])
    for s in free_starts(cal, sunday, sunday, LONG_AGO):
        assert not Interval(s, s + SLOT).overlaps(Interval(busy.start, busy.end))


# --- properties over random calendars -------------------------------------------------------

ZONES = [PARIS, NEW_YORK, SINGAPORE]
# Weeks around both changes of Paris and New York in 2026.
FIRST_DAYS = [date(2026, 3, 6), date(2026, 3, 27), date(2026, 10, 23), date(2026, 10, 30)]
quarter = st.integers(min_value=0, max_value=96)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[Calendar, date, date, datetime]:
    zone = draw(st.sampled_from(ZONES))
    first = draw(st.sampled_from(FIRST_DAYS))
    last = first + timedelta(days=draw(st.integers(0, 3)))
    hours = []
    for weekday in range(7):
        a, b = sorted(draw(st.tuples(st.integers(0, 1440), st.integers(0, 1440))))
        if b > a:
            hours.append(WeeklyHours(weekday, a, b))
    origin = local(zone, first, 0)

    def interval(length_minutes: int) -> tuple[datetime, datetime]:
        start = origin + timedelta(minutes=5 * draw(st.integers(0, 5 * 288)))
        return start, start + timedelta(minutes=length_minutes)

    busy = []
    for _ in range(draw(st.integers(0, 6))):
        s, e = interval(45)
        busy.append(Busy(s, e, e + timedelta(minutes=draw(st.sampled_from([0, 10, 15, 30])))))
    off = [Interval(*interval(draw(st.integers(5, 600)))) for _ in range(draw(st.integers(0, 3)))]
    patient = [Interval(*interval(45)) for _ in range(draw(st.integers(0, 3)))]
    cal = Calendar(
        zone=zone,
        hours=hours,
        time_off=off,
        busy=busy,
        buffer=timedelta(minutes=draw(st.sampled_from([0, 5, 15, 30]))),
        patient_busy=patient,
        licensed_through=draw(st.sampled_from([None, first + timedelta(days=1)])),
    )
    now = origin + timedelta(minutes=draw(st.integers(-600, 3000)))
    return cal, first, last, now


@settings(max_examples=60, deadline=None)
@given(calendars())
def test_every_free_slot_keeps_every_rule(case: tuple[Calendar, date, date, datetime]) -> None:
    cal, first, last, now = case
    for start in free_starts(cal, first, last, now):
        assert first <= start.astimezone(cal.zone).date() <= last
        assert start > now
        assert start.astimezone(cal.zone).minute % 15 == 0
        assert explain(cal, start, now) == []
        assert is_free(cal, start, now)
        new = Interval(start, start + SLOT + cal.buffer)
        assert not any(new.overlaps(Interval(b.start, b.buffer_end)) for b in cal.busy)
        assert not any(Interval(start, start + SLOT).overlaps(t) for t in cal.time_off)


@settings(max_examples=60, deadline=None)
@given(calendars())
def test_every_refused_grid_start_has_a_reason(
    case: tuple[Calendar, date, date, datetime],
) -> None:
    cal, first, last, now = case
    free = set(free_starts(cal, first, last, now))
    day = first
    while day <= last:
        for minute in range(0, 1440, 15):
            start = wall_instant(day, minute, cal.zone)
            if start is not None and start not in free:
                assert explain(cal, start, now), (day, minute)
                assert not is_free(cal, start, now)
        day += timedelta(days=1)
