"""Accounts (admins only): create, list, read, change, deactivate; hashes never leave."""

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.config import Settings
from api.users.models import User
from api.vocabulary import Role
from tests.factories import auth_headers, make_clinic, make_user


def _count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(User)) or 0


def test_admin_creates_staff_tied_to_clinics(
    client: TestClient, db: Session, settings: Settings
) -> None:
    clinic = make_clinic(db)
    headers = auth_headers(make_user(db), settings)
    body = {
        "email": "Desk@Clinic.example.com",
        "password": "long-enough-password",
        "role": "receptionist",
        "clinic_ids": [str(clinic.id)],
    }
    response = client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 201
    created = response.json()
    assert created["email"] == "desk@clinic.example.com"
    assert created["clinic_ids"] == [str(clinic.id)]
    assert created["active"] is True
    assert "password" not in created
    assert "password_hash" not in created
    assert "argon2" not in response.text
    stored = db.get(User, uuid.UUID(created["id"]))
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2" in stored.password_hash
    read = client.get(f"/api/v1/users/{created['id']}", headers=headers)
    assert read.status_code == 200
    assert "argon2" not in read.text


def test_duplicate_email_is_409_and_writes_nothing(
    client: TestClient, db: Session, settings: Settings
) -> None:
    make_user(db, email="taken@example.com")
    headers = auth_headers(make_user(db), settings)
    before = _count(db)
    body = {"email": "TAKEN@example.com", "password": "long-enough", "role": "admin"}
    response = client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "account_exists"
    assert _count(db) == before


def test_bad_account_input_is_422_and_writes_nothing(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = auth_headers(make_user(db), settings)
    before = _count(db)
    bad_bodies = [
        {"email": "a@example.com", "password": "short", "role": "admin"},
        {"email": "a@example.com", "password": "long-enough", "role": "superuser"},
        {
            "email": "a@example.com",
            "password": "long-enough",
            "role": "receptionist",
            "clinic_ids": [str(uuid.uuid4())],
        },
        {
            "email": "a@example.com",
            "password": "long-enough",
            "role": "admin",
            "patient_id": str(uuid.uuid4()),
        },
        {
            "email": "a@example.com",
            "password": "long-enough",
            "role": "practitioner",
            "practitioner_id": str(uuid.uuid4()),
        },
        {"email": "a@example.com", "password": "long-enough", "role": "admin", "extra": 1},
        *(
            {"email": "a@example.com", "password": "long-enough", "role": "admin", "active": v}
            for v in ("false", "true", 0, 1)
        ),
    ]
    for body in bad_bodies:
        response = client.post("/api/v1/users", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json()["errors"]
    assert _count(db) == before


def test_active_is_a_json_boolean_in_a_patch(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = auth_headers(make_user(db), settings)
    target = make_user(db, role=Role.RECEPTIONIST)
    for value in ("false", 0, 1):
        response = client.patch(
            f"/api/v1/users/{target.id}", json={"active": value}, headers=headers
        )
        assert response.status_code == 422, value
        assert any("active" in err["loc"] for err in response.json()["errors"])
    db.expire_all()
    stored = db.get(User, target.id)
    assert stored is not None
    assert stored.active is True


def test_only_admins_manage_users(client: TestClient, db: Session, settings: Settings) -> None:
    target = make_user(db)
    for role in (Role.RECEPTIONIST, Role.PRACTITIONER, Role.PATIENT):
        headers = auth_headers(make_user(db, role=role), settings)
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        assert client.get(f"/api/v1/users/{target.id}", headers=headers).status_code == 403
        patch = client.patch(f"/api/v1/users/{target.id}", json={"active": False}, headers=headers)
        assert patch.status_code == 403


def test_unknown_user_is_404(client: TestClient, db: Session, settings: Settings) -> None:
    headers = auth_headers(make_user(db), settings)
    assert client.get(f"/api/v1/users/{uuid.uuid4()}", headers=headers).status_code == 404


def test_pagination_walks_every_user_once(
    client: TestClient, db: Session, settings: Settings
) -> None:
    admin = make_user(db)
    for _ in range(24):
        make_user(db, role=Role.RECEPTIONIST)
    headers = auth_headers(admin, settings)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/users", params=params, headers=headers).json()
        assert len(page["items"]) <= 7
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == _count(db)
    receptionists = client.get("/api/v1/users?role=receptionist&limit=200", headers=headers)
    assert len(receptionists.json()["items"]) == 24


def test_account_etag_and_stale_if_match_is_412(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = auth_headers(make_user(db), settings)
    target = make_user(db, role=Role.RECEPTIONIST)
    read = client.get(f"/api/v1/users/{target.id}", headers=headers)
    tag = read.headers["etag"]
    changed = client.patch(
        f"/api/v1/users/{target.id}", json={"active": False}, headers=headers | {"If-Match": tag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag
    stale = client.patch(
        f"/api/v1/users/{target.id}", json={"active": True}, headers=headers | {"If-Match": tag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    db.expire_all()
    stored = db.get(User, target.id)
    assert stored is not None
    assert stored.active is False
