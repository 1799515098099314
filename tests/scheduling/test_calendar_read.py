"""The calendar read's database side: instants come back as exact integer microseconds, and
its two forms of a practitioner's calendar agree."""

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from api.db import UTCDateTime
from api.scheduling.calendar import CalendarQuery, load_calendar
from api.scheduling.calendar_statements import EpochMicroseconds
from api.scheduling.slots import blocked_calendar, to_us
from tests.factories import (
    make_clinic,
    make_patient,
    make_plan,
    make_practitioner,
    make_session,
    make_time_off,
)

INSTANTS = [
    datetime(2026, 3, 29, 1, 0, 0, 1, tzinfo=UTC),
    datetime(2026, 11, 25, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, 59, 500_000, tzinfo=UTC),
    datetime(2099, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2000, 1, 1, tzinfo=UTC),
]


@pytest.mark.parametrize("instant", INSTANTS, ids=str)
def test_epoch_microseconds_are_exact(db: Session, instant: datetime) -> None:
    # PostgreSQL computes them in double precision (date_part): exact to the microsecond
    # only because the cast rounds, which this pins down.
    value = db.scalar(select(EpochMicroseconds(literal(instant, UTCDateTime()))))
    assert value == to_us(instant)


# --- the two forms of a loaded calendar block the same starts ----------------------------------

ZONES = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]
FIRST_DAY = date(2026, 3, 27)  # the days around Europe's spring change (29 March)
DAYS = 3


@dataclass(frozen=True)
class Drawn:
    """A random clinic calendar: practitioners (hours, flaw), sessions and time off, and what
    the queries name (one SEARCH, and one ONE_PRACTITIONER query per practitioner)."""

    zone: str
    buffer_minutes: int
    practitioners: list[tuple[list[tuple[int, int, int]], str]]
    # (practitioner index, or -1: one of another clinic), whose (the plan's, another plan of
    # the patient's, another patient's), hour index, minute, microsecond, cancelled
    sessions: list[tuple[int, str, int, int, int, bool]]
    time_off: list[tuple[int, int, int, int]]  # practitioner, start minute, minutes, µs
    patient: bool
    plan: bool
    exclude: int | None  # index into sessions
    only: int | None  # a SEARCH for one practitioner


_hours = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 1439), st.integers(1, 1440)).map(
        lambda h: (h[0], min(h[1], h[2] - 1), max(h[1] + 1, h[2]))
    ),
    max_size=6,
)


@st.composite
def drawn_calendars(draw: st.DrawFn) -> Drawn:
    count = draw(st.integers(1, 3))
    practitioners = [
        (draw(_hours), draw(st.sampled_from(["", "", "inactive", "unqualified"])))
        for _ in range(count)
    ]
    # Sessions start in distinct even hours (from 3 days before the range to 20 days after),
    # so that none overlaps another, buffer included: the exclusion constraints hold.
    hours = draw(st.lists(st.integers(-36, 12 * 23).map(lambda h: 2 * h), unique=True, max_size=12))
    sessions = [
        (
            draw(st.integers(-1, count - 1)),
            draw(st.sampled_from(["plan", "patient", "other"])),
            hour,
            draw(st.integers(0, 14)),
            draw(st.integers(0, 999_999)),
            draw(st.booleans()),
        )
        for hour in hours
    ]
    time_off = draw(
        st.lists(
            st.tuples(
                st.integers(0, count - 1),
                st.integers(-24 * 60, (DAYS + 1) * 24 * 60),
                st.integers(1, 3 * 24 * 60),
                st.integers(0, 999_999),
            ),
            max_size=4,
        )
    )
    exclude = draw(st.none() | st.integers(0, len(sessions) - 1)) if sessions else None
    return Drawn(
        zone=draw(st.sampled_from(ZONES)),
        buffer_minutes=draw(st.sampled_from([0, 5, 10, 15])),
        practitioners=practitioners,
        sessions=sessions,
        time_off=time_off,
        patient=draw(st.booleans()),
        plan=draw(st.booleans()),
        exclude=exclude,
        only=draw(st.none() | st.integers(0, count - 1)),
    )


def _queries(db: Session, drawn: Drawn) -> list[CalendarQuery]:
    clinic = make_clinic(db, timezone=drawn.zone, buffer_minutes=drawn.buffer_minutes)
    elsewhere = make_practitioner(db, [make_clinic(db, timezone=drawn.zone)])
    practitioners = [
        make_practitioner(
            db,
            [clinic],
            hours=hours,
            qualifications=() if flaw == "unqualified" else ("mesotherapy",),
            active=flaw != "inactive",
        )
        for hours, flaw in drawn.practitioners
    ]
    patient, someone = make_patient(db, clinic), make_patient(db, clinic)
    plan = make_plan(db, patient, practitioners[0], clinic)
    other_plan = make_plan(db, patient, practitioners[0], clinic)
    others_plan = make_plan(db, someone, practitioners[0], clinic)
    plans = {"plan": plan, "patient": other_plan, "other": others_plan}
    base = datetime.combine(FIRST_DAY, time(), ZoneInfo(drawn.zone))
    sessions = [
        make_session(
            db,
            plans[whose],
            starts_at=base + timedelta(hours=hour, minutes=minute, microseconds=us),
            status="cancelled" if cancelled else "booked",
            practitioner_id=(practitioners[at] if at >= 0 else elsewhere).id,
        )
        for at, whose, hour, minute, us, cancelled in drawn.sessions
    ]
    for at, start, minutes, us in drawn.time_off:
        starts = base + timedelta(minutes=start, microseconds=us)
        ends = starts + timedelta(minutes=minutes)
        make_time_off(db, practitioners[at], starts_at=starts, ends_at=ends)
    known: dict[str, Any] = {
        "patient_id": patient.id if drawn.patient else None,
        "plan_id": plan.id if drawn.plan else None,
        "exclude_session_id": None if drawn.exclude is None else sessions[drawn.exclude].id,
    }
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)
    only = None if drawn.only is None else practitioners[drawn.only].id
    queries = [CalendarQuery(clinic, FIRST_DAY, last_day, practitioner_id=only, **known)]
    queries += [
        CalendarQuery.of_practitioner(clinic, p, FIRST_DAY, last_day, **known)
        for p in practitioners
    ]
    return queries


def test_the_loaders_blocked_calendar_is_the_blocked_form_of_its_calendar(db: Session) -> None:
    """The availability search reads `blocked` without the sessions' ends; booking and courses
    read `calendar`: both must refuse the same starts, whatever the calendar."""

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(drawn_calendars())
    def check(drawn: Drawn) -> None:
        savepoint = db.begin_nested()
        try:
            for query in _queries(db, drawn):
                full = load_calendar(db, query)
                fast = load_calendar(db, dataclasses.replace(query, session_ends=False))
                assert sorted(fast.practitioner_ids) == sorted(full.practitioner_ids)
                assert (fast.plan_sessions, fast.blocked_days) == (
                    full.plan_sessions,
                    full.blocked_days,
                )
                for pid in full.practitioner_ids:
                    assert fast.blocked(pid) == blocked_calendar(full.calendar(pid))
        finally:
            savepoint.rollback()

    check()
