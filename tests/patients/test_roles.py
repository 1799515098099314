"""DESIGN section 7 for patients, allergies and intakes."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.patients.models import Allergy, Intake, Patient
from tests.factories import make_intake
from tests.helpers import count
from tests.patients.helpers import World

URL = "/api/v1/patients"
ALLERGY = {"allergen_class": "soy", "severity": "mild"}
INTAKE = {"measured_on": "2026-01-05", "weight_kg": 60, "height_cm": 165}


def _patient_body(world: World, clinic_id: Any = None) -> dict[str, Any]:
    return {
        "given_name": "Nora",
        "family_name": "Blanc",
        "date_of_birth": "1985-02-03",
        "home_clinic_id": str(clinic_id or world.clinic.id),
    }


def test_every_route_needs_a_login(client: TestClient, world: World) -> None:
    pid = world.patient.id
    for method, path in [
        ("GET", URL),
        ("POST", URL),
        ("GET", f"{URL}/{pid}"),
        ("PATCH", f"{URL}/{pid}"),
        ("GET", f"{URL}/{pid}/allergies"),
        ("POST", f"{URL}/{pid}/allergies"),
        ("GET", f"{URL}/{pid}/intakes"),
        ("POST", f"{URL}/{pid}/intakes"),
        ("GET", f"{URL}/{pid}/intakes/latest"),
    ]:
        assert client.request(method, path, json={}).status_code == 401, (method, path)


# --- staff see only the patients of their clinics ---------------------------------------------


@pytest.mark.parametrize("role", ["receptionist", "practitioner"])
def test_staff_list_only_patients_of_their_clinics(
    client: TestClient, world: World, role: str
) -> None:
    headers = world.headers(getattr(world, role))
    items = client.get(URL, headers=headers).json()["items"]
    assert [p["id"] for p in items] == [str(world.patient.id)]
    other = client.get(URL, params={"clinic_id": str(world.other_clinic.id)}, headers=headers)
    assert other.status_code == 200
    assert other.json()["items"] == []


@pytest.mark.parametrize("role", ["receptionist", "practitioner"])
def test_staff_get_404_for_patients_of_other_clinics(
    client: TestClient, db: Session, world: World, role: str
) -> None:
    headers = world.headers(getattr(world, role))
    other = f"{URL}/{world.other_patient.id}"
    assert client.get(other, headers=headers).status_code == 404
    assert client.patch(other, json={"given_name": "X"}, headers=headers).status_code == 404
    assert client.get(f"{other}/allergies", headers=headers).status_code == 404
    assert client.get(f"{other}/intakes", headers=headers).status_code == 404
    assert client.get(f"{other}/intakes/latest", headers=headers).status_code == 404
    db.expire_all()
    assert db.get(Patient, world.other_patient.id).given_name != "X"  # type: ignore[union-attr]


def test_staff_register_patients_only_at_their_clinics(
    client: TestClient, db: Session, world: World
) -> None:
    mine = client.post(URL, json=_patient_body(world), headers=world.as_receptionist)
    assert mine.status_code == 201
    before = count(db, Patient)
    theirs = client.post(
        URL, json=_patient_body(world, world.other_clinic.id), headers=world.as_receptionist
    )
    assert theirs.status_code == 422
    assert count(db, Patient) == before


def test_admins_see_and_change_every_patient(client: TestClient, world: World) -> None:
    items = client.get(URL, headers=world.as_admin).json()["items"]
    assert {p["id"] for p in items} == {str(world.patient.id), str(world.other_patient.id)}
    other = f"{URL}/{world.other_patient.id}"
    assert (
        client.patch(other, json={"given_name": "Ada"}, headers=world.as_admin).status_code == 200
    )
    created = client.post(
        URL, json=_patient_body(world, world.other_clinic.id), headers=world.as_admin
    )
    assert created.status_code == 201


# --- receptionists: demographics only ------------------------------------------------------------


def test_receptionists_edit_demographics(client: TestClient, world: World) -> None:
    response = client.patch(
        f"{URL}/{world.patient.id}", json={"given_name": "Léa"}, headers=world.as_receptionist
    )
    assert response.status_code == 200


def test_receptionists_cannot_create_allergies_or_intakes(
    client: TestClient, db: Session, world: World
) -> None:
    base = f"{URL}/{world.patient.id}"
    assert (
        client.post(f"{base}/allergies", json=ALLERGY, headers=world.as_receptionist).status_code
        == 403
    )
    assert (
        client.post(f"{base}/intakes", json=INTAKE, headers=world.as_receptionist).status_code
        == 403
    )
    # Role before visibility: the answer does not depend on the patient.
    other = f"{URL}/{world.other_patient.id}"
    assert (
        client.post(f"{other}/allergies", json=ALLERGY, headers=world.as_receptionist).status_code
        == 403
    )
    assert count(db, Allergy) == 0
    assert count(db, Intake) == 0


def test_receptionists_cannot_change_allergies(client: TestClient, world: World) -> None:
    base = f"{URL}/{world.patient.id}/allergies"
    allergy = client.post(base, json=ALLERGY, headers=world.as_practitioner).json()
    response = client.patch(
        f"{base}/{allergy['id']}", json={"status": "resolved"}, headers=world.as_receptionist
    )
    assert response.status_code == 403


def test_practitioners_create_allergies_and_intakes(client: TestClient, world: World) -> None:
    base = f"{URL}/{world.patient.id}"
    assert (
        client.post(f"{base}/allergies", json=ALLERGY, headers=world.as_practitioner).status_code
        == 201
    )
    assert (
        client.post(f"{base}/intakes", json=INTAKE, headers=world.as_practitioner).status_code
        == 201
    )
    other = f"{URL}/{world.other_patient.id}"
    assert (
        client.post(f"{other}/allergies", json=ALLERGY, headers=world.as_practitioner).status_code
        == 404
    )


# --- patient accounts: their own record only -----------------------------------------------------


def test_a_patient_sees_only_their_own_record(
    client: TestClient, db: Session, world: World
) -> None:
    make_intake(db, world.patient)
    make_intake(db, world.other_patient)
    db.commit()
    mine, theirs = f"{URL}/{world.patient.id}", f"{URL}/{world.other_patient.id}"
    assert client.get(mine, headers=world.as_patient).status_code == 200
    assert client.get(f"{mine}/allergies", headers=world.as_patient).status_code == 200
    assert client.get(f"{mine}/intakes/latest", headers=world.as_patient).status_code == 200
    for path in (theirs, f"{theirs}/allergies", f"{theirs}/intakes", f"{theirs}/intakes/latest"):
        assert client.get(path, headers=world.as_patient).status_code == 404, path


def test_a_patient_cannot_list_or_register_patients(client: TestClient, world: World) -> None:
    assert client.get(URL, headers=world.as_patient).status_code == 403
    assert client.get(URL, params={"q": "a"}, headers=world.as_patient).status_code == 403
    assert client.post(URL, json=_patient_body(world), headers=world.as_patient).status_code == 403


def test_a_patient_changes_their_details_but_not_their_active_flag(
    client: TestClient, world: World
) -> None:
    mine = f"{URL}/{world.patient.id}"
    assert (
        client.patch(mine, json={"phone": "+33698765432"}, headers=world.as_patient).status_code
        == 200
    )
    assert client.patch(mine, json={"active": False}, headers=world.as_patient).status_code == 403
    theirs = f"{URL}/{world.other_patient.id}"
    assert (
        client.patch(theirs, json={"phone": "+33698765432"}, headers=world.as_patient).status_code
        == 404
    )


def test_a_patient_cannot_move_their_record_to_another_clinic(
    client: TestClient, db: Session, world: World
) -> None:
    """The home clinic decides which staff see the record: only staff move a patient."""
    mine = f"{URL}/{world.patient.id}"
    for clinic_id in (world.other_clinic.id, world.clinic.id):
        response = client.patch(
            mine, json={"home_clinic_id": str(clinic_id)}, headers=world.as_patient
        )
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
    moved = client.patch(
        mine,
        json={"phone": "+33698765432", "home_clinic_id": str(world.other_clinic.id)},
        headers=world.as_patient,
    )
    assert moved.status_code == 403
    db.expire_all()
    record = client.get(mine, headers=world.as_patient).json()
    assert record["home_clinic_id"] == str(world.clinic.id)
    assert record["phone"] != "+33698765432"


def test_a_patient_cannot_write_allergies_or_intakes(
    client: TestClient, db: Session, world: World
) -> None:
    mine = f"{URL}/{world.patient.id}"
    assert (
        client.post(f"{mine}/allergies", json=ALLERGY, headers=world.as_patient).status_code == 403
    )
    assert client.post(f"{mine}/intakes", json=INTAKE, headers=world.as_patient).status_code == 403
    assert count(db, Allergy) == 0
    assert count(db, Intake) == 0
