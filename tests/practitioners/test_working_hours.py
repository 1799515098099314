"""PUT/GET /practitioners/{id}/working-hours: weekly local wall-clock intervals per clinic."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.config import Settings
from api.vocabulary import Role
from tests.factories import (
    auth_headers,
    make_clinic,
    make_practitioner,
    make_user,
    make_working_hours,
)
from tests.practitioners.helpers import hours, stored, url


@pytest.fixture
def two_clinics(db: Session) -> tuple[Clinic, Clinic]:
    first = make_clinic(db)
    second = make_clinic(db, timezone="America/New_York", currency="USD", country="US")
    return (first, second) if str(first.id) < str(second.id) else (second, first)


def test_put_stores_minutes_and_get_returns_them_sorted(
    client: TestClient,
    db: Session,
    as_admin: dict[str, str],
    two_clinics: tuple[Clinic, Clinic],
) -> None:
    a, b = two_clinics
    practitioner = make_practitioner(db, clinics=[a, b])
    body = [
        hours(b, 2, "09:00", "12:00"),
        hours(a, 0, "14:00", "17:30"),
        hours(a, 0, "09:00", "12:00"),
        hours(a, 1, "09:15", "24:00"),
    ]
    response = client.put(url(practitioner), json=body, headers=as_admin)
    assert response.status_code == 200, response.text
    expected = [
        hours(a, 0, "09:00", "12:00"),
        hours(a, 0, "14:00", "17:30"),
        hours(a, 1, "09:15", "24:00"),
        hours(b, 2, "09:00", "12:00"),
    ]
    assert response.json() == expected
    assert stored(db) == [(0, 540, 720), (0, 840, 1050), (1, 555, 1440), (2, 540, 720)]
    assert client.get(url(practitioner), headers=as_admin).json() == expected


def test_put_replaces_the_previous_hours(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    other = make_practitioner(db, clinics=[clinic])
    make_working_hours(db, practitioner, clinic, weekday=4, start_minute=600, end_minute=660)
    make_working_hours(db, other, clinic, weekday=5, start_minute=600, end_minute=660)
    response = client.put(
        url(practitioner), json=[hours(clinic, 3, "08:00", "10:00")], headers=as_admin
    )
    assert response.status_code == 200
    assert stored(db) == [(3, 480, 600), (5, 600, 660)]
    assert client.put(url(practitioner), json=[], headers=as_admin).json() == []
    assert stored(db) == [(5, 600, 660)]


def test_hours_ending_at_midnight_are_accepted(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    body = [hours(clinic, 6, "18:00", "24:00"), hours(clinic, 0, "00:00", "02:00")]
    response = client.put(url(practitioner), json=body, headers=as_admin)
    assert response.status_code == 200, response.text
    assert stored(db) == [(0, 0, 120), (6, 1080, 1440)]


def test_touching_intervals_are_not_overlapping(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    body = [hours(clinic, 0, "09:00", "12:00"), hours(clinic, 0, "12:00", "13:00")]
    assert client.put(url(practitioner), json=body, headers=as_admin).status_code == 200


@pytest.mark.parametrize(
    "intervals",
    [
        [(0, "09:00", "12:00"), (0, "11:59", "13:00")],
        [(0, "09:00", "17:00"), (0, "10:00", "11:00")],
        [(0, "09:00", "17:00"), (0, "12:00", "13:00"), (0, "14:00", "15:00")],
        [(3, "09:00", "12:00"), (3, "09:00", "12:00")],
    ],
)
def test_overlapping_intervals_on_one_weekday_are_422(
    client: TestClient,
    db: Session,
    as_admin: dict[str, str],
    intervals: list[tuple[int, str, str]],
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    make_working_hours(db, practitioner, clinic, weekday=6, start_minute=600, end_minute=660)
    body = [hours(clinic, d, s, e) for d, s, e in intervals]
    response = client.put(url(practitioner), json=body, headers=as_admin)
    assert response.status_code == 422, response.text
    assert stored(db) == [(6, 600, 660)]


def test_overlap_across_two_clinics_of_one_zone_is_422(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    a, b = make_clinic(db), make_clinic(db)
    practitioner = make_practitioner(db, clinics=[a, b])
    body = [hours(a, 0, "09:00", "12:00"), hours(b, 0, "11:00", "13:00")]
    assert client.put(url(practitioner), json=body, headers=as_admin).status_code == 422
    body = [hours(a, 0, "09:00", "12:00"), hours(b, 1, "11:00", "13:00")]
    assert client.put(url(practitioner), json=body, headers=as_admin).status_code == 200


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("12:00", "12:00"),
        ("17:00", "09:00"),
        ("24:00", "24:00"),
        ("9:00", "17:00"),
        ("09:00", "24:01"),
        ("09:00", "25:00"),
        ("09:60", "17:00"),
        ("09:00:00", "17:00"),
        ("nine", "17:00"),
    ],
)
def test_inverted_or_malformed_intervals_are_422(
    client: TestClient, db: Session, as_admin: dict[str, str], start: str, end: str
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    body = [hours(clinic, 0, "06:00", "07:00"), hours(clinic, 1, start, end)]
    response = client.put(url(practitioner), json=body, headers=as_admin)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"][:2] == ["body", 1]
    assert stored(db) == []


@pytest.mark.parametrize(
    "item",
    [
        {"weekday": 7},
        {"weekday": -1},
        {"weekday": "monday"},
        {"weekday": True},
        {"weekday": "1"},
        {"clinic_id": "not-a-uuid"},
        {"extra": True},
    ],
)
def test_malformed_items_are_422(
    client: TestClient, db: Session, as_admin: dict[str, str], item: dict[str, Any]
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    body = [{**hours(clinic, 0, "09:00", "12:00"), **item}]
    assert client.put(url(practitioner), json=body, headers=as_admin).status_code == 422
    assert client.put(url(practitioner), json={"items": []}, headers=as_admin).status_code == 422


def test_hours_at_a_clinic_the_practitioner_does_not_work_at_are_422(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    works_at, elsewhere = make_clinic(db), make_clinic(db)
    practitioner = make_practitioner(db, clinics=[works_at])
    body = [hours(works_at, 0, "09:00", "12:00"), hours(elsewhere, 1, "09:00", "12:00")]
    response = client.put(url(practitioner), json=body, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", 1, "clinic_id"]
    assert stored(db) == []


def test_a_practitioner_sets_their_own_hours_only(
    client: TestClient, db: Session, settings: Settings
) -> None:
    clinic = make_clinic(db)
    own, other = make_practitioner(db, clinics=[clinic]), make_practitioner(db, clinics=[clinic])
    user = make_user(db, role=Role.PRACTITIONER, practitioner_id=own.id, clinics=[clinic])
    headers = auth_headers(user, settings)
    body = [hours(clinic, 0, "09:00", "12:00")]
    assert client.put(url(own), json=body, headers=headers).status_code == 200
    assert client.put(url(other), json=body, headers=headers).status_code == 403
    assert stored(db) == [(0, 540, 720)]


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.PATIENT])
def test_other_roles_may_read_but_not_set_hours(
    client: TestClient, db: Session, settings: Settings, role: Role
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, clinics=[clinic])
    make_working_hours(db, practitioner, clinic, weekday=0, start_minute=540, end_minute=720)
    headers = auth_headers(make_user(db, role=role), settings)
    body = [hours(clinic, 1, "09:00", "12:00")]
    assert client.put(url(practitioner), json=body, headers=headers).status_code == 403
    read = client.get(url(practitioner), headers=headers)
    assert read.status_code == 200
    assert read.json() == [hours(clinic, 0, "09:00", "12:00")]
    assert client.put(url(practitioner), json=body).status_code == 401
