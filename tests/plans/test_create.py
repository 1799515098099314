"""Creating a plan: the recommendation table, the 1–25 bounds, the quote over HTTP, and 422
for unknown or invisible references."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.plans.eligibility import recommended_sessions
from api.plans.models import TreatmentPlan
from tests.constants import EUR_PRICES, LIPOLYTIC_PC_DC
from tests.factories import (
    formulation_id,
    make_clinic,
    make_intake,
    make_patient,
    make_practitioner,
)
from tests.plans.helpers import World

PLANS = "/api/v1/treatment-plans"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def _create(client: TestClient, world: World, **body: Any) -> dict[str, Any]:
    response = client.post(PLANS, json=world.body(**body), headers=world.as_("practitioner"))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize(
    ("indication", "grades", "expected"),
    [
        ("cellulite", [], 6),
        ("cellulite", [0], 6),
        ("cellulite", [1, 0], 6),
        ("cellulite", [2, 1], 12),
        ("cellulite", [3, 2], 20),
        ("local_fat", [3], 10),
        ("skin_rejuvenation", [], 10),
        ("face_lifting", [], 10),
    ],
)
def test_recommendation_table(indication: str, grades: list[int], expected: int) -> None:
    assert recommended_sessions(indication, grades) == expected


@pytest.mark.parametrize(
    ("cellulite", "area_codes", "expected"),
    [
        ({}, ["thighs"], 6),
        ({"thighs": 1}, ["thighs"], 6),
        ({"thighs": 2, "buttocks": 1}, ["thighs", "buttocks"], 12),
        ({"thighs": 1, "buttocks": 3}, ["thighs", "buttocks"], 20),
        # A grade recorded for an area outside the plan does not count.
        ({"thighs": 1, "arms": 3}, ["thighs"], 6),
    ],
)
def test_sessions_recommended_from_the_latest_intake(
    client: TestClient,
    world: World,
    db: Session,
    cellulite: dict[str, int],
    area_codes: list[str],
    expected: int,
) -> None:
    make_intake(db, world.patient, measured_on=date(2026, 2, 20), cellulite=cellulite)
    plan = _create(client, world, area_codes=area_codes)
    assert plan["sessions_planned"] == expected
    assert plan["quote"]["sessions"] == expected


def test_other_indications_are_recommended_ten_sessions(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(
        client,
        world,
        indication="local_fat",
        formulation_id=str(formulation_id(db, LIPOLYTIC_PC_DC)),
    )
    assert plan["sessions_planned"] == 10


@pytest.mark.parametrize("sessions", [1, 25])
def test_sessions_planned_bounds_are_accepted(
    client: TestClient, world: World, sessions: int
) -> None:
    assert _create(client, world, sessions_planned=sessions)["sessions_planned"] == sessions


@pytest.mark.parametrize("sessions", [0, 26, -1, "many"])
def test_sessions_planned_outside_1_to_25_is_422(
    client: TestClient, world: World, db: Session, sessions: object
) -> None:
    response = client.post(
        PLANS, json=world.body(sessions_planned=sessions), headers=world.as_("practitioner")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "sessions_planned"]
    assert not db.scalar(select(func.count()).select_from(TreatmentPlan))


def test_a_created_plan_is_proposed_with_counts_and_quote(client: TestClient, world: World) -> None:
    response = client.post(
        PLANS,
        json=world.body(area_codes=["buttocks", "thighs"], sessions_planned=10),
        headers=world.as_("practitioner"),
    )
    assert response.status_code == 201
    assert response.headers["etag"]
    plan = response.json()
    assert plan["status"] == "proposed"
    assert plan["consented_at"] is None
    assert (plan["sessions_planned"], plan["sessions_booked"], plan["sessions_completed"]) == (
        10,
        0,
        0,
    )
    assert plan["area_codes"] == ["buttocks", "thighs"]
    assert plan["sessions"] == []
    assert plan["quote"] == {
        "currency": "EUR",
        "session_price": "425.00",
        "sessions": 10,
        "total": "4250.00",
        "lines": [
            {"area_code": "buttocks", "price": "250.00", "rate": "0.50"},
            {"area_code": "thighs", "price": "300.00", "rate": "1.00"},
        ],
    }


def test_quote_in_yen_has_no_minor_digits(client: TestClient, world: World, db: Session) -> None:
    tokyo = make_clinic(
        db,
        name="Tokyo",
        timezone="Asia/Tokyo",
        currency="JPY",
        additional_area_rate="0.40",
        prices={"thighs": "45000", "arms": "30001"},
    )
    practitioner = make_practitioner(db, [tokyo])
    patient = make_patient(db, tokyo)
    make_intake(db, patient)
    response = client.post(
        PLANS,
        json=world.body(
            patient_id=str(patient.id),
            practitioner_id=str(practitioner.id),
            clinic_id=str(tokyo.id),
            area_codes=["thighs", "arms"],
            sessions_planned=3,
        ),
        headers=world.as_("admin"),
    )
    assert response.status_code == 201, response.text
    # 45000 + 0.40 × 30001 = 57000.4 → 57000
    assert response.json()["quote"] == {
        "currency": "JPY",
        "session_price": "57000",
        "sessions": 3,
        "total": "171000",
        "lines": [
            {"area_code": "thighs", "price": "45000", "rate": "1.00"},
            {"area_code": "arms", "price": "30001", "rate": "0.40"},
        ],
    }


def test_an_area_without_a_price_at_the_clinic_is_422_naming_it(
    client: TestClient, world: World
) -> None:
    response = client.post(
        PLANS, json=world.body(area_codes=["thighs", "neck"]), headers=world.as_("practitioner")
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["loc"] == ["body", "area_codes"]
    assert "neck" in error["msg"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("patient_id", UNKNOWN_ID),
        ("practitioner_id", UNKNOWN_ID),
        ("clinic_id", UNKNOWN_ID),
        ("formulation_id", UNKNOWN_ID),
        ("area_codes", ["elbows"]),
        ("area_codes", []),
        ("area_codes", ["thighs", "thighs"]),
        ("indication", "hair_loss"),
        ("cadence", "monthly"),
        ("patient_id", "not-a-uuid"),
    ],
)
def test_unknown_references_and_codes_are_422(
    client: TestClient, world: World, field: str, value: object
) -> None:
    response = client.post(
        PLANS, json=world.body(**{field: value}), headers=world.as_("practitioner")
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"][:2] == ["body", field]


def test_unknown_fields_are_422(client: TestClient, world: World) -> None:
    response = client.post(
        PLANS, json=world.body(status="active"), headers=world.as_("practitioner")
    )
    assert response.status_code == 422


def test_a_patient_of_another_clinic_is_422_for_staff(
    client: TestClient, world: World, db: Session
) -> None:
    lyon = make_clinic(db, name="Lyon", prices=EUR_PRICES)
    stranger = make_patient(db, lyon)
    make_intake(db, stranger)
    response = client.post(
        PLANS, json=world.body(patient_id=str(stranger.id)), headers=world.as_("practitioner")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "patient_id"]
    # An admin sees every patient.
    admin = client.post(
        PLANS, json=world.body(patient_id=str(stranger.id)), headers=world.as_("admin")
    )
    assert admin.status_code == 201, admin.text
