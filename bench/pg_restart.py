"""PostgreSQL restarted under load (issue 11 point 9), run by hand:

    scripts/with-postgres .venv/bin/python bench/pg_restart.py
    RESTARTS=1 scripts/with-postgres .venv/bin/python bench/pg_restart.py

Two API processes (uvicorn, one process each) on one PostgreSQL cluster, the one
`scripts/with-postgres` started (it exports PGDATA_DIR and PG_BIN). CLIENTS threads (default 6)
book and read continuously, each alternating between the two processes: a booking of a free
slot (one plan each, so none is refused by another) and an availability read, in turn, about
PACE_MS apart. RESTARTS times (default 3), after BEFORE_SECONDS of load, the cluster is
restarted with `pg_ctl restart -m fast -w`; the load goes on for AFTER_SECONDS, then stops.

Reported per restart: the answers to requests in flight while the cluster was going down and
up (from `pg_ctl restart` called to its return): each must be a success or a 503 with
Retry-After, never a 500; and the answers to every request sent after it returned and
answered before the next restart began: all must succeed (0 failures after recovery). At the
end the database is checked for double bookings. Each API process's own log (a warning per 503)
goes to its own file, SERVER_LOG with `.1`/`.2` before the suffix (default
/tmp/meso-bench-server.1.log), and PostgreSQL's log is copied beside them
(meso-bench-postgres.log), so that a failure can be matched with what the cluster did at that
moment. Bounded: 10 s per request, MAX_SECONDS (default 300) in all.
"""

import logging
import os
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from harness import (
    SERVER_LOG,
    Deadline,
    api_processes,
    double_bookings,
    make_plans,
    prepare_database,
)
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import make_engine
from api.users.models import Role
from tests.constants import TEST_SECRET
from tests.factories import auth_headers, make_clinic, make_practitioner, make_user

RESTARTS = int(os.environ.get("RESTARTS", "3"))
CLIENTS = int(os.environ.get("CLIENTS", "6"))
PACE_MS = float(os.environ.get("PACE_MS", "20"))
BEFORE_SECONDS = float(os.environ.get("BEFORE_SECONDS", "3"))
AFTER_SECONDS = float(os.environ.get("AFTER_SECONDS", "5"))
MAX_SECONDS = float(os.environ.get("MAX_SECONDS", "300"))
PRACTITIONERS = 20
DAYS = 60
FIRST_HOUR, HOURS_A_DAY = 8, 12
PLANS_EACH = 200  # bookings available per practitioner: 4,000 in all
BUFFER = 10


@dataclass
class Answer:
    sent: float
    done: float
    kind: str
    status: int  # -1: no HTTP answer
    retry_after: str | None
    error: str = ""


def seed(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    with Session(engine) as db:
        clinic = make_clinic(db, timezone="Europe/Paris", buffer_minutes=BUFFER)
        zone = ZoneInfo(clinic.timezone)
        hours = [(d, FIRST_HOUR * 60, (FIRST_HOUR + HOURS_A_DAY) * 60) for d in range(7)]
        first = (datetime.now(UTC).astimezone(zone) + timedelta(days=1)).date()
        free: list[list[tuple[str, str, str]]] = []
        reads: list[dict[str, str]] = []
        for _ in range(PRACTITIONERS):
            p = make_practitioner(db, [clinic], hours=hours)
            plans = make_plans(db, clinic, p, PLANS_EACH)
            row = []
            for k, plan in enumerate(plans):
                day, hour = divmod(k, HOURS_A_DAY)
                d = first + timedelta(days=day)
                start = datetime(d.year, d.month, d.day, FIRST_HOUR + hour, tzinfo=zone)
                row.append((str(plan.id), str(p.id), start.isoformat()))
            free.append(row)
            for day in range(DAYS):
                iso = str(first + timedelta(days=day))
                reads.append(
                    {
                        "clinic_id": str(clinic.id),
                        "practitioner_id": str(p.id),
                        "from": iso,
                        "to": iso,
                    }
                )
        settings = Settings(database_url=url, secret_key=TEST_SECRET, access_token_minutes=600)
        receptionist = make_user(db, role=Role.RECEPTIONIST, clinics=[clinic])
        headers = auth_headers(receptionist, settings)
        db.commit()
        # Interleaved: concurrent clients book for different practitioners.
        bookings = [b for row in zip(*free, strict=True) for b in row]
    engine.dispose()
    return {"bookings": bookings, "reads": reads, "headers": headers}


def restart_postgres() -> None:
    data_dir, bin_dir = os.environ.get("PGDATA_DIR"), os.environ.get("PG_BIN")
    if not data_dir or not bin_dir:
        raise SystemExit("PGDATA_DIR and PG_BIN are unset: run under scripts/with-postgres")
    command = [f"{bin_dir}/pg_ctl", "restart", "-D", data_dir, "-m", "fast", "-w"]
    command += ["-l", f"{data_dir}/server.log"]
    if os.getuid() == 0:  # the cluster belongs to the postgres OS user (see with-postgres)
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=60)


