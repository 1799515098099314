"""Availability and booking benchmark (issue 4), run by hand, on PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/scheduling.py
    BENCH_WORKERS=2 scripts/with-postgres .venv/bin/python bench/scheduling.py

It builds a fresh database (20 practitioners at one clinic, 5,000 booked sessions over the next
31 days), starts `uvicorn api.main:app` (one process, or BENCH_WORKERS worker processes) and
reports, in the same run:
- a bare GET /health: median latency and throughput with concurrent clients;
- availability for the whole clinic over 31 days: median and 95th percentile, and the number
  of SQL statements its query side costs;
- booking throughput (201s per second with concurrent clients, each booking free slots).
"""

import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import event, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import Settings, normalize_database_url  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.scheduling.availability import find_slots  # noqa: E402
from api.sessions.models import TreatmentSession  # noqa: E402
from api.users.models import Role  # noqa: E402
from tests.conftest import TEST_SECRET  # noqa: E402
from tests.databases import migrate  # noqa: E402
from tests.factories import auth_headers, make_user  # noqa: E402
from tests.factories_sessions import (  # noqa: E402
    make_clinic,
    make_patient,
    make_plan,
    make_practitioner,
)

PRACTITIONERS = 20
SESSIONS = 5000
DAYS = 31
CLIENTS = 8
RUNS = 60
SECONDS = 5.0
BOOKING_PLANS = 1500
BUFFER_MINUTES = 10
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))


def fresh_database(base: str) -> str:
    if base.startswith("sqlite"):
        path = ROOT / "bench-scheduling.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text('DROP DATABASE IF EXISTS "meso_bench" WITH (FORCE)'))
        c.execute(text('CREATE DATABASE "meso_bench"'))
    admin.dispose()
    return make_url(base).set(database="meso_bench").render_as_string(hide_password=False)


