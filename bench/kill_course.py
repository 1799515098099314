"""SIGKILL in the middle of a course (issue 11 point 9), run by hand, on PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/kill_course.py
    KILLS=3 scripts/with-postgres .venv/bin/python bench/kill_course.py

Two API processes (uvicorn, one process each) on one PostgreSQL database; the practitioner's
calendar is busy (400 sessions over 6 months). KILLS times (default 10): a 25-session course
is requested (`POST /api/v1/treatment-plans/{id}/schedule`) from one process and that process
is killed with SIGKILL after a delay from the moment the request is sent on an open
connection, varied from 0 to 1.2 times the course's own latency (measured first on the
same data), so that the kill lands before, during and after the commit; the attempts
alternate between the two processes. After
each kill: the plan must hold 0 or all 25 sessions, nothing in between; the other process must
still answer (/health and an authenticated request); the same course is then asked of the
other process and must be 201 with 25 sessions if nothing was written, 409 `plan_full` if all
was. The killed process is started again for the next attempt. Bounded: 30 s per request,
MAX_SECONDS (default 600) in all.
"""

import logging
import os
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from harness import Api, Deadline, api_processes, make_plans, prepare_database
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import make_engine
from api.sessions.models import TreatmentSession
from api.users.models import Role
from tests.constants import TEST_SECRET
from tests.factories import auth_headers, make_clinic, make_practitioner, make_user

KILLS = int(os.environ.get("KILLS", "10"))
MAX_SECONDS = float(os.environ.get("MAX_SECONDS", "600"))
COURSE = 25
BUSY = 400
DAYS = 183
TIMING_RUNS = 6
BUFFER = 10


