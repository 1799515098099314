"""Who sees which treatment plans, and the dependencies that load a visible plan.

The rule: an admin sees every plan; a receptionist or practitioner sees a plan when the
patient's home clinic or the plan's clinic is one of their clinics; a patient sees only their
own plans. A plan the caller may not see answers 404, as if it did not exist.
"""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from api.auth.deps import CurrentUser, clinic_scope, require_roles
from api.db import DbSession
from api.errors import NotFound
from api.patients.deps import visible_care_clause
from api.patients.models import Patient
from api.plans.models import TreatmentPlan
from api.users.models import User
from api.vocabulary import Role

ConsentingUser = Annotated[
    User, Depends(require_roles(Role.ADMIN, Role.PRACTITIONER, Role.PATIENT))
]


def visible_plans(user: User) -> ColumnElement[bool]:
    """A WHERE clause keeping the plans `user` may see (the rule of `visible_care_clause`)."""
    return visible_care_clause(user, TreatmentPlan.clinic_id, TreatmentPlan.patient_id)


def patient_visible(user: User, patient: Patient) -> bool:
    """Whether `user` may name `patient` in a plan: admins any, staff their clinics' patients
    (by home clinic), a patient themself."""
    if user.role == Role.PATIENT:
        return user.patient_id == patient.id
    scope = clinic_scope(user)
    return scope is None or patient.home_clinic_id in scope


def _load_visible(
    db: Session, user: User, plan_id: uuid.UUID, *, for_update: bool
) -> TreatmentPlan:
    stmt = (
        select(TreatmentPlan)
        .where(TreatmentPlan.id == plan_id, visible_plans(user))
        .options(selectinload(TreatmentPlan.areas))
    )
    if for_update:
        stmt = stmt.with_for_update(of=TreatmentPlan)
    plan = db.scalar(stmt)
    if plan is None:
        raise NotFound("Treatment plan")
    return plan


def get_visible_plan(db: DbSession, user: CurrentUser, plan_id: uuid.UUID) -> TreatmentPlan:
    """The plan `plan_id` with its areas, or 404 when unknown or not visible to the caller."""
    return _load_visible(db, user, plan_id, for_update=False)


def get_plan_to_change(db: DbSession, user: CurrentUser, plan_id: uuid.UUID) -> TreatmentPlan:
    """Like `get_visible_plan`, with the row locked until the request's transaction ends, so
    two concurrent changes (two consents, say) are decided one after the other."""
    return _load_visible(db, user, plan_id, for_update=True)


VisiblePlan = Annotated[TreatmentPlan, Depends(get_visible_plan)]
PlanToChange = Annotated[TreatmentPlan, Depends(get_plan_to_change)]
