"""Plan transitions: consent (proposed → active), cancel (cancelling sessions still to come),
changes while proposed with If-Match, completion when every planned session is completed."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.common import clock
from api.plans import service
from api.plans.models import TreatmentPlan
from api.sessions.models import TreatmentSession
from tests.factories import make_follow_up, make_intake, make_session
from tests.plans.helpers import NOW, World

PLANS = "/api/v1/treatment-plans"


def _create(client: TestClient, world: World, **body: Any) -> dict[str, Any]:
    response = client.post(PLANS, json=world.body(**body), headers=world.as_("practitioner"))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _plan(db: Session, plan_id: str) -> TreatmentPlan:
    db.expire_all()
    plan = db.get(TreatmentPlan, uuid.UUID(plan_id))
    assert plan is not None
    return plan


@pytest.mark.parametrize("who", ["practitioner", "admin", "patient"])
def test_consent_makes_the_plan_active(client: TestClient, world: World, who: str) -> None:
    plan = _create(client, world)
    response = client.post(f"{PLANS}/{plan['id']}/consent", json={}, headers=world.as_(who))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active"
    assert datetime.fromisoformat(response.json()["consented_at"]) == NOW


def test_consent_without_a_body_defaults_to_now(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    response = client.post(f"{PLANS}/{plan['id']}/consent", headers=world.as_("patient"))
    assert response.status_code == 200, response.text
    assert datetime.fromisoformat(response.json()["consented_at"]) == NOW


def test_consent_keeps_the_signing_time(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    response = client.post(
        f"{PLANS}/{plan['id']}/consent",
        json={"signed_at": "2026-03-02T10:30:00+01:00"},
        headers=world.as_("practitioner"),
    )
    assert response.status_code == 200
    assert datetime.fromisoformat(response.json()["consented_at"]) == datetime(
        2026, 3, 2, 9, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "signed_at", ["2026-03-02T10:30:00", "2026-03-03T10:30:00+00:00", "yesterday"]
)
def test_consent_with_a_naive_or_future_time_is_422(
    client: TestClient, world: World, db: Session, signed_at: str
) -> None:
    plan = _create(client, world)
    response = client.post(
        f"{PLANS}/{plan['id']}/consent",
        json={"signed_at": signed_at},
        headers=world.as_("practitioner"),
    )
    assert response.status_code == 422
    assert _plan(db, plan["id"]).status == "proposed"


def test_a_second_consent_is_an_invalid_transition(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    url = f"{PLANS}/{plan['id']}/consent"
    assert client.post(url, json={}, headers=world.as_("patient")).status_code == 200
    again = client.post(url, json={}, headers=world.as_("practitioner"))
    assert again.status_code == 409
    assert [c["code"] for c in again.json()["conflicts"]] == ["invalid_transition"]


def test_consent_to_a_cancelled_plan_is_an_invalid_transition(
    client: TestClient, world: World
) -> None:
    plan = _create(client, world)
    cancel = client.post(
        f"{PLANS}/{plan['id']}/cancel", json={"reason": "Moved away"}, headers=world.as_("admin")
    )
    assert cancel.status_code == 200
    response = client.post(f"{PLANS}/{plan['id']}/consent", json={}, headers=world.as_("patient"))
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "invalid_transition"


def test_a_receptionist_may_not_consent(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    response = client.post(
        f"{PLANS}/{plan['id']}/consent", json={}, headers=world.as_("receptionist")
    )
    assert response.status_code == 403


def test_cancel_cancels_the_future_sessions_only(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(client, world, sessions_planned=6)
    row = _plan(db, plan["id"])
    past = make_session(db, row, starts_at=NOW - timedelta(days=7), status="completed")
    soon = make_session(db, row, starts_at=NOW + timedelta(hours=3))
    later = make_session(db, row, starts_at=NOW + timedelta(days=7))
    already = make_session(db, row, starts_at=NOW + timedelta(days=14), status="cancelled")
    response = client.post(
        f"{PLANS}/{plan['id']}/cancel",
        json={"reason": "Patient moved abroad"},
        headers=world.as_("practitioner"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["cancel_reason"] == "Patient moved abroad"
    assert (body["sessions_booked"], body["sessions_completed"]) == (1, 1)
    db.expire_all()
    assert [db.get(TreatmentSession, s.id).status for s in (past, soon, later, already)] == [  # type: ignore[union-attr]
        "completed",
        "cancelled",
        "cancelled",
        "cancelled",
    ]
    for session, late in ((soon, True), (later, False)):
        stored = db.get(TreatmentSession, session.id)
        assert stored is not None
        assert stored.cancelled_at == NOW
        assert stored.cancel_reason
        assert "Patient moved abroad" in stored.cancel_reason
        assert stored.late_cancellation is late


@pytest.mark.parametrize("status", ["cancelled", "completed"])
def test_cancelling_a_finished_plan_is_an_invalid_transition(
    client: TestClient, world: World, db: Session, status: str
) -> None:
    plan = _create(client, world)
    row = _plan(db, plan["id"])
    row.status = status
    db.flush()
    response = client.post(
        f"{PLANS}/{plan['id']}/cancel", json={"reason": "x"}, headers=world.as_("practitioner")
    )
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "invalid_transition"


def test_cancel_needs_a_reason(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    url = f"{PLANS}/{plan['id']}/cancel"
    assert client.post(url, json={}, headers=world.as_("practitioner")).status_code == 422
    assert client.post(url, json={"reason": ""}, headers=world.as_("admin")).status_code == 422


@pytest.mark.parametrize("who", ["receptionist", "patient"])
def test_only_practitioners_and_admins_cancel(client: TestClient, world: World, who: str) -> None:
    plan = _create(client, world)
    response = client.post(
        f"{PLANS}/{plan['id']}/cancel", json={"reason": "x"}, headers=world.as_(who)
    )
    assert response.status_code == 403


def test_patch_changes_a_proposed_plan_and_requotes(client: TestClient, world: World) -> None:
    created = client.post(PLANS, json=world.body(), headers=world.as_("practitioner"))
    etag = created.headers["etag"]
    plan = created.json()
    response = client.patch(
        f"{PLANS}/{plan['id']}",
        json={"area_codes": ["thighs", "arms"], "sessions_planned": 8, "cadence": "twice_monthly"},
        headers={**world.as_("practitioner"), "If-Match": etag},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["area_codes"] == ["thighs", "arms"]
    assert body["cadence"] == "twice_monthly"
    assert body["quote"]["session_price"] == "400.00"
    assert body["quote"]["total"] == "3200.00"
    assert response.headers["etag"] != etag


def test_patch_with_a_stale_etag_is_412(client: TestClient, world: World, db: Session) -> None:
    created = client.post(PLANS, json=world.body(), headers=world.as_("practitioner"))
    plan_id, etag = created.json()["id"], created.headers["etag"]
    first = client.patch(
        f"{PLANS}/{plan_id}",
        json={"sessions_planned": 8},
        headers={**world.as_("practitioner"), "If-Match": etag},
    )
    assert first.status_code == 200
    stale = client.patch(
        f"{PLANS}/{plan_id}",
        json={"sessions_planned": 9},
        headers={**world.as_("practitioner"), "If-Match": etag},
    )
    assert stale.status_code == 412
    assert _plan(db, plan_id).sessions_planned == 8


def test_patch_without_if_match_is_allowed(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    response = client.patch(
        f"{PLANS}/{plan['id']}", json={"sessions_planned": 3}, headers=world.as_("admin")
    )
    assert response.status_code == 200
    assert response.json()["sessions_planned"] == 3


def test_patch_reruns_the_gates(client: TestClient, world: World, db: Session) -> None:
    plan = _create(client, world)
    make_intake(db, world.patient, measured_on=date(2026, 3, 1), contraindications=["pregnancy"])
    response = client.patch(
        f"{PLANS}/{plan['id']}", json={"cadence": "twice_monthly"}, headers=world.as_("admin")
    )
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "contraindication"


def test_patch_of_an_active_plan_is_an_invalid_transition(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    client.post(f"{PLANS}/{plan['id']}/consent", json={}, headers=world.as_("patient"))
    response = client.patch(
        f"{PLANS}/{plan['id']}", json={"sessions_planned": 3}, headers=world.as_("practitioner")
    )
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "invalid_transition"


def test_patch_cannot_plan_fewer_sessions_than_booked(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(client, world, sessions_planned=6)
    row = _plan(db, plan["id"])
    for week in (1, 2, 3):
        make_session(db, row, starts_at=NOW + timedelta(days=7 * week))
    response = client.patch(
        f"{PLANS}/{plan['id']}", json={"sessions_planned": 2}, headers=world.as_("practitioner")
    )
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "plan_full"


def test_patch_may_not_move_the_plan_to_another_patient(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    response = client.patch(
        f"{PLANS}/{plan['id']}",
        json={"patient_id": str(world.patient.id)},
        headers=world.as_("practitioner"),
    )
    assert response.status_code == 422


def test_get_lists_sessions_with_follow_ups_in_the_clinic_offset(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(client, world, sessions_planned=6)
    row = _plan(db, plan["id"])
    done = make_session(
        db, row, starts_at=datetime(2026, 2, 23, 9, 0, tzinfo=UTC), status="completed"
    )
    make_session(db, row, starts_at=datetime(2026, 4, 6, 8, 0, tzinfo=UTC))
    make_session(db, row, starts_at=datetime(2026, 3, 9, 9, 0, tzinfo=UTC), status="cancelled")
    make_follow_up(db, done, reported_on=date(2026, 2, 24), soreness=3, days_lasted=2)
    response = client.get(f"{PLANS}/{plan['id']}", headers=world.as_("receptionist"))
    assert response.status_code == 200
    assert response.headers["etag"]
    body = response.json()
    assert (body["sessions_booked"], body["sessions_completed"]) == (2, 1)
    sessions = body["sessions"]
    assert [s["starts_at"] for s in sessions] == [
        "2026-02-23T10:00:00+01:00",
        "2026-03-09T10:00:00+01:00",
        "2026-04-06T10:00:00+02:00",
    ]
    assert sessions[0]["ends_at"] == "2026-02-23T10:45:00+01:00"
    assert sessions[0]["timezone"] == "Europe/Paris"
    assert sessions[0]["treatment_plan_id"] == plan["id"]
    assert [f["bruising"] for f in sessions[0]["follow_ups"]] == ["mild"]
    assert sessions[1]["follow_ups"] == []


def test_the_plan_completes_when_every_planned_session_is_completed(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(client, world, sessions_planned=2)
    client.post(f"{PLANS}/{plan['id']}/consent", json={}, headers=world.as_("patient"))
    row = _plan(db, plan["id"])
    make_session(db, row, starts_at=NOW - timedelta(days=14), status="completed")
    second = make_session(db, row, starts_at=NOW - timedelta(days=7))
    assert service.mark_completed_if_done(db, row) is False
    second.status = "completed"
    db.flush()
    assert service.mark_completed_if_done(db, row) is True
    clock.freeze(NOW + timedelta(minutes=1))
    response = client.get(f"{PLANS}/{plan['id']}", headers=world.as_(world.patient_user))
    assert response.json()["status"] == "completed"
    assert response.json()["sessions_completed"] == 2


def test_a_no_show_takes_its_place_in_the_course(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(client, world, sessions_planned=3)
    client.post(f"{PLANS}/{plan['id']}/consent", json={}, headers=world.as_("patient"))
    row = _plan(db, plan["id"])
    make_session(db, row, starts_at=NOW - timedelta(days=21), status="completed")
    make_session(db, row, starts_at=NOW - timedelta(days=14), status="no_show")
    make_session(db, row, starts_at=NOW - timedelta(days=8), status="cancelled")
    last = make_session(db, row, starts_at=NOW - timedelta(days=7), status="checked_in")
    assert service.mark_completed_if_done(db, row) is False
    last.status = "completed"
    db.flush()
    assert service.mark_completed_if_done(db, row) is True
    assert row.status == "completed"


def test_a_proposed_plan_never_completes_by_itself(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(client, world, sessions_planned=1)
    row = _plan(db, plan["id"])
    make_session(db, row, starts_at=NOW - timedelta(days=7), status="completed")
    assert service.mark_completed_if_done(db, row) is False


def test_list_counts_sessions_per_plan(client: TestClient, world: World, db: Session) -> None:
    first = _create(client, world, sessions_planned=6)
    second = _create(client, world, sessions_planned=4)
    row = _plan(db, first["id"])
    make_session(db, row, starts_at=NOW - timedelta(days=7), status="completed")
    make_session(db, row, starts_at=NOW + timedelta(days=7))
    make_session(db, row, starts_at=NOW + timedelta(days=14), status="cancelled")
    response = client.get(PLANS, headers=world.as_("practitioner"))
    assert response.status_code == 200
    counts = {
        p["id"]: (p["sessions_booked"], p["sessions_completed"]) for p in response.json()["items"]
    }
    assert counts == {first["id"]: (2, 1), second["id"]: (0, 0)}
    assert "sessions" not in response.json()["items"][0]


def test_list_filters_and_pages(client: TestClient, world: World, db: Session) -> None:
    ids = [_create(client, world, sessions_planned=n)["id"] for n in (3, 4, 5)]
    client.post(f"{PLANS}/{ids[0]}/consent", json={}, headers=world.as_("patient"))
    headers = world.as_("admin")
    active = client.get(PLANS, params={"status": "active"}, headers=headers).json()
    assert [p["id"] for p in active["items"]] == [ids[0]]
    by_patient = client.get(PLANS, params={"patient_id": str(world.patient.id)}, headers=headers)
    assert len(by_patient.json()["items"]) == 3
    other = client.get(PLANS, params={"clinic_id": str(world.patient.id)}, headers=headers)
    assert other.json()["items"] == []
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(PLANS, params=params, headers=headers).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert client.get(PLANS, params={"status": "done"}, headers=headers).status_code == 422
    assert client.get(PLANS, params={"limit": 0}, headers=headers).status_code == 422


def test_consent_time_out_of_range_is_422_not_500(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    response = client.post(
        f"{PLANS}/{plan['id']}/consent",
        json={"signed_at": "0001-01-01T00:00:00+01:00"},
        headers=world.as_("practitioner"),
    )
    assert response.status_code == 422


def test_full_lifecycle_through_http(client: TestClient, world: World, db: Session) -> None:
    """proposed → consent → course scheduled → each session checked in and completed → the
    plan is completed, and a follow-up of its last session shows on the plan."""
    hours = [
        {"clinic_id": str(world.clinic.id), "weekday": day, "start": "09:00", "end": "18:00"}
        for day in range(7)
    ]
    put = client.put(
        f"/api/v1/practitioners/{world.practitioner.id}/working-hours",
        json=hours,
        headers=world.as_(world.admin),
    )
    assert put.status_code == 200, put.text
    doctor = world.practitioner_user
    body = world.body(sessions_planned=3, area_codes=["thighs", "buttocks"])
    created = client.post(PLANS, json=body, headers=world.as_(doctor))
    assert created.status_code == 201, created.text
    plan_id = created.json()["id"]
    assert created.json()["status"] == "proposed"

    consent = client.post(f"{PLANS}/{plan_id}/consent", json={}, headers=world.as_("patient"))
    assert consent.status_code == 200
    assert consent.json()["status"] == "active"

    course = client.post(
        f"{PLANS}/{plan_id}/schedule",
        json={"first_starts_at": "2026-03-24T10:00:00+01:00"},
        headers={**world.as_("receptionist"), "Idempotency-Key": "lifecycle"},
    )
    assert course.status_code == 201, course.text
    sessions = course.json()["sessions"]
    assert [s["starts_at"] for s in sessions] == [
        "2026-03-24T10:00:00+01:00",
        "2026-03-31T10:00:00+02:00",  # summer time began on 29 March: still 10:00 local
        "2026-04-07T10:00:00+02:00",
    ]
    booked = client.get(f"{PLANS}/{plan_id}", headers=world.as_(doctor)).json()
    assert (booked["sessions_booked"], booked["sessions_completed"]) == (3, 0)

    for number, session in enumerate(sessions, start=1):
        clock.freeze(datetime.fromisoformat(session["starts_at"]) - timedelta(minutes=30))
        url = f"/api/v1/sessions/{session['id']}"
        checked_in = client.post(f"{url}/check-in", headers=world.as_(doctor))
        assert checked_in.status_code == 200, checked_in.text
        assert checked_in.json()["status"] == "checked_in"
        clock.freeze(datetime.fromisoformat(session["ends_at"]))
        done = client.post(
            f"{url}/complete",
            json={"areas_treated": ["thighs"], "notes": f"Session {number}: well tolerated."},
            headers=world.as_(doctor),
        )
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "completed"
        assert done.json()["areas_treated"] == ["thighs"]

    last = sessions[-1]
    clock.freeze(datetime.fromisoformat(last["ends_at"]) + timedelta(days=2))
    follow_up = client.post(
        f"/api/v1/sessions/{last['id']}/follow-ups",
        json={"bruising": "mild", "soreness": 3, "days_lasted": 2, "notes": "Slight bruise."},
        headers=world.as_(world.patient_user),
    )
    assert follow_up.status_code == 201, follow_up.text

    plan = client.get(f"{PLANS}/{plan_id}", headers=world.as_(doctor))
    assert plan.status_code == 200
    body = plan.json()
    assert body["status"] == "completed"
    assert body["sessions_completed"] == body["sessions_planned"] == 3
    assert [s["status"] for s in body["sessions"]] == ["completed"] * 3
    assert [s["notes"] for s in body["sessions"]] == [
        f"Session {n}: well tolerated." for n in (1, 2, 3)
    ]
    assert body["sessions"][-1]["follow_ups"] == [{**follow_up.json(), "session_id": last["id"]}]
    assert body["sessions"][0]["follow_ups"] == []
