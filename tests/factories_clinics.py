"""Factories for clinics, prices and practitioners, written straight into the test database."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from api.clinics.models import Clinic, ClinicPrice
from api.practitioners.models import Practitioner, WorkingHours

PARIS = {"latitude": 48.8566, "longitude": 2.3522}


def clinic_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /clinics` body."""
    body: dict[str, Any] = {
        "name": "Clinique Rivoli",
        "country": "FR",
        "city": "Paris",
        "address": "12 rue de Rivoli, 75004 Paris",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        **PARIS,
    }
    body.update(overrides)
    return body


def make_clinic(db: Session, **fields: Any) -> Clinic:
    values: dict[str, Any] = {
        "name": f"Clinic {uuid.uuid4().hex[:6]}",
        "country": "FR",
        "city": "Paris",
        "address": "1 place de la Concorde",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        **PARIS,
    }
    values.update(fields)
    clinic = Clinic(**values)
    db.add(clinic)
    db.flush()
    return clinic


def set_price(db: Session, clinic: Clinic, area_code: str, price: str) -> None:
    db.add(ClinicPrice(clinic_id=clinic.id, area_code=area_code, price=Decimal(price)))
    db.flush()


def practitioner_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /practitioners` body."""
    body: dict[str, Any] = {
        "given_name": "Claire",
        "family_name": "Martin",
        "license_number": f"RPPS-{uuid.uuid4().hex[:8]}",
        "license_authority": "Ordre des médecins",
        "license_expires_on": "2030-12-31",
        "qualifications": ["mesotherapy"],
        "clinic_ids": [],
    }
    body.update(overrides)
    return body


def make_practitioner(
    db: Session, *, clinics: list[Clinic] | None = None, **fields: Any
) -> Practitioner:
    values: dict[str, Any] = {
        "given_name": "Claire",
        "family_name": "Martin",
        "license_number": f"RPPS-{uuid.uuid4().hex[:8]}",
        "license_authority": "Ordre des médecins",
        "license_expires_on": date(2030, 12, 31),
        "qualifications": ["mesotherapy"],
    }
    values.update(fields)
    practitioner = Practitioner(**values, clinics=clinics or [])
    db.add(practitioner)
    db.flush()
    return practitioner


def add_hours(
    db: Session, practitioner: Practitioner, clinic: Clinic, weekday: int, start: int, end: int
) -> WorkingHours:
    row = WorkingHours(
        practitioner_id=practitioner.id,
        clinic_id=clinic.id,
        weekday=weekday,
        start_minute=start,
        end_minute=end,
    )
    db.add(row)
    db.flush()
    return row
