"""Data at scale (issue 11 point 9), run by hand, on PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/scale.py
    SCALE_CLINICS=100 SCALE_PRACTITIONERS=2000 SCALE_SESSIONS=100000 \\
        scripts/with-postgres .venv/bin/python bench/scale.py

In one run, on two API processes (uvicorn, one process each) on one PostgreSQL database:
1. the availability benchmark's clinic (`bench/scheduling.py`'s seed: 20 practitioners,
   08:00–20:00 every day, 5,000 booked sessions over the next 31 days); measured: availability
   for the whole clinic over 31 days, and single bookings (free hourly starts, one plan each),
   RUNS of each after warm-up, sequential, alternating between the two processes;
2. the database grown in SQL (`INSERT … SELECT generate_series`, not one request each) to
   SCALE_CLINICS clinics (default 1,000), SCALE_PRACTITIONERS practitioners (20,000: 20 a
   clinic, each with hours every day) and SCALE_SESSIONS sessions (2,000,000): every
   practitioner gets sessions one a day at a time of their own, in the past and (at the other
   clinics) the next month, on plans of their own patients (one plan per ten sessions). The
   measured clinic's practitioners get history only, so its next 31 days are the same
   calendar. Non-overlapping by construction, and checked by the exclusion constraints, which
   stay on (foreign-key triggers are off while seeding: the ids are consistent by
   construction). Then ANALYZE, and the same measures again.
Reported: p95 (and median) of each at both sizes, and whether the large figure stays within
1.5× of the small one. Bounded: 30 s per request, and the seeding is the only long step
(about 10 minutes for 2,000,000 sessions on 2 cores).
"""

import logging
import os
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import scheduling
from harness import api_processes, p95, prepare_database
from sqlalchemy import text

from api.db import make_engine
from tests.constants import CELLULITE_LIDOCAINE_ID

CLINICS = int(os.environ.get("SCALE_CLINICS", "1000"))
PRACTITIONERS = int(os.environ.get("SCALE_PRACTITIONERS", "20000"))
SESSIONS = int(os.environ.get("SCALE_SESSIONS", "2000000"))
RUNS = int(os.environ.get("RUNS", "60"))
WARMUP = 5
CHUNK = 200_000  # sessions per INSERT
LIMIT = 1.5


