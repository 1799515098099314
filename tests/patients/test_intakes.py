from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.common import clock
from api.patients.models import Intake, IntakeCellulite, IntakeContraindication
from tests.factories import make_intake
from tests.helpers import count, new_id
from tests.patients.helpers import World


def _url(world: World) -> str:
    return f"/api/v1/patients/{world.patient.id}/intakes"


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "measured_on": "2026-01-05",
        "weight_kg": 65,
        "height_cm": 170,
        "cellulite": [{"area_code": "thighs", "grade": 2}, {"area_code": "buttocks", "grade": 3}],
        "goals": ["cellulite", "local_fat"],
        "contraindications": ["diabetes"],
        "notes": "Wants to start before summer.",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def test_create_intake_derives_bmi_to_one_decimal(
    client: TestClient, db: Session, world: World
) -> None:
    response = client.post(_url(world), json=_body(), headers=world.as_practitioner)
    assert response.status_code == 201, response.text
    intake = response.json()
    assert intake["bmi"] == 22.5  # 65 / 1.70² = 22.49…
    assert intake["weight_kg"] == 65
    assert intake["height_cm"] == 170
    assert intake["cellulite"] == [
        {"area_code": "buttocks", "grade": 3},
        {"area_code": "thighs", "grade": 2},
    ]
    assert intake["goals"] == ["cellulite", "local_fat"]
    assert intake["contraindications"] == ["diabetes"]
    assert count(db, Intake) == 1
    assert count(db, IntakeCellulite) == 2
    event = db.scalar(select(AuditEvent).where(AuditEvent.resource == "intake"))
    assert event is not None
    assert event.action == "create"
    assert event.patient_id == world.patient.id


@pytest.mark.parametrize(
    ("weight", "height", "bmi"),
    [(30, 250, 4.8), (300, 100, 300.0), (72.35, 181.5, 22.0), ("58.7", "163.2", 22.0)],
)
def test_bounds_of_weight_and_height_are_accepted(
    client: TestClient, world: World, weight: Any, height: Any, bmi: float
) -> None:
    body = _body(weight_kg=weight, height_cm=height)
    response = client.post(_url(world), json=body, headers=world.as_admin)
    assert response.status_code == 201, response.text
    assert response.json()["bmi"] == bmi


BAD: list[dict[str, Any]] = [
    {"weight_kg": 29.9},
    {"weight_kg": 300.1},
    {"weight_kg": "heavy"},
    {"weight_kg": ...},
    {"height_cm": 99.9},
    {"height_cm": 250.1},
    {"height_cm": None},
    {"measured_on": ...},
    {"measured_on": "2999-01-01"},
    {"measured_on": "1900-01-01"},
    {"measured_on": 1772530200},
    {"measured_on": 1772530200.5},
    {"cellulite": [{"area_code": "elbows", "grade": 1}]},
    {"cellulite": [{"area_code": "thighs", "grade": 4}]},
    {"cellulite": [{"area_code": "thighs", "grade": -1}]},
    {"cellulite": [{"area_code": "thighs", "grade": 1}, {"area_code": "thighs", "grade": 2}]},
    {"cellulite": [{"area_code": "thighs"}]},
    {"goals": ["tattoo_removal"]},
    {"goals": ["cellulite", "cellulite"]},
    {"contraindications": ["being_tall"]},
    {"contraindications": ["diabetes", "diabetes"]},
    {"bmi": 20},
]


@pytest.mark.parametrize("change", BAD)
def test_bad_intake_input_is_422_and_writes_nothing(
    client: TestClient, db: Session, world: World, change: dict[str, Any]
) -> None:
    response = client.post(_url(world), json=_body(**change), headers=world.as_practitioner)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]
    assert count(db, Intake) == 0
    assert count(db, IntakeCellulite) == 0
    assert count(db, IntakeContraindication) == 0
    assert count(db, AuditEvent) == 0


def test_latest_is_the_greatest_measured_on(client: TestClient, db: Session, world: World) -> None:
    newer = make_intake(db, world.patient, measured_on=date(2026, 2, 1))
    make_intake(db, world.patient, measured_on=date(2026, 1, 1))  # created later, measured earlier
    db.commit()
    latest = client.get(f"{_url(world)}/latest", headers=world.as_practitioner)
    assert latest.status_code == 200
    assert latest.json()["id"] == str(newer.id)


def test_latest_breaks_ties_by_creation(client: TestClient, db: Session, world: World) -> None:
    clock.freeze(datetime(2026, 2, 1, 9, tzinfo=UTC))
    make_intake(db, world.patient, measured_on=date(2026, 2, 1))
    clock.freeze(datetime(2026, 2, 1, 10, tzinfo=UTC))
    second = make_intake(db, world.patient, measured_on=date(2026, 2, 1))
    db.commit()
    latest = client.get(f"{_url(world)}/latest", headers=world.as_admin)
    assert latest.json()["id"] == str(second.id)


def test_latest_without_any_intake_is_404(client: TestClient, world: World) -> None:
    assert client.get(f"{_url(world)}/latest", headers=world.as_admin).status_code == 404


def test_intakes_are_listed_newest_first_and_reads_are_audited(
    client: TestClient, db: Session, world: World
) -> None:
    old = make_intake(db, world.patient, measured_on=date(2025, 6, 1))
    new = make_intake(db, world.patient, measured_on=date(2026, 1, 1))
    db.commit()
    listed = client.get(_url(world), params={"limit": 1}, headers=world.as_receptionist).json()
    assert [i["id"] for i in listed["items"]] == [str(new.id)]
    rest = client.get(
        _url(world), params={"cursor": listed["next_cursor"]}, headers=world.as_receptionist
    ).json()
    assert [i["id"] for i in rest["items"]] == [str(old.id)]
    one = client.get(f"{_url(world)}/{old.id}", headers=world.as_patient)
    assert one.status_code == 200
    assert one.headers["ETag"]
    client.get(f"{_url(world)}/latest", headers=world.as_practitioner)
    events = list(db.scalars(select(AuditEvent).order_by(AuditEvent.at)))
    assert [(e.action, e.resource, e.resource_id) for e in events] == [
        ("read", "intake", None),
        ("read", "intake", None),
        ("read", "intake", old.id),
        ("read", "intake", new.id),
    ]
    assert {e.patient_id for e in events} == {world.patient.id}


def test_intakes_cannot_be_changed(client: TestClient, db: Session, world: World) -> None:
    intake = make_intake(db, world.patient, cellulite={"thighs": 1})
    db.commit()
    one = f"{_url(world)}/{intake.id}"
    for method, path in [
        ("PATCH", one),
        ("PUT", one),
        ("DELETE", one),
        ("PATCH", f"{_url(world)}/latest"),
        ("DELETE", f"{_url(world)}/latest"),
        ("DELETE", _url(world)),
        ("PUT", _url(world)),
    ]:
        response = client.request(method, path, json={"weight_kg": 99}, headers=world.as_admin)
        assert response.status_code == 405, (method, path)
    db.expire_all()
    stored = db.get(Intake, intake.id)
    assert stored is not None
    assert stored.weight_kg == 65
    assert count(db, IntakeCellulite) == 1


def test_an_intake_of_another_patient_is_404(client: TestClient, db: Session, world: World) -> None:
    theirs = make_intake(db, world.other_patient)
    db.commit()
    assert client.get(f"{_url(world)}/{theirs.id}", headers=world.as_admin).status_code == 404
    assert client.get(f"{_url(world)}/{new_id()}", headers=world.as_admin).status_code == 404
