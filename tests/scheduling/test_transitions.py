"""Rescheduling and the states of a session: cancel, check-in, complete, no-show."""

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.common import clock
from api.config import Settings
from api.plans.models import TreatmentPlan
from api.sessions.models import TreatmentSession
from api.vocabulary import Role
from tests.factories import (
    auth_headers,
    make_allergy,
    make_clinic,
    make_patient,
    make_plan,
    make_session,
    make_user,
)
from tests.scheduling.helpers import TUESDAY, Setup, codes

WEEK_LATER = TUESDAY + timedelta(days=7)


def url(session: TreatmentSession, action: str = "") -> str:
    return f"/api/v1/sessions/{session.id}" + (f"/{action}" if action else "")


# --- reschedule -----------------------------------------------------------------------------


def test_reschedule_moves_the_session_under_the_same_rules(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    etag = client.get(url(session), headers=staff).headers["ETag"]
    # Its own old time counts as free: moving it by 15 minutes overlaps itself only.
    response = client.patch(
        url(session),
        headers={**staff, "If-Match": etag},
        json={"starts_at": setup.at(TUESDAY, 10, 15).isoformat()},
    )
    assert response.status_code == 200, response.text
    assert response.json()["starts_at"] == "2026-03-03T10:15:00+01:00"
    assert response.headers["ETag"] != etag
    stale = client.patch(
        url(session),
        headers={**staff, "If-Match": etag},
        json={"starts_at": setup.at(TUESDAY, 11).isoformat()},
    )
    assert stale.status_code == 412
    refused = client.patch(
        url(session), headers=staff, json={"starts_at": setup.at(TUESDAY, 17).isoformat()}
    )
    assert codes(refused) == ["outside_working_hours"]
    db.expire_all()
    assert db.get_one(TreatmentSession, session.id).starts_at == setup.at(TUESDAY, 10, 15)


def test_reschedule_keeps_five_days_from_the_plans_other_sessions(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    later = make_session(db, setup.plan, starts_at=setup.at(WEEK_LATER, 10))
    moved = client.patch(
        url(later),
        headers=staff,
        json={"starts_at": setup.at(WEEK_LATER - timedelta(days=3), 10).isoformat()},
    )
    assert codes(moved) == ["spacing"]


def test_reschedule_of_a_cancelled_session_is_invalid(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10), status="cancelled")
    response = client.patch(
        url(session), headers=staff, json={"starts_at": setup.at(TUESDAY, 11).isoformat()}
    )
    assert codes(response) == ["invalid_transition"]


def test_reschedule_naive_or_past_is_422(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    for value in ("2026-03-03T11:00:00", "2026-03-01T11:00:00+01:00"):
        assert (
            client.patch(url(session), headers=staff, json={"starts_at": value}).status_code == 422
        )


# --- cancel ---------------------------------------------------------------------------------


def test_cancel_more_than_a_day_ahead_is_not_late(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(WEEK_LATER, 10))
    response = client.post(url(session, "cancel"), headers=staff, json={"reason": "flu"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["late"] is False
    again = client.post(url(session, "cancel"), headers=staff, json={"reason": "flu"})
    assert codes(again) == ["invalid_transition"]


def test_cancel_under_24_hours_is_late_and_frees_the_slot(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    clock.freeze(setup.at(TUESDAY, 10) - timedelta(hours=23, minutes=59))
    response = client.post(url(session, "cancel"), headers=staff, json={"reason": "traffic"})
    assert response.json()["late"] is True
    db.expire_all()
    assert db.get_one(TreatmentSession, session.id).cancel_reason == "traffic"
    other = make_plan(db, make_patient(db, setup.clinic), setup.practitioner, setup.clinic)
    # The database accepts the same slot again.
    make_session(db, other, starts_at=setup.at(TUESDAY, 10))


def test_cancel_needs_a_reason(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    assert client.post(url(session, "cancel"), headers=staff, json={}).status_code == 422


# --- check-in -------------------------------------------------------------------------------


def test_check_in_opens_one_hour_before_and_closes_at_the_end(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    clock.freeze(setup.at(TUESDAY, 8, 59))
    assert codes(client.post(url(session, "check-in"), headers=staff)) == ["invalid_transition"]
    clock.freeze(setup.at(TUESDAY, 10, 46))
    assert codes(client.post(url(session, "check-in"), headers=staff)) == ["invalid_transition"]
    clock.freeze(setup.at(TUESDAY, 9, 0))
    response = client.post(url(session, "check-in"), headers=staff)
    assert response.status_code == 200
    assert response.json()["status"] == "checked_in"


def test_check_in_needs_consent(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    setup.plan.status = "proposed"
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    clock.freeze(setup.at(TUESDAY, 9, 30))
    assert codes(client.post(url(session, "check-in"), headers=staff)) == ["consent_required"]


def test_allergy_recorded_after_booking_stops_the_check_in(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    make_allergy(db, setup.patient, allergen_class="amide_local_anaesthetics")
    clock.freeze(setup.at(TUESDAY, 9, 30))
    assert codes(client.post(url(session, "check-in"), headers=staff)) == ["allergy"]


def test_a_patient_may_not_check_in(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    patient = auth_headers(make_user(db, role=Role.PATIENT, patient_id=setup.patient.id), settings)
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    clock.freeze(setup.at(TUESDAY, 9, 30))
    assert client.post(url(session, "check-in"), headers=patient).status_code == 403


# --- complete -------------------------------------------------------------------------------


def test_complete_records_areas_and_notes_with_an_audit_event(
    client: TestClient, db: Session, setup: Setup, doctor: dict[str, str], staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10), status="checked_in")
    body = {"areas_treated": ["thighs"], "notes": "Well tolerated."}
    assert client.post(url(session, "complete"), headers=staff, json=body).status_code == 403
    response = client.post(url(session, "complete"), headers=doctor, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "completed"
    assert response.json()["areas_treated"] == ["thighs"]
    assert response.json()["notes"] == "Well tolerated."
    client.get(url(session), headers=doctor)
    db.expire_all()
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.resource_id == session.id)
    ).all()
    assert sorted(actions) == ["read", "update"]


def test_complete_with_an_area_outside_the_plan_is_422(
    client: TestClient, db: Session, setup: Setup, doctor: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10), status="checked_in")
    body = {"areas_treated": ["face"], "notes": ""}
    assert client.post(url(session, "complete"), headers=doctor, json=body).status_code == 422


def test_complete_needs_a_check_in(
    client: TestClient, db: Session, setup: Setup, doctor: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    body = {"areas_treated": ["thighs"], "notes": ""}
    assert codes(client.post(url(session, "complete"), headers=doctor, json=body)) == [
        "invalid_transition"
    ]


def test_the_last_completed_session_completes_the_plan(
    client: TestClient, db: Session, setup: Setup, doctor: dict[str, str]
) -> None:
    setup.plan.sessions_planned = 2
    make_session(
        db, setup.plan, starts_at=setup.at(TUESDAY, 10) - timedelta(days=7), status="completed"
    )
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10), status="checked_in")
    body = {"areas_treated": ["thighs", "buttocks"], "notes": "Last one."}
    assert client.post(url(session, "complete"), headers=doctor, json=body).status_code == 200
    db.expire_all()
    assert db.get_one(TreatmentPlan, setup.plan.id).status == "completed"


# --- no-show --------------------------------------------------------------------------------


def test_no_show_only_after_the_start(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    assert codes(client.post(url(session, "no-show"), headers=staff)) == ["invalid_transition"]
    clock.freeze(setup.at(TUESDAY, 10, 5))
    response = client.post(url(session, "no-show"), headers=staff)
    assert response.status_code == 200
    assert response.json()["status"] == "no_show"
    assert codes(client.post(url(session, "cancel"), headers=staff, json={"reason": "x"})) == [
        "invalid_transition"
    ]


@pytest.mark.parametrize("status", ["completed", "no_show", "cancelled"])
def test_final_states_accept_no_transition(
    client: TestClient, db: Session, setup: Setup, doctor: dict[str, str], status: str
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10), status=status)
    clock.freeze(setup.at(TUESDAY, 10, 5))
    for action in ("check-in", "no-show"):
        assert codes(client.post(url(session, action), headers=doctor)) == ["invalid_transition"]
    body = {"areas_treated": ["thighs"], "notes": ""}
    assert codes(client.post(url(session, "complete"), headers=doctor, json=body)) == [
        "invalid_transition"
    ]


# --- reading and visibility -----------------------------------------------------------------


def test_sessions_of_other_clinics_are_invisible_to_their_staff(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    session = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    other = auth_headers(make_user(db, role=Role.RECEPTIONIST, clinics=[make_clinic(db)]), settings)
    assert client.get(url(session), headers=other).status_code == 404
    assert (
        client.post(url(session, "cancel"), headers=other, json={"reason": "x"}).status_code == 404
    )
    assert client.get("/api/v1/sessions", headers=other).json()["items"] == []


def test_a_patient_sees_and_cancels_only_their_own_sessions(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    mine = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    other_plan = make_plan(db, make_patient(db, setup.clinic), setup.practitioner, setup.clinic)
    theirs = make_session(db, other_plan, starts_at=setup.at(TUESDAY, 11))
    me = auth_headers(make_user(db, role=Role.PATIENT, patient_id=setup.patient.id), settings)
    assert client.get(url(theirs), headers=me).status_code == 404
    assert client.post(url(theirs, "cancel"), headers=me, json={"reason": "x"}).status_code == 404
    listed = client.get("/api/v1/sessions", headers=me).json()["items"]
    assert [s["id"] for s in listed] == [str(mine.id)]
    assert client.post(url(mine, "cancel"), headers=me, json={"reason": "x"}).status_code == 200


def test_a_patient_reschedules_only_their_own_sessions(
    client: TestClient, db: Session, setup: Setup, settings: Settings
) -> None:
    mine = make_session(db, setup.plan, starts_at=setup.at(TUESDAY, 10))
    other_plan = make_plan(db, make_patient(db, setup.clinic), setup.practitioner, setup.clinic)
    theirs = make_session(db, other_plan, starts_at=setup.at(TUESDAY, 11))
    me = auth_headers(make_user(db, role=Role.PATIENT, patient_id=setup.patient.id), settings)
    later = {"starts_at": setup.at(TUESDAY, 14).isoformat()}
    assert client.patch(url(theirs), headers=me, json=later).status_code == 404
    response = client.patch(url(mine), headers=me, json=later)
    assert response.status_code == 200, response.text
    assert response.json()["starts_at"] == "2026-03-03T14:00:00+01:00"
    db.expire_all()
    assert db.get_one(TreatmentSession, theirs.id).starts_at == setup.at(TUESDAY, 11)


def test_list_filters_by_clinic_local_dates_and_paginates_by_start(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], now: datetime
) -> None:
    for day in range(6):
        # 00:30 local is still the previous day in UTC: the filter is on local dates.
        make_session(
            db,
            setup.plan,
            starts_at=setup.at(TUESDAY + timedelta(days=day), 0, 30),
            status="completed",
        )
    params = {"from": str(TUESDAY + timedelta(days=1)), "to": str(TUESDAY + timedelta(days=3))}
    page1 = client.get("/api/v1/sessions", headers=staff, params={**params, "limit": 2}).json()
    assert len(page1["items"]) == 2
    assert page1["next_cursor"]
    page2 = client.get(
        "/api/v1/sessions", headers=staff, params={**params, "cursor": page1["next_cursor"]}
    ).json()
    starts = [s["starts_at"] for s in page1["items"] + page2["items"]]
    assert starts == [
        "2026-03-04T00:30:00+01:00",
        "2026-03-05T00:30:00+01:00",
        "2026-03-06T00:30:00+01:00",
    ]
    assert page2["next_cursor"] is None
    by_status = client.get("/api/v1/sessions", headers=staff, params={"status": "booked"})
    assert by_status.json()["items"] == []
    by_plan = client.get(
        "/api/v1/sessions", headers=staff, params={"treatment_plan_id": str(setup.plan.id)}
    )
    assert len(by_plan.json()["items"]) == 6
    assert client.get("/api/v1/sessions", headers=staff, params={"limit": 0}).status_code == 422
