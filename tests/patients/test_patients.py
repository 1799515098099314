import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.common import clock
from api.patients.models import Patient
from tests.factories import make_clinic, make_patient
from tests.helpers import count, new_id
from tests.patients.helpers import World

URL = "/api/v1/patients"


def _body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "given_name": "Camille",
        "family_name": "Durand",
        "date_of_birth": "1988-04-02",
        "sex": "female",
        "email": "camille.durand@example.com",
        "phone": "+33 6 12 34 56 78",
        "home_clinic_id": str(world.clinic.id),
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def test_create_patient_answers_201_with_derived_age_and_e164_phone(
    client: TestClient, db: Session, world: World
) -> None:
    clock.freeze(datetime(2026, 6, 1, 12, tzinfo=UTC))
    response = client.post(URL, json=_body(world), headers=world.as_receptionist)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["age"] == 38
    assert body["phone"] == "+33612345678"
    assert body["active"] is True
    assert response.headers["ETag"]
    db.expire_all()
    stored = db.get(Patient, uuid.UUID(body["id"]))
    assert stored is not None
    assert stored.phone == "+33612345678"
    event = db.scalar(select(AuditEvent).where(AuditEvent.patient_id == stored.id))
    assert event is not None
    assert (event.action, event.resource) == ("create", "patient")


def test_age_is_counted_on_the_home_clinic_local_date(
    client: TestClient, db: Session, world: World
) -> None:
    new_york = make_clinic(db, timezone="America/New_York", currency="USD")
    paris = make_clinic(db, timezone="Europe/Paris")
    born = date(1990, 5, 17)
    in_ny = make_patient(db, new_york, date_of_birth=born)
    in_paris = make_patient(db, paris, date_of_birth=born)
    db.commit()
    # 02:00 UTC on the 17th is still the 16th in New York, already the 17th in Paris.
    clock.freeze(datetime(2026, 5, 17, 2, tzinfo=UTC))
    ny = client.get(f"{URL}/{in_ny.id}", headers=world.as_admin).json()
    fr = client.get(f"{URL}/{in_paris.id}", headers=world.as_admin).json()
    assert (ny["age"], fr["age"]) == (35, 36)


def _days_ago(days: int) -> str:
    return (clock.now().date() - timedelta(days=days)).isoformat()


