"""Availability and booking benchmark (issue 4), run by hand, on PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/scheduling.py
    BENCH_WORKERS=2 scripts/with-postgres .venv/bin/python bench/scheduling.py

It builds a fresh database (20 practitioners at one clinic, 5,000 booked sessions over the next
31 days), then for each server configuration (BENCH_WORKERS, a comma-separated list of uvicorn
process counts; by default one process and one per core) starts `uvicorn api.main:app` and
reports, on that server:
- a bare GET /health: median latency;
- availability for the whole clinic over 31 days: median and 95th percentile, and the number
  of SQL statements its query side costs;
- throughput with concurrent clients, RUNS_THROUGHPUT times in turn: bare GET /health, then
  booking (201s per second, each client booking free hourly starts among the 5,000 sessions);
  medians over the runs, and the median of each run's booking / health ratio. Before each
  booking run the sessions the previous one booked are deleted, so every run books into the
  same calendar.
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
from typing import IO, Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import Settings, normalize_database_url  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.scheduling.availability import find_slot_starts  # noqa: E402
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

PRACTITIONERS = 20
SESSIONS = 5000
DAYS = 31
CLIENTS = 8
RUNS = 60
RUNS_THROUGHPUT = 3
SECONDS = 5.0
WARM_UP_BOOKINGS = 40
BUFFER_MINUTES = 10
# Working hours 08:00-20:00 every day: 12 hourly starts a day, 372 a practitioner over 31 days,
# of which 250 are booked by the seed; the other 122 are what the booking runs take (one plan
# each; an hour apart keeps 45 minutes and the buffer): 2,440 per run.
FIRST_HOUR, HOURS_A_DAY = 8, 12
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", f"1,{os.cpu_count() or 1}").split(",")]


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
        clinic = make_clinic(db, timezone="Europe/Paris", buffer_minutes=BUFFER_MINUTES)
        zone = ZoneInfo(clinic.timezone)
        hours = [(d, FIRST_HOUR * 60, (FIRST_HOUR + HOURS_A_DAY) * 60) for d in range(7)]
        practitioners = [make_practitioner(db, [clinic], hours=hours) for _ in range(PRACTITIONERS)]
        first = (datetime.now(UTC).astimezone(zone) + timedelta(days=1)).date()

        def hourly_start(k: int) -> datetime:
            day, hour = divmod(k, HOURS_A_DAY)
            d = first + timedelta(days=day)
            return datetime(d.year, d.month, d.day, FIRST_HOUR + hour, tzinfo=zone)

        per = SESSIONS // PRACTITIONERS
        free: list[list[tuple[str, str, str]]] = []
        for p in practitioners:
            # Hourly starts keep 45 minutes plus the buffer apart.
            chosen = set(rng.sample(range(DAYS * HOURS_A_DAY), per))
            for k in chosen:
                plan = make_plan(db, make_patient(db, clinic), p, clinic)
                start = hourly_start(k).astimezone(UTC)
                db.add(TreatmentSession.for_plan(plan, p.id, start, BUFFER_MINUTES))
            others = [k for k in range(DAYS * HOURS_A_DAY) if k not in chosen]
            plans = [make_plan(db, make_patient(db, clinic), p, clinic) for _ in others]
            db.flush()
            free.append(
                [
                    (str(plan.id), str(p.id), hourly_start(k).isoformat())
                    for plan, k in zip(plans, others, strict=True)
                ]
            )
        # Interleaved, so that concurrent clients book for different practitioners.
        bookings = [b for row in zip(*free, strict=True) for b in row]
        settings = Settings(database_url=url, secret_key=TEST_SECRET, access_token_minutes=600)
        admin = make_user(db, role=Role.ADMIN)
        headers = auth_headers(admin, settings)
        db.commit()
        result = {
            "clinic_id": str(clinic.id),
            "first": first,
            "headers": headers,
            "bookings": bookings,
            "admin_id": admin.id,
        }
    engine.dispose()
    return result


def statements_of_availability(url: str, data: dict[str, Any]) -> int:
    from api.clinics.models import Clinic
    from api.users.models import User

    engine = make_engine(url)
    with Session(engine) as db:
        user = db.get_one(User, data["admin_id"])
        clinic = db.get_one(Clinic, data["clinic_id"])
        first = data["first"]
        with counting(engine) as counted:
            find_slot_starts(db, user, clinic.id, first, first + timedelta(days=DAYS - 1))
    engine.dispose()
    return len(counted)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    url: str, workers: int, log: IO[bytes] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`uvicorn api.main:app` with `workers` processes on a free loopback port; its output goes
    to `log` if given."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=log, stderr=log,
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


def throughput(base: str, make_request: Callable[[httpx.Client], int]) -> tuple[float, int]:
    """Successful requests per second over SECONDS with CLIENTS threads (own connections);
    a request that `make_request` cannot make (-1) ends its client early."""
    stop = time.monotonic() + SECONDS
    ok = [0] * CLIENTS
    other = [0] * CLIENTS

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < stop:
                status = make_request(client)
                if status < 0:
                    return
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


def server_cpu_seconds(pid: int) -> float:
    """CPU time used so far by the server process and its worker processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def forget_bookings(url: str, admin_id: Any) -> None:
    """Delete what the booking runs booked: the seeded calendar again, for the next run."""
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(text("DELETE FROM sessions WHERE created_by = :admin"), {"admin": admin_id})
    engine.dispose()


