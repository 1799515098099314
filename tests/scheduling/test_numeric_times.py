"""A JSON number is not a date-time: booking and course scheduling refuse a Unix timestamp
for their start (422, nothing written), even one that would land on the grid."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.scheduling.helpers import TUESDAY, Setup, count_sessions

NUMBERS = {"integer": int, "float": float}


# The path and the date-time field of each POST that books.
STARTS = {
    "booking": ("/api/v1/sessions", "starts_at"),
    "course": ("/api/v1/treatment-plans/{plan_id}/schedule", "first_starts_at"),
}


@pytest.mark.parametrize("kind", sorted(NUMBERS))
@pytest.mark.parametrize("route", sorted(STARTS))
def test_booking_and_course_scheduling_refuse_a_number_for_the_start(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], route: str, kind: str
) -> None:
    path, field = STARTS[route]
    number: Any = NUMBERS[kind](setup.at(TUESDAY, 10).timestamp())
    response = client.post(
        path.format(plan_id=setup.plan.id),
        headers=staff,
        json={"treatment_plan_id": str(setup.plan.id), field: number}
        if route == "booking"
        else {field: number},
    )
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == [["body", field]]
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