BAD_FIELDS: list[tuple[str, Any]] = [
    ("given_name", ""),
    ("given_name", "   "),
    ("given_name", "x" * 101),
    ("given_name", None),
    ("given_name", ...),
    ("family_name", ""),
    ("family_name", ...),
    ("date_of_birth", "2090-01-01"),
    ("date_of_birth", "1900-01-01"),
    ("date_of_birth", "17/05/1990"),
    ("date_of_birth", 576979200),
    ("date_of_birth", 576979200.0),
    ("date_of_birth", 19880402),
    ("date_of_birth", ...),
    ("sex", "robot"),
    ("email", "not-an-email"),
    ("email", "a@b"),
    ("phone", "0612345678"),
    ("phone", "+1234"),
    ("phone", "call me maybe"),
    ("phone", 33612345678),
    ("home_clinic_id", "not-a-uuid"),
    ("home_clinic_id", "unknown"),
    ("home_clinic_id", ...),
    ("active", "false"),
    ("active", 0),
    ("active", 1),
    ("active", None),
    ("social_security_number", "123"),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_bad_patient_input_is_422_and_writes_nothing(
    client: TestClient, db: Session, world: World, field: str, value: Any
) -> None:
    before = count(db, Patient)
    if value == "unknown":
        value = new_id()
    response = client.post(URL, json=_body(world, **{field: value}), headers=world.as_admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"]
    assert count(db, Patient) == before
    assert count(db, AuditEvent) == 0


def test_date_of_birth_bounds_today_and_120_years_ago_are_accepted(
    client: TestClient, world: World
) -> None:
    clock.freeze(datetime(2026, 6, 1, 12, tzinfo=UTC))
    for dob, age in (("2026-06-01", 0), ("1906-06-01", 120)):
        response = client.post(URL, json=_body(world, date_of_birth=dob), headers=world.as_admin)
        assert response.status_code == 201, response.text
        assert response.json()["age"] == age
    for dob in ("2026-06-02", "1906-05-31"):
        response = client.post(URL, json=_body(world, date_of_birth=dob), headers=world.as_admin)
        assert response.status_code == 422, dob


def test_optional_contact_fields_may_be_omitted(client: TestClient, world: World) -> None:
    response = client.post(
        URL, json=_body(world, email=..., phone=..., sex=...), headers=world.as_admin
    )
    assert response.status_code == 201
    assert response.json()["sex"] == "unknown"
    assert response.json()["email"] is None
    assert response.json()["phone"] is None


def test_a_body_that_is_not_json_is_400(client: TestClient, world: World) -> None:
    headers = {**world.as_admin, "Content-Type": "application/json"}
    assert client.post(URL, content=b"{not json", headers=headers).status_code == 400


def test_patch_changes_demographics_and_honours_if_match(
    client: TestClient, db: Session, world: World
) -> None:
    url = f"{URL}/{world.patient.id}"
    first = client.get(url, headers=world.as_receptionist)
    etag = first.headers["ETag"]
    changed = client.patch(
        url,
        json={"family_name": "Renard", "phone": "+1 212 555 0199"},
        headers={**world.as_receptionist, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["family_name"] == "Renard"
    assert changed.json()["phone"] == "+12125550199"
    assert changed.headers["ETag"] != etag
    stale = client.patch(
        url, json={"family_name": "Stale"}, headers={**world.as_receptionist, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    db.expire_all()
    assert db.get(Patient, world.patient.id).family_name == "Renard"  # type: ignore[union-attr]
    current = client.get(url, headers=world.as_receptionist).headers["ETag"]
    assert current == changed.headers["ETag"]
    wildcard = client.patch(
        url, json={"given_name": "Zoé"}, headers={**world.as_receptionist, "If-Match": "*"}
    )
    assert wildcard.status_code == 200


def test_patch_without_if_match_is_accepted(client: TestClient, world: World) -> None:
    response = client.patch(
        f"{URL}/{world.patient.id}", json={"email": None}, headers=world.as_admin
    )
    assert response.status_code == 200
    assert response.json()["email"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"given_name": None},
        {"given_name": ""},
        {"active": None},
        {"active": "false"},
        {"active": 0},
        {"active": 1},
        {"date_of_birth": "2999-01-01"},
        {"phone": "12"},
        {"email": "nope"},
        {"home_clinic_id": "00000000-0000-0000-0000-000000000000"},
        {"sex": "robot"},
        {"age": 40},
    ],
)
def test_bad_patch_is_422_and_changes_nothing(
    client: TestClient, db: Session, world: World, change: dict[str, Any]
) -> None:
    before = client.get(f"{URL}/{world.patient.id}", headers=world.as_admin).json()
    response = client.patch(f"{URL}/{world.patient.id}", json=change, headers=world.as_admin)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]
    assert client.get(f"{URL}/{world.patient.id}", headers=world.as_admin).json() == before


def test_deactivate_with_patch_active_false(client: TestClient, db: Session, world: World) -> None:
    url = f"{URL}/{world.patient.id}"
    response = client.patch(url, json={"active": False}, headers=world.as_receptionist)
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert client.get(url, headers=world.as_receptionist).json()["active"] is False
    inactive = client.get(URL, params={"active": "false"}, headers=world.as_receptionist).json()
    assert [p["id"] for p in inactive["items"]] == [str(world.patient.id)]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "update"))
    assert event is not None
    assert event.patient_id == world.patient.id


def test_patients_cannot_be_deleted_or_replaced(
    client: TestClient, db: Session, world: World
) -> None:
    url = f"{URL}/{world.patient.id}"
    assert client.delete(url, headers=world.as_admin).status_code == 405
    assert client.put(url, json=_body(world), headers=world.as_admin).status_code == 405
    assert client.delete(URL, headers=world.as_admin).status_code == 405
    assert count(db, Patient, id=world.patient.id) == 1


def test_unknown_patient_is_404(client: TestClient, world: World) -> None:
    response = client.get(f"{URL}/{new_id()}", headers=world.as_admin)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"{URL}/not-a-uuid", headers=world.as_admin).status_code == 422


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def tricky(db: Session, world: World) -> dict[str, Patient]:
    names = {
        "obrien": ("Seán", "O'Brien", "sean@example.com"),
        "percent": ("Cent", "100% Pure", "pure@example.com"),
        "underscore": ("Snake", "Case", "snake_case@example.com"),
        "sql": ("Robert'); DROP TABLE patients;--", "Tables", "bobby@example.com"),
        "plain": ("Alice", "Martin", "ALICE.M@Example.com"),
        "backslash": ("Back", "Sla\\sh", "bs@example.com"),
    }
    made = {
        key: make_patient(db, world.clinic, given_name=g, family_name=f, email=e)
        for key, (g, f, e) in names.items()
    }
    db.commit()
    return made


