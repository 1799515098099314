"""Booking race (issue 11 point 9), run by hand, on PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/race.py
    ROUNDS=20 scripts/with-postgres .venv/bin/python bench/race.py

ROUNDS (default 200) rounds of RACERS (default 50) simultaneous bookings of one slot: one
practitioner, one new slot per round, each request on a different patient's plan, spread over
two API processes (uvicorn, one process each) on one PostgreSQL database. Every round must end
in exactly one 201 and no 5xx; at the end the database must hold no two non-cancelled
overlapping sessions of one practitioner (or patient), and exactly one session per round.
Bounded: each request times out after 30 s, the whole run after MAX_SECONDS (default 900).
"""

import logging
import os
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from harness import Deadline, api_processes, double_bookings, make_plans, prepare_database
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import make_engine
from api.users.models import Role
from tests.constants import TEST_SECRET
from tests.factories import auth_headers, make_clinic, make_practitioner, make_user

ROUNDS = int(os.environ.get("ROUNDS", "200"))
RACERS = int(os.environ.get("RACERS", "50"))
MAX_SECONDS = float(os.environ.get("MAX_SECONDS", "900"))
BUFFER = 10
FIRST_HOUR, HOURS_A_DAY = 8, 12


def seed(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    with Session(engine) as db:
        clinic = make_clinic(db, timezone="Europe/Paris", buffer_minutes=BUFFER)
        zone = ZoneInfo(clinic.timezone)
        hours = [(d, FIRST_HOUR * 60, (FIRST_HOUR + HOURS_A_DAY) * 60) for d in range(7)]
        practitioner = make_practitioner(db, [clinic], hours=hours)
        plans = make_plans(db, clinic, practitioner, ROUNDS * RACERS)
        first = (datetime.now(UTC).astimezone(zone) + timedelta(days=1)).date()
        slots = []
        for r in range(ROUNDS):
            day, hour = divmod(r, HOURS_A_DAY)
            d = first + timedelta(days=day)
            slots.append(datetime(d.year, d.month, d.day, FIRST_HOUR + hour, tzinfo=zone))
        settings = Settings(database_url=url, secret_key=TEST_SECRET, access_token_minutes=600)
        receptionist = make_user(db, role=Role.RECEPTIONIST, clinics=[clinic])
        headers = auth_headers(receptionist, settings)
        db.commit()
        result = {
            "practitioner_id": str(practitioner.id),
            "plans": [str(p.id) for p in plans],
            "slots": [s.isoformat() for s in slots],
            "headers": headers,
        }
    engine.dispose()
    return result


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    deadline = Deadline(MAX_SECONDS)
    url = prepare_database()
    print(f"Seeding one practitioner and {ROUNDS * RACERS} patients with a plan each…")
    data = seed(url)
    headers = data["headers"]
    local = threading.local()
    statuses: Counter[int] = Counter()
    rounds_ok = 0
    rounds_run = 0
    bad_rounds: list[tuple[int, dict[int, int]]] = []
    durations: list[float] = []
    errors: Counter[str] = Counter()
    started = time.monotonic()
    with api_processes(url, 2) as apis, ThreadPoolExecutor(RACERS) as pool:
        bases = [api.base for api in apis]
        barrier = threading.Barrier(RACERS)

        def book(i: int, plan_id: str, start: str) -> int:
            if not hasattr(local, "clients"):
                # Idle connections are dropped before uvicorn's 5-second keep-alive ends, so a
                # request is never sent on a connection the server is closing.
                limits = httpx.Limits(keepalive_expiry=2.0)
                local.clients = [httpx.Client(base_url=b, timeout=30, limits=limits) for b in bases]
            client: httpx.Client = local.clients[i % len(bases)]
            body = {
                "treatment_plan_id": plan_id,
                "practitioner_id": data["practitioner_id"],
                "starts_at": start,
            }
            barrier.wait(timeout=60)
            try:
                return client.post("/api/v1/sessions", json=body, headers=headers).status_code
            except httpx.TransportError as exc:
                errors[type(exc).__name__] += 1
                return -1

        for r, start in enumerate(data["slots"]):
            if deadline.passed():
                print(f"stopped after {r} rounds: MAX_SECONDS reached")
                break
            plans = data["plans"][r * RACERS : (r + 1) * RACERS]
            t0 = time.monotonic()
            futures = [pool.submit(book, i, p, start) for i, p in enumerate(plans)]
            got = Counter(f.result() for f in futures)
            durations.append(time.monotonic() - t0)
            statuses.update(got)
            rounds_run += 1
            if got[201] == 1 and all(0 < s < 500 for s in got):
                rounds_ok += 1
            else:
                bad_rounds.append((r, dict(got)))
            if (r + 1) % 20 == 0:
                print(f"  {r + 1} rounds, {time.monotonic() - started:.0f} s")
    elapsed = time.monotonic() - started

    engine = make_engine(url)
    with engine.connect() as c:
        sessions = c.execute(text("SELECT count(*) FROM sessions")).scalar_one()
    engine.dispose()
    by_practitioner, by_patient = double_bookings(url)
    five_xx = sum(n for s, n in statuses.items() if s >= 500)
    print(f"machine: {os.cpu_count()} cores; 2 API processes on one PostgreSQL")
    print(
        f"{rounds_run} rounds of {RACERS} simultaneous bookings of one slot in {elapsed:.0f} s "
        f"({rounds_run * RACERS} requests): answers {dict(sorted(statuses.items()))}"
    )
    print(
        f"round duration (first request sent to last answer): median "
        f"{statistics.median(durations):.2f} s, max {max(durations):.2f} s"
    )
    print(f"rounds with exactly one 201 and no 5xx: {rounds_ok} of {rounds_run}")
    for r, answers in bad_rounds[:10]:
        print(f"  round {r}: {answers}")
    print(f"5xx: {five_xx}; transport errors: {statuses[-1]} {dict(errors)}")
    print(
        f"sessions in the database: {sessions} (one per round: {sessions == rounds_run}); "
        f"overlapping non-cancelled pairs: {by_practitioner} for a practitioner, "
        f"{by_patient} for a patient"
    )
    held = rounds_ok == rounds_run and five_xx == 0 and sessions == rounds_run
    held = held and by_practitioner == 0 and by_patient == 0
    print("HELD" if held else "FAILED")
    raise SystemExit(0 if held else 1)


if __name__ == "__main__":
    main()
