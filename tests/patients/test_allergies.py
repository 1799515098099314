import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.common import clock
from api.patients.models import Allergy
from tests.factories import make_allergy
from tests.helpers import count, new_id
from tests.patients.helpers import World


def _url(world: World) -> str:
    return f"/api/v1/patients/{world.patient.id}/allergies"


@pytest.mark.parametrize(
    "allergen",
    [
        {"substance_code": "lidocaine"},
        {"allergen_class": "soy"},
        {"substance_text": "Soya lecithin"},
    ],
)
def test_an_allergy_names_a_substance_a_class_or_free_text(
    client: TestClient, db: Session, world: World, allergen: dict[str, str]
) -> None:
    body = {**allergen, "reaction": "Hives", "severity": "severe", "noted_on": "2025-03-04"}
    response = client.post(_url(world), json=body, headers=world.as_practitioner)
    assert response.status_code == 201, response.text
    created = response.json()
    assert {k: created[k] for k in body} == body
    assert created["status"] == "active"
    assert created["patient_id"] == str(world.patient.id)
    assert response.headers["ETag"]
    assert count(db, Allergy, patient_id=world.patient.id) == 1
    event = db.scalar(select(AuditEvent).where(AuditEvent.resource == "allergy"))
    assert event is not None
    assert (event.action, event.resource_id, event.patient_id, event.actor_id) == (
        "create",
        uuid.UUID(created["id"]),
        world.patient.id,
        world.practitioner.id,
    )


BAD: list[dict[str, Any]] = [
    {},
    {"reaction": "Hives"},
    {"substance_code": "lidocaine", "allergen_class": "amide_local_anaesthetics"},
    {"substance_code": "lidocaine", "substance_text": "lidocaine"},
    {"substance_code": "lidocaine", "allergen_class": "soy", "substance_text": "x"},
    {"substance_code": "unobtainium"},
    {"allergen_class": "kryptonite"},
    {"substance_text": ""},
    {"substance_text": "   "},
    {"substance_text": "x" * 301},
    {"substance_code": "lidocaine", "severity": "deadly"},
    {"substance_code": "lidocaine", "status": "gone"},
    {"substance_code": "lidocaine", "noted_on": "2999-01-01"},
    {"substance_code": "lidocaine", "noted_on": "yesterday"},
    {"substance_code": "lidocaine", "reaction": "x" * 301},
    {"substance_code": "lidocaine", "colour": "red"},
]


@pytest.mark.parametrize("body", BAD)
def test_bad_allergy_input_is_422_and_writes_nothing(
    client: TestClient, db: Session, world: World, body: dict[str, Any]
) -> None:
    response = client.post(_url(world), json=body, headers=world.as_practitioner)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]
    assert count(db, Allergy) == 0
    assert count(db, AuditEvent) == 0


def test_list_allergies_filters_by_status_and_is_audited(
    client: TestClient, db: Session, world: World
) -> None:
    active = make_allergy(db, world.patient, substance_code="lidocaine")
    make_allergy(db, world.patient, allergen_class="soy", status="resolved")
    make_allergy(db, world.other_patient, allergen_class="egg")
    db.commit()
    every = client.get(_url(world), headers=world.as_practitioner).json()
    assert len(every["items"]) == 2
    assert every["next_cursor"] is None
    only = client.get(_url(world), params={"status": "active"}, headers=world.as_receptionist)
    assert [a["id"] for a in only.json()["items"]] == [str(active.id)]
    events = list(db.scalars(select(AuditEvent).where(AuditEvent.resource == "allergy")))
    assert [(e.action, e.patient_id) for e in events] == [("read", world.patient.id)] * 2
    assert {e.actor_id for e in events} == {world.practitioner.id, world.receptionist.id}


