"""POST /api/v1/treatment-plans/{id}/schedule: a course of sessions, all or nothing."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.common import clock
from api.config import Settings
from api.idempotency.models import IdempotencyRecord
from api.sessions.models import TreatmentSession
from api.vocabulary import Role
from tests.constants import NINE_TO_FIVE
from tests.factories import (
    auth_headers,
    make_allergy,
    make_clinic,
    make_patient,
    make_plan,
    make_practitioner,
    make_session,
    make_time_off,
    make_user,
)
from tests.scheduling.helpers import (
    PRACTITIONER_FLAWS,
    TUESDAY,
    Setup,
    codes,
    count_sessions,
    make_flawed_practitioner,
    make_setup,
)
from tests.statements import counting

COURSE_DAY = TUESDAY + timedelta(days=7)  # Tuesday 10 March 2026


def schedule(
    client: TestClient,
    headers: dict[str, str],
    setup: Setup,
    first: datetime | str,
    **body: Any,
) -> Response:
    payload = {"first_starts_at": first if isinstance(first, str) else first.isoformat(), **body}
    response: Response = client.post(
        f"/api/v1/treatment-plans/{setup.plan.id}/schedule", headers=headers, json=payload
    )
    return response


def starts(response: Response, status: int = 201) -> list[str]:
    """The starts of a course's sessions, from an answer of `status` (201: booked; 200: the
    answer of a dry run)."""
    assert response.status_code == status, response.text
    return [s["starts_at"] for s in response.json()["sessions"]]


def local_starts(setup: Setup, response: Response) -> list[tuple[date, str]]:
    """(local date, local HH:MM) of each session in the answer."""
    result = []
    for text in starts(response):
        local = datetime.fromisoformat(text).astimezone(setup.zone)
        result.append((local.date(), f"{local:%H:%M}"))
    return result


def course_setup(
    db: Session, settings: Settings, timezone: str, now: datetime, cadence: str, sessions: int
) -> tuple[Setup, dict[str, str]]:
    clock.freeze(now)
    setup = make_setup(db, timezone=timezone, sessions_planned=sessions)
    setup.plan.cadence = cadence
    db.flush()
    headers = auth_headers(make_user(db, role=Role.RECEPTIONIST, clinics=[setup.clinic]), settings)
    return setup, headers


# --- the same local wall-clock time across daylight-saving changes ----------------------------


def test_weekly_course_keeps_10_local_across_the_end_of_summer_time_in_paris(
    client: TestClient, db: Session, settings: Settings
) -> None:
    setup, headers = course_setup(
        db, settings, "Europe/Paris", datetime(2026, 10, 1, tzinfo=UTC), "weekly", 4
    )
    response = schedule(client, headers, setup, "2026-10-13T10:00:00+02:00")
    assert response.status_code == 201, response.text
    assert starts(response) == [
        "2026-10-13T10:00:00+02:00",
        "2026-10-20T10:00:00+02:00",
        "2026-10-27T10:00:00+01:00",
        "2026-11-03T10:00:00+01:00",
    ]
    body = response.json()["sessions"]
    assert {s["timezone"] for s in body} == {"Europe/Paris"}
    assert body[2]["ends_at"] == "2026-10-27T10:45:00+01:00"
    assert {s["status"] for s in body} == {"booked"}
    assert {s["treatment_plan_id"] for s in body} == {str(setup.plan.id)}
    db.expire_all()
    stored = db.scalars(
        select(TreatmentSession.starts_at)
        .where(TreatmentSession.plan_id == setup.plan.id)
        .order_by(TreatmentSession.starts_at)
    ).all()
    assert stored == [datetime.fromisoformat(s) for s in starts(response)]


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (
            "2026-10-20T10:00:00-04:00",
            ["2026-10-20T10:00:00-04:00", "2026-11-03T10:00:00-05:00", "2026-11-17T10:00:00-05:00"],
        ),
        (
            "2027-02-23T10:00:00-05:00",
            ["2027-02-23T10:00:00-05:00", "2027-03-09T10:00:00-05:00", "2027-03-23T10:00:00-04:00"],
        ),
    ],
    ids=["november", "march"],
)
def test_twice_monthly_course_keeps_10_local_across_new_york_changes(
    client: TestClient, db: Session, settings: Settings, first: str, expected: list[str]
) -> None:
    now = datetime.fromisoformat(first) - timedelta(days=10)
    setup, headers = course_setup(db, settings, "America/New_York", now, "twice_monthly", 3)
    assert starts(schedule(client, headers, setup, first)) == expected


def test_weekly_course_keeps_10_local_across_the_spring_change_in_new_york(
    client: TestClient, db: Session, settings: Settings
) -> None:
    setup, headers = course_setup(
        db, settings, "America/New_York", datetime(2027, 2, 20, tzinfo=UTC), "weekly", 3
    )
    assert starts(schedule(client, headers, setup, "2027-03-02T10:00:00-05:00")) == [
        "2027-03-02T10:00:00-05:00",
        "2027-03-09T10:00:00-05:00",
        "2027-03-16T10:00:00-04:00",
    ]


# --- where a step goes when its slot is not free ---------------------------------------------


def _other_plan_session(db: Session, setup: Setup, starts_at: datetime) -> None:
    """A session of another patient with the same practitioner."""
    other = make_plan(db, make_patient(db, setup.clinic), setup.practitioner, setup.clinic)
    make_session(db, other, starts_at=starts_at)


def test_a_taken_slot_moves_to_the_nearest_free_one_the_same_day(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 3
    db.flush()
    second = COURSE_DAY + timedelta(days=7)
    _other_plan_session(db, setup, setup.at(second, 9, 30))  # blocks starts 08:45–10:15
    response = schedule(client, staff, setup, setup.at(COURSE_DAY, 10))
    assert response.status_code == 201, response.text
    assert local_starts(setup, response) == [
        (COURSE_DAY, "10:00"),
        (second, "10:15"),  # 15 minutes later beats nothing earlier (the day starts at 09:00)
        (second + timedelta(days=7), "10:00"),
    ]


def test_on_a_tie_the_earlier_free_slot_wins(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 2
    db.flush()
    second = COURSE_DAY + timedelta(days=7)
    _other_plan_session(db, setup, setup.at(second, 10))  # 09:15 and 10:45 are both 45 min away
    assert local_starts(setup, schedule(client, staff, setup, setup.at(COURSE_DAY, 10))) == [
        (COURSE_DAY, "10:00"),
        (second, "09:15"),
    ]


def test_the_patient_s_other_sessions_count_as_taken(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 1
    db.flush()
    elsewhere = make_practitioner(db, [setup.clinic], hours=NINE_TO_FIVE)
    other_plan = make_plan(db, setup.patient, elsewhere, setup.clinic)
    make_session(db, other_plan, starts_at=setup.at(COURSE_DAY, 10))
    assert local_starts(setup, schedule(client, staff, setup, setup.at(COURSE_DAY, 10))) == [
        (COURSE_DAY, "09:15")
    ]


def _day_off(db: Session, setup: Setup, day: date) -> None:
    make_time_off(
        db,
        setup.practitioner,
        starts_at=setup.at(day, 0),
        ends_at=setup.at(day + timedelta(days=1), 0),
    )


def test_a_step_whose_day_is_taken_moves_to_the_day_before(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 3
    db.flush()
    second = COURSE_DAY + timedelta(days=7)
    _day_off(db, setup, second)
    assert local_starts(setup, schedule(client, staff, setup, setup.at(COURSE_DAY, 10))) == [
        (COURSE_DAY, "10:00"),
        (second - timedelta(days=1), "10:00"),
        (second + timedelta(days=7), "10:00"),
    ]


def test_then_the_day_after(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 2
    db.flush()
    second = COURSE_DAY + timedelta(days=7)
    _day_off(db, setup, second)
    _day_off(db, setup, second - timedelta(days=1))
    assert local_starts(setup, schedule(client, staff, setup, setup.at(COURSE_DAY, 10))) == [
        (COURSE_DAY, "10:00"),
        (second + timedelta(days=1), "10:00"),
    ]


def test_the_first_step_moves_too_when_its_own_slot_is_taken(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 1
    db.flush()
    _other_plan_session(db, setup, setup.at(COURSE_DAY, 16, 15))
    assert local_starts(setup, schedule(client, staff, setup, setup.at(COURSE_DAY, 16, 15))) == [
        (COURSE_DAY, "15:30")
    ]


def test_steps_keep_five_days_from_the_plan_s_existing_sessions(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 3
    db.flush()
    # Friday 6 March: Tuesday 10 (4 days) and Monday 9 are too close; Wednesday 11 is 5 days.
    make_session(db, setup.plan, starts_at=setup.at(COURSE_DAY - timedelta(days=4), 10))
    response = schedule(client, staff, setup, setup.at(COURSE_DAY, 10))
    assert local_starts(setup, response) == [
        (COURSE_DAY + timedelta(days=1), "10:00"),
        (COURSE_DAY + timedelta(days=7), "10:00"),
    ]


def test_only_the_remaining_sessions_are_booked(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 4
    db.flush()
    make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    make_session(
        db, setup.plan, starts_at=setup.at(TUESDAY - timedelta(days=7), 10), status="completed"
    )
    make_session(
        db, setup.plan, starts_at=setup.at(TUESDAY + timedelta(days=1), 10), status="cancelled"
    )
    response = schedule(client, staff, setup, setup.at(COURSE_DAY, 10))
    assert local_starts(setup, response) == [
        (COURSE_DAY, "10:00"),
        (COURSE_DAY + timedelta(days=7), "10:00"),
    ]
    assert count_sessions(db) == 5


def test_licence_expiring_during_the_course_leaves_the_later_steps_unplaceable(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 3
    setup.practitioner.license_expires_on = COURSE_DAY + timedelta(days=7)
    db.flush()
    response = schedule(client, staff, setup, setup.at(COURSE_DAY, 10))
    assert codes(response) == ["unplaceable"]
    conflict = response.json()["conflicts"][0]
    assert (conflict["step"], conflict["date"]) == (3, str(COURSE_DAY + timedelta(days=14)))
    assert "licence" in conflict["detail"]


# --- all or nothing ---------------------------------------------------------------------------


def _rows(db: Session) -> tuple[int, int, int]:
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(TreatmentSession)) or 0,
        db.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        db.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0,
    )


def test_a_course_that_cannot_be_placed_writes_nothing(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 5
    db.flush()
    second, fourth = COURSE_DAY + timedelta(days=7), COURSE_DAY + timedelta(days=21)
    for day in (second, fourth):
        # Off from the day before to the day after, inclusive.
        off_until = setup.at(day + timedelta(days=2), 0)
        make_time_off(
            db,
            setup.practitioner,
            starts_at=setup.at(day - timedelta(days=1), 0),
            ends_at=off_until,
        )
    before = _rows(db)
    response = schedule(
        client, {**staff, "Idempotency-Key": "nope"}, setup, setup.at(COURSE_DAY, 10)
    )
    assert response.status_code == 409, response.text
    conflicts = response.json()["conflicts"]
    assert [(c["code"], c["step"], c["date"]) for c in conflicts] == [
        ("unplaceable", 2, str(second)),
        ("unplaceable", 4, str(fourth)),
    ]
    assert all(c["detail"] for c in conflicts)
    assert _rows(db) == before


def test_dry_run_answers_200_and_writes_nothing(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 3
    db.flush()
    before = _rows(db)
    dry = schedule(client, staff, setup, setup.at(COURSE_DAY, 10), dry_run=True)
    assert dry.status_code == 200, dry.text
    assert len(dry.json()["sessions"]) == 3
    assert _rows(db) == before
    real = schedule(client, staff, setup, setup.at(COURSE_DAY, 10))
    assert real.status_code == 201
    assert starts(real) == starts(dry, status=200)
    assert set(real.json()["sessions"][0]) == set(dry.json()["sessions"][0])


def test_a_retry_with_the_same_key_gets_the_first_answer(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 3
    db.flush()
    headers = {**staff, "Idempotency-Key": "course-1"}
    first = schedule(client, headers, setup, setup.at(COURSE_DAY, 10))
    assert first.status_code == 201, first.text
    rows = _rows(db)
    again = schedule(client, headers, setup, setup.at(COURSE_DAY, 10))
    assert again.status_code == 201
    assert again.json() == first.json()
    assert _rows(db) == rows
    other = schedule(client, headers, setup, setup.at(COURSE_DAY, 11))
    assert other.status_code == 422
    assert other.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert _rows(db) == rows


def test_each_created_session_is_audited(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 3
    db.flush()
    response = schedule(client, staff, setup, setup.at(COURSE_DAY, 10))
    ids = {s["id"] for s in response.json()["sessions"]}
    db.expire_all()
    events = db.scalars(select(AuditEvent).where(AuditEvent.resource == "session")).all()
    assert {str(e.resource_id) for e in events} == ids
    assert {(e.action, e.patient_id) for e in events} == {("create", setup.patient.id)}


# --- refusals of the whole request ------------------------------------------------------------


def test_plan_full(client: TestClient, db: Session, setup: Setup, staff: dict[str, str]) -> None:
    setup.plan.sessions_planned = 2
    db.flush()
    make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    make_session(db, setup.plan, starts_at=setup.at(TUESDAY + timedelta(days=7), 10))
    assert codes(schedule(client, staff, setup, setup.at(COURSE_DAY + timedelta(days=7), 10))) == [
        "plan_full"
    ]


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_plan_not_bookable(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], status: str
) -> None:
    setup.plan.status = status
    db.flush()
    assert codes(schedule(client, staff, setup, setup.at(COURSE_DAY, 10))) == ["plan_not_bookable"]


def test_a_proposed_plan_can_be_scheduled(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.status = "proposed"
    setup.plan.sessions_planned = 2
    db.flush()
    assert schedule(client, staff, setup, setup.at(COURSE_DAY, 10)).status_code == 201


def test_an_allergy_recorded_after_the_plan_stops_the_course(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    make_allergy(db, setup.patient, allergen_class="amide_local_anaesthetics")
    response = schedule(client, staff, setup, setup.at(COURSE_DAY, 10))
    assert codes(response) == ["allergy"]
    assert response.json()["conflicts"][0]["substance_code"] == "lidocaine"
    assert count_sessions(db) == 0


@pytest.mark.parametrize("flaw", PRACTITIONER_FLAWS)
def test_the_practitioner_must_be_qualified_and_work_at_the_clinic(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], flaw: str
) -> None:
    practitioner = make_flawed_practitioner(db, setup.clinic, flaw)
    response = schedule(
        client, staff, setup, setup.at(COURSE_DAY, 10), practitioner_id=str(practitioner.id)
    )
    assert "not_qualified" in codes(response)


def test_an_expired_licence_is_refused(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.practitioner.license_expires_on = COURSE_DAY - timedelta(days=1)
    db.flush()
    assert codes(schedule(client, staff, setup, setup.at(COURSE_DAY, 10))) == ["licence"]


def test_another_practitioner_of_the_clinic_may_take_the_course(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 2
    db.flush()
    colleague = make_practitioner(db, [setup.clinic], hours=NINE_TO_FIVE)
    response = schedule(
        client, staff, setup, setup.at(COURSE_DAY, 10), practitioner_id=str(colleague.id)
    )
    assert {s["practitioner_id"] for s in response.json()["sessions"]} == {str(colleague.id)}


@pytest.mark.parametrize(
    "body",
    [
        {"first_starts_at": "2026-03-10T10:00:00"},  # naive
        {"first_starts_at": "2026-03-01T10:00:00+01:00"},  # past
        {"first_starts_at": "2026-03-10T10:05:00+01:00"},  # off the grid
        {"first_starts_at": "2026-03-10T10:00:00+01:00", "practitioner_id": "0" * 32},
        {"first_starts_at": "2026-03-10T10:00:00+01:00", "dry_run": "maybe"},
        {"first_starts_at": "2026-03-10T10:00:00+01:00", "dry_run": "false"},
        {"first_starts_at": "2026-03-10T10:00:00+01:00", "dry_run": 0},
        {"first_starts_at": "2026-03-10T10:00:00+01:00", "dry_run": 1},
        {"first_starts_at": "2026-03-10T10:00:00+01:00", "extra": 1},
        {},
    ],
)
def test_malformed_requests_are_422_and_write_nothing(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], body: dict[str, Any]
) -> None:
    response = client.post(
        f"/api/v1/treatment-plans/{setup.plan.id}/schedule", headers=staff, json=body
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]
    assert count_sessions(db) == 0


# --- who may schedule -------------------------------------------------------------------------


def test_a_patient_may_not_schedule_a_course(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    own = auth_headers(make_user(db, role=Role.PATIENT, patient_id=setup.patient.id), settings)
    assert schedule(client, own, setup, setup.at(COURSE_DAY, 10)).status_code == 403
    assert count_sessions(db) == 0


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.ADMIN])
def test_practitioners_and_admins_may_schedule(
    client: TestClient, db: Session, setup: Setup, settings: Settings, role: Role
) -> None:
    setup.plan.sessions_planned = 2
    db.flush()
    headers = auth_headers(make_user(db, role=role, clinics=[setup.clinic]), settings)
    assert schedule(client, headers, setup, setup.at(COURSE_DAY, 10)).status_code == 201


def test_staff_of_another_clinic_do_not_see_the_plan(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    stranger = auth_headers(
        make_user(db, role=Role.RECEPTIONIST, clinics=[make_clinic(db)]), settings
    )
    assert schedule(client, stranger, setup, setup.at(COURSE_DAY, 10)).status_code == 404


# --- a fixed number of statements -------------------------------------------------------------


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    with counting(engine) as seen:
        yield seen


def test_the_number_of_statements_does_not_grow_with_the_course(
    client: TestClient, db: Session, now: datetime, settings: Settings, statements: list[str]
) -> None:
    counted = []
    for sessions in (5, 25):
        setup = make_setup(db, sessions_planned=sessions)
        headers = auth_headers(make_user(db, role=Role.ADMIN), settings)
        db.flush()
        statements.clear()
        response = schedule(client, headers, setup, setup.at(COURSE_DAY, 10))
        assert len(response.json()["sessions"]) == sessions
        counted.append(len(statements))
    assert counted[0] == counted[1], statements


# --- rescheduling one session of a course -----------------------------------------------------


def test_rescheduling_a_session_keeps_five_days_from_its_next_neighbour(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 3
    db.flush()
    course = schedule(client, staff, setup, setup.at(COURSE_DAY, 10)).json()["sessions"]
    moved = client.patch(
        f"/api/v1/sessions/{course[0]['id']}",
        headers=staff,
        json={"starts_at": setup.at(COURSE_DAY + timedelta(days=3), 10).isoformat()},
    )
    assert codes(moved) == ["spacing"]
    allowed = client.patch(
        f"/api/v1/sessions/{course[1]['id']}",
        headers=staff,
        json={"starts_at": setup.at(COURSE_DAY + timedelta(days=5), 10).isoformat()},
    )
    assert allowed.status_code == 200, allowed.text
