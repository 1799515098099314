"""GET /api/v1/availability: who is offered, the bounds, a fixed statement count, and every
offered slot being bookable."""

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.scheduling.availability import find_slot_starts
from api.vocabulary import Role
from tests.constants import NINE_TO_FIVE
from tests.factories import (
    auth_headers,
    make_clinic,
    make_patient,
    make_plan,
    make_practitioner,
    make_session,
    make_time_off,
    make_user,
)
from tests.scheduling.helpers import TUESDAY, Setup, book, make_setup
from tests.statements import counting


def search(
    client: TestClient, headers: dict[str, str], clinic_id: Any, first: date, last: date, **kw: Any
) -> Any:
    params = {"clinic_id": str(clinic_id), "from": str(first), "to": str(last)}
    params.update({k: str(v) for k, v in kw.items()})
    return client.get("/api/v1/availability", headers=headers, params=params)


def starts(response: Any, practitioner_id: Any = None) -> list[str]:
    assert response.status_code == 200, response.text
    return [
        s["starts_at"]
        for s in response.json()["slots"]
        if practitioner_id is None or s["practitioner_id"] == str(practitioner_id)
    ]


def test_slots_in_the_clinic_offset_sorted_by_start_then_practitioner(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    second = make_practitioner(db, [setup.clinic], hours=[(1, 9 * 60, 10 * 60)])
    body = search(client, staff, setup.clinic.id, TUESDAY, TUESDAY).json()
    assert body["timezone"] == "Europe/Paris"
    slots = body["slots"]
    assert slots == sorted(slots, key=lambda s: (s["starts_at"], s["practitioner_id"]))
    first = [s for s in slots if s["starts_at"] == "2026-03-03T09:00:00+01:00"]
    assert {s["practitioner_id"] for s in first} == {str(setup.practitioner.id), str(second.id)}
    assert first[0]["ends_at"] == "2026-03-03T09:45:00+01:00"


def test_only_active_qualified_licensed_practitioners_of_the_clinic_are_offered(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    make_practitioner(db, [setup.clinic], active=False, hours=NINE_TO_FIVE)
    make_practitioner(db, [setup.clinic], qualifications=["botox"], hours=NINE_TO_FIVE)
    make_practitioner(
        db, [setup.clinic], license_expires_on=TUESDAY - timedelta(days=1), hours=NINE_TO_FIVE
    )
    make_practitioner(db, [make_clinic(db)], hours=NINE_TO_FIVE)
    expiring = make_practitioner(db, [setup.clinic], license_expires_on=TUESDAY, hours=NINE_TO_FIVE)
    response = search(client, staff, setup.clinic.id, TUESDAY, TUESDAY + timedelta(days=1))
    offered = {s["practitioner_id"] for s in response.json()["slots"]}
    assert offered == {str(setup.practitioner.id), str(expiring.id)}
    assert all(s.startswith("2026-03-03") for s in starts(response, expiring.id))


def test_sessions_time_off_and_the_past_are_not_offered(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    other_clinic = make_clinic(db)
    setup.practitioner.clinics.append(other_clinic)
    plan_elsewhere = make_plan(db, make_patient(db, other_clinic), setup.practitioner, other_clinic)
    # At another clinic: still busy.
    make_session(db, plan_elsewhere, starts_at=setup.at(TUESDAY, 10))
    make_time_off(
        db, setup.practitioner, starts_at=setup.at(TUESDAY, 14), ends_at=setup.at(TUESDAY, 17)
    )
    offered = starts(search(client, staff, setup.clinic.id, TUESDAY, TUESDAY))
    assert offered[:2] == ["2026-03-03T09:00:00+01:00", "2026-03-03T09:15:00+01:00"]
    assert "2026-03-03T10:00:00+01:00" not in offered
    assert offered[-1] == "2026-03-03T13:15:00+01:00"
    clock.freeze(setup.at(TUESDAY, 10, 5))
    today = starts(search(client, staff, setup.clinic.id, TUESDAY, TUESDAY))
    assert today[0] == "2026-03-03T10:45:00+01:00"  # after now, and after the 10:00 session


def test_times_follow_the_offset_across_a_daylight_saving_change(
    client: TestClient, db: Session, now: datetime, settings: Settings
) -> None:
    setup = make_setup(db, timezone="America/New_York")
    headers = auth_headers(make_user(db, role=Role.ADMIN), settings)
    offered = starts(search(client, headers, setup.clinic.id, date(2026, 3, 7), date(2026, 3, 9)))
    assert [s for s in offered if "T09:00:00" in s] == [
        "2026-03-07T09:00:00-05:00",
        "2026-03-08T09:00:00-04:00",
        "2026-03-09T09:00:00-04:00",
    ]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (TUESDAY, TUESDAY - timedelta(days=1)),
        (TUESDAY, TUESDAY + timedelta(days=62)),
        (date(9999, 12, 30), date(9999, 12, 31)),
        (date(1, 1, 1), date(1, 1, 2)),
    ],
    ids=["inverted", "too-long", "end-of-time", "start-of-time"],
)
def test_out_of_bounds_ranges_are_422(
    client: TestClient, setup: Setup, staff: dict[str, str], first: date, last: date
) -> None:
    assert search(client, staff, setup.clinic.id, first, last).status_code == 422


def test_62_days_are_allowed(client: TestClient, setup: Setup, staff: dict[str, str]) -> None:
    response = search(client, staff, setup.clinic.id, TUESDAY, TUESDAY + timedelta(days=61))
    assert response.status_code == 200


def test_unknown_references_are_422(
    client: TestClient, setup: Setup, staff: dict[str, str]
) -> None:
    assert search(client, staff, uuid.uuid4(), TUESDAY, TUESDAY).status_code == 422
    unknown_practitioner = search(
        client, staff, setup.clinic.id, TUESDAY, TUESDAY, practitioner_id=uuid.uuid4()
    )
    assert unknown_practitioner.status_code == 422
    unknown_session = search(
        client, staff, setup.clinic.id, TUESDAY, TUESDAY, reschedule_session_id=uuid.uuid4()
    )
    assert unknown_session.status_code == 422
    bad = client.get("/api/v1/availability", headers=staff, params={"clinic_id": "x"})
    assert bad.status_code == 422
    assert search(client, {}, setup.clinic.id, TUESDAY, TUESDAY).status_code == 401


def test_a_rescheduled_sessions_own_time_counts_as_free(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    plain = starts(search(client, staff, setup.clinic.id, TUESDAY, TUESDAY))
    assert "2026-03-03T10:15:00+01:00" not in plain
    moving = starts(
        search(client, staff, setup.clinic.id, TUESDAY, TUESDAY, reschedule_session_id=session.id)
    )
    assert "2026-03-03T10:15:00+01:00" in moving
    moved = client.patch(
        f"/api/v1/sessions/{session.id}",
        headers=staff,
        json={"starts_at": "2026-03-03T10:15:00+01:00"},
    )
    assert moved.status_code == 200


# --- a fixed number of statements --------------------------------------------------------------


def test_availability_costs_a_fixed_number_of_statements(
    client: TestClient, db: Session, engine: Engine, setup: Setup, staff: dict[str, str]
) -> None:
    for _ in range(4):
        practitioner = make_practitioner(db, [setup.clinic], hours=NINE_TO_FIVE)
        make_time_off(
            db, practitioner, starts_at=setup.at(TUESDAY, 12), ends_at=setup.at(TUESDAY, 13)
        )
    for week in range(6):
        make_session(db, setup.plan, starts_at=setup.at(TUESDAY + timedelta(days=7 * week), 10))
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY + timedelta(days=50), 10))
    user = make_user(db, role=Role.ADMIN)
    for days, reschedule in [(1, None), (62, None), (1, session.id), (62, session.id)]:
        last = TUESDAY + timedelta(days=days - 1)
        with counting(engine) as statements:
            find_slot_starts(db, user, setup.clinic.id, TUESDAY, last, None, reschedule)
        assert len(statements) <= 4, statements
    with counting(engine) as one_day:
        assert search(client, staff, setup.clinic.id, TUESDAY, TUESDAY).status_code == 200
    with counting(engine) as whole_range:
        last = TUESDAY + timedelta(days=61)
        assert search(client, staff, setup.clinic.id, TUESDAY, last).status_code == 200
    assert len(one_day) == len(whole_range)