def _search(client: TestClient, world: World, q: str, **params: Any) -> set[str]:
    response = client.get(URL, params={"q": q, **params}, headers=world.as_admin)
    assert response.status_code == 200, response.text
    return {p["id"] for p in response.json()["items"]}


def test_search_is_a_case_insensitive_substring_of_names_and_email(
    client: TestClient, world: World, tricky: dict[str, Patient]
) -> None:
    assert _search(client, world, "MARTIN") == {str(tricky["plain"].id)}
    assert _search(client, world, "alice.m@example") == {str(tricky["plain"].id)}
    assert _search(client, world, "artI") == {str(tricky["plain"].id)}
    assert _search(client, world, "SEÁN") == {str(tricky["obrien"].id)}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("o'brien", "obrien"),
        ("'b", "obrien"),
        ("%", "percent"),
        ("0% p", "percent"),
        ("_", "underscore"),
        ("e_c", "underscore"),
        ("'); drop table", "sql"),
        (";--", "sql"),
        ("\\", "backslash"),
    ],
)
def test_search_treats_quotes_percent_underscore_and_sql_literally(
    client: TestClient,
    db: Session,
    world: World,
    tricky: dict[str, Patient],
    q: str,
    expected: str,
) -> None:
    assert _search(client, world, q) == {str(tricky[expected].id)}
    assert count(db, Patient) == len(tricky) + 2


def test_search_finds_nothing_without_error(client: TestClient, world: World) -> None:
    assert _search(client, world, '" OR 1=1 --') == set()
    assert _search(client, world, "zzzz") == set()


def test_list_filters_by_clinic(client: TestClient, world: World) -> None:
    def ids(response: Any) -> set[str]:
        return {p["id"] for p in response.json()["items"]}

    everyone = client.get(URL, headers=world.as_admin)
    assert ids(everyone) == {str(world.patient.id), str(world.other_patient.id)}
    other = client.get(
        URL, params={"clinic_id": str(world.other_clinic.id)}, headers=world.as_admin
    )
    assert ids(other) == {str(world.other_patient.id)}
    unknown = client.get(URL, params={"clinic_id": new_id()}, headers=world.as_admin)
    assert unknown.status_code == 422


# --- pagination -------------------------------------------------------------------------------


def test_pagination_walks_120_patients_without_duplicates_or_gaps(
    client: TestClient, db: Session, world: World
) -> None:
    made = {str(world.patient.id), str(world.other_patient.id)}
    for i in range(118):
        # Many equal family names, so the id tie-breaker is exercised.
        patient = make_patient(db, world.clinic, family_name=f"Name{i % 7}", given_name="Same")
        made.add(str(patient.id))
    db.commit()
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 17}
        if cursor:
            params["cursor"] = cursor
        response = client.get(URL, params=params, headers=world.as_admin)
        assert response.status_code == 200
        body = response.json()
        assert len(body["items"]) <= 17
        seen += [p["id"] for p in body["items"]]
        # A patient added between pages neither repeats nor hides others.
        if pages == 2:
            late = make_patient(db, world.clinic, family_name="Zzz")
            db.commit()
            made.add(str(late.id))
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 121
    assert set(seen) == made
    assert pages == 8


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"cursor": "garbage!"}])
def test_bad_page_parameters_are_422(
    client: TestClient, world: World, params: dict[str, Any]
) -> None:
    response = client.get(URL, params=params, headers=world.as_admin)
    assert response.status_code == 422


def test_nul_characters_are_422_not_a_server_error(
    client: TestClient, db: Session, world: World
) -> None:
    assert client.get(URL, params={"q": "a\x00b"}, headers=world.as_admin).status_code == 422
    before = count(db, Patient)
    for field in ("given_name", "family_name", "email"):
        body = _body(world, **{field: "Ca\x00mille"})
        assert client.post(URL, json=body, headers=world.as_admin).status_code == 422, field
    assert count(db, Patient) == before
    url = f"/api/v1/patients/{world.patient.id}"
    assert (
        client.post(
            f"{url}/allergies", json={"substance_text": "so\x00y"}, headers=world.as_admin
        ).status_code
        == 422
    )
    body = {"measured_on": "2026-01-05", "weight_kg": 60, "height_cm": 165, "notes": "\x00"}
    assert client.post(f"{url}/intakes", json=body, headers=world.as_admin).status_code == 422