def measure(url: str, data: dict[str, Any], workers: int, statements: int) -> None:
    headers = data["headers"]
    first: date = data["first"]
    params = {
        "clinic_id": data["clinic_id"],
        "from": str(first),
        "to": str(first + timedelta(days=DAYS - 1)),
    }
    process, base = start_server(url, workers)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            health = latencies(lambda: client.get("/health"), RUNS)
            latencies(lambda: client.get("/api/v1/availability", params=params, headers=headers), 5)
            avail = latencies(
                lambda: client.get("/api/v1/availability", params=params, headers=headers), RUNS
            )
            slots = client.get("/api/v1/availability", params=params, headers=headers).json()

        def health_request(client: httpx.Client) -> int:
            return client.get("/health").status_code

        pending: list[tuple[str, str, str]] = []
        lock = threading.Lock()

        def book_request(client: httpx.Client) -> int:
            with lock:
                if not pending:
                    return -1
                plan_id, practitioner_id, start = pending.pop()
            body = {"treatment_plan_id": plan_id, "practitioner_id": practitioner_id,
                    "starts_at": start}  # fmt: skip
            return client.post("/api/v1/sessions", json=body, headers=headers).status_code

        # Every process's first bookings build what FastAPI and SQLAlchemy cache.
        pending[:] = data["bookings"][-WARM_UP_BOOKINGS * workers :]
        throughput(base, book_request)
        runs = []
        for _ in range(RUNS_THROUGHPUT):
            forget_bookings(url, data["admin_id"])
            pending[:] = reversed(data["bookings"])
            cpu_before = server_cpu_seconds(process.pid)
            health_rps, _ = throughput(base, health_request)
            cpu_health = server_cpu_seconds(process.pid)
            booking_rps, refused = throughput(base, book_request)
            cpu_booking = server_cpu_seconds(process.pid)
            # Server CPU per request (ms): what a request costs the API itself.
            per_health = 1000 * (cpu_health - cpu_before) / (health_rps * SECONDS)
            per_booking = 1000 * (cpu_booking - cpu_health) / max(booking_rps * SECONDS, 1)
            runs.append((health_rps, booking_rps, refused, not pending, per_health, per_booking))
    finally:
        process.terminate()
        process.wait(timeout=10)
    forget_bookings(url, data["admin_id"])

    print(
        f"machine: {os.cpu_count()} cores; database: {url.split('://')[0]}; "
        f"server: {workers} uvicorn process(es)"
    )
    print(f"GET /health: median {statistics.median(health):.2f} ms")
    print(
        f"availability, {PRACTITIONERS} practitioners × {DAYS} days "
        f"({len(slots['slots'])} slots): median {statistics.median(avail):.1f} ms, "
        f"p95 {p95(avail):.1f} ms, {statements} SQL statements"
    )
    for n, (health_rps, booking_rps, refused, ran_out, per_health, per_booking) in enumerate(
        runs, 1
    ):
        print(
            f"  run {n}: /health {health_rps:.0f} req/s; booking {booking_rps:.0f}/s "
            f"({refused} refused{', ran out of free starts' if ran_out else ''}) "
            f"= {100 * booking_rps / health_rps:.1f}%; server CPU per request: "
            f"/health {per_health:.2f} ms, booking {per_booking:.2f} ms"
        )
    print(
        f"throughput, median of {RUNS_THROUGHPUT} runs ({CLIENTS} concurrent clients, "
        f"{SECONDS:.0f} s each): /health {statistics.median(r[0] for r in runs):.0f} req/s; "
        f"booking {statistics.median(r[1] for r in runs):.0f}/s; booking / health "
        f"{statistics.median(100 * r[1] / r[0] for r in runs):.1f}%"
    )


def main() -> None:
    # The client's own logging of every request would be measured as the server's time.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    base_url = normalize_database_url(os.environ.get("DATABASE_URL", "sqlite:///bench.db"))
    url = fresh_database(base_url)
    migrate(url)
    print(f"Seeding {PRACTITIONERS} practitioners and {SESSIONS} sessions…")
    data = seed(url)
    statements = statements_of_availability(url, data)
    for workers in WORKERS:
        measure(url, data, workers, statements)


if __name__ == "__main__":
    main()