# --- every offered slot is bookable, and booking it removes it ---------------------------------


def test_every_offered_slot_is_bookable_and_disappears_once_booked(
    client: TestClient, db: Session, now: datetime, settings: Settings
) -> None:
    rng = random.Random(4)
    setup = make_setup(db, buffer_minutes=10)
    colleague = make_practitioner(db, [setup.clinic], hours=[(1, 8 * 60, 12 * 60 + 30)])
    make_time_off(
        db,
        setup.practitioner,
        starts_at=setup.at(TUESDAY, 11, 10),
        ends_at=setup.at(TUESDAY, 12, 5),
    )
    make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 14, 5))
    headers = auth_headers(make_user(db, role=Role.ADMIN), settings)
    booked = 0
    while booked < 40:  # until the day is full
        offered = search(client, headers, setup.clinic.id, TUESDAY, TUESDAY).json()["slots"]
        if not offered:
            break
        slot = rng.choice(offered)
        patient = make_patient(db, setup.clinic)
        practitioner = (
            setup.practitioner
            if slot["practitioner_id"] == str(setup.practitioner.id)
            else colleague
        )
        plan = make_plan(db, patient, practitioner, setup.clinic)
        response = book(
            client, headers, setup, slot["starts_at"], plan_id=plan.id,
            practitioner_id=practitioner.id,
        )  # fmt: skip
        assert response.status_code == 201, (slot, response.text)
        after = search(client, headers, setup.clinic.id, TUESDAY, TUESDAY).json()["slots"]
        assert slot not in after
        # Every slot still offered was offered before: booking frees nothing.
        assert all(s in offered for s in after)
        booked += 1
    assert 5 <= booked < 40
