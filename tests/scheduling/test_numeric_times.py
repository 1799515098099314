"""A JSON number is not a date-time: booking and course scheduling refuse a Unix timestamp
for their start (422, nothing written), even one that would land on the grid."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.scheduling.helpers import TUESDAY, Setup, count_sessions

NUMBERS = {"integer": int, "float": float}


@pytest.mark.parametrize("kind", sorted(NUMBERS))
def test_booking_refuses_a_number_for_starts_at(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], kind: str
) -> None:
    starts_at: Any = NUMBERS[kind](setup.at(TUESDAY, 10).timestamp())
    response = client.post(
        "/api/v1/sessions",
        headers=staff,
        json={"treatment_plan_id": str(setup.plan.id), "starts_at": starts_at},
    )
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "starts_at"]]
    assert count_sessions(db) == 0


@pytest.mark.parametrize("kind", sorted(NUMBERS))
def test_course_scheduling_refuses_a_number_for_first_starts_at(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], kind: str
) -> None:
    first: Any = NUMBERS[kind](setup.at(TUESDAY, 10).timestamp())
    response = client.post(
        f"/api/v1/treatment-plans/{setup.plan.id}/schedule",
        headers=staff,
        json={"first_starts_at": first},
    )
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "first_starts_at"]]
    assert count_sessions(db) == 0


@pytest.mark.parametrize("kind", sorted(NUMBERS))
def test_rescheduling_refuses_a_number_for_starts_at(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], kind: str
) -> None:
    booked = client.post(
        "/api/v1/sessions",
        headers=staff,
        json={
            "treatment_plan_id": str(setup.plan.id),
            "starts_at": setup.at(TUESDAY, 10).isoformat(),
        },
    )
    assert booked.status_code == 201, booked.text
    moved: Any = NUMBERS[kind](setup.at(TUESDAY, 11).timestamp())
    response = client.patch(
        f"/api/v1/sessions/{booked.json()['id']}", headers=staff, json={"starts_at": moved}
    )
    assert response.status_code == 422, response.text
    assert (
        client.get(f"/api/v1/sessions/{booked.json()['id']}", headers=staff).json()["starts_at"]
        == booked.json()["starts_at"]
    )
