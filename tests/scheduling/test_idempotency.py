"""Idempotency-Key on POST /api/v1/sessions."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.idempotency.models import IdempotencyRecord
from api.vocabulary import Role
from tests.factories import auth_headers, make_user
from tests.scheduling.helpers import NOW, TUESDAY, Setup, book, codes, count_sessions


def test_a_retry_with_the_same_key_and_body_gets_the_first_answer(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    headers = {**staff, "Idempotency-Key": "book-1"}
    first = book(client, headers, setup, setup.at(TUESDAY, 10))
    again = book(client, headers, setup, setup.at(TUESDAY, 10))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert count_sessions(db) == 1


def test_the_same_key_with_another_body_is_422(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    headers = {**staff, "Idempotency-Key": "book-2"}
    assert book(client, headers, setup, setup.at(TUESDAY, 10)).status_code == 201
    other = book(client, headers, setup, setup.at(TUESDAY, 11))
    assert other.status_code == 422
    assert other.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert count_sessions(db) == 1


def test_keys_belong_to_their_user(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str], settings: Settings
) -> None:
    colleague = auth_headers(
        make_user(db, role=Role.RECEPTIONIST, clinics=[setup.clinic]), settings
    )
    mine = book(client, {**staff, "Idempotency-Key": "k"}, setup, setup.at(TUESDAY, 10))
    assert mine.status_code == 201
    theirs = book(client, {**colleague, "Idempotency-Key": "k"}, setup, setup.at(TUESDAY, 10))
    assert "slot_taken" in codes(theirs)  # evaluated, not replayed


def test_a_key_older_than_a_day_is_forgotten(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    headers = {**staff, "Idempotency-Key": "old"}
    monday_week = setup.at(TUESDAY + timedelta(days=6), 10)
    assert book(client, headers, setup, monday_week).status_code == 201
    clock.freeze(NOW + timedelta(hours=24, minutes=1))
    assert "slot_taken" in codes(book(client, headers, setup, monday_week))  # not replayed
    # Nor is the old body held against the key: it is purged and used afresh.
    later = monday_week + timedelta(days=7)
    assert book(client, headers, setup, later).status_code == 201
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_a_refusal_is_not_remembered(
    client: TestClient, db: Session, setup: Setup, staff: dict[str, str]
) -> None:
    headers = {**staff, "Idempotency-Key": "refused"}
    assert codes(book(client, headers, setup, setup.at(TUESDAY, 20))) == ["outside_working_hours"]
    assert book(client, headers, setup, setup.at(TUESDAY, 20)).status_code == 409
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
