"""Allergies of a patient: each names a catalogue substance, an allergen class, or free text.

Matching an allergy against what is injected lives in `api.safety.allergies`.
"""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import AllergenClass, Substance
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, NotFound
from api.patients.models import Allergy, Patient
from api.patients.schemas import ALLERGEN_FIELDS, AllergyCreate, AllergyUpdate


def _check_allergen(db: Session, substance_code: str | None, allergen_class: str | None) -> None:
    if substance_code is not None and db.get(Substance, substance_code) is None:
        raise InvalidInput(["body", "substance_code"], "Unknown substance code.")
    if allergen_class is not None and db.get(AllergenClass, allergen_class) is None:
        raise InvalidInput(["body", "allergen_class"], "Unknown allergen class.")


def _check_noted_on(noted_on: date | None, patient: Patient) -> None:
    if noted_on is not None and noted_on > clock.clinic_today(patient.home_clinic.timezone):
        raise InvalidInput(["body", "noted_on"], "The date is in the future.")


def create_allergy(db: Session, patient: Patient, data: AllergyCreate) -> Allergy:
    """Record an allergy; a catalogue code or class must exist (422 otherwise)."""
    _check_allergen(db, data.substance_code, data.allergen_class)
    _check_noted_on(data.noted_on, patient)
    allergy = Allergy(patient_id=patient.id, **data.model_dump())
    db.add(allergy)
    db.flush()
    return allergy


def list_allergies(
    db: Session, patient_id: uuid.UUID, params: PageParams, status: str | None = None
) -> tuple[list[Allergy], str | None]:
    stmt = select(Allergy).where(Allergy.patient_id == patient_id)
    if status is not None:
        stmt = stmt.where(Allergy.status == status)
    return paginate(db, stmt, [SortKey(Allergy.created_at), SortKey(Allergy.id)], params)


def get_allergy(db: Session, patient_id: uuid.UUID, allergy_id: uuid.UUID) -> Allergy:
    allergy = db.get(Allergy, allergy_id)
    if allergy is None or allergy.patient_id != patient_id:
        raise NotFound("Allergy")
    return allergy


def update_allergy(db: Session, patient: Patient, allergy: Allergy, data: AllergyUpdate) -> Allergy:
    """Change an allergy; `status` `inactive` or `resolved` stops it from blocking treatment."""
    fields = data.model_fields_set
    if data.changes_allergen:
        _check_allergen(db, data.substance_code, data.allergen_class)
        for name in ALLERGEN_FIELDS:
            setattr(allergy, name, getattr(data, name))
    if "noted_on" in fields:
        _check_noted_on(data.noted_on, patient)
        allergy.noted_on = data.noted_on
    for name in ("reaction", "severity", "status"):
        if name in fields:
            setattr(allergy, name, getattr(data, name))
    db.flush()
    return allergy
