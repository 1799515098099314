"""Who may see which patient (DESIGN section 7), in one place for every domain to reuse.

- admins see every patient;
- receptionists and practitioners see the patients whose home clinic is one of theirs;
- a patient account sees only its own record.
Anything else is answered as if the patient did not exist (404), so ids do not leak.
"""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from api.auth.deps import CurrentUser, clinic_scope
from api.db import DbSession
from api.errors import NotFound
from api.patients.models import Patient
from api.users.models import Role, User


def can_see_patient(user: User, patient: Patient) -> bool:
    """Whether `user` may see `patient` at all."""
    if user.role == Role.PATIENT:
        return user.patient_id is not None and user.patient_id == patient.id
    scope = clinic_scope(user)
    return scope is None or patient.home_clinic_id in scope


def visible_patients_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause over `Patient` keeping only the patients `user` may see (for lists)."""
    if user.role == Role.PATIENT:
        return Patient.id == user.patient_id if user.patient_id is not None else false()
    scope = clinic_scope(user)
    if scope is None:
        return true()
    return Patient.home_clinic_id.in_(scope) if scope else false()


def visible_care_clause(
    user: User,
    clinic_col: InstrumentedAttribute[uuid.UUID],
    patient_col: InstrumentedAttribute[uuid.UUID],
) -> ColumnElement[bool]:
    """A WHERE clause over rows of care (plans, sessions) that `user` may see: admins all;
    staff those held at their clinics and those of patients whose home clinic is theirs; a
    patient only their own. Anything else is answered as if it did not exist."""
    if user.role == Role.PATIENT:
        return patient_col == user.patient_id if user.patient_id is not None else false()
    scope = clinic_scope(user)
    if scope is None:
        return true()
    if not scope:
        return false()
    home_patients = select(Patient.id).where(Patient.home_clinic_id.in_(scope))
    return or_(clinic_col.in_(scope), patient_col.in_(home_patients))


def visible_patient(db: Session, user: User, patient_id: uuid.UUID) -> Patient:
    """The patient `patient_id` with its home clinic loaded, or 404 if unknown or not visible.

    Routes of other domains that take a patient id in the body may catch `NotFound` and answer
    422 instead, as the contract asks for ids in a body.
    """
    patient = db.scalar(
        select(Patient).options(joinedload(Patient.home_clinic)).where(Patient.id == patient_id)
    )
    if patient is None or not can_see_patient(user, patient):
        raise NotFound("Patient")
    return patient


def get_visible_patient(db: DbSession, user: CurrentUser, patient_id: uuid.UUID) -> Patient:
    """Dependency for routes under `/patients/{patient_id}`."""
    return visible_patient(db, user, patient_id)


VisiblePatient = Annotated[Patient, Depends(get_visible_patient)]
