"""Courses scheduled at the same time for one practitioner, against running servers: each
answer is a whole course or a refusal, and no two stored sessions ever overlap."""

import threading
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.db import make_engine
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
    make_user,
)
from tests.servers import server

CLIENTS = 8
COURSE = 5


def _arrange(url: str) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    """One practitioner; CLIENTS patients with a 5-session plan each, all asking for the same
    first start. Returns (path, body, headers) per client."""
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            clinic = make_clinic(db, timezone="Europe/Paris")
            practitioner = make_practitioner(db, [clinic], hours=NINE_TO_FIVE)
            zone = ZoneInfo(clinic.timezone)
            day: date = (clock.now().astimezone(zone) + timedelta(days=2)).date()
            first = datetime(day.year, day.month, day.day, 10, tzinfo=zone).isoformat()
            settings = Settings(database_url=url, secret_key=TEST_SECRET)
            requests = []
            for _ in range(CLIENTS):
                plan = make_plan(
                    db, make_patient(db, clinic), practitioner, clinic, sessions_planned=COURSE
                )
                requests.append(
                    (
                        f"/api/v1/treatment-plans/{plan.id}/schedule",
                        {"first_starts_at": first},
                        auth_headers(
                            make_user(db, role=Role.RECEPTIONIST, clinics=[clinic]), settings
                        ),
                    )
                )
            db.commit()
            return requests
    finally:
        engine.dispose()


def _race(
    bases: list[str], requests: list[tuple[str, dict[str, Any], dict[str, str]]]
) -> list[tuple[int, list[str]]]:
    barrier = threading.Barrier(len(requests))
    answers: list[tuple[int, list[str]]] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        path, body, headers = requests[i]
        with httpx.Client(base_url=bases[i % len(bases)], timeout=60) as client:
            client.get("/health")
            barrier.wait(timeout=30)
            response = client.post(path, json=body, headers=headers)
        data = response.json()
        found = [c["code"] for c in data.get("conflicts", [])]
        with lock:
            answers.append((response.status_code, found or [s["id"] for s in data["sessions"]]))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads)
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("processes", [1, 2], ids=["one-server", "two-servers"])
def test_concurrent_courses_never_overlap_and_are_whole(
    databases: DatabaseFactory, processes: int
) -> None:
    if processes == 2 and not databases.is_postgres:
        pytest.skip("two server processes sharing one database: run on PostgreSQL")
    with databases.fresh() as url:
        requests = _arrange(url)
        with ExitStack() as stack:
            bases = [stack.enter_context(server(url)) for _ in range(processes)]
            answers = _race(bases, requests)
        created = [ids for status, ids in answers if status == 201]
        refused = [codes for status, codes in answers if status != 201]
        assert created, answers
        assert all(len(ids) == COURSE for ids in created)
        assert all(codes in (["slot_taken"], ["patient_busy"]) for codes in refused), answers
        engine = make_engine(url)
        try:
            with Session(engine) as db:
                rows = db.execute(
                    select(
                        TreatmentSession.id,
                        TreatmentSession.starts_at,
                        TreatmentSession.buffer_ends_at,
                    ).order_by(TreatmentSession.starts_at)
                ).all()
        finally:
            engine.dispose()
        assert sorted(str(r.id) for r in rows) == sorted(i for ids in created for i in ids)
        for before, after in pairwise(rows):
            assert before.buffer_ends_at <= after.starts_at, (before, after)
