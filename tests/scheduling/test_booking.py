"""POST /api/v1/sessions: every rule of booking one session."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.config import Settings
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
    make_working_hours,
)
from tests.scheduling.helpers import (
    PRACTITIONER_FLAWS,
    TUESDAY,
    Setup,
    book,
    codes,
    count_sessions,
    make_flawed_practitioner,
    make_setup,
)
from tests.statements import counting, queries


def test_booking_answers_the_session_in_the_clinic_offset(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    response = book(client, staff, setup, setup.at(TUESDAY, 10))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["starts_at"] == "2026-03-03T10:00:00+01:00"
    assert body["ends_at"] == "2026-03-03T10:45:00+01:00"
    assert body["timezone"] == "Europe/Paris"
    assert body["status"] == "booked"
    assert body["late"] is False
    assert body["treatment_plan_id"] == str(setup.plan.id)
    assert body["patient_id"] == str(setup.patient.id)
    assert body["clinic_id"] == str(setup.clinic.id)
    assert set(body) == {
        "id", "treatment_plan_id", "patient_id", "practitioner_id", "clinic_id", "starts_at",
        "ends_at", "timezone", "status", "late", "areas_treated", "notes", "created_at",
    }  # fmt: skip
    assert response.headers["ETag"]
    assert count_sessions(db) == 1


def test_booking_costs_four_statements(
    client: TestClient, engine: Engine, setup: Setup, staff: dict[str, str]
) -> None:
    """The caller, the locked plan with its clinic and practitioner, the calendar, the insert:
    booking is the hot path (bench/scheduling.py)."""
    with counting(engine) as statements:
        assert book(client, staff, setup, setup.at(TUESDAY, 10)).status_code == 201
    assert len(queries(statements)) == 4, statements


@pytest.mark.parametrize(
    "starts_at",
    [
        "2026-03-03T10:00:00",
        "2026-03-02T07:45:00+01:00",
        "2026-03-03T10:10:00+01:00",
        "soon",
        "9999-12-31T23:45:00-12:00",
        "0001-01-01T00:00:00+14:00",
    ],
    ids=["naive", "past", "off-grid", "garbage", "end-of-time", "start-of-time"],
)
def test_malformed_or_past_or_off_grid_start_is_422(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], starts_at: str
) -> None:
    response = book(client, staff, setup, starts_at)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]
    assert count_sessions(db) == 0


def test_unknown_plan_or_practitioner_is_422(
    client: TestClient, setup: Setup, staff: dict[str, str]
) -> None:
    start = setup.at(TUESDAY, 10)
    assert book(client, staff, setup, start, plan_id=uuid.uuid4()).status_code == 422
    assert book(client, staff, setup, start, practitioner_id=uuid.uuid4()).status_code == 422


def test_practitioner_already_booked_is_slot_taken(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    other = make_plan(db, make_patient(db, setup.clinic), setup.practitioner, setup.clinic)
    make_session(db, other, starts_at=setup.at(TUESDAY, 10))
    assert codes(book(client, staff, setup, setup.at(TUESDAY, 10, 30))) == ["slot_taken"]


def test_patient_with_another_session_is_patient_busy(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    colleague = make_practitioner(db, [setup.clinic], hours=NINE_TO_FIVE)
    other_plan = make_plan(db, setup.patient, colleague, setup.clinic)
    make_session(db, other_plan, starts_at=setup.at(TUESDAY, 10))
    assert codes(book(client, staff, setup, setup.at(TUESDAY, 10, 15))) == ["patient_busy"]


def test_outside_working_hours(client: TestClient, setup: Setup, staff: dict[str, str]) -> None:
    assert codes(book(client, staff, setup, setup.at(TUESDAY, 16, 30))) == ["outside_working_hours"]
    assert codes(book(client, staff, setup, setup.at(TUESDAY, 8, 45))) == ["outside_working_hours"]


def test_hours_at_another_clinic_do_not_count(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    elsewhere = make_clinic(db, timezone=setup.clinic.timezone)
    setup.practitioner.clinics.append(elsewhere)
    tuesday = TUESDAY.weekday()
    make_working_hours(
        db, setup.practitioner, elsewhere, weekday=tuesday, start_minute=17 * 60, end_minute=21 * 60
    )
    assert codes(book(client, staff, setup, setup.at(TUESDAY, 18))) == ["outside_working_hours"]
    assert book(client, staff, setup, setup.at(TUESDAY, 16)).status_code == 201


def test_time_off(client: TestClient, db: Session, setup: Setup, staff: dict[str, str]) -> None:
    make_time_off(
        db, setup.practitioner, starts_at=setup.at(TUESDAY, 12), ends_at=setup.at(TUESDAY, 14)
    )
    assert codes(book(client, staff, setup, setup.at(TUESDAY, 11, 30))) == ["time_off"]


def test_buffer_between_sessions(
    client: TestClient, db: Session, now: datetime, settings: Settings
) -> None:
    setup = make_setup(db, buffer_minutes=15)
    headers = auth_headers(make_user(db, role=Role.ADMIN), settings)
    other = make_plan(db, make_patient(db, setup.clinic), setup.practitioner, setup.clinic)
    make_session(db, other, starts_at=setup.at(TUESDAY, 10))
    assert codes(book(client, headers, setup, setup.at(TUESDAY, 10, 45))) == ["buffer"]
    assert codes(book(client, headers, setup, setup.at(TUESDAY, 9, 15))) == ["buffer"]
    assert book(client, headers, setup, setup.at(TUESDAY, 11)).status_code == 201


def test_licence_expired_on_that_day(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.practitioner.license_expires_on = TUESDAY
    db.flush()
    assert book(client, staff, setup, setup.at(TUESDAY, 10)).status_code == 201
    wednesday = TUESDAY + timedelta(days=8)
    assert codes(book(client, staff, setup, setup.at(wednesday, 10))) == ["licence"]


@pytest.mark.parametrize("flaw", PRACTITIONER_FLAWS)
def test_practitioner_not_qualified_or_not_at_the_clinic(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], flaw: str
) -> None:
    practitioner = make_flawed_practitioner(db, setup.clinic, flaw)
    response = book(client, staff, setup, setup.at(TUESDAY, 10), practitioner_id=practitioner.id)
    assert "not_qualified" in codes(response)


def test_sessions_of_a_plan_start_five_days_apart(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    assert codes(book(client, staff, setup, setup.at(TUESDAY + timedelta(days=4), 10))) == [
        "spacing"
    ]
    assert book(client, staff, setup, setup.at(TUESDAY + timedelta(days=5), 9)).status_code == 201


def test_plan_full(client: TestClient, db: Session, now: datetime, settings: Settings) -> None:
    setup = make_setup(db, sessions_planned=1)
    headers = auth_headers(make_user(db, role=Role.ADMIN), settings)
    make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10), status="cancelled")
    assert book(client, headers, setup, setup.at(TUESDAY, 11)).status_code == 201
    assert codes(book(client, headers, setup, setup.at(TUESDAY + timedelta(days=7), 11))) == [
        "plan_full"
    ]


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_plan_not_bookable(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], status: str
) -> None:
    setup.plan.status = status
    db.flush()
    assert codes(book(client, staff, setup, setup.at(TUESDAY, 10))) == ["plan_not_bookable"]


def test_a_proposed_plan_can_be_booked(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.status = "proposed"
    db.flush()
    assert book(client, staff, setup, setup.at(TUESDAY, 10)).status_code == 201


@pytest.mark.parametrize(
    "allergen", [{"substance_code": "lidocaine"}, {"allergen_class": "amide_local_anaesthetics"}]
)
def test_allergy_recorded_after_the_plan_stops_the_booking(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], allergen: dict[str, Any]
) -> None:
    make_allergy(db, setup.patient, **allergen)
    response = book(client, staff, setup, setup.at(TUESDAY, 10))
    assert codes(response) == ["allergy"]
    assert response.json()["conflicts"][0]["substance_code"] == "lidocaine"
    assert count_sessions(db) == 0


@pytest.mark.parametrize("status", ["inactive", "resolved"])
def test_an_allergy_no_longer_active_does_not_stop_the_booking(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], status: str
) -> None:
    make_allergy(db, setup.patient, substance_code="lidocaine", status=status)
    assert book(client, staff, setup, setup.at(TUESDAY, 10)).status_code == 201
    assert count_sessions(db) == 1


def test_several_refusals_are_listed_together(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    make_allergy(db, setup.patient, substance_code="lidocaine")
    assert set(codes(book(client, staff, setup, setup.at(TUESDAY, 20)))) == {
        "outside_working_hours",
        "allergy",
    }


# --- who may book ---------------------------------------------------------------------------


def test_a_patient_books_only_their_own_plans(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    own = auth_headers(make_user(db, role=Role.PATIENT, patient_id=setup.patient.id), settings)
    stranger = make_patient(db, setup.clinic)
    other = auth_headers(make_user(db, role=Role.PATIENT, patient_id=stranger.id), settings)
    assert book(client, other, setup, setup.at(TUESDAY, 10)).status_code == 422
    assert book(client, own, setup, setup.at(TUESDAY, 10)).status_code == 201


def test_staff_of_another_clinic_cannot_book(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    elsewhere = auth_headers(
        make_user(db, role=Role.RECEPTIONIST, clinics=[make_clinic(db)]), settings
    )
    nowhere = auth_headers(make_user(db, role=Role.RECEPTIONIST, clinics=[]), settings)
    assert book(client, elsewhere, setup, setup.at(TUESDAY, 10)).status_code == 422
    assert book(client, nowhere, setup, setup.at(TUESDAY, 10)).status_code == 422
    assert count_sessions(db) == 0


def test_staff_of_the_patients_home_clinic_book_at_another_clinic(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    """Staff see the care of their clinics and of the patients homed there (DESIGN 7)."""
    held_at = make_clinic(db, timezone=setup.clinic.timezone)
    practitioner = make_practitioner(db, [held_at], hours=NINE_TO_FIVE)
    plan = make_plan(db, setup.patient, practitioner, held_at)
    home = auth_headers(make_user(db, role=Role.RECEPTIONIST, clinics=[setup.clinic]), settings)
    there = auth_headers(make_user(db, role=Role.RECEPTIONIST, clinics=[held_at]), settings)
    other = auth_headers(make_user(db, role=Role.RECEPTIONIST, clinics=[make_clinic(db)]), settings)
    kw = {"plan_id": plan.id, "practitioner_id": practitioner.id}
    assert book(client, other, setup, setup.at(TUESDAY, 10), **kw).status_code == 422
    assert book(client, home, setup, setup.at(TUESDAY, 10), **kw).status_code == 201
    wednesday = TUESDAY + timedelta(days=8)
    assert book(client, there, setup, setup.at(wednesday, 10), **kw).status_code == 201


def test_login_is_required(client: TestClient, setup: Setup) -> None:
    assert book(client, {}, setup, setup.at(TUESDAY, 10)).status_code == 401


def test_the_practitioner_defaults_to_the_plans(
    client: TestClient, setup: Setup, staff: dict[str, str]
) -> None:
    body = {"treatment_plan_id": str(setup.plan.id), "starts_at": setup.at(TUESDAY, 10).isoformat()}
    response = client.post("/api/v1/sessions", headers=staff, json=body)
    assert response.status_code == 201
    assert response.json()["practitioner_id"] == str(setup.practitioner.id)
