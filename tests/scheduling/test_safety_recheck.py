"""Every safety gate runs again at every step (DESIGN section 5): what is recorded after the
plan (an allergy, a later intake with a contraindication, a date of birth corrected to a
minor's) stops booking, rescheduling, course scheduling (dry run too) and check-in, with the
plan's own 409 codes, and nothing is written."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.common import clock
from api.sessions.models import TreatmentSession
from tests.factories import make_allergy, make_intake, make_session
from tests.scheduling.helpers import TUESDAY, Setup, book, codes, count_sessions
from tests.statements import counting, queries

COURSE_DAY = TUESDAY + timedelta(days=7)


def _contraindicated(db: Session, setup: Setup, *codes: str) -> None:
    """A later intake than the one the plan was made on, recording `codes`."""
    make_intake(db, setup.patient, measured_on=date(2026, 1, 10))
    make_intake(
        db,
        setup.patient,
        measured_on=date(2026, 2, 20),
        contraindications=codes,
    )


def _pregnant(db: Session, setup: Setup) -> None:
    _contraindicated(db, setup, "pregnancy")


def _relative_not_covered(db: Session, setup: Setup) -> None:
    _contraindicated(db, setup, "anticoagulant_therapy")


def _minor(db: Session, setup: Setup) -> None:
    setup.patient.date_of_birth = date(2010, 1, 1)  # 16 on 2 March 2026
    db.flush()


def _allergic(db: Session, setup: Setup) -> None:
    make_allergy(db, setup.patient, substance_code="lidocaine")


HAZARDS: dict[str, tuple[Callable[[Session, Setup], None], str]] = {
    "pregnancy in a later intake": (_pregnant, "contraindication"),
    "relative contraindication the override did not cover": (
        _relative_not_covered,
        "contraindication",
    ),
    "date of birth corrected to a minor's": (_minor, "under_age"),
    "allergy recorded later": (_allergic, "allergy"),
}


def _book(client: TestClient, db: Session, setup: Setup, staff: dict[str, str]) -> Response:
    return book(client, staff, setup, setup.at(TUESDAY, 10))


def _reschedule(client: TestClient, db: Session, setup: Setup, staff: dict[str, str]) -> Response:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    response: Response = client.patch(
        f"/api/v1/sessions/{session.id}",
        headers=staff,
        json={"starts_at": setup.at(TUESDAY, 11).isoformat()},
    )
    return response


def _course(dry_run: bool) -> Callable[[TestClient, Session, Setup, dict[str, str]], Response]:
    def schedule(client: TestClient, db: Session, setup: Setup, staff: dict[str, str]) -> Response:
        setup.plan.sessions_planned = 3
        db.flush()
        response: Response = client.post(
            f"/api/v1/treatment-plans/{setup.plan.id}/schedule",
            headers=staff,
            json={"first_starts_at": setup.at(COURSE_DAY, 10).isoformat(), "dry_run": dry_run},
        )
        return response

    return schedule


def _check_in(client: TestClient, db: Session, setup: Setup, staff: dict[str, str]) -> Response:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    clock.freeze(setup.at(TUESDAY, 9, 30))
    response: Response = client.post(f"/api/v1/sessions/{session.id}/check-in", headers=staff)
    return response


STEPS: dict[str, Callable[[TestClient, Session, Setup, dict[str, str]], Response]] = {
    "booking": _book,
    "rescheduling": _reschedule,
    "course": _course(dry_run=False),
    "course dry run": _course(dry_run=True),
    "check-in": _check_in,
}


def _unchanged(db: Session, step: str, sessions_before: int) -> bool:
    db.expire_all()
    if step in ("rescheduling", "check-in"):
        (session,) = db.query(TreatmentSession).all()
        return session.status == "booked" and session.starts_at.hour == 9  # 10:00 Paris
    return count_sessions(db) == sessions_before


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("hazard", HAZARDS)
def test_what_is_recorded_after_the_plan_stops_every_step(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], step: str, hazard: str
) -> None:
    record, code = HAZARDS[hazard]
    record(db, setup)
    response = STEPS[step](client, db, setup, staff)
    assert codes(response) == [code]
    assert response.headers["content-type"] == "application/problem+json"
    assert _unchanged(db, step, 0)


@pytest.mark.parametrize("step", STEPS)
def test_the_plans_override_still_covers_what_it_covered(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], step: str
) -> None:
    setup.plan.override_reason = "Stopped anticoagulants a week before, per the cardiologist."
    setup.plan.override_codes = ["anticoagulant_therapy"]
    _relative_not_covered(db, setup)
    response = STEPS[step](client, db, setup, staff)
    assert response.status_code in (200, 201), response.text


@pytest.mark.parametrize("step", STEPS)
def test_a_covered_relative_one_does_not_cover_a_new_one(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], step: str
) -> None:
    setup.plan.override_reason = "Stopped anticoagulants a week before, per the cardiologist."
    setup.plan.override_codes = ["anticoagulant_therapy"]
    _contraindicated(db, setup, "anticoagulant_therapy", "diabetes")
    response = STEPS[step](client, db, setup, staff)
    assert codes(response) == ["contraindication"]
    assert response.json()["conflicts"][0]["contraindication_code"] == "diabetes"
    assert "does not cover" in response.json()["conflicts"][0]["detail"]


def test_only_the_latest_intake_counts(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    make_intake(
        db,
        setup.patient,
        measured_on=date(2025, 6, 1),
        contraindications=["pregnancy"],
    )
    make_intake(db, setup.patient, measured_on=date(2026, 2, 20))
    assert _book(client, db, setup, staff).status_code == 201


def test_every_gate_that_fails_is_listed_together(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    for record, _ in HAZARDS.values():
        record(db, setup)
    assert set(codes(_book(client, db, setup, staff))) == {
        "contraindication",
        "under_age",
        "allergy",
    }


def test_an_eighteenth_birthday_today_passes(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.patient.date_of_birth = date(2008, 3, 2)  # 18 today in Paris
    db.flush()
    assert _book(client, db, setup, staff).status_code == 201


def _statements(engine: Engine, run: Callable[[], Any]) -> int:
    with counting(engine) as statements:
        run()
    return len(queries(statements))


def test_the_gates_cost_no_statement_for_a_patient_with_nothing_recorded(
    client: TestClient, engine: Engine, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    """Booking stays at four statements; a patient with a contraindication costs one more."""
    assert _statements(engine, lambda: _book(client, db, setup, staff)) == 4
    _contraindicated(db, setup)  # later intake without any: still four
    clean = _statements(
        engine, lambda: book(client, staff, setup, setup.at(TUESDAY + timedelta(days=7), 10))
    )
    assert clean == 4
    make_intake(
        db,
        setup.patient,
        measured_on=date(2026, 2, 25),
        contraindications=["diabetes"],
    )
    setup.plan.override_codes = ["diabetes"]
    db.flush()
    later = TUESDAY + timedelta(days=14)
    assert _statements(engine, lambda: book(client, staff, setup, setup.at(later, 10))) == 5
