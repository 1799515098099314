"""/practitioners/{id}/time-off: aware instants, ends after starts, list by start, delete."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.config import Settings
from api.practitioners.models import Practitioner, TimeOff
from api.vocabulary import Role
from tests.factories import auth_headers, make_clinic, make_practitioner, make_user


def url(practitioner: Practitioner) -> str:
    return f"/api/v1/practitioners/{practitioner.id}/time-off"


def time_off_count(db: Session) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(TimeOff)) or 0)


def test_time_off_is_created_listed_by_start_and_deleted(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    practitioner = make_practitioner(db)
    later = {
        "starts_at": "2030-08-01T00:00:00+02:00",
        "ends_at": "2030-08-15T00:00:00+02:00",
        "reason": "Summer holidays",
    }
    earlier = {"starts_at": "2030-03-02T09:00:00Z", "ends_at": "2030-03-02T13:00:00Z"}
    created = client.post(url(practitioner), json=later, headers=as_admin)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["reason"] == "Summer holidays"
    assert body["practitioner_id"] == str(practitioner.id)
    assert body["starts_at"].startswith("2030-07-31T22:00:00")
    assert client.post(url(practitioner), json=earlier, headers=as_admin).status_code == 201

    listing = client.get(url(practitioner), headers=as_admin).json()
    assert [t["reason"] for t in listing["items"]] == ["", "Summer holidays"]
    first = client.get(url(practitioner), params={"limit": 1}, headers=as_admin).json()
    assert len(first["items"]) == 1
    assert first["next_cursor"] is not None

    deleted = client.delete(f"{url(practitioner)}/{body['id']}", headers=as_admin)
    assert deleted.status_code == 204
    assert time_off_count(db) == 1
    again = client.delete(f"{url(practitioner)}/{body['id']}", headers=as_admin)
    assert again.status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"ends_at": "2030-03-02T09:00:00Z"},
        {"ends_at": "2030-03-02T08:00:00Z"},
        {"starts_at": "2030-03-02T09:00:00"},
        {"ends_at": "2030-03-02T13:00:00"},
        {"starts_at": "yesterday"},
        {"starts_at": 1900000000},
        {"starts_at": "1900000000"},
        {"starts_at": "0001-01-01T00:00:00+05:00"},
        {"ends_at": "9999-12-31T23:59:59-05:00"},
        {"reason": "x" * 301},
        {"reason": None},
        {"colour": "blue"},
    ],
)
def test_invalid_time_off_is_422_and_nothing_is_written(
    client: TestClient, db: Session, as_admin: dict[str, str], change: dict[str, Any]
) -> None:
    practitioner = make_practitioner(db)
    body = {"starts_at": "2030-03-02T09:00:00Z", "ends_at": "2030-03-02T13:00:00Z", **change}
    response = client.post(url(practitioner), json=body, headers=as_admin)
    assert response.status_code == 422, response.text
    assert time_off_count(db) == 0


def test_time_off_of_another_practitioner_is_404(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    one, other = make_practitioner(db), make_practitioner(db)
    body = {"starts_at": "2030-03-02T09:00:00Z", "ends_at": "2030-03-02T13:00:00Z"}
    created = client.post(url(one), json=body, headers=as_admin).json()
    assert client.delete(f"{url(other)}/{created['id']}", headers=as_admin).status_code == 404
    missing = f"{url(one)}/00000000-0000-0000-0000-000000000000"
    assert client.delete(missing, headers=as_admin).status_code == 404
    assert time_off_count(db) == 1


def test_a_practitioner_manages_their_own_time_off_only(
    client: TestClient, db: Session, settings: Settings
) -> None:
    own, other = make_practitioner(db), make_practitioner(db)
    headers = auth_headers(make_user(db, role=Role.PRACTITIONER, practitioner_id=own.id), settings)
    body = {"starts_at": "2030-03-02T09:00:00Z", "ends_at": "2030-03-02T13:00:00Z"}
    created = client.post(url(own), json=body, headers=headers)
    assert created.status_code == 201
    assert client.post(url(other), json=body, headers=headers).status_code == 403
    assert client.get(url(own), headers=headers).status_code == 200
    tid = created.json()["id"]
    assert client.delete(f"{url(own)}/{tid}", headers=headers).status_code == 204


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.PATIENT])
def test_other_roles_may_not_write_time_off(
    client: TestClient, db: Session, settings: Settings, role: Role
) -> None:
    practitioner = make_practitioner(db)
    headers = auth_headers(make_user(db, role=role), settings)
    body = {"starts_at": "2030-03-02T09:00:00Z", "ends_at": "2030-03-02T13:00:00Z"}
    assert client.post(url(practitioner), json=body, headers=headers).status_code == 403
    assert client.post(url(practitioner), json=body).status_code == 401
    assert time_off_count(db) == 0


def test_time_off_is_read_by_staff_of_the_practitioners_clinics_only(
    client: TestClient, db: Session, settings: Settings
) -> None:
    """Its reasons are personal: admins, the practitioner themself, and receptionists or
    practitioners of one of their clinics read it; staff of other clinics and patients get 403."""
    theirs, elsewhere = make_clinic(db), make_clinic(db)
    practitioner = make_practitioner(db, clinics=[theirs])
    body = {"starts_at": "2030-03-02T09:00:00Z", "ends_at": "2030-03-02T13:00:00Z"}
    body["reason"] = "Medical appointment"
    admin = make_user(db, role=Role.ADMIN)
    as_admin = auth_headers(admin, settings)
    assert client.post(url(practitioner), json=body, headers=as_admin).status_code == 201

    colleague = make_practitioner(db, clinics=[theirs, elsewhere])
    stranger = make_practitioner(db, clinics=[elsewhere])
    allowed = {
        "admin": admin,
        "themself": make_user(db, role=Role.PRACTITIONER, practitioner_id=practitioner.id),
        "receptionist of their clinic": make_user(db, role=Role.RECEPTIONIST, clinics=[theirs]),
        "colleague": make_user(
            db, role=Role.PRACTITIONER, practitioner_id=colleague.id, clinics=[theirs, elsewhere]
        ),
    }
    refused = {
        "receptionist elsewhere": make_user(db, role=Role.RECEPTIONIST, clinics=[elsewhere]),
        "receptionist of no clinic": make_user(db, role=Role.RECEPTIONIST),
        "practitioner elsewhere": make_user(
            db, role=Role.PRACTITIONER, practitioner_id=stranger.id, clinics=[elsewhere]
        ),
        "patient": make_user(db, role=Role.PATIENT),
    }
    for who, user in allowed.items():
        response = client.get(url(practitioner), headers=auth_headers(user, settings))
        assert response.status_code == 200, who
        assert [t["reason"] for t in response.json()["items"]] == ["Medical appointment"], who
    for who, user in refused.items():
        response = client.get(url(practitioner), headers=auth_headers(user, settings))
        assert response.status_code == 403, who
        assert response.headers["content-type"] == "application/problem+json", who
        assert "Medical appointment" not in response.text, who
    missing = "/api/v1/practitioners/00000000-0000-0000-0000-000000000000/time-off"
    assert (
        client.get(
            missing, headers=auth_headers(refused["receptionist elsewhere"], settings)
        ).status_code
        == 404
    )