def seed(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    with Session(engine) as db:
        clinic = make_clinic(db, timezone="Europe/Paris", buffer_minutes=BUFFER)
        zone = ZoneInfo(clinic.timezone)
        hours = [(d, 7 * 60, 21 * 60) for d in range(6)]  # Monday to Saturday, 07:00–21:00
        practitioner = make_practitioner(db, [clinic], hours=hours)
        today = datetime.now(UTC).astimezone(zone).date()
        owners = make_plans(db, clinic, practitioner, 40)
        # Busy on the hour (Sundays off); the courses start on the half hour, and move.
        days = [today + timedelta(days=d) for d in range(1, DAYS + 1)]
        hourly = [(d, h) for d in days if d.weekday() < 6 for h in range(7, 21)]
        for k, (day, hour) in enumerate(hourly[:: len(hourly) // BUSY][:BUSY]):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)
            db.add(TreatmentSession.for_plan(owners[k % 40], practitioner.id, start, BUFFER))
        plans = make_plans(
            db, clinic, practitioner, 2 * KILLS + TIMING_RUNS, sessions_planned=COURSE
        )
        settings = Settings(database_url=url, secret_key=TEST_SECRET, access_token_minutes=600)
        receptionist = make_user(db, role=Role.RECEPTIONIST, clinics=[clinic])
        headers = auth_headers(receptionist, settings)
        db.commit()
        working = [d for d in days[1:8] if d.weekday() < 6]
        starts = []
        for k in range(len(plans)):
            d = working[k % len(working)]
            local = datetime(d.year, d.month, d.day, 7 + (k * 5) % 13, 30, tzinfo=zone)
            starts.append(local.isoformat())
        result = {
            "plans": [str(p.id) for p in plans],
            "starts": starts,
            "headers": headers,
        }
    engine.dispose()
    return result


def sessions_of(url: str, plan_id: str) -> int:
    engine = make_engine(url)
    with engine.connect() as c:
        n = c.execute(
            text("SELECT count(*) FROM sessions WHERE plan_id = :p AND status <> 'cancelled'"),
            {"p": plan_id},
        ).scalar_one()
    engine.dispose()
    return int(n)


def course_request(
    client: httpx.Client,
    plan_id: str,
    start: str,
    headers: dict[str, str],
    outcome: list[str],
    sent: threading.Event,
) -> None:
    """The course request; `sent` is set just before it is sent, `outcome` gets the status or
    the transport error."""
    sent.set()
    try:
        r = client.post(
            f"/api/v1/treatment-plans/{plan_id}/schedule",
            json={"first_starts_at": start},
            headers=headers,
        )
        outcome.append(str(r.status_code))
    except httpx.TransportError as exc:
        outcome.append(type(exc).__name__)


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    deadline = Deadline(MAX_SECONDS)
    url = prepare_database()
    print(f"Seeding one practitioner with {BUSY} sessions over {DAYS} days…")
    data = seed(url)
    headers = data["headers"]
    plans: list[str] = data["plans"]
    starts: list[str] = data["starts"]
    results: list[dict[str, Any]] = []
    with api_processes(url, 2) as apis:
        # The course's own latency on this data, to place the kills inside it.
        timings = []
        clients = [httpx.Client(base_url=api.base, timeout=30) for api in apis]
        for k in range(TIMING_RUNS):
            t0 = time.perf_counter()
            r = clients[k % 2].post(
                f"/api/v1/treatment-plans/{plans[k]}/schedule",
                json={"first_starts_at": starts[k]},
                headers=headers,
            )
            timings.append(time.perf_counter() - t0)
            assert r.status_code == 201, r.text
        for c in clients:
            c.close()
        latency = statistics.median(timings[2:])
        print(f"course latency, median of {TIMING_RUNS - 2} warm runs: {latency * 1000:.1f} ms")
        for attempt in range(KILLS):
            if deadline.passed():
                print(f"stopped after {attempt} kills: MAX_SECONDS reached")
                break
            k = TIMING_RUNS + 2 * attempt
            plan_id, start = plans[k], starts[k]
            victim, other = apis[attempt % 2], apis[1 - attempt % 2]
            delay = 1.2 * latency * attempt / max(KILLS - 1, 1)
            outcome: list[str] = []
            sent = threading.Event()
            client = httpx.Client(base_url=victim.base, timeout=30)
            client.get("/health")  # connected before the clock starts
            thread = threading.Thread(
                target=course_request,
                args=(client, plan_id, start, headers, outcome, sent),
            )
            thread.start()
            sent.wait(timeout=10)
            time.sleep(delay)
            victim.kill()
            thread.join(timeout=35)
            client.close()
            held = sessions_of(url, plan_id)
            answers = other.answers(headers)
            retry = httpx.post(
                f"{other.base}/api/v1/treatment-plans/{plan_id}/schedule",
                json={"first_starts_at": start},
                headers=headers,
                timeout=30,
            )
            retry_code = retry.json().get("conflicts", [{}])[0].get("code", "")
            after = sessions_of(url, plan_id)
            results.append(
                {
                    "delay": delay,
                    "client": outcome[0] if outcome else "no answer",
                    "held": held,
                    "answers": answers,
                    "retry": f"{retry.status_code} {retry_code}".strip(),
                    "after": after,
                }
            )
            print(
                f"  kill {attempt + 1}: SIGKILL after {delay * 1000:.1f} ms; client got "
                f"{results[-1]['client']}; plan holds {held} sessions; other process answers: "
                f"{answers}; same course on the other process: {results[-1]['retry']}, "
                f"then {after} sessions"
            )
            # The killed process again, on a new port, for the next attempt.
            apis[attempt % 2] = Api.start(url)
    print(f"machine: {os.cpu_count()} cores; 2 API processes on one PostgreSQL")
    partial = [r for r in results if r["held"] not in (0, COURSE)]
    silent = [r for r in results if not r["answers"]]
    retried_wrong = [
        r
        for r in results
        if r["after"] != COURSE
        or (r["held"] == 0 and not r["retry"].startswith("201"))
        or (r["held"] == COURSE and r["retry"] != "409 plan_full")
    ]
    print(
        f"{len(results)} SIGKILLs during a {COURSE}-session course: "
        f"{sum(r['held'] == 0 for r in results)} left nothing, "
        f"{sum(r['held'] == COURSE for r in results)} left all {COURSE}, "
        f"{len(partial)} partial ({sum(not r['client'].isdigit() for r in results)} killed "
        f"before the client had its answer); the other process answered after "
        f"{len(results) - len(silent)} of {len(results)}; the course completed on the other "
        f"process: {len(results) - len(retried_wrong)} of {len(results)}"
    )
    held = not partial and not silent and not retried_wrong and len(results) == KILLS
    print("HELD" if held else "FAILED")
    raise SystemExit(0 if held else 1)


if __name__ == "__main__":
    main()
