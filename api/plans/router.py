"""/api/v1/treatment-plans: create, read, list, change while proposed, consent, cancel."""

import uuid

from fastapi import Response, status
from sqlalchemy.orm import Session

from api.audit.deps import AuditorDep
from api.auth.deps import ClinicalUser, CurrentUser
from api.common.etag import IfMatch, check_if_match, set_etag
from api.common.pagination import Page, PageDep
from api.common.responses import conflicts
from api.common.routing import ApiRouter
from api.db import DbSession
from api.plans import service
from api.plans.deps import (
    ConsentingUser,
    PlanToChange,
    VisiblePlan,
)
from api.plans.models import TreatmentPlan
from api.plans.schemas import (
    CancelBody,
    ConsentBody,
    PlanCreate,
    PlanDetail,
    PlanRead,
    PlanUpdate,
    plan_detail,
    plan_read,
)
from api.users.models import User
from api.vocabulary import PlanStatus

RESOURCE = "treatment_plan"

router = ApiRouter(prefix="/treatment-plans", tags=["treatment plans"])


def _detail(db: Session, plan: TreatmentPlan, response: Response, viewer: User) -> PlanDetail:
    set_etag(response, plan.id, plan.updated_at)
    sessions = service.plan_sessions(db, plan.id)
    return plan_detail(plan, sessions, service.clinic_timezone(db, plan.clinic_id), viewer)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=conflicts(service.CREATE_CODES),
    summary="Propose a treatment plan (safety gates and quote)",
)
def create_treatment_plan(
    db: DbSession, user: ClinicalUser, auditor: AuditorDep, body: PlanCreate, response: Response
) -> PlanDetail:
    plan = service.create_plan(db, body, user)
    auditor.record("create", RESOURCE, plan.id, plan.patient_id)
    return _detail(db, plan, response, user)


@router.get("", summary="List treatment plans")
def list_treatment_plans(
    db: DbSession,
    user: CurrentUser,
    auditor: AuditorDep,
    page: PageDep,
    patient_id: uuid.UUID | None = None,
    practitioner_id: uuid.UUID | None = None,
    clinic_id: uuid.UUID | None = None,
    status: PlanStatus | None = None,
) -> Page[PlanRead]:
    filters = service.PlanFilters(patient_id, practitioner_id, clinic_id, status)
    plans, cursor = service.list_plans(db, user, filters, page)
    counts = service.count_sessions(db, [p.id for p in plans])
    for plan in plans:
        auditor.record("read", RESOURCE, plan.id, plan.patient_id)
    return Page(items=[plan_read(p, *counts[p.id]) for p in plans], next_cursor=cursor)


@router.get("/{plan_id}", summary="Read a treatment plan with its sessions and follow-ups")
def get_treatment_plan(
    db: DbSession, user: CurrentUser, plan: VisiblePlan, auditor: AuditorDep, response: Response
) -> PlanDetail:
    auditor.record("read", RESOURCE, plan.id, plan.patient_id)
    return _detail(db, plan, response, user)


@router.patch(
    "/{plan_id}",
    responses=conflicts(service.UPDATE_CODES),
    summary="Change a proposed plan (honours If-Match)",
)
def update_treatment_plan(
    db: DbSession,
    user: ClinicalUser,
    plan: PlanToChange,
    auditor: AuditorDep,
    body: PlanUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> PlanDetail:
    check_if_match(if_match, plan.id, plan.updated_at)
    service.update_plan(db, plan, body, user)
    auditor.record("update", RESOURCE, plan.id, plan.patient_id)
    return _detail(db, plan, response, user)


@router.post(
    "/{plan_id}/consent",
    responses=conflicts(service.TRANSITION_CODES),
    summary="Record consent: proposed → active",
)
def consent_to_treatment_plan(
    db: DbSession,
    user: ConsentingUser,
    plan: PlanToChange,
    auditor: AuditorDep,
    response: Response,
    body: ConsentBody | None = None,
) -> PlanDetail:
    service.consent(db, plan, body.signed_at if body else None, user)
    auditor.record("update", RESOURCE, plan.id, plan.patient_id)
    return _detail(db, plan, response, user)


@router.post(
    "/{plan_id}/cancel",
    responses=conflicts(service.TRANSITION_CODES),
    summary="Cancel the plan and its sessions still to come",
)
def cancel_treatment_plan(
    db: DbSession,
    user: ClinicalUser,
    plan: PlanToChange,
    auditor: AuditorDep,
    body: CancelBody,
    response: Response,
) -> PlanDetail:
    cancelled = service.cancel_plan(db, plan, body.reason)
    auditor.record("update", RESOURCE, plan.id, plan.patient_id)
    for session in cancelled:
        auditor.record("update", "session", session.id, plan.patient_id)
    return _detail(db, plan, response, user)
