"""Who may see and change plans, and the audit trail every read and change leaves."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.vocabulary import Role
from tests.constants import EUR_PRICES
from tests.factories import make_clinic, make_intake, make_patient, make_practitioner, make_user
from tests.plans.helpers import World

PLANS = "/api/v1/treatment-plans"


def _create(client: TestClient, world: World, who: str = "practitioner", **body: Any) -> Any:
    response = client.post(PLANS, json=world.body(**body), headers=world.as_(who))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("who", ["receptionist", "patient"])
def test_receptionists_and_patients_may_not_create(
    client: TestClient, world: World, who: str
) -> None:
    assert client.post(PLANS, json=world.body(), headers=world.as_(who)).status_code == 403


@pytest.mark.parametrize("who", ["receptionist", "patient"])
def test_receptionists_and_patients_may_not_patch(
    client: TestClient, world: World, who: str
) -> None:
    plan = _create(client, world)
    response = client.patch(
        f"{PLANS}/{plan['id']}", json={"sessions_planned": 3}, headers=world.as_(who)
    )
    assert response.status_code == 403


def test_no_login_is_401(client: TestClient) -> None:
    assert client.get(PLANS).status_code == 401


def test_receptionist_reads_plans_of_their_clinic(client: TestClient, world: World) -> None:
    plan = _create(client, world)
    response = client.get(f"{PLANS}/{plan['id']}", headers=world.as_("receptionist"))
    assert response.status_code == 200
    listed = client.get(PLANS, headers=world.as_("receptionist")).json()["items"]
    assert [p["id"] for p in listed] == [plan["id"]]


def test_staff_of_another_clinic_do_not_see_the_plan(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(client, world)
    lyon = make_clinic(db, name="Lyon", prices=EUR_PRICES)
    outsider = make_user(db, role=Role.RECEPTIONIST, clinics=[lyon])
    assert client.get(f"{PLANS}/{plan['id']}", headers=world.as_(outsider)).status_code == 404
    assert client.get(PLANS, headers=world.as_(outsider)).json()["items"] == []
    cancel = client.post(
        f"{PLANS}/{plan['id']}/cancel",
        json={"reason": "x"},
        headers=world.as_(make_user(db, role=Role.PRACTITIONER, clinics=[lyon])),
    )
    assert cancel.status_code == 404


def test_staff_see_plans_at_their_clinic_for_patients_homed_elsewhere(
    client: TestClient, world: World, db: Session
) -> None:
    # A Lyon patient treated in Paris: Paris staff see the plan, and so do Lyon staff.
    lyon = make_clinic(db, name="Lyon", prices=EUR_PRICES)
    traveller = make_patient(db, lyon)
    make_intake(db, traveller)
    plan = _create(client, world, "admin", patient_id=str(traveller.id))
    lyon_staff = make_user(db, role=Role.RECEPTIONIST, clinics=[lyon])
    assert client.get(f"{PLANS}/{plan['id']}", headers=world.as_("receptionist")).status_code == 200
    assert client.get(f"{PLANS}/{plan['id']}", headers=world.as_(lyon_staff)).status_code == 200
    nice = make_user(
        db, role=Role.RECEPTIONIST, clinics=[make_clinic(db, name="Nice", prices=EUR_PRICES)]
    )
    assert client.get(f"{PLANS}/{plan['id']}", headers=world.as_(nice)).status_code == 404


def test_a_patient_sees_only_their_own_plans(client: TestClient, world: World, db: Session) -> None:
    own = _create(client, world)
    other_patient = make_patient(db, world.clinic)
    make_intake(db, other_patient)
    other = _create(client, world, patient_id=str(other_patient.id))
    headers = world.as_("patient")
    assert client.get(f"{PLANS}/{own['id']}", headers=headers).status_code == 200
    assert client.get(f"{PLANS}/{other['id']}", headers=headers).status_code == 404
    listed = client.get(PLANS, headers=headers).json()["items"]
    assert [p["id"] for p in listed] == [own["id"]]
    consent = client.post(f"{PLANS}/{other['id']}/consent", json={}, headers=headers)
    assert consent.status_code == 404


def test_an_unknown_plan_is_404(client: TestClient, world: World) -> None:
    response = client.get(f"{PLANS}/{uuid.uuid4()}", headers=world.as_("admin"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_every_read_and_change_is_audited_with_the_patient(
    client: TestClient, world: World, db: Session
) -> None:
    plan = _create(client, world)
    plan_id = uuid.UUID(plan["id"])
    client.get(f"{PLANS}/{plan_id}", headers=world.as_("receptionist"))
    client.get(PLANS, headers=world.as_("admin"))
    client.patch(f"{PLANS}/{plan_id}", json={"sessions_planned": 4}, headers=world.as_("admin"))
    client.post(f"{PLANS}/{plan_id}/consent", json={}, headers=world.as_("patient"))
    client.post(f"{PLANS}/{plan_id}/cancel", json={"reason": "x"}, headers=world.as_("admin"))
    db.expire_all()
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.resource_id == plan_id).order_by(AuditEvent.id)
    ).all()
    seen = sorted((e.action, e.actor_id) for e in events)
    assert seen == sorted(
        [
            ("create", world.practitioner_user.id),
            ("read", world.receptionist.id),
            ("read", world.admin.id),
            ("update", world.admin.id),
            ("update", world.patient_user.id),
            ("update", world.admin.id),
        ]
    )
    assert {e.patient_id for e in events} == {world.patient.id}
    assert {e.resource for e in events} == {"treatment_plan"}


def test_refused_requests_write_no_audit_event(
    client: TestClient, world: World, db: Session
) -> None:
    unqualified = make_practitioner(db, [world.clinic], qualifications=[])
    response = client.post(
        PLANS,
        json=world.body(practitioner_id=str(unqualified.id)),
        headers=world.as_("practitioner"),
    )
    assert response.status_code == 409
    db.expire_all()
    assert db.scalars(select(AuditEvent).where(AuditEvent.resource == "treatment_plan")).all() == []
