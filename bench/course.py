"""Course scheduling benchmark (issue 5), run by hand, on PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/course.py

It builds a fresh database with one practitioner whose calendar is busy (hundreds of booked
sessions over the next 6 months), starts one `uvicorn api.main:app` process, and schedules a
25-session weekly course through `POST /api/v1/treatment-plans/{id}/schedule`, RUNS times, each
on a fresh plan of a fresh patient (dry_run false, so every run really books 25 sessions and
the calendar grows busier). It reports the median and 95th percentile latency, and the number of
SQL statements one request costs (counted in process with a TestClient and an engine listener),
for a 5-session and a 25-session course.
"""

import importlib.util
import logging
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import Settings, normalize_database_url  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.main import create_app  # noqa: E402
from api.sessions.models import TreatmentSession  # noqa: E402
from api.users.models import Role  # noqa: E402
from tests.constants import TEST_SECRET  # noqa: E402
from tests.databases import migrate  # noqa: E402
from tests.factories import (  # noqa: E402
    auth_headers,
    make_clinic,
    make_patient,
    make_plan,
    make_practitioner,
    make_user,
)
from tests.statements import counting  # noqa: E402

# The availability benchmark's harness: fresh database, uvicorn process, percentiles.
_spec = importlib.util.spec_from_file_location("bench_scheduling", ROOT / "bench" / "scheduling.py")
assert _spec is not None and _spec.loader is not None
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

BUSY_SESSIONS = 400  # over the next 183 days, for the one practitioner
DAYS = 183
COURSE = 25
RUNS = 30
WARMUP = 3
BUFFER = 10


def seed(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    rng = random.Random(11)
    with Session(engine) as db:
        clinic = make_clinic(db, timezone="Europe/Paris", buffer_minutes=BUFFER)
        zone = ZoneInfo(clinic.timezone)
        hours = [(d, 7 * 60, 21 * 60) for d in range(6)]  # Monday to Saturday, 07:00–21:00
        practitioner = make_practitioner(db, [clinic], hours=hours)
        today = datetime.now(UTC).astimezone(zone).date()
        owners = [make_plan(db, make_patient(db, clinic), practitioner, clinic) for _ in range(40)]
        # Hourly starts keep 45 minutes plus the buffer apart; Sundays are off.
        candidates = [
            (today + timedelta(days=d), hour)
            for d in range(1, DAYS + 1)
            if (today + timedelta(days=d)).weekday() < 6
            for hour in range(7, 21)
        ]
        for k, (day, hour) in enumerate(rng.sample(candidates, BUSY_SESSIONS)):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)
            plan = owners[k % len(owners)]
            db.add(TreatmentSession.for_plan(plan, practitioner.id, start, BUFFER))
        db.flush()
        plans = [
            make_plan(db, make_patient(db, clinic), practitioner, clinic, sessions_planned=COURSE)
            for _ in range(RUNS + WARMUP)
        ]
        small = make_plan(db, make_patient(db, clinic), practitioner, clinic, sessions_planned=5)
        large = make_plan(
            db, make_patient(db, clinic), practitioner, clinic, sessions_planned=COURSE
        )
        settings = Settings(database_url=url, secret_key=TEST_SECRET, access_token_minutes=600)
        receptionist = make_user(db, role=Role.RECEPTIONIST, clinics=[clinic])
        headers = auth_headers(receptionist, settings)
        db.commit()
        result = {
            "zone": zone,
            "today": today,
            "headers": headers,
            "plans": [str(p.id) for p in plans],
            "small": str(small.id),
            "large": str(large.id),
        }
    engine.dispose()
    return result


def first_start(data: dict[str, Any], run: int) -> str:
    """Spread the courses over the week and the day, so that each one meets a busy calendar
    without filling it up."""
    today: date = data["today"]
    working = [
        today + timedelta(days=d) for d in range(2, 9) if (today + timedelta(days=d)).weekday() < 6
    ]
    day = working[run % len(working)]
    hour, quarter = 7 + (run * 5) % 13, (run % 4) * 15
    local = datetime(day.year, day.month, day.day, hour, quarter, tzinfo=data["zone"])
    return local.isoformat()


def statements_per_request(url: str, data: dict[str, Any]) -> dict[int, int]:
    """SQL statements of one course request, counted in process (TestClient + listener)."""
    engine = make_engine(url)
    settings = Settings(database_url=url, secret_key=TEST_SECRET, access_token_minutes=600)
    counts: dict[int, int] = {}
    with TestClient(create_app(settings, engine=engine)) as client:
        for size, plan_id, run in ((5, data["small"], 100), (COURSE, data["large"], 101)):
            with counting(engine) as seen:
                response = client.post(
                    f"/api/v1/treatment-plans/{plan_id}/schedule",
                    json={"first_starts_at": first_start(data, run)},
                    headers=data["headers"],
                )
            assert response.status_code == 201, response.text
            assert len(response.json()["sessions"]) == size
            counts[size] = len(seen)
    engine.dispose()
    return counts


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    base_url = normalize_database_url(os.environ.get("DATABASE_URL", "sqlite:///bench.db"))
    url = harness.fresh_database(base_url)
    migrate(url)
    print(f"Seeding one practitioner with {BUSY_SESSIONS} sessions over {DAYS} days…")
    data = seed(url)
    headers = data["headers"]
    process, base = harness.start_server(url, workers=1)
    times: list[float] = []
    dry: list[float] = []
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for run, plan_id in enumerate(data["plans"]):
                path = f"/api/v1/treatment-plans/{plan_id}/schedule"
                body = {"first_starts_at": first_start(data, run)}
                t0 = time.perf_counter()
                trial = client.post(path, json={**body, "dry_run": True}, headers=headers)
                dry_ms = (time.perf_counter() - t0) * 1000
                assert trial.status_code == 200, trial.text
                t0 = time.perf_counter()
                response = client.post(path, json=body, headers=headers)
                elapsed = (time.perf_counter() - t0) * 1000
                assert response.status_code == 201, response.text
                assert len(response.json()["sessions"]) == COURSE
                if run >= WARMUP:
                    times.append(elapsed)
                    dry.append(dry_ms)
    finally:
        process.terminate()
        process.wait(timeout=10)
    statements = statements_per_request(url, data)

    print(f"machine: {os.cpu_count()} cores; database: {url.split('://')[0]}")
    print(
        f"course of {COURSE} weekly sessions, busy calendar ({BUSY_SESSIONS} + up to "
        f"{(RUNS + WARMUP) * COURSE} sessions), {RUNS} runs: median "
        f"{statistics.median(times):.1f} ms, p95 {harness.p95(times):.1f} ms "
        f"(dry run: median {statistics.median(dry):.1f} ms, p95 {harness.p95(dry):.1f} ms)"
    )
    print(
        "SQL statements per request: "
        + ", ".join(f"{n} for a {size}-session course" for size, n in statements.items())
    )


if __name__ == "__main__":
    main()
