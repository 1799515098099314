"""The scheduling tests' world (a clinic with one bookable practitioner and a patient with an
active plan), their dates, and calling the sessions API."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.patients.models import Patient
from api.plans.models import TreatmentPlan
from api.practitioners.models import Practitioner
from api.sessions.models import TreatmentSession
from tests.constants import NINE_TO_FIVE, PARIS
from tests.factories import make_clinic, make_patient, make_plan, make_practitioner

# A Monday morning; the tests book in the days after it.
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)


@dataclass
class Setup:
    """A clinic with one bookable practitioner and one patient with an active plan."""

    clinic: Clinic
    practitioner: Practitioner
    patient: Patient
    plan: TreatmentPlan

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.clinic.timezone)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A clinic-local wall time as an aware instant."""
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)


def make_setup(
    db: Session, *, timezone: str = PARIS, buffer_minutes: int = 0, sessions_planned: int = 10
) -> Setup:
    """A clinic in `timezone`, a practitioner working there every day 09:00–17:00, and a
    patient with an active plan of `sessions_planned` sessions."""
    clinic = make_clinic(db, timezone=timezone, buffer_minutes=buffer_minutes)
    practitioner = make_practitioner(db, [clinic], hours=NINE_TO_FIVE)
    patient = make_patient(db, clinic)
    plan = make_plan(db, patient, practitioner, clinic, sessions_planned=sessions_planned)
    return Setup(clinic, practitioner, patient, plan)


PRACTITIONER_FLAWS = ("unqualified", "inactive", "elsewhere")


def make_flawed_practitioner(db: Session, clinic: Clinic, flaw: str) -> Practitioner:
    """A practitioner the gates refuse at `clinic` (`not_qualified`): not qualified in
    mesotherapy, not active, or working at another clinic only."""
    if flaw == "elsewhere":
        return make_practitioner(db, [make_clinic(db)], hours=NINE_TO_FIVE)
    return make_practitioner(
        db,
        [clinic],
        hours=NINE_TO_FIVE,
        qualifications=[] if flaw == "unqualified" else ["mesotherapy"],
        active=flaw != "inactive",
    )


def book(
    client: TestClient, headers: dict[str, str], setup: Setup, starts_at: datetime | str, **kw: Any
) -> Response:
    body = {
        "treatment_plan_id": str(kw.get("plan_id", setup.plan.id)),
        "practitioner_id": str(kw.get("practitioner_id", setup.practitioner.id)),
        "starts_at": starts_at if isinstance(starts_at, str) else starts_at.isoformat(),
    }
    response: Response = client.post("/api/v1/sessions", headers=headers, json=body)
    return response


def codes(response: Response) -> list[str]:
    assert response.status_code == 409, response.text
    return [c["code"] for c in response.json()["conflicts"]]


def count_sessions(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(TreatmentSession)) or 0