def seed(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    rng = random.Random(7)
    with Session(engine) as db:
        clinic = make_clinic(db, "Europe/Paris", buffer_minutes=BUFFER_MINUTES)
        zone = ZoneInfo(clinic.timezone)
        hours = [(d, 8 * 60, 20 * 60) for d in range(7)]
        practitioners = [make_practitioner(db, [clinic], hours=hours) for _ in range(PRACTITIONERS)]
        first = (datetime.now(UTC).astimezone(zone) + timedelta(days=1)).date()
        per = SESSIONS // PRACTITIONERS
        for p in practitioners:
            # Hourly starts keep 45 minutes plus the buffer apart.
            chosen = rng.sample(range(DAYS * 12), per)
            for k in chosen:
                day, hour = divmod(k, 12)
                d = first + timedelta(days=day)
                start = datetime(d.year, d.month, d.day, 8 + hour, tzinfo=zone).astimezone(UTC)
                plan = make_plan(db, make_patient(db, clinic), p, clinic)
                db.add(TreatmentSession.for_plan(plan, p.id, start, BUFFER_MINUTES))
            db.flush()
        booking_plans = [
            make_plan(db, make_patient(db, clinic), practitioners[i % PRACTITIONERS], clinic)
            for i in range(BOOKING_PLANS)
        ]
        settings = Settings(database_url=url, secret_key=TEST_SECRET, access_token_minutes=600)
        admin = make_user(db, Role.ADMIN)
        headers = auth_headers(admin, settings)
        db.commit()
        result = {
            "clinic_id": str(clinic.id),
            "first": first,
            "headers": headers,
            "plans": [(str(pl.id), str(pl.practitioner_id)) for pl in booking_plans],
            "admin_id": admin.id,
        }
    engine.dispose()
    return result


def statements_of_availability(url: str, data: dict[str, Any]) -> int:
    from api.clinics.models import Clinic
    from api.users.models import User

    engine = make_engine(url)
    counted: list[str] = []
    with Session(engine) as db:
        user = db.get_one(User, data["admin_id"])
        clinic = db.get_one(Clinic, data["clinic_id"])
        first = data["first"]

        def record(*args: Any) -> None:
            counted.append(args[2])

        event.listen(engine, "before_cursor_execute", record)
        find_slots(db, user, clinic.id, first, first + timedelta(days=DAYS - 1))
        event.remove(engine, "before_cursor_execute", record)
    engine.dispose()
    return len(counted)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--workers", str(WORKERS)],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def latencies(call: Callable[[], httpx.Response], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code < 400, response.text
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def throughput(base: str, make_request: Callable[[httpx.Client, int], int]) -> tuple[float, int]:
    """Successful requests per second over SECONDS with CLIENTS threads (own connections)."""
    stop = time.monotonic() + SECONDS
    ok = [0] * CLIENTS
    other = [0] * CLIENTS

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            n = 0
            while time.monotonic() < stop:
                status = make_request(client, i * 100_000 + n)
                n += 1
                if status < 300:
                    ok[i] += 1
                else:
                    other[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(ok) / SECONDS, sum(other)


def main() -> None:
    # The client's own logging of every request would be measured as the server's time.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    base_url = normalize_database_url(os.environ.get("DATABASE_URL", "sqlite:///bench.db"))
    url = fresh_database(base_url)
    migrate(url)
    print(f"Seeding {PRACTITIONERS} practitioners and {SESSIONS} sessions…")
    data = seed(url)
    headers = data["headers"]
    first: date = data["first"]
    params = {
        "clinic_id": data["clinic_id"],
        "from": str(first),
        "to": str(first + timedelta(days=DAYS - 1)),
    }
    statements = statements_of_availability(url, data)
    process, base = start_server(url)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            health = latencies(lambda: client.get("/health"), RUNS)
            latencies(lambda: client.get("/api/v1/availability", params=params, headers=headers), 5)
            avail = latencies(
                lambda: client.get("/api/v1/availability", params=params, headers=headers), RUNS
            )
            slots = client.get("/api/v1/availability", params=params, headers=headers).json()
        by_practitioner: dict[str, list[str]] = {}
        for s in slots["slots"]:
            by_practitioner.setdefault(s["practitioner_id"], []).append(s["starts_at"])
        # Two bookings of one practitioner less than a session and the buffer apart would
        # refuse each other: each client takes a start and drops its neighbours.
        apart = timedelta(minutes=45 + BUFFER_MINUTES)
        plans = data["plans"]
        lock = threading.Lock()

        def health_request(client: httpx.Client, _n: int) -> int:
            return client.get("/health").status_code

        def book_request(client: httpx.Client, _n: int) -> int:
            with lock:
                if not plans:
                    return 599
                plan_id, practitioner_id = plans.pop()
                free = by_practitioner[practitioner_id]
                start = free.pop(random.randrange(len(free)))
                taken = datetime.fromisoformat(start)
                free[:] = [f for f in free if abs(datetime.fromisoformat(f) - taken) >= apart]
            body = {"treatment_plan_id": plan_id, "practitioner_id": practitioner_id,
                    "starts_at": start}  # fmt: skip
            return client.post("/api/v1/sessions", json=body, headers=headers).status_code

        health_rps, _ = throughput(base, health_request)
        booking_rps, refused = throughput(base, book_request)
    finally:
        process.terminate()
        process.wait(timeout=10)

    print(
        f"machine: {os.cpu_count()} cores; database: {url.split('://')[0]}; "
        f"server: {WORKERS} uvicorn process(es)"
    )
    print(f"GET /health: median {statistics.median(health):.2f} ms; {health_rps:.0f} req/s")
    print(
        f"availability, {PRACTITIONERS} practitioners × {DAYS} days "
        f"({len(slots['slots'])} slots): median {statistics.median(avail):.1f} ms, "
        f"p95 {p95(avail):.1f} ms, {statements} SQL statements"
    )
    print(
        f"booking: {booking_rps:.0f} bookings/s ({refused} refused) = "
        f"{100 * booking_rps / health_rps:.0f}% of /health throughput "
        f"({CLIENTS} concurrent clients, {SECONDS:.0f} s each)"
    )


if __name__ == "__main__":
    main()
