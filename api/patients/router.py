"""/api/v1/patients: demographics, allergies and intakes (HTTP only; rules in the services).

Role first, then visibility: a receptionist writing an allergy gets 403 whoever the patient
is; a patient that the caller may not see is 404.
"""

import uuid
from typing import Annotated

from fastapi import Query, Response, status

from api.audit.deps import AuditorDep
from api.auth.deps import ClinicalUser, CurrentUser, StaffUser
from api.catalogue.schemas import NO_NUL
from api.common.etag import IfMatch, check_if_match, set_etag
from api.common.pagination import Page, PageDep
from api.common.responses import problem
from api.common.routing import ApiRouter
from api.db import DbSession
from api.errors import NotFound
from api.patients import allergies, intakes, service
from api.patients.deps import VisiblePatient
from api.patients.schemas import (
    AllergyCreate,
    AllergyRead,
    AllergyUpdate,
    IntakeCreate,
    IntakeRead,
    PatientCreate,
    PatientRead,
    PatientUpdate,
)
from api.vocabulary import AllergyStatus

router = ApiRouter(prefix="/patients", tags=["patients"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Register a patient")
def create_patient(
    db: DbSession, user: StaffUser, auditor: AuditorDep, body: PatientCreate, response: Response
) -> PatientRead:
    patient = service.create_patient(db, user, body)
    auditor.record("create", "patient", patient.id, patient.id)
    set_etag(response, patient.id, patient.updated_at)
    return service.patient_out(patient)


@router.get("", summary="List or search patients (staff)")
def list_patients(
    db: DbSession,
    user: StaffUser,
    page: PageDep,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=NO_NUL,
            description="Case-insensitive substring of names or email.",
        ),
    ] = None,
    clinic_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[PatientRead]:
    items, cursor = service.list_patients(db, user, page, q, clinic_id, active)
    return Page(items=[service.patient_out(p) for p in items], next_cursor=cursor)


@router.get("/{patient_id}", summary="Read a patient")
def get_patient(patient: VisiblePatient, response: Response) -> PatientRead:
    set_etag(response, patient.id, patient.updated_at)
    return service.patient_out(patient)


@router.patch(
    "/{patient_id}",
    # A patient account may not change its own `active` flag nor its home clinic.
    responses=problem(403),
    summary="Change or deactivate a patient",
)
def update_patient(
    db: DbSession,
    user: CurrentUser,
    auditor: AuditorDep,
    patient: VisiblePatient,
    body: PatientUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> PatientRead:
    check_if_match(if_match, patient.id, patient.updated_at)
    patient = service.update_patient(db, user, patient, body)
    auditor.record("update", "patient", patient.id, patient.id)
    set_etag(response, patient.id, patient.updated_at)
    return service.patient_out(patient)


# --- allergies ---------------------------------------------------------------------------------


@router.post(
    "/{patient_id}/allergies",
    status_code=status.HTTP_201_CREATED,
    summary="Record an allergy (practitioners, admins)",
)
def create_allergy(
    db: DbSession,
    _user: ClinicalUser,
    auditor: AuditorDep,
    patient: VisiblePatient,
    body: AllergyCreate,
    response: Response,
) -> AllergyRead:
    allergy = allergies.create_allergy(db, patient, body)
    auditor.record("create", "allergy", allergy.id, patient.id)
    set_etag(response, allergy.id, allergy.updated_at)
    return AllergyRead.model_validate(allergy)


@router.get("/{patient_id}/allergies", summary="List a patient's allergies")
def list_allergies(
    db: DbSession,
    auditor: AuditorDep,
    patient: VisiblePatient,
    page: PageDep,
    status: AllergyStatus | None = None,
) -> Page[AllergyRead]:
    items, cursor = allergies.list_allergies(db, patient.id, page, status)
    auditor.record("read", "allergy", None, patient.id)
    return Page(items=[AllergyRead.model_validate(a) for a in items], next_cursor=cursor)


@router.get("/{patient_id}/allergies/{allergy_id}", summary="Read one allergy")
def get_allergy(
    db: DbSession,
    auditor: AuditorDep,
    patient: VisiblePatient,
    allergy_id: uuid.UUID,
    response: Response,
) -> AllergyRead:
    allergy = allergies.get_allergy(db, patient.id, allergy_id)
    auditor.record("read", "allergy", allergy.id, patient.id)
    set_etag(response, allergy.id, allergy.updated_at)
    return AllergyRead.model_validate(allergy)


@router.patch(
    "/{patient_id}/allergies/{allergy_id}",
    summary="Change an allergy (practitioners, admins)",
)
def update_allergy(
    db: DbSession,
    _user: ClinicalUser,
    auditor: AuditorDep,
    patient: VisiblePatient,
    allergy_id: uuid.UUID,
    body: AllergyUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> AllergyRead:
    allergy = allergies.get_allergy(db, patient.id, allergy_id)
    check_if_match(if_match, allergy.id, allergy.updated_at)
    allergy = allergies.update_allergy(db, patient, allergy, body)
    auditor.record("update", "allergy", allergy.id, patient.id)
    set_etag(response, allergy.id, allergy.updated_at)
    return AllergyRead.model_validate(allergy)


# --- intakes (append-only: no PATCH, PUT or DELETE, so those answer 405) ------------------------


@router.post(
    "/{patient_id}/intakes",
    status_code=status.HTTP_201_CREATED,
    summary="Add an intake (practitioners, admins)",
)
def create_intake(
    db: DbSession,
    _user: ClinicalUser,
    auditor: AuditorDep,
    patient: VisiblePatient,
    body: IntakeCreate,
    response: Response,
) -> IntakeRead:
    intake = intakes.create_intake(db, patient, body)
    auditor.record("create", "intake", intake.id, patient.id)
    set_etag(response, intake.id, intake.updated_at)
    return intakes.intake_out(intake)


@router.get("/{patient_id}/intakes", summary="List a patient's intakes, newest first")
def list_intakes(
    db: DbSession, auditor: AuditorDep, patient: VisiblePatient, page: PageDep
) -> Page[IntakeRead]:
    items, cursor = intakes.list_intakes(db, patient.id, page)
    auditor.record("read", "intake", None, patient.id)
    return Page(items=[intakes.intake_out(i) for i in items], next_cursor=cursor)


@router.get("/{patient_id}/intakes/latest", summary="The latest intake (by measured_on)")
def get_latest_intake(
    db: DbSession, auditor: AuditorDep, patient: VisiblePatient, response: Response
) -> IntakeRead:
    intake = intakes.latest_intake(db, patient.id)
    if intake is None:
        raise NotFound("Intake")
    auditor.record("read", "intake", intake.id, patient.id)
    set_etag(response, intake.id, intake.updated_at)
    return intakes.intake_out(intake)


@router.get("/{patient_id}/intakes/{intake_id}", summary="Read one intake")
def get_intake(
    db: DbSession,
    auditor: AuditorDep,
    patient: VisiblePatient,
    intake_id: uuid.UUID,
    response: Response,
) -> IntakeRead:
    intake = intakes.get_intake(db, patient.id, intake_id)
    auditor.record("read", "intake", intake.id, patient.id)
    set_etag(response, intake.id, intake.updated_at)
    return intakes.intake_out(intake)
