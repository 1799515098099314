"""Real error bodies (a booking's 409, a 422, a 400, a 401, a 404, a 403) match the schemas the
OpenAPI document gives their operation and status."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_session
from tests.helpers import assert_documented, conflict_codes
from tests.scheduling.helpers import TUESDAY, Setup, book

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def doc(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def test_booking_conflicts_match_the_document(
    client: TestClient, doc: dict[str, Any], db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    provoked = {
        "slot_taken": book(client, staff, setup, setup.at(TUESDAY, 10, 30)),
        "outside_working_hours": book(client, staff, setup, setup.at(TUESDAY, 16, 30)),
    }
    documented = conflict_codes(doc, doc["paths"]["/api/v1/sessions"]["post"])
    for code, response in provoked.items():
        assert response.status_code == 409, response.text
        assert code in [c["code"] for c in response.json()["conflicts"]]
        assert code in documented
        assert_documented(doc, "POST", "/api/v1/sessions", response)


def test_validation_not_found_and_other_problems_match_the_document(
    client: TestClient, doc: dict[str, Any], setup: Setup, staff: dict[str, str]
) -> None:
    sessions = "/api/v1/sessions"
    one = "/api/v1/sessions/{session_id}"
    unknown = "00000000-0000-0000-0000-000000000000"
    cases = [
        ("POST", sessions, client.post(sessions, headers=staff, json={"starts_at": "soon"})),
        ("POST", sessions, client.post(sessions, headers=staff | JSON, content=b"{not json")),
        ("POST", sessions, client.post(sessions, json={})),
        ("GET", one, client.get(f"{sessions}/{unknown}", headers=staff)),
        ("GET", one, client.get(f"{sessions}/not-a-uuid", headers=staff)),
        ("POST", "/api/v1/users", client.post("/api/v1/users", headers=staff, json={})),
    ]
    assert [r.status_code for _, _, r in cases] == [422, 400, 401, 404, 422, 403]
    for method, path, response in cases:
        assert_documented(doc, method, path, response)
