"""The dependencies of the plan routes: who may consent, and the visible plan (the rule is
`api.access`; the loader `plans.service.visible_plan`)."""

import uuid
from typing import Annotated

from fastapi import Depends

from api.auth.deps import CurrentUser, require_roles
from api.db import DbSession
from api.plans.models import TreatmentPlan
from api.plans.service import visible_plan
from api.users.models import User
from api.vocabulary import Role

ConsentingUser = Annotated[
    User, Depends(require_roles(Role.ADMIN, Role.PRACTITIONER, Role.PATIENT))
]


def get_visible_plan(db: DbSession, user: CurrentUser, plan_id: uuid.UUID) -> TreatmentPlan:
    """The plan `plan_id` with its areas, or 404 when unknown or not visible to the caller."""
    return visible_plan(db, user, plan_id, for_update=False)


def get_plan_to_change(db: DbSession, user: CurrentUser, plan_id: uuid.UUID) -> TreatmentPlan:
    """Like `get_visible_plan`, with the row locked until the request's transaction ends, so
    two concurrent changes (two consents, say) are decided one after the other."""
    return visible_plan(db, user, plan_id, for_update=True)


VisiblePlan = Annotated[TreatmentPlan, Depends(get_visible_plan)]
PlanToChange = Annotated[TreatmentPlan, Depends(get_plan_to_change)]
