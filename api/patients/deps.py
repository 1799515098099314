"""The dependency that loads the patient of a `/patients/{patient_id}` route (the rule is
`api.access.can_see_patient`)."""

import uuid
from typing import Annotated

from fastapi import Depends

from api.auth.deps import CurrentUser
from api.db import DbSession
from api.patients.models import Patient
from api.patients.service import visible_patient


def get_visible_patient(db: DbSession, user: CurrentUser, patient_id: uuid.UUID) -> Patient:
    """Dependency for routes under `/patients/{patient_id}`."""
    return visible_patient(db, user, patient_id)


VisiblePatient = Annotated[Patient, Depends(get_visible_patient)]
