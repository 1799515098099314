"""/api/v1/practitioners: admins write, every logged-in user reads, ETag/If-Match."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.config import Settings
from api.practitioners.models import Practitioner, WorkingHours
from api.vocabulary import Role
from tests.factories import (
    auth_headers,
    make_clinic,
    make_patient,
    make_plan,
    make_practitioner,
    make_user,
    make_working_hours,
)
from tests.practitioners.helpers import practitioner_body

URL = "/api/v1/practitioners"
MISSING = "00000000-0000-0000-0000-000000000000"


def practitioner_count(db: Session) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(Practitioner)) or 0)


def test_admin_creates_a_practitioner(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    paris, lyon = make_clinic(db), make_clinic(db)
    body = practitioner_body(
        qualifications=["Mesotherapy ", "aesthetic_medicine", "mesotherapy"],
        clinic_ids=[str(paris.id), str(lyon.id)],
    )
    response = client.post(URL, json=body, headers=as_admin)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["qualifications"] == ["mesotherapy", "aesthetic_medicine"]
    assert set(created["clinic_ids"]) == {str(paris.id), str(lyon.id)}
    assert created["license_expires_on"] == "2030-12-31"
    assert created["active"] is True
    assert response.headers["ETag"]
    assert practitioner_count(db) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", ""),
        ("family_name", "x" * 101),
        ("license_number", ""),
        ("license_authority", None),
        ("license_expires_on", "31/12/2030"),
        ("license_expires_on", "2030-02-30"),
        ("qualifications", "mesotherapy"),
        ("qualifications", [""]),
        ("clinic_ids", ["not-a-uuid"]),
        ("clinic_ids", [MISSING]),
        ("active", "perhaps"),
        ("active", 0),
        ("active", "true"),
        ("active", "false"),
        ("active", 1),
        ("license_expires_on", 0),
        ("license_expires_on", "2030-12-31T00:00:00"),
        ("nickname", "Doc"),
    ],
)
def test_invalid_field_is_422_and_nothing_is_written(
    client: TestClient, db: Session, as_admin: dict[str, str], field: str, value: Any
) -> None:
    response = client.post(URL, json=practitioner_body(**{field: value}), headers=as_admin)
    assert response.status_code == 422, response.text
    assert any(field in err["loc"] for err in response.json()["errors"])
    assert practitioner_count(db) == 0


def test_a_licence_belongs_to_one_practitioner(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    make_practitioner(db, license_number="123", license_authority="GMC")
    body = practitioner_body(license_number="123", license_authority="GMC")
    response = client.post(URL, json=body, headers=as_admin)
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "license_exists"
    other_authority = practitioner_body(license_number="123", license_authority="CPSO")
    assert client.post(URL, json=other_authority, headers=as_admin).status_code == 201


@pytest.mark.parametrize("role", [Role.ADMIN, Role.RECEPTIONIST, Role.PRACTITIONER, Role.PATIENT])
def test_every_logged_in_user_reads_practitioners(
    client: TestClient, db: Session, settings: Settings, role: Role
) -> None:
    practitioner = make_practitioner(db, family_name="Dupont")
    headers = auth_headers(make_user(db, role=role), settings)
    listing = client.get(URL, headers=headers)
    assert listing.status_code == 200
    assert [p["family_name"] for p in listing.json()["items"]] == ["Dupont"]
    one = client.get(f"{URL}/{practitioner.id}", headers=headers)
    assert one.status_code == 200
    assert one.headers["ETag"]


def test_anonymous_is_401(client: TestClient, db: Session) -> None:
    practitioner = make_practitioner(db)
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}/{practitioner.id}").status_code == 401
    assert client.post(URL, json=practitioner_body()).status_code == 401
    assert client.get(f"{URL}/{practitioner.id}/working-hours").status_code == 401


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.PRACTITIONER, Role.PATIENT])
def test_non_admin_writes_are_403(
    client: TestClient, db: Session, settings: Settings, role: Role
) -> None:
    practitioner = make_practitioner(db)
    user = make_user(
        db, role=role, practitioner_id=practitioner.id if role == Role.PRACTITIONER else None
    )
    headers = auth_headers(user, settings)
    assert client.post(URL, json=practitioner_body(), headers=headers).status_code == 403
    url = f"{URL}/{practitioner.id}"
    assert client.patch(url, json={"active": False}, headers=headers).status_code == 403
    assert client.delete(url, headers=headers).status_code == 403
    assert practitioner_count(db) == 1


def test_list_filters_and_paginates(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    paris, lyon = make_clinic(db), make_clinic(db)
    make_practitioner(db, family_name="Arnaud", clinics=[paris])
    make_practitioner(db, family_name="Bernard", clinics=[paris, lyon])
    make_practitioner(db, family_name="Chevalier", clinics=[lyon], active=False)
    names = [p["family_name"] for p in client.get(URL, headers=as_admin).json()["items"]]
    assert names == ["Arnaud", "Bernard", "Chevalier"]
    at_lyon = client.get(URL, params={"clinic_id": str(lyon.id)}, headers=as_admin).json()
    assert [p["family_name"] for p in at_lyon["items"]] == ["Bernard", "Chevalier"]
    active = client.get(URL, params={"active": "true"}, headers=as_admin).json()
    assert [p["family_name"] for p in active["items"]] == ["Arnaud", "Bernard"]
    first = client.get(URL, params={"limit": 2}, headers=as_admin).json()
    second = client.get(
        URL, params={"limit": 2, "cursor": first["next_cursor"]}, headers=as_admin
    ).json()
    assert [p["family_name"] for p in second["items"]] == ["Chevalier"]
    assert second["next_cursor"] is None


def test_unknown_practitioner_is_404(client: TestClient, as_admin: dict[str, str]) -> None:
    url = f"{URL}/{MISSING}"
    assert client.get(url, headers=as_admin).status_code == 404
    assert client.patch(url, json={"active": False}, headers=as_admin).status_code == 404
    assert client.delete(url, headers=as_admin).status_code == 404
    assert client.get(f"{url}/working-hours", headers=as_admin).status_code == 404
    assert client.put(f"{url}/working-hours", json=[], headers=as_admin).status_code == 404
    assert client.get(f"{url}/time-off", headers=as_admin).status_code == 404


def test_patch_changes_fields_and_clinics(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    paris, lyon = make_clinic(db), make_clinic(db)
    practitioner = make_practitioner(db, clinics=[paris, lyon])
    make_working_hours(db, practitioner, paris, weekday=0, start_minute=9 * 60, end_minute=12 * 60)
    make_working_hours(db, practitioner, lyon, weekday=1, start_minute=9 * 60, end_minute=12 * 60)
    response = client.patch(
        f"{URL}/{practitioner.id}",
        json={"clinic_ids": [str(paris.id)], "active": False, "qualifications": ["laser"]},
        headers=as_admin,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["clinic_ids"] == [str(paris.id)]
    assert (body["active"], body["qualifications"]) == (False, ["laser"])
    # Leaving a clinic drops the hours there.
    db.expire_all()
    hours = db.scalars(select(WorkingHours)).all()
    assert [h.clinic_id for h in hours] == [paris.id]


@pytest.mark.parametrize(
    "change",
    [
        {"clinic_ids": [MISSING]},
        {"given_name": None},
        {"license_expires_on": "soon"},
        {"qualifications": None},
        {"active": "false"},
        {"active": 0},
        {"active": 1},
    ],
)
def test_invalid_patch_is_422_and_changes_nothing(
    client: TestClient, db: Session, as_admin: dict[str, str], change: dict[str, Any]
) -> None:
    practitioner = make_practitioner(db, family_name="Kept")
    response = client.patch(
        f"{URL}/{practitioner.id}", json={"family_name": "Lost", **change}, headers=as_admin
    )
    assert response.status_code == 422, response.text
    db.expire_all()
    assert db.get(Practitioner, practitioner.id).family_name == "Kept"  # type: ignore[union-attr]


def test_patch_with_stale_if_match_is_412(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db)
    url = f"{URL}/{practitioner.id}"
    etag = client.get(url, headers=as_admin).headers["ETag"]
    # Changing only the clinics (a link table) changes the ETag too.
    first = client.patch(
        url, json={"clinic_ids": [str(clinic.id)]}, headers={**as_admin, "If-Match": etag}
    )
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    stale = client.patch(url, json={"active": False}, headers={**as_admin, "If-Match": etag})
    assert stale.status_code == 412
    db.expire_all()
    assert db.get(Practitioner, practitioner.id).active is True  # type: ignore[union-attr]
    fresh = client.patch(
        url, json={"active": False}, headers={**as_admin, "If-Match": first.headers["ETag"]}
    )
    assert fresh.status_code == 200


def test_delete_removes_an_unreferenced_practitioner(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    make_working_hours(db, practitioner, clinic, weekday=0, start_minute=540, end_minute=600)
    url = f"{URL}/{practitioner.id}"
    assert client.delete(url, headers=as_admin).status_code == 204
    assert practitioner_count(db) == 0
    assert client.get(url, headers=as_admin).status_code == 404


def test_delete_of_a_practitioner_with_an_account_is_409(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    practitioner = make_practitioner(db)
    make_user(db, role=Role.PRACTITIONER, practitioner_id=practitioner.id)
    response = client.delete(f"{URL}/{practitioner.id}", headers=as_admin)
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "in_use"
    assert practitioner_count(db) == 1


def test_delete_of_a_practitioner_with_treatment_plans_is_409(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    patient = make_patient(db, clinic)
    make_plan(db, patient, practitioner, clinic, status="proposed")
    response = client.delete(f"{URL}/{practitioner.id}", headers=as_admin)
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "in_use"
    assert practitioner_count(db) == 1