def keep_postgres_log() -> None:
    """The cluster's own log is removed with the cluster: keep a copy beside SERVER_LOG."""
    data_dir = os.environ.get("PGDATA_DIR", "")
    copy = SERVER_LOG.with_name("meso-bench-postgres.log")
    subprocess.run(["cp", f"{data_dir}/server.log", str(copy)], check=False)
    print(f"PostgreSQL's log: {copy}; the API processes': {SERVER_LOG.with_suffix('.*.log')}")


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    deadline = Deadline(MAX_SECONDS)
    url = prepare_database()
    print(f"Seeding {PRACTITIONERS} practitioners, {PRACTITIONERS * PLANS_EACH} plans…")
    data = seed(url)
    headers = data["headers"]
    bookings: list[tuple[str, str, str]] = list(reversed(data["bookings"]))
    reads: list[dict[str, str]] = data["reads"]
    answers: list[Answer] = []
    lock = threading.Lock()
    stop = threading.Event()
    restarts: list[tuple[float, float]] = []

    def client_loop(i: int, bases: list[str]) -> None:
        limits = httpx.Limits(keepalive_expiry=2.0)  # below uvicorn's 5-second keep-alive
        clients = [httpx.Client(base_url=b, timeout=10, limits=limits) for b in bases]
        n = 0
        while not stop.is_set() and not deadline.passed():
            client = clients[(i + n) % len(clients)]
            booking = n % 2 == 0
            with lock:
                if booking and not bookings:
                    break
                job = bookings.pop() if booking else reads[(i * 7919 + n) % len(reads)]
            sent = time.monotonic()
            try:
                if isinstance(job, tuple):
                    plan_id, practitioner_id, start = job
                    body = {"treatment_plan_id": plan_id, "practitioner_id": practitioner_id,
                            "starts_at": start}  # fmt: skip
                    r = client.post("/api/v1/sessions", json=body, headers=headers)
                else:
                    r = client.get("/api/v1/availability", params=job, headers=headers)
                answer = Answer(sent, time.monotonic(), "booking" if booking else "read",
                                r.status_code, r.headers.get("Retry-After"))  # fmt: skip
            except httpx.TransportError as exc:
                answer = Answer(sent, time.monotonic(), "booking" if booking else "read", -1,
                                None, type(exc).__name__)  # fmt: skip
            with lock:
                answers.append(answer)
            n += 1
            time.sleep(PACE_MS / 1000)
        for c in clients:
            c.close()

    with api_processes(url, 2) as apis:
        bases = [api.base for api in apis]
        threads = [threading.Thread(target=client_loop, args=(i, bases)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        try:
            for _ in range(RESTARTS):
                time.sleep(BEFORE_SECONDS)
                if deadline.passed():
                    break
                t0 = time.monotonic()
                restart_postgres()
                restarts.append((t0, time.monotonic()))
                print(
                    f"  PostgreSQL restarted in {restarts[-1][1] - t0:.2f} s, "
                    f"pg_ctl returned at {datetime.now(UTC):%H:%M:%S.%f} UTC"
                )
            time.sleep(AFTER_SECONDS)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)

    print(
        f"machine: {os.cpu_count()} cores; 2 API processes on one PostgreSQL; {CLIENTS} clients "
        f"booking and reading in turn, {len(answers)} requests"
    )

    def summary(selected: list[Answer]) -> str:
        c = Counter(
            (a.status, a.kind, a.error or ("Retry-After" if a.retry_after else ""))
            for a in selected
        )
        return ", ".join(
            f"{n} × {status if status > 0 else 'no answer'} {kind}{f' ({extra})' if extra else ''}"
            for (status, kind, extra), n in sorted(c.items())
        )

    held = len(restarts) == RESTARTS
    before = [a for a in answers if a.done < restarts[0][0]] if restarts else answers
    bad_before = [a for a in before if not 200 <= a.status < 300]
    print(f"before the first restart: {summary(before)}")
    held = held and not bad_before
    for n, (t0, t1) in enumerate(restarts):
        end = restarts[n + 1][0] if n + 1 < len(restarts) else float("inf")
        # In flight at some moment of the restart: sent before it ended, answered after it began.
        during = [a for a in answers if a.sent < t1 and a.done >= t0]
        # Sent after it and answered before the next restart began: a request that the next
        # restart caught in flight is judged with that restart ("during"), not here.
        after = [a for a in answers if t1 <= a.sent and a.done < end]
        wrong_during = [
            a for a in during if not (200 <= a.status < 300 or (a.status == 503 and a.retry_after))
        ]
        failed_after = [a for a in after if not 200 <= a.status < 300]
        print(f"restart {n + 1} ({t1 - t0:.2f} s): in flight during it: {summary(during)}")
        print(f"  sent after it: {summary(after)}")
        print(
            f"  during: {len(wrong_during)} answers other than a success or 503 with Retry-After; "
            f"after: {len(failed_after)} failures"
        )
        for a in failed_after[:5]:
            print(
                f"    failed after: {a.kind} sent {1000 * (a.sent - t1):.0f} ms after pg_ctl "
                f"returned: {a.status} {a.error}"
            )
        held = held and not wrong_during and not failed_after
    five_hundred = sum(a.status == 500 for a in answers)
    by_practitioner, by_patient = double_bookings(url)
    print(
        f"500s in all: {five_hundred}; overlapping non-cancelled sessions: {by_practitioner} "
        f"for a practitioner, {by_patient} for a patient"
    )
    held = held and five_hundred == 0 and by_practitioner == 0 and by_patient == 0
    keep_postgres_log()
    print("HELD" if held else "FAILED")
    raise SystemExit(0 if held else 1)


if __name__ == "__main__":
    main()
