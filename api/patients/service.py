"""Patients' demographics: creation, search, change and deactivation; age at read time."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from api.access import can_see_patient, clinic_scope, visible_patients_clause
from api.clinics.models import Clinic
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import Forbidden, InvalidInput, NotFound
from api.patients.models import Patient
from api.patients.schemas import PatientCreate, PatientRead, PatientUpdate
from api.users.models import User
from api.vocabulary import Role

MAX_AGE_YEARS = 120


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on `day` (someone born on 29 February turns a year older on 1 March)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def patient_out(patient: Patient) -> PatientRead:
    """The API view of a patient whose home clinic is loaded; `age` is computed now."""
    today = clock.clinic_today(patient.home_clinic.timezone)
    return PatientRead(
        id=patient.id,
        given_name=patient.given_name,
        family_name=patient.family_name,
        date_of_birth=patient.date_of_birth,
        age=age_on(patient.date_of_birth, today),
        sex=patient.sex,
        email=patient.email,
        phone=patient.phone,
        home_clinic_id=patient.home_clinic_id,
        active=patient.active,
        created_at=patient.created_at,
        updated_at=patient.updated_at,
    )


def _home_clinic(db: Session, user: User, clinic_id: uuid.UUID) -> Clinic:
    """The clinic a patient is attached to: it must exist, and staff attach only to theirs."""
    clinic = db.get(Clinic, clinic_id)
    if clinic is None:
        raise InvalidInput(["body", "home_clinic_id"], "Unknown clinic.")
    scope = clinic_scope(user)
    if scope is not None and clinic.id not in scope:
        raise InvalidInput(["body", "home_clinic_id"], "Not one of your clinics.")
    return clinic


def _check_date_of_birth(date_of_birth: date, clinic: Clinic) -> None:
    today = clock.clinic_today(clinic.timezone)
    if date_of_birth > today:
        raise InvalidInput(["body", "date_of_birth"], "The date of birth is in the future.")
    if date_of_birth < years_before(today, MAX_AGE_YEARS):
        raise InvalidInput(
            ["body", "date_of_birth"], f"The date of birth is over {MAX_AGE_YEARS} years ago."
        )


def create_patient(db: Session, user: User, data: PatientCreate) -> Patient:
    """Register a patient at an existing clinic (one of the caller's, for staff)."""
    clinic = _home_clinic(db, user, data.home_clinic_id)
    _check_date_of_birth(data.date_of_birth, clinic)
    patient = Patient(
        given_name=data.given_name,
        family_name=data.family_name,
        date_of_birth=data.date_of_birth,
        sex=data.sex,
        email=str(data.email) if data.email is not None else None,
        phone=data.phone,
        home_clinic_id=clinic.id,
        active=data.active,
    )
    patient.home_clinic = clinic
    db.add(patient)
    db.flush()
    return patient


def update_patient(db: Session, user: User, patient: Patient, data: PatientUpdate) -> Patient:
    """Change demographics; `active: false` deactivates (patients are never deleted).

    A patient account may change its own details but not its own `active` flag nor its home
    clinic (which decides which staff see the record): staff move a patient.
    """
    fields = data.model_fields_set
    if user.role == Role.PATIENT and "active" in fields:
        raise Forbidden("A patient account may not (de)activate a record.")
    if user.role == Role.PATIENT and "home_clinic_id" in fields:
        raise Forbidden("A patient account may not move a record to another clinic.")
    clinic = patient.home_clinic
    if data.home_clinic_id is not None and data.home_clinic_id != patient.home_clinic_id:
        clinic = _home_clinic(db, user, data.home_clinic_id)
    if data.date_of_birth is not None:
        _check_date_of_birth(data.date_of_birth, clinic)
    for name in ("given_name", "family_name", "date_of_birth", "sex", "phone", "active"):
        if name in fields:
            setattr(patient, name, getattr(data, name))
    if "email" in fields:
        patient.email = str(data.email) if data.email is not None else None
    if clinic.id != patient.home_clinic_id:
        patient.home_clinic_id = clinic.id
        patient.home_clinic = clinic
    db.flush()
    return patient


def _like_any(q: str) -> ColumnElement[bool]:
    """Case-insensitive substring over names and email; `%`, `_` and `\\` are literal."""
    needle = q.lower()
    return or_(
        *(
            column.icontains(needle, autoescape=True)
            for column in (Patient.given_name, Patient.family_name, Patient.email)
        )
    )


def list_patients(
    db: Session,
    user: User,
    params: PageParams,
    q: str | None = None,
    clinic_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> tuple[list[Patient], str | None]:
    """The patients `user` may see, by family name, given name, id."""
    stmt = (
        select(Patient)
        .options(selectinload(Patient.home_clinic))
        .where(visible_patients_clause(user))
    )
    if q:
        stmt = stmt.where(_like_any(q))
    if clinic_id is not None:
        if db.get(Clinic, clinic_id) is None:
            raise InvalidInput(["query", "clinic_id"], "Unknown clinic.")
        stmt = stmt.where(Patient.home_clinic_id == clinic_id)
    if active is not None:
        stmt = stmt.where(Patient.active == active)
    keys = [SortKey(Patient.family_name), SortKey(Patient.given_name), SortKey(Patient.id)]
    return paginate(db, stmt, keys, params)


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
