"""Who sees which plans and sessions.

Admins see all. Staff (receptionists, practitioners) see the plans and sessions held at their
clinics and those of patients whose home clinic is theirs. A patient sees only their own.
Anything else is answered as if it did not exist (404, or 422 when referenced in a body).
"""

import uuid

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from api.auth.deps import clinic_scope
from api.patients.models import Patient
from api.users.models import Role, User


def visible_clause(
    user: User,
    clinic_col: InstrumentedAttribute[uuid.UUID],
    patient_col: InstrumentedAttribute[uuid.UUID],
) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows (plans or sessions) `user` may see."""
    if user.role == Role.PATIENT:
        return patient_col == user.patient_id if user.patient_id is not None else false()
    scope = clinic_scope(user)
    if scope is None:
        return true()
    if not scope:
        return false()
    home_patients = select(Patient.id).where(Patient.home_clinic_id.in_(scope))
    return or_(clinic_col.in_(scope), patient_col.in_(home_patients))
