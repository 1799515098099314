"""Follow-ups: bounds of every field, the clinic-local date window, completed sessions only,
nothing written on a refusal."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.sessions.models import FollowUp
from tests.factories import make_clinic, make_patient, make_plan, make_practitioner
from tests.sessions.helpers import FollowUpWorld, completed_session


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reported_on": "2026-03-01",
        "bruising": "mild",
        "soreness": 3,
        "days_lasted": 2,
        "adverse_event": False,
        "notes": "Small bruise on the left thigh.",
    }
    body.update(overrides)
    return body


def _count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(FollowUp)) or 0


def test_practitioner_reports_a_follow_up(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    response = client.post(
        follow_up_world.url, json=_body(), headers=follow_up_world.world.as_("practitioner")
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["session_id"] == str(follow_up_world.session.id)
    assert body["reported_on"] == "2026-03-01"
    assert body["bruising"] == "mild"
    assert body["soreness"] == 3
    assert body["days_lasted"] == 2
    assert body["adverse_event"] is False
    assert body["notes"] == "Small bruise on the left thigh."
    assert body["reported_by"] == str(follow_up_world.world.practitioner_user.id)
    assert body["created_at"].endswith(("Z", "+00:00"))
    db.expire_all()
    stored = db.get(FollowUp, uuid.UUID(body["id"]))
    assert stored is not None
    assert stored.session_id == follow_up_world.session.id


def test_reported_on_defaults_to_the_clinic_local_today(
    client: TestClient, follow_up_world: FollowUpWorld
) -> None:
    body = _body()
    del body["reported_on"], body["adverse_event"], body["notes"]
    response = client.post(
        follow_up_world.url, json=body, headers=follow_up_world.world.as_("practitioner")
    )
    assert response.status_code == 201, response.text
    assert response.json()["reported_on"] == "2026-03-02"
    assert response.json()["adverse_event"] is False
    assert response.json()["notes"] == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("soreness", -1),
        ("soreness", 11),
        ("soreness", "5"),
        ("soreness", 5.5),
        ("soreness", True),
        ("soreness", None),
        ("days_lasted", -1),
        ("days_lasted", 15),
        ("days_lasted", "2"),
        ("bruising", "purple"),
        ("bruising", ""),
        ("bruising", None),
        ("adverse_event", "yes"),
        ("adverse_event", 1),
        ("adverse_event", 0),
        ("adverse_event", "false"),
        ("reported_on", "2026-03-01T10:00:00"),
        ("reported_on", "2026-03-01T10:00:00+01:00"),
        ("reported_on", 1772323200),
        ("reported_on", "01/03/2026"),
        ("reported_on", "2026-02-30"),
        ("notes", "x" * 4001),
        ("notes", 12),
        ("surprise", "field"),
    ],
)
def test_out_of_bounds_or_mistyped_field_is_422_and_writes_nothing(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session, field: str, value: Any
) -> None:
    response = client.post(
        follow_up_world.url,
        json=_body(**{field: value}),
        headers=follow_up_world.world.as_("admin"),
    )
    assert response.status_code == 422, response.text
    assert any(field in err["loc"] for err in response.json()["errors"])
    assert _count(db) == 0


@pytest.mark.parametrize("missing", ["bruising", "soreness", "days_lasted"])
def test_required_fields(client: TestClient, follow_up_world: FollowUpWorld, missing: str) -> None:
    body = _body()
    del body[missing]
    response = client.post(
        follow_up_world.url, json=body, headers=follow_up_world.world.as_("practitioner")
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("field", "value"),
    [("soreness", 0), ("soreness", 10), ("days_lasted", 0), ("days_lasted", 14)],
)
def test_bounds_are_inclusive(
    client: TestClient, follow_up_world: FollowUpWorld, field: str, value: int
) -> None:
    response = client.post(
        follow_up_world.url,
        json=_body(**{field: value}),
        headers=follow_up_world.world.as_("practitioner"),
    )
    assert response.status_code == 201, response.text
    assert response.json()[field] == value


@pytest.mark.parametrize("bruising", ["none", "mild", "moderate", "severe"])
def test_every_bruising_level(
    client: TestClient, follow_up_world: FollowUpWorld, bruising: str
) -> None:
    response = client.post(
        follow_up_world.url,
        json=_body(bruising=bruising),
        headers=follow_up_world.world.as_("practitioner"),
    )
    assert response.status_code == 201


@pytest.mark.parametrize("reported_on", ["2026-02-27", "2026-03-02"])
def test_reported_on_from_the_session_date_to_today(
    client: TestClient, follow_up_world: FollowUpWorld, reported_on: str
) -> None:
    response = client.post(
        follow_up_world.url,
        json=_body(reported_on=reported_on),
        headers=follow_up_world.world.as_("practitioner"),
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("reported_on", ["2026-02-26", "2026-03-03", "2027-01-01"])
def test_reported_on_before_the_session_or_after_today_is_422(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session, reported_on: str
) -> None:
    response = client.post(
        follow_up_world.url,
        json=_body(reported_on=reported_on),
        headers=follow_up_world.world.as_("practitioner"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "reported_on"]
    assert _count(db) == 0


def test_the_session_date_is_the_clinic_local_date(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    # 23:30 UTC on 27 February is 00:30 on 28 February in Paris: the 27th is before it.
    late = completed_session(db, follow_up_world.plan, datetime(2026, 2, 27, 23, 30, tzinfo=UTC))
    url = f"/api/v1/sessions/{late.id}/follow-ups"
    headers = follow_up_world.world.as_("practitioner")
    before = client.post(url, json=_body(reported_on="2026-02-27"), headers=headers)
    assert before.status_code == 422
    same_day = client.post(url, json=_body(reported_on="2026-02-28"), headers=headers)
    assert same_day.status_code == 201


def test_today_is_the_clinic_local_today(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    # At 16:00 UTC on 2 March it is already 3 March in Tokyo, still 2 March in Paris.
    tokyo = make_clinic(db, name="Tokyo", timezone="Asia/Tokyo", currency="JPY")
    practitioner = make_practitioner(db, [tokyo])
    patient = make_patient(db, tokyo)
    session = completed_session(db, make_plan(db, patient, practitioner, tokyo))
    url = f"/api/v1/sessions/{session.id}/follow-ups"
    headers = follow_up_world.world.as_("admin")
    tokyo_today = client.post(url, json=_body(reported_on="2026-03-03"), headers=headers)
    assert tokyo_today.status_code == 201
    paris = client.post(follow_up_world.url, json=_body(reported_on="2026-03-03"), headers=headers)
    assert paris.status_code == 422


@pytest.mark.parametrize("status", ["booked", "checked_in", "cancelled", "no_show"])
def test_only_completed_sessions_take_follow_ups(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session, status: str
) -> None:
    follow_up_world.session.status = status
    db.flush()
    response = client.post(
        follow_up_world.url, json=_body(), headers=follow_up_world.world.as_("practitioner")
    )
    assert response.status_code == 409, response.text
    conflicts = response.json()["conflicts"]
    assert [c["code"] for c in conflicts] == ["invalid_transition"]
    assert status in conflicts[0]["detail"]
    assert _count(db) == 0


def test_several_follow_ups_for_one_session(
    client: TestClient, follow_up_world: FollowUpWorld
) -> None:
    headers = follow_up_world.world.as_("practitioner")
    for day in ("2026-02-28", "2026-03-02"):
        assert (
            client.post(
                follow_up_world.url, json=_body(reported_on=day), headers=headers
            ).status_code
            == 201
        )


@pytest.mark.parametrize("content", ["not json", "[]", "null", '"text"', "{}"])
def test_malformed_bodies_are_400_or_422(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session, content: str
) -> None:
    headers = {**follow_up_world.world.as_("practitioner"), "Content-Type": "application/json"}
    response = client.post(follow_up_world.url, content=content, headers=headers)
    assert response.status_code == (400 if content == "not json" else 422), response.text
    assert _count(db) == 0


def test_follow_ups_cannot_be_deleted_or_replaced(
    client: TestClient, follow_up_world: FollowUpWorld
) -> None:
    for method in ("DELETE", "PUT", "PATCH"):
        response = client.request(
            method, follow_up_world.url, headers=follow_up_world.world.as_("admin")
        )
        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