def grow(url: str, clinic_id: str) -> dict[str, float]:
    """Clinics, practitioners, hours, patients, plans and sessions up to the target counts."""
    engine = make_engine(url)
    seconds: dict[str, float] = {}
    with engine.begin() as c:
        existing = c.execute(text("SELECT count(*) FROM sessions")).scalar_one()
    growth = max(SESSIONS - existing, 0)
    per = -(-growth // PRACTITIONERS)  # sessions per practitioner, rounded up
    plans_each = -(-per // 10)
    t0 = time.monotonic()
    with engine.begin() as c:
        c.execute(text("SET session_replication_role = replica"))  # no FK triggers
        c.execute(
            text("""
            INSERT INTO clinics (id, name, country, city, address, timezone, currency, latitude,
                                 longitude, additional_area_rate, buffer_minutes, created_at,
                                 updated_at)
            SELECT md5('clinic' || g)::uuid, 'Clinic ' || g, 'FR', 'Paris', g || ' rue de la Paix',
                   'Europe/Paris', 'EUR', 48.87, 2.33, 0.5, 10, now(), now()
            FROM generate_series(1, CAST(:n AS int)) g
            """),
            {"n": CLINICS - 1},
        )
        # Every practitioner numbered: the measured clinic's first (n 0..19), then 20 a clinic.
        c.execute(
            text("""
            CREATE TABLE bench_practitioners AS
            SELECT row_number() OVER (ORDER BY p.id) - 1 AS n, p.id, pc.clinic_id, true AS measured
            FROM practitioners p JOIN practitioner_clinics pc ON pc.practitioner_id = p.id
            WHERE pc.clinic_id = :clinic
            """),
            {"clinic": clinic_id},
        )
        first_new = c.execute(text("SELECT count(*) FROM bench_practitioners")).scalar_one()
        c.execute(
            text("""
            INSERT INTO bench_practitioners
            SELECT CAST(:first AS bigint) + g - 1, md5('practitioner' || g)::uuid,
                   md5('clinic' || ((g - 1) / 20 + 1))::uuid, false
            FROM generate_series(1, CAST(:n AS int)) g
            """),
            {"first": first_new, "n": PRACTITIONERS - first_new},
        )
        for statement in (
            """
            INSERT INTO practitioners (id, given_name, family_name, license_number,
                                       license_authority, license_expires_on, qualifications,
                                       active, created_at, updated_at)
            SELECT id, 'Ada', 'Lovelace', 'L' || n, 'Ordre des médecins', '2099-12-31',
                   '["mesotherapy"]', true, now(), now()
            FROM bench_practitioners WHERE NOT measured
            """,
            """
            INSERT INTO practitioner_clinics (practitioner_id, clinic_id)
            SELECT id, clinic_id FROM bench_practitioners WHERE NOT measured
            """,
            """
            INSERT INTO working_hours (id, practitioner_id, clinic_id, weekday, start_minute,
                                       end_minute)
            SELECT md5('hours' || n || '-' || d)::uuid, id, clinic_id, d, 480, 1200
            FROM bench_practitioners, generate_series(0, 6) d WHERE NOT measured
            """,
        ):
            c.execute(text(statement))
        seconds["clinics, practitioners, hours"] = time.monotonic() - t0
        t0 = time.monotonic()
        c.execute(
            text("""
            INSERT INTO patients (id, given_name, family_name, date_of_birth, sex, home_clinic_id,
                                  active, created_at, updated_at)
            SELECT md5('patient' || p.n || '-' || j)::uuid, 'Grace', 'Hopper', '1980-01-01',
                   'female', p.clinic_id, true, now(), now()
            FROM bench_practitioners p, generate_series(0, CAST(:plans AS int) - 1) j
            """),
            {"plans": plans_each},
        )
        c.execute(
            text("""
            INSERT INTO treatment_plans (id, patient_id, practitioner_id, clinic_id, indication,
                                         formulation_id, cadence, sessions_planned, status,
                                         currency, session_price, total, override_codes,
                                         created_at, updated_at)
            SELECT md5('plan' || p.n || '-' || j)::uuid, md5('patient' || p.n || '-' || j)::uuid,
                   p.id, p.clinic_id, 'cellulite', :formulation, 'weekly', 10, 'active', 'EUR',
                   375, 3750, '[]', now(), now()
            FROM bench_practitioners p, generate_series(0, CAST(:plans AS int) - 1) j
            """),
            {"plans": plans_each, "formulation": CELLULITE_LIDOCAINE_ID},
        )
        seconds["patients and plans"] = time.monotonic() - t0
        t0 = time.monotonic()
        # Session k of practitioner n: day k before tomorrow (measured clinic: history only) or
        # day k - (per - 30) (others: the last 30 in the coming month), at 08:00 UTC plus
        # n mod 10 hours: one a day, so never two at once for a practitioner or a patient.
        for offset in range(0, growth, CHUNK):
            c.execute(
                text("""
                INSERT INTO sessions (id, plan_id, patient_id, practitioner_id, clinic_id,
                                      starts_at, ends_at, buffer_ends_at, status,
                                      late_cancellation, areas_treated, created_at, updated_at)
                SELECT md5('session' || i)::uuid, md5('plan' || p.n || '-' || k / 10)::uuid,
                       md5('patient' || p.n || '-' || k / 10)::uuid, p.id, p.clinic_id,
                       s.at, s.at + interval '45 minutes', s.at + interval '55 minutes',
                       CASE WHEN s.at < now() THEN 'completed' ELSE 'booked' END, false, '[]',
                       now(), now()
                FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)) i
                CROSS JOIN LATERAL (
                  SELECT i % CAST(:pr AS bigint) AS n, (i / CAST(:pr AS bigint))::int AS k
                ) ik
                JOIN bench_practitioners p ON p.n = ik.n
                CROSS JOIN LATERAL (
                  SELECT date_trunc('day', now()) + make_interval(hours => 8 + (p.n % 10)::int)
                         + make_interval(days => CASE WHEN p.measured THEN -1 - k
                                                      ELSE k - (CAST(:per AS int) - 30) END) AS at
                ) s
                """),
                {
                    "lo": offset,
                    "hi": min(offset + CHUNK, growth) - 1,
                    "pr": PRACTITIONERS,
                    "per": per,
                },
            )
            print(f"  {min(offset + CHUNK, growth) + existing:,} sessions")
        c.execute(text("DROP TABLE bench_practitioners"))
        seconds["sessions"] = time.monotonic() - t0
    t0 = time.monotonic()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))
    seconds["ANALYZE"] = time.monotonic() - t0
    engine.dispose()
    return seconds


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as c:
        result = {
            table: int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("clinics", "practitioners", "patients", "treatment_plans", "sessions")
        }
    engine.dispose()
    return result


