"""What the fault and scale benchmarks (race, kill_course, pg_restart, scale) share, on top of
the availability benchmark's helpers (`bench/scheduling.py`: fresh database, uvicorn process,
percentiles): two API processes on one database, stopped by their own pids; plans made in bulk;
the database's own check that no practitioner is double-booked.

Run every script from the repository root, on PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/<script>.py
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO

import httpx
from scheduling import ROOT, fresh_database, p95, start_server
from sqlalchemy import text
from sqlalchemy.orm import Session

sys.path.insert(0, str(ROOT))

from api.clinics.models import Clinic
from api.config import normalize_database_url
from api.db import make_engine
from api.patients.models import Patient
from api.plans.models import PlanArea, TreatmentPlan
from api.practitioners.models import Practitioner
from tests.constants import CELLULITE_LIDOCAINE_ID
from tests.databases import migrate

__all__ = ["ROOT", "fresh_database", "p95"]


SERVER_LOG = Path(os.environ.get("SERVER_LOG", "/tmp/meso-bench-server.log"))


def _server_log(index: int) -> IO[bytes]:
    """Each process its own file (`SERVER_LOG` with `.1`, `.2`… before the suffix): two
    processes appending to one file can lose each other's lines."""
    path = SERVER_LOG.with_suffix(f".{index}{SERVER_LOG.suffix}")
    return path.open("ab")


@dataclass
class Api:
    """One `uvicorn api.main:app` process (a single process: its pid is the server)."""

    url: str
    process: subprocess.Popen[bytes]
    base: str

    @classmethod
    def start(cls, url: str, index: int = 1) -> "Api":
        """Its log (warnings: every 503 names the statement) goes to its own SERVER_LOG file."""
        process, base = start_server(url, workers=1, log=_server_log(index))
        return cls(url, process, base)

    def kill(self) -> None:
        """SIGKILL, by this process's own pid."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def answers(self, headers: dict[str, str]) -> bool:
        """Whether this process still serves /health and an authenticated request."""
        try:
            health = httpx.get(f"{self.base}/health", timeout=5)
            me = httpx.get(f"{self.base}/api/v1/auth/me", headers=headers, timeout=5)
        except httpx.TransportError:
            return False
        return health.status_code == 200 and me.status_code == 200


@contextmanager
def api_processes(url: str, count: int = 2) -> Iterator[list[Api]]:
    """`count` API processes on `url`, each on its own free loopback port, all stopped (by pid)
    at the end, whatever happens."""
    apis: list[Api] = []
    try:
        for index in range(1, count + 1):
            apis.append(Api.start(url, index))
        yield apis
    finally:
        for api in apis:
            api.stop()


def prepare_database() -> str:
    """A fresh, migrated benchmark database on the server of DATABASE_URL (PostgreSQL)."""
    base = normalize_database_url(os.environ.get("DATABASE_URL", ""))
    if not base.startswith("postgresql"):
        raise SystemExit("run under scripts/with-postgres: these benchmarks need PostgreSQL")
    url = fresh_database(base)
    migrate(url)
    return url


def make_plans(
    db: Session,
    clinic: Clinic,
    practitioner: Practitioner,
    count: int,
    *,
    sessions_planned: int = 10,
) -> list[TreatmentPlan]:
    """`count` active plans of `count` new patients, flushed at once (the factories flush each
    row, too slow for thousands)."""
    patients = [
        Patient(
            id=uuid.uuid4(),
            given_name="Grace",
            family_name="Hopper",
            date_of_birth=date(1980, 1, 1),
            sex="female",
            home_clinic_id=clinic.id,
        )
        for _ in range(count)
    ]
    db.add_all(patients)
    db.flush()
    plans = [
        TreatmentPlan(
            id=uuid.uuid4(),
            patient_id=patient.id,
            practitioner_id=practitioner.id,
            clinic_id=clinic.id,
            indication="cellulite",
            formulation_id=CELLULITE_LIDOCAINE_ID,
            cadence="weekly",
            sessions_planned=sessions_planned,
            status="active",
            currency="EUR",
            session_price=Decimal("375.00"),
            total=Decimal("375.00") * sessions_planned,
            areas=[
                PlanArea(area_code=code, position=i, price=Decimal("300.00"), rate=Decimal("1"))
                for i, code in enumerate(("thighs", "buttocks"))
            ],
        )
        for patient in patients
    ]
    db.add_all(plans)
    db.flush()
    return plans


# Pairs of non-cancelled sessions of one practitioner whose busy time ([start, buffer end))
# overlaps, or of one patient whose [start, end) overlaps: what the exclusion constraints forbid.
DOUBLE_BOOKINGS = """
SELECT
  (SELECT count(*) FROM sessions a JOIN sessions b
     ON a.practitioner_id = b.practitioner_id AND a.id < b.id
    AND a.status <> 'cancelled' AND b.status <> 'cancelled'
    AND a.starts_at < b.buffer_ends_at AND b.starts_at < a.buffer_ends_at),
  (SELECT count(*) FROM sessions a JOIN sessions b
     ON a.patient_id = b.patient_id AND a.id < b.id
    AND a.status <> 'cancelled' AND b.status <> 'cancelled'
    AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at)
"""


def double_bookings(url: str) -> tuple[int, int]:
    """(practitioner, patient) pairs of overlapping non-cancelled sessions in the database."""
    engine = make_engine(url)
    with engine.connect() as c:
        row = c.execute(text(DOUBLE_BOOKINGS)).one()
    engine.dispose()
    return int(row[0]), int(row[1])


class Deadline:
    """A wall-clock bound for a whole script."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def passed(self) -> bool:
        return time.monotonic() >= self.end