def test_patch_an_allergy_with_if_match(client: TestClient, db: Session, world: World) -> None:
    allergy = make_allergy(db, world.patient, substance_code="lidocaine")
    db.commit()
    url = f"{_url(world)}/{allergy.id}"
    read = client.get(url, headers=world.as_practitioner)
    assert read.status_code == 200
    etag = read.headers["ETag"]
    changed = client.patch(
        url, json={"status": "resolved"}, headers={**world.as_practitioner, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "resolved"
    stale = client.patch(
        url, json={"status": "active"}, headers={**world.as_practitioner, "If-Match": etag}
    )
    assert stale.status_code == 412
    db.expire_all()
    assert db.get(Allergy, allergy.id).status == "resolved"  # type: ignore[union-attr]
    actions = [
        e.action
        for e in db.scalars(
            select(AuditEvent).where(AuditEvent.resource_id == allergy.id).order_by(AuditEvent.at)
        )
    ]
    assert actions == ["read", "update"]


def test_patch_can_replace_what_the_allergy_is_to(
    client: TestClient, db: Session, world: World
) -> None:
    allergy = make_allergy(db, world.patient, substance_code="lidocaine")
    db.commit()
    url = f"{_url(world)}/{allergy.id}"
    response = client.patch(url, json={"substance_text": "latex"}, headers=world.as_admin)
    assert response.status_code == 200
    assert (response.json()["substance_code"], response.json()["substance_text"]) == (
        None,
        "latex",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"substance_code": "lidocaine", "allergen_class": "soy"},
        {"substance_code": None},
        {"substance_code": "unobtainium"},
        {"status": None},
        {"severity": "extreme"},
        {"noted_on": "2999-01-01"},
        {"patient_id": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_bad_allergy_patch_is_422_and_changes_nothing(
    client: TestClient, db: Session, world: World, change: dict[str, Any]
) -> None:
    allergy = make_allergy(db, world.patient, substance_code="mepivacaine")
    db.commit()
    before = client.get(f"{_url(world)}/{allergy.id}", headers=world.as_admin).json()
    response = client.patch(f"{_url(world)}/{allergy.id}", json=change, headers=world.as_admin)
    assert response.status_code == 422, response.text
    assert client.get(f"{_url(world)}/{allergy.id}", headers=world.as_admin).json() == before


def test_an_allergy_of_another_patient_is_404(
    client: TestClient, db: Session, world: World
) -> None:
    theirs = make_allergy(db, world.other_patient, allergen_class="egg")
    db.commit()
    assert client.get(f"{_url(world)}/{theirs.id}", headers=world.as_admin).status_code == 404
    assert client.get(f"{_url(world)}/{new_id()}", headers=world.as_admin).status_code == 404
    response = client.patch(
        f"{_url(world)}/{theirs.id}", json={"status": "resolved"}, headers=world.as_admin
    )
    assert response.status_code == 404


def test_noted_on_today_is_accepted(client: TestClient, world: World) -> None:
    clock.freeze(datetime(2026, 3, 1, 23, 30, tzinfo=UTC))  # already 2 March in Paris
    body = {"allergen_class": "egg", "noted_on": "2026-03-02"}
    assert client.post(_url(world), json=body, headers=world.as_admin).status_code == 201
    body = {"allergen_class": "egg", "noted_on": "2026-03-03"}
    assert client.post(_url(world), json=body, headers=world.as_admin).status_code == 422


def test_allergies_cannot_be_deleted(client: TestClient, db: Session, world: World) -> None:
    allergy = make_allergy(db, world.patient, allergen_class="egg")
    db.commit()
    assert client.delete(f"{_url(world)}/{allergy.id}", headers=world.as_admin).status_code == 405
    assert count(db, Allergy) == 1


def test_allergies_page_by_creation_without_duplicates(
    client: TestClient, db: Session, world: World
) -> None:
    made = {str(make_allergy(db, world.patient, substance_text=f"thing {i}").id) for i in range(7)}
    db.commit()
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get(_url(world), params=params, headers=world.as_admin).json()
        seen += [a["id"] for a in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7
    assert set(seen) == made