def timed(calls: list[Callable[[], httpx.Response]], expected: int) -> list[float]:
    times = []
    for call in calls:
        t0 = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == expected, response.text
    return times


def measure(url: str, data: dict[str, Any], bases: list[str]) -> dict[str, list[float]]:
    """Availability (whole clinic, 31 days) and single bookings, RUNS each after WARMUP,
    alternating between the processes; the bookings are deleted afterwards."""
    headers = data["headers"]
    first = data["first"]
    params = {
        "clinic_id": data["clinic_id"],
        "from": str(first),
        "to": str(first + timedelta(days=scheduling.DAYS - 1)),
    }
    clients = [httpx.Client(base_url=b, timeout=30) for b in bases]
    try:

        def availability(k: int) -> Callable[[], httpx.Response]:
            c = clients[k % len(clients)]
            return lambda: c.get("/api/v1/availability", params=params, headers=headers)

        def booking(k: int) -> Callable[[], httpx.Response]:
            c = clients[k % len(clients)]
            plan_id, practitioner_id, start = data["bookings"][k]
            body = {"treatment_plan_id": plan_id, "practitioner_id": practitioner_id,
                    "starts_at": start}  # fmt: skip
            return lambda: c.post("/api/v1/sessions", json=body, headers=headers)

        timed([availability(k) for k in range(WARMUP)], 200)
        avail = timed([availability(k) for k in range(RUNS)], 200)
        timed([booking(k) for k in range(WARMUP)], 201)
        book = timed([booking(k) for k in range(WARMUP, WARMUP + RUNS)], 201)
    finally:
        for c in clients:
            c.close()
    scheduling.forget_bookings(url, data["admin_id"])
    return {"availability": avail, "booking": book}


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    url = prepare_database()
    print(f"Seeding the measured clinic ({scheduling.SESSIONS} sessions)…")
    data = scheduling.seed(url)
    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))
    engine.dispose()
    small_counts = counts(url)
    with api_processes(url, 2) as apis:
        small = measure(url, data, [a.base for a in apis])
    print(
        f"Growing to {CLINICS:,} clinics, {PRACTITIONERS:,} practitioners, {SESSIONS:,} sessions…"
    )
    seconds = grow(url, data["clinic_id"])
    large_counts = counts(url)
    with api_processes(url, 2) as apis:
        large = measure(url, data, [a.base for a in apis])

    print(f"machine: {os.cpu_count()} cores; 2 API processes on one PostgreSQL")
    print(f"small database: {small_counts}")
    print(f"large database: {large_counts}")
    print("seeding: " + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()))
    held = True
    for name, label in (
        ("availability", f"availability, {scheduling.PRACTITIONERS} practitioners × "
                         f"{scheduling.DAYS} days"),
        ("booking", "single booking"),
    ):  # fmt: skip
        s, g = p95(small[name]), p95(large[name])
        within = g <= LIMIT * s
        held = held and within
        print(
            f"{label}, {RUNS} runs: p95 {s:.1f} ms at {small_counts['sessions']:,} sessions "
            f"(median {statistics.median(small[name]):.1f}), {g:.1f} ms at "
            f"{large_counts['sessions']:,} (median {statistics.median(large[name]):.1f}): "
            f"×{g / s:.2f}, {'within' if within else 'NOT within'} {LIMIT}×"
        )
    print("HELD" if held else "FAILED")
    raise SystemExit(0 if held else 1)


if __name__ == "__main__":
    main()
