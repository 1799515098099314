"""/api/v1/clinics: anonymous reading, admin writing, validation of every field, ETag."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic, ClinicPrice
from api.config import Settings
from api.vocabulary import Role
from tests.clinics.helpers import clinic_body
from tests.factories import (
    auth_headers,
    make_clinic,
    make_patient,
    make_plan,
    make_practitioner,
    make_price,
    make_user,
)

URL = "/api/v1/clinics"


def clinic_count(db: Session) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(Clinic)) or 0)


def test_admin_creates_a_clinic_with_defaults(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    response = client.post(URL, json=clinic_body(), headers=as_admin)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Clinique Rivoli"
    assert body["country"] == "FR"
    assert body["timezone"] == "Europe/Paris"
    assert body["currency"] == "EUR"
    assert body["additional_area_rate"] == "0.50"
    assert body["buffer_minutes"] == 0
    assert body["latitude"] == pytest.approx(48.8566)
    assert response.headers["ETag"]
    assert clinic_count(db) == 1


def test_country_and_currency_codes_are_normalized_to_upper_case(
    client: TestClient, as_admin: dict[str, str]
) -> None:
    response = client.post(URL, json=clinic_body(country="fr", currency="eur"), headers=as_admin)
    assert response.status_code == 201
    assert (response.json()["country"], response.json()["currency"]) == ("FR", "EUR")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Europe/Atlantis"),
        ("timezone", "europe/paris"),
        ("timezone", "Factory"),
        ("timezone", ""),
        ("country", "XX"),
        ("country", "FRA"),
        ("country", 33),
        ("currency", "EUX"),
        ("currency", "EU"),
        ("currency", "CLF"),  # four minor-unit digits: not supported
        ("latitude", 90.5),
        ("latitude", -91),
        ("latitude", "north"),
        ("longitude", 180.01),
        ("longitude", -181),
        ("additional_area_rate", "1.01"),
        ("additional_area_rate", "-0.10"),
        ("additional_area_rate", "0.505"),
        ("additional_area_rate", "half"),
        ("buffer_minutes", -1),
        ("buffer_minutes", 241),
        ("buffer_minutes", 1.5),
        ("buffer_minutes", True),
        ("latitude", True),
        ("latitude", "48.85"),
        ("buffer_minutes", "5"),
        ("additional_area_rate", ".5"),
        ("additional_area_rate", " 0.5"),
        ("additional_area_rate", True),
        ("additional_area_rate", 0.555),
        ("name", ""),
        ("address", "x" * 301),
        ("unknown_field", 1),
    ],
)
def test_invalid_field_is_422_and_nothing_is_written(
    client: TestClient, db: Session, as_admin: dict[str, str], field: str, value: Any
) -> None:
    response = client.post(URL, json=clinic_body(**{field: value}), headers=as_admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any(field in err["loc"] for err in response.json()["errors"])
    assert clinic_count(db) == 0


@pytest.mark.parametrize("field", ["name", "country", "city", "address", "timezone", "currency"])
def test_missing_required_field_is_422(
    client: TestClient, db: Session, as_admin: dict[str, str], field: str
) -> None:
    body = clinic_body()
    del body[field]
    assert client.post(URL, json=body, headers=as_admin).status_code == 422
    assert clinic_count(db) == 0


def test_rate_may_be_a_json_number(client: TestClient, as_admin: dict[str, str]) -> None:
    response = client.post(URL, json=clinic_body(additional_area_rate=0.5), headers=as_admin)
    assert response.status_code == 201
    assert response.json()["additional_area_rate"] == "0.50"


def test_boundary_values_are_accepted(client: TestClient, as_admin: dict[str, str]) -> None:
    body = clinic_body(
        latitude=-90,
        longitude=180,
        additional_area_rate="1",
        buffer_minutes=240,
        timezone="Pacific/Chatham",
    )
    response = client.post(URL, json=body, headers=as_admin)
    assert response.status_code == 201, response.text
    assert response.json()["additional_area_rate"] == "1.00"
    assert response.json()["buffer_minutes"] == 240


def test_anyone_lists_and_reads_clinics_without_login(client: TestClient, db: Session) -> None:
    clinic = make_clinic(db, name="B clinic")
    make_clinic(db, name="A clinic")
    listing = client.get(URL)
    assert listing.status_code == 200
    assert [c["name"] for c in listing.json()["items"]] == ["A clinic", "B clinic"]
    assert listing.json()["next_cursor"] is None
    one = client.get(f"{URL}/{clinic.id}")
    assert one.status_code == 200
    assert one.json()["id"] == str(clinic.id)
    assert one.headers["ETag"]


def test_list_is_paginated(client: TestClient, db: Session) -> None:
    for i in range(5):
        make_clinic(db, name=f"Clinic {i}")
    first = client.get(URL, params={"limit": 2}).json()
    assert [c["name"] for c in first["items"]] == ["Clinic 0", "Clinic 1"]
    second = client.get(URL, params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [c["name"] for c in second["items"]] == ["Clinic 2", "Clinic 3"]
    assert client.get(URL, params={"limit": 0}).status_code == 422
    assert client.get(URL, params={"cursor": "garbage"}).status_code == 422


def test_anonymous_writes_are_401(client: TestClient, db: Session) -> None:
    clinic = make_clinic(db)
    assert client.post(URL, json=clinic_body()).status_code == 401
    assert client.patch(f"{URL}/{clinic.id}", json={"name": "X"}).status_code == 401
    assert client.delete(f"{URL}/{clinic.id}").status_code == 401
    assert client.put(f"{URL}/{clinic.id}/prices", json={"items": []}).status_code == 401
    assert clinic_count(db) == 1


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.PRACTITIONER, Role.PATIENT])
def test_non_admin_writes_are_403(
    client: TestClient, db: Session, settings: Settings, role: Role
) -> None:
    clinic = make_clinic(db)
    headers = auth_headers(make_user(db, role=role), settings)
    assert client.post(URL, json=clinic_body(), headers=headers).status_code == 403
    assert (
        client.patch(f"{URL}/{clinic.id}", json={"name": "X"}, headers=headers).status_code == 403
    )
    assert client.delete(f"{URL}/{clinic.id}", headers=headers).status_code == 403
    put = client.put(f"{URL}/{clinic.id}/prices", json={"items": []}, headers=headers)
    assert put.status_code == 403
    assert clinic_count(db) == 1


def test_unknown_clinic_is_404(client: TestClient, as_admin: dict[str, str]) -> None:
    missing = f"{URL}/00000000-0000-0000-0000-000000000000"
    assert client.get(missing).status_code == 404
    assert client.get(f"{missing}/prices").status_code == 404
    assert client.patch(missing, json={"name": "X"}, headers=as_admin).status_code == 404
    assert client.delete(missing, headers=as_admin).status_code == 404
    assert client.put(f"{missing}/prices", json={"items": []}, headers=as_admin).status_code == 404
    assert client.get(f"{URL}/not-a-uuid").status_code == 422


def test_patch_changes_only_given_fields(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db, name="Old", buffer_minutes=10)
    response = client.patch(
        f"{URL}/{clinic.id}",
        json={"name": "New", "additional_area_rate": "0.75"},
        headers=as_admin,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["additional_area_rate"], body["buffer_minutes"]) == (
        "New",
        "0.75",
        10,
    )
    db.expire_all()
    assert db.get(Clinic, clinic.id).name == "New"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "change",
    [
        {"timezone": "Mars/Olympus"},
        {"country": "ZZ"},
        {"currency": "ABC"},
        {"latitude": 100},
        {"longitude": None},
        {"name": None},
        {"buffer_minutes": 300},
        {"additional_area_rate": "2"},
    ],
)
def test_invalid_patch_is_422_and_changes_nothing(
    client: TestClient, db: Session, as_admin: dict[str, str], change: dict[str, Any]
) -> None:
    clinic = make_clinic(db, name="Kept")
    response = client.patch(f"{URL}/{clinic.id}", json={"name": "Lost", **change}, headers=as_admin)
    assert response.status_code == 422, response.text
    db.expire_all()
    assert db.get(Clinic, clinic.id).name == "Kept"  # type: ignore[union-attr]


def test_patch_with_stale_if_match_is_412(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db, name="First")
    etag = client.get(f"{URL}/{clinic.id}").headers["ETag"]
    first = client.patch(
        f"{URL}/{clinic.id}", json={"name": "Second"}, headers={**as_admin, "If-Match": etag}
    )
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    assert client.get(f"{URL}/{clinic.id}").headers["ETag"] == first.headers["ETag"]
    stale = client.patch(
        f"{URL}/{clinic.id}", json={"name": "Third"}, headers={**as_admin, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    db.expire_all()
    assert db.get(Clinic, clinic.id).name == "Second"  # type: ignore[union-attr]
    weak = client.patch(
        f"{URL}/{clinic.id}",
        json={"city": "Lyon"},
        headers={**as_admin, "If-Match": "W/" + first.headers["ETag"]},
    )
    assert weak.status_code == 200
    star = client.patch(
        f"{URL}/{clinic.id}", json={"name": "Fourth"}, headers={**as_admin, "If-Match": "*"}
    )
    assert star.status_code == 200


def test_currency_cannot_change_while_the_clinic_has_prices(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    make_price(db, clinic, area_code="thighs", price="375")
    response = client.patch(f"{URL}/{clinic.id}", json={"currency": "JPY"}, headers=as_admin)
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "prices_in_currency"
    client.put(f"{URL}/{clinic.id}/prices", json={"items": []}, headers=as_admin)
    response = client.patch(f"{URL}/{clinic.id}", json={"currency": "JPY"}, headers=as_admin)
    assert response.status_code == 200
    assert response.json()["currency"] == "JPY"


def test_delete_removes_the_clinic_and_its_prices(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    make_price(db, clinic, area_code="thighs", price="375")
    url = f"{URL}/{clinic.id}"
    assert client.delete(url, headers=as_admin).status_code == 204
    assert clinic_count(db) == 0
    assert not db.scalar(select(func.count()).select_from(ClinicPrice))
    assert client.get(url).status_code == 404


def test_delete_of_a_clinic_with_patients_is_409(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    make_patient(db, clinic)
    response = client.delete(f"{URL}/{clinic.id}", headers=as_admin)
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "in_use"
    assert clinic_count(db) == 1


def test_delete_of_a_clinic_with_practitioners_or_staff_is_409(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    with_practitioner, with_staff = make_clinic(db), make_clinic(db)
    make_practitioner(db, clinics=[with_practitioner])
    make_user(db, role=Role.RECEPTIONIST, clinics=[with_staff])
    assert client.delete(f"{URL}/{with_practitioner.id}", headers=as_admin).status_code == 409
    assert client.delete(f"{URL}/{with_staff.id}", headers=as_admin).status_code == 409
    assert clinic_count(db) == 2


def test_delete_of_a_clinic_with_treatment_plans_is_409(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    # Plans belong to another domain: their foreign key guards the clinic.
    plan_clinic, patients_clinic = make_clinic(db), make_clinic(db)
    patient = make_patient(db, patients_clinic)
    practitioner = make_practitioner(db)
    make_plan(db, patient, practitioner, plan_clinic, status="proposed")
    response = client.delete(f"{URL}/{plan_clinic.id}", headers=as_admin)
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "in_use"
    assert clinic_count(db) == 2
    # The refused delete left the request's transaction usable: a later request works.
    assert client.get(f"{URL}/{plan_clinic.id}").status_code == 200
