"""A database that cannot be reached answers 503 with Retry-After (and /ready 503), never
500; the first request once it is back succeeds. A deadlock between two bookings inserting at
the same moment is a 409 for the loser, never a 500."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import make_engine
from api.errors import RuleConflict
from api.main import create_app
from api.scheduling.booking import flush_booking
from api.sessions.models import TreatmentSession
from tests.constants import NINE_TO_FIVE, TEST_SECRET
from tests.databases import DatabaseFactory, migrate
from tests.factories import make_patient, make_plan, make_practitioner
from tests.scheduling.helpers import make_setup


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # nothing listens on it once the socket is closed


def _assert_unavailable(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0


@contextmanager
def _served(url: str) -> Iterator[TestClient]:
    """The whole app on its own engine for `url` (the suite's database is not involved)."""
    engine = make_engine(url)
    try:
        settings = Settings(database_url=url, secret_key=TEST_SECRET)
        with TestClient(create_app(settings, engine)) as client:
            yield client
    finally:
        engine.dispose()


def test_an_unreachable_postgresql_answers_503() -> None:
    with _served(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/meso") as client:
        _assert_unavailable(client, "/api/v1/clinics")
        _assert_unavailable(client, "/ready")
        assert client.get("/health").status_code == 200
        login = client.post("/api/v1/auth/token", data={"username": "a@b.c", "password": "x"})
        assert login.status_code == 503


def test_a_missing_sqlite_database_answers_503_then_recovers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'later' / 'clinic.db'}"
    with _served(url) as client:
        _assert_unavailable(client, "/api/v1/clinics")
        _assert_unavailable(client, "/ready")
        (tmp_path / "later").mkdir()
        migrate(url)
        assert client.get("/api/v1/clinics").status_code == 200
        assert client.get("/ready").status_code == 200


@pytest.mark.slow
def test_a_deadlock_between_two_bookings_is_a_409_for_the_loser(
    databases: DatabaseFactory,
) -> None:
    """Each transaction has inserted a session the other's next one overlaps (a course race):
    PostgreSQL aborts one of them, and that one is told the slot was taken."""
    if not databases.is_postgres:
        pytest.skip("SQLite serializes writers: no deadlock can happen")
    with databases.fresh() as url:
        engine = make_engine(url)
        try:
            with Session(engine) as db:
                setup = make_setup(db)
                other = make_practitioner(db, [setup.clinic], hours=NINE_TO_FIVE)
                plans = [
                    make_plan(db, make_patient(db, setup.clinic), p, setup.clinic)
                    for p in (setup.practitioner, other, setup.practitioner, other)
                ]
                db.commit()
                start = setup.at(date(2026, 12, 20), 10)
                ids = [(p.id, p.patient_id, p.practitioner_id, setup.clinic.id) for p in plans]

            def session(i: int, at_minutes: int) -> TreatmentSession:
                plan_id, patient_id, practitioner_id, clinic_id = ids[i]
                at = start + timedelta(minutes=at_minutes)
                return TreatmentSession(
                    plan_id=plan_id,
                    patient_id=patient_id,
                    practitioner_id=practitioner_id,
                    clinic_id=clinic_id,
                    starts_at=at,
                    ends_at=at + timedelta(minutes=45),
                    buffer_ends_at=at + timedelta(minutes=45),
                    status="booked",
                )

            both_first = threading.Barrier(2)
            outcomes: list[str] = []

            def course(first: int, second: int) -> None:
                with Session(engine) as db:
                    db.add(session(first, 0))
                    db.flush()
                    both_first.wait(timeout=30)
                    db.add(session(second, 15))  # overlaps the other's first session
                    try:
                        flush_booking(db)
                        db.commit()
                        outcomes.append("booked")
                    except RuleConflict as refused:
                        outcomes.append(refused.conflicts[0].code)

            threads = [
                threading.Thread(target=course, args=(0, 3)),  # practitioner A, then B
                threading.Thread(target=course, args=(1, 2)),  # practitioner B, then A
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert not any(t.is_alive() for t in threads)
        finally:
            engine.dispose()
    assert sorted(outcomes) == ["booked", "slot_taken"]
