"""Who may report and read follow-ups, the audit trail, the list, and the plan's view."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.sessions.models import FollowUp
from api.vocabulary import Role
from tests.factories import make_clinic, make_patient, make_plan, make_practitioner, make_user
from tests.sessions.helpers import FollowUpWorld, completed_session

BODY = {"reported_on": "2026-03-01", "bruising": "moderate", "soreness": 4, "days_lasted": 3}


def _report(
    client: TestClient, follow_up_world: FollowUpWorld, who: Any = "practitioner", **body: Any
) -> Any:
    response = client.post(
        follow_up_world.url, json={**BODY, **body}, headers=follow_up_world.world.as_(who)
    )
    assert response.status_code == 201, response.text
    return response.json()


def _count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(FollowUp)) or 0


@pytest.mark.parametrize("who", ["practitioner", "admin", "patient"])
def test_practitioner_admin_and_the_patient_report(
    client: TestClient, follow_up_world: FollowUpWorld, who: str
) -> None:
    user = {
        "practitioner": follow_up_world.world.practitioner_user,
        "admin": follow_up_world.world.admin,
        "patient": follow_up_world.world.patient_user,
    }[who]
    assert _report(client, follow_up_world, who)["reported_by"] == str(user.id)


def test_receptionist_may_not_report(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    response = client.post(
        follow_up_world.url, json=BODY, headers=follow_up_world.world.as_("receptionist")
    )
    assert response.status_code == 403
    assert _count(db) == 0


def test_another_patient_gets_404(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    other = make_patient(db, follow_up_world.world.clinic)
    other_user = make_user(db, role=Role.PATIENT, patient_id=other.id)
    headers = follow_up_world.world.as_(other_user)
    assert client.post(follow_up_world.url, json=BODY, headers=headers).status_code == 404
    assert client.get(follow_up_world.url, headers=headers).status_code == 404
    assert _count(db) == 0


def test_patient_account_without_a_patient_gets_404(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    orphan = make_user(db, role=Role.PATIENT)
    assert (
        client.post(
            follow_up_world.url, json=BODY, headers=follow_up_world.world.as_(orphan)
        ).status_code
        == 404
    )


def test_unknown_session_is_404(client: TestClient, follow_up_world: FollowUpWorld) -> None:
    url = "/api/v1/sessions/00000000-0000-4000-8000-000000000000/follow-ups"
    assert (
        client.post(url, json=BODY, headers=follow_up_world.world.as_("admin")).status_code == 404
    )
    assert client.get(url, headers=follow_up_world.world.as_("admin")).status_code == 404
    bad = client.get(
        "/api/v1/sessions/not-a-uuid/follow-ups", headers=follow_up_world.world.as_("admin")
    )
    assert bad.status_code == 422


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.RECEPTIONIST])
def test_staff_of_another_clinic_get_404(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session, role: Role
) -> None:
    lyon = make_clinic(db, name="Lyon")
    outsider = follow_up_world.world.as_(make_user(db, role=role, clinics=[lyon]))
    expected = 404 if role == Role.PRACTITIONER else 403
    assert client.post(follow_up_world.url, json=BODY, headers=outsider).status_code == expected
    assert client.get(follow_up_world.url, headers=outsider).status_code == 404
    assert _count(db) == 0


def test_staff_see_sessions_at_their_clinic_and_of_their_patients(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    # A Lyon patient treated in Paris: both Paris and Lyon practitioners may report.
    lyon = make_clinic(db, name="Lyon")
    traveller = make_patient(db, lyon)
    plan = make_plan(
        db, traveller, follow_up_world.world.practitioner, follow_up_world.world.clinic
    )
    # The day after the world's session, so the practitioner is not in two places at once.
    session = completed_session(db, plan, datetime(2026, 2, 28, 9, 0, tzinfo=UTC))
    url = f"/api/v1/sessions/{session.id}/follow-ups"
    lyon_practitioner = make_user(
        db, role=Role.PRACTITIONER, clinics=[lyon], practitioner_id=make_practitioner(db, [lyon]).id
    )
    for headers in (
        follow_up_world.world.as_("practitioner"),
        follow_up_world.world.as_(lyon_practitioner),
    ):
        assert client.post(url, json=BODY, headers=headers).status_code == 201


def test_no_login_is_401(client: TestClient, follow_up_world: FollowUpWorld) -> None:
    assert client.post(follow_up_world.url, json=BODY).status_code == 401
    assert client.get(follow_up_world.url).status_code == 401


def test_list_is_paginated_by_reported_on_then_id(
    client: TestClient, follow_up_world: FollowUpWorld
) -> None:
    ids_by_day = [
        (day, _report(client, follow_up_world, reported_on=day)["id"])
        for day in ("2026-03-02", "2026-02-27", "2026-03-01", "2026-02-27", "2026-03-02")
    ]
    expected = [i for _, i in sorted(ids_by_day)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = client.get(
            follow_up_world.url, params=params, headers=follow_up_world.world.as_("patient")
        )
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected


def test_list_limits_and_cursor_are_checked(
    client: TestClient, follow_up_world: FollowUpWorld
) -> None:
    headers = follow_up_world.world.as_("practitioner")
    for params in ({"limit": 0}, {"limit": 201}, {"cursor": "garbage"}):
        assert client.get(follow_up_world.url, params=params, headers=headers).status_code == 422


def test_receptionist_reads_follow_ups_of_their_clinic(
    client: TestClient, follow_up_world: FollowUpWorld
) -> None:
    # Receptionists read plans, which show each session's follow-ups: the list is no secret.
    report = _report(client, follow_up_world)
    response = client.get(follow_up_world.url, headers=follow_up_world.world.as_("receptionist"))
    assert response.status_code == 200
    assert [f["id"] for f in response.json()["items"]] == [report["id"]]


def test_every_report_and_read_is_audited(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    report = _report(client, follow_up_world, "patient")
    assert (
        client.get(
            follow_up_world.url, headers=follow_up_world.world.as_("practitioner")
        ).status_code
        == 200
    )
    db.expire_all()
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.resource == "follow_up").order_by(AuditEvent.at)
    ).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("create", follow_up_world.world.patient_user.id),
        ("read", follow_up_world.world.practitioner_user.id),
    ]
    assert {str(e.resource_id) for e in events} == {report["id"]}
    assert {e.patient_id for e in events} == {follow_up_world.world.patient.id}


def test_refusals_leave_no_audit_event(
    client: TestClient, follow_up_world: FollowUpWorld, db: Session
) -> None:
    client.post(
        follow_up_world.url,
        json={**BODY, "soreness": 11},
        headers=follow_up_world.world.as_("practitioner"),
    )
    client.post(follow_up_world.url, json=BODY, headers=follow_up_world.world.as_("receptionist"))
    db.expire_all()
    count = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.resource == "follow_up")
    )
    assert count == 0


def test_follow_ups_appear_under_their_session_in_the_plan(
    client: TestClient, follow_up_world: FollowUpWorld
) -> None:
    later = _report(
        client, follow_up_world, "patient", reported_on="2026-03-02", adverse_event=True
    )
    earlier = _report(client, follow_up_world, reported_on="2026-02-28", notes="Mild soreness.")
    response = client.get(
        f"/api/v1/treatment-plans/{follow_up_world.plan.id}",
        headers=follow_up_world.world.as_("practitioner"),
    )
    assert response.status_code == 200, response.text
    (session,) = response.json()["sessions"]
    assert session["id"] == str(follow_up_world.session.id)
    assert session["status"] == "completed"
    assert [f["id"] for f in session["follow_ups"]] == [earlier["id"], later["id"]]
    assert session["follow_ups"][1] == later


def test_a_patient_sees_no_staff_user_id_in_follow_ups(
    client: TestClient, follow_up_world: FollowUpWorld
) -> None:
    """`reported_by` names staff to staff; a patient sees their own id there, never a staff
    member's (null), in the list, in the plan, and in the schema's type."""
    by_staff = _report(client, follow_up_world, "practitioner", reported_on="2026-02-28")
    by_patient = _report(client, follow_up_world, "patient", reported_on="2026-03-01")
    patient_id = str(follow_up_world.world.patient_user.id)
    staff_id = str(follow_up_world.world.practitioner_user.id)
    assert by_staff["reported_by"] == staff_id

    as_patient = follow_up_world.world.as_("patient")
    listing = client.get(follow_up_world.url, headers=as_patient)
    assert listing.status_code == 200
    assert [(f["id"], f["reported_by"]) for f in listing.json()["items"]] == [
        (by_staff["id"], None),
        (by_patient["id"], patient_id),
    ]
    plan = client.get(f"/api/v1/treatment-plans/{follow_up_world.plan.id}", headers=as_patient)
    assert plan.status_code == 200
    (session,) = plan.json()["sessions"]
    assert [f["reported_by"] for f in session["follow_ups"]] == [None, patient_id]
    assert staff_id not in listing.text + plan.text

    staff_view = client.get(
        follow_up_world.url, headers=follow_up_world.world.as_("receptionist")
    ).json()
    assert [f["reported_by"] for f in staff_view["items"]] == [staff_id, patient_id]

    schema = client.get("/openapi.json").json()["components"]["schemas"]["FollowUpRead"]
    reported_by = schema["properties"]["reported_by"]
    assert {"type": "null"} in reported_by["anyOf"]
    assert "patient" in reported_by["description"]
