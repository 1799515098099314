"""Factories for clinics (rows made directly: clinics have no endpoints in this branch),
patients, allergies and intakes, and a counter of rows for "nothing written" checks."""

import itertools
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.patients.models import Allergy, Intake, IntakeCellulite, Patient

_seq = itertools.count(1)


def make_clinic(db: Session, **fields: Any) -> Clinic:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Clinic {n}",
        "country": "FR",
        "city": "Paris",
        "address": f"{n} rue de Rivoli",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        "latitude": 48.86,
        "longitude": 2.35,
    }
    values.update(fields)
    clinic = Clinic(**values)
    db.add(clinic)
    db.flush()
    return clinic


def make_patient(db: Session, clinic: Clinic, **fields: Any) -> Patient:
    n = next(_seq)
    values: dict[str, Any] = {
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "date_of_birth": date(1990, 5, 17),
        "sex": "female",
        "email": f"patient{n}@example.com",
        "home_clinic_id": clinic.id,
    }
    values.update(fields)
    patient = Patient(**values)
    db.add(patient)
    db.flush()
    return patient


def make_allergy(db: Session, patient: Patient, **fields: Any) -> Allergy:
    values: dict[str, Any] = {"patient_id": patient.id, "severity": "moderate", "status": "active"}
    values.update(fields)
    allergy = Allergy(**values)
    db.add(allergy)
    db.flush()
    return allergy


def make_intake(
    db: Session,
    patient: Patient,
    measured_on: date = date(2026, 1, 10),
    grades: dict[str, int] | None = None,
    **fields: Any,
) -> Intake:
    values: dict[str, Any] = {
        "patient_id": patient.id,
        "measured_on": measured_on,
        "weight_kg": Decimal("65.0"),
        "height_cm": Decimal("170.0"),
        "goals": ["cellulite"],
        "cellulite": [IntakeCellulite(area_code=a, grade=g) for a, g in (grades or {}).items()],
    }
    values.update(fields)
    intake = Intake(**values)
    db.add(intake)
    db.flush()
    return intake


def count(db: Session, model: type[Any], **where: Any) -> int:
    db.expire_all()
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return int(db.scalar(stmt) or 0)


def new_id() -> str:
    return str(uuid.uuid4())
