"""Request bodies and stored rows for the practitioner tests."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.practitioners.models import Practitioner, WorkingHours
from tests.factories.sequence import sequence


def practitioner_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /practitioners` body."""
    body: dict[str, Any] = {
        "given_name": "Claire",
        "family_name": "Martin",
        "license_number": f"RPPS-{sequence():08d}",
        "license_authority": "Ordre des médecins",
        "license_expires_on": "2030-12-31",
        "qualifications": ["mesotherapy"],
        "clinic_ids": [],
    }
    body.update(overrides)
    return body


def url(practitioner: Practitioner) -> str:
    return f"/api/v1/practitioners/{practitioner.id}/working-hours"


def hours(clinic: Clinic, weekday: int, start: str, end: str) -> dict[str, Any]:
    return {"clinic_id": str(clinic.id), "weekday": weekday, "start": start, "end": end}


def stored(db: Session) -> list[tuple[int, int, int]]:
    db.expire_all()
    rows = db.scalars(
        select(WorkingHours).order_by(WorkingHours.weekday, WorkingHours.start_minute)
    )
    return [(h.weekday, h.start_minute, h.end_minute) for h in rows]
