"""Who may see which patient (DESIGN section 7), in one place for every domain to reuse.

- admins see every patient;
- receptionists and practitioners see the patients whose home clinic is one of theirs;
- a patient account sees only its own record.
Anything else is answered as if the patient did not exist (404), so ids do not leak.
"""

import uuid
from typing import Annotated, Any, Literal

from fastapi import Depends
from sqlalchemy import ColumnElement, bindparam, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload
from sqlalchemy.sql.elements import BindParameter

from api.auth.deps import CurrentUser, clinic_scope
from api.db import DbSession
from api.errors import NotFound
from api.patients.models import Patient
from api.users.models import User
from api.vocabulary import Role


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


CareKind = Literal["all", "none", "patient", "clinics"]


def care_scope(user: User) -> tuple[CareKind, dict[str, Any]]:
    """Which rows of care (plans, sessions) `user` may see: admins all; staff those held at
    their clinics and those of patients whose home clinic is theirs; a patient only their own.
    Anything else is answered as if it did not exist. As the kind of `care_clause` and the
    values of its bound parameters."""
    if user.role == Role.PATIENT:
        if user.patient_id is None:
            return "none", {}
        return "patient", {"care_patient_id": user.patient_id}
    scope = clinic_scope(user)
    if scope is None:
        return "all", {}
    if not scope:
        return "none", {}
    return "clinics", {"care_clinic_ids": sorted(scope)}


def care_clause(
    kind: CareKind,
    clinic_col: InstrumentedAttribute[uuid.UUID],
    patient_col: InstrumentedAttribute[uuid.UUID],
) -> ColumnElement[bool]:
    """The WHERE clause of a `care_scope` kind, with bound parameters (`care_patient_id`,
    `care_clinic_ids`): a statement built with it once serves every user of that kind."""
    if kind == "all":
        return true()
    if kind == "none":
        return false()
    if kind == "patient":
        return patient_col == bindparam("care_patient_id")
    clinics: BindParameter[list[uuid.UUID]] = bindparam("care_clinic_ids", expanding=True)
    home_patients = select(Patient.id).where(Patient.home_clinic_id.in_(clinics))
    return or_(clinic_col.in_(clinics), patient_col.in_(home_patients))


def visible_care_clause(
    user: User,
    clinic_col: InstrumentedAttribute[uuid.UUID],
    patient_col: InstrumentedAttribute[uuid.UUID],
) -> ColumnElement[bool]:
    """A WHERE clause over rows of care that `user` may see (`care_scope`), values in place."""
    kind, values = care_scope(user)
    clause = care_clause(kind, clinic_col, patient_col)
    return clause.params(values) if values else clause


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
