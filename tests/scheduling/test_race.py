"""No double booking under real concurrency: many clients race for one slot against running
servers (uvicorn subprocesses) on a fresh database, each request on its own connection."""

import threading
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.db import make_engine
from api.errors import RuleConflict
from api.scheduling.booking import flush_booking
from api.sessions.models import TreatmentSession
from api.vocabulary import Role
from tests.constants import NINE_TO_FIVE, TEST_SECRET
from tests.databases import DatabaseFactory
from tests.factories import (
    auth_headers,
    make_clinic,
    make_patient,
    make_plan,
    make_practitioner,
    make_session,
    make_user,
)
from tests.scheduling.helpers import make_setup
from tests.servers import server

CLIENTS = 24


def _arrange(url: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """One practitioner and CLIENTS patients with a plan each; the bodies and one login."""
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            clinic = make_clinic(db, timezone="Europe/Paris")
            practitioner = make_practitioner(db, [clinic], hours=NINE_TO_FIVE)
            zone = ZoneInfo(clinic.timezone)
            tomorrow: date = (clock.now().astimezone(zone) + timedelta(days=2)).date()
            start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=zone)
            bodies = []
            for _ in range(CLIENTS):
                plan = make_plan(db, make_patient(db, clinic), practitioner, clinic)
                bodies.append(
                    {
                        "treatment_plan_id": str(plan.id),
                        "practitioner_id": str(practitioner.id),
                        "starts_at": start.isoformat(),
                    }
                )
            settings = Settings(database_url=url, secret_key=TEST_SECRET)
            headers = [
                auth_headers(make_user(db, role=Role.ADMIN), settings) for _ in range(CLIENTS)
            ]
            db.commit()
            return bodies, headers
    finally:
        engine.dispose()


def _race(
    bases: list[str], bodies: list[dict[str, str]], headers: list[dict[str, str]]
) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(bodies))
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        # Its own client, so its own connection to the server.
        with httpx.Client(base_url=bases[i % len(bases)], timeout=60) as client:
            client.get("/health")
            barrier.wait(timeout=30)
            response = client.post("/api/v1/sessions", json=bodies[i], headers=headers[i])
        code = response.json()["conflicts"][0]["code"] if response.status_code == 409 else ""
        with lock:
            answers.append((response.status_code, code))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads)
    return answers


def _sessions(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            return db.scalar(select(func.count()).select_from(TreatmentSession)) or 0
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("processes", [1, 2], ids=["one-server", "two-servers"])
def test_concurrent_bookings_of_one_slot_give_exactly_one_session(
    databases: DatabaseFactory, processes: int
) -> None:
    if processes == 2 and not databases.is_postgres:
        pytest.skip("two server processes sharing one database: run on PostgreSQL")
    with databases.fresh() as url:
        bodies, headers = _arrange(url)
        with ExitStack() as stack:
            bases = [stack.enter_context(server(url)) for _ in range(processes)]
            answers = _race(bases, bodies, headers)
        assert sorted(answers) == [(201, "")] + [(409, "slot_taken")] * (CLIENTS - 1)
        assert _sessions(url) == 1


@pytest.mark.parametrize("overlap", ["practitioner", "patient"])
def test_the_database_refuses_an_overlap_that_slips_past_the_check(
    db: Session, databases: DatabaseFactory, overlap: str
) -> None:
    """What a concurrent writer would meet: the exclusion constraint, turned into a 409."""
    if not databases.is_postgres:
        pytest.skip("exclusion constraints exist on PostgreSQL; SQLite serializes writers")
    setup = make_setup(db)
    start = setup.at(date(2026, 12, 1), 10)
    make_session(db, setup.plan, starts_at=start)
    if overlap == "practitioner":
        plan = make_plan(db, make_patient(db, setup.clinic), setup.practitioner, setup.clinic)
    else:
        plan = make_plan(
            db,
            setup.patient,
            make_practitioner(db, [setup.clinic], hours=NINE_TO_FIVE),
            setup.clinic,
        )
    with db.begin_nested():
        db.add(
            TreatmentSession(
                plan_id=plan.id,
                patient_id=plan.patient_id,
                practitioner_id=plan.practitioner_id,
                clinic_id=setup.clinic.id,
                starts_at=start + timedelta(minutes=15),
                ends_at=start + timedelta(minutes=60),
                buffer_ends_at=start + timedelta(minutes=60),
                status="booked",
            )
        )
        with pytest.raises(RuleConflict) as refused:
            flush_booking(db)
    expected = "slot_taken" if overlap == "practitioner" else "patient_busy"
    assert [c.code for c in refused.value.conflicts] == [expected]
