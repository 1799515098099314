"""Who may see which patient, plan and session (DESIGN section 7), for every domain to reuse.

- admins see everything;
- receptionists and practitioners see the patients whose home clinic is one of theirs, and the
  care (plans, sessions) held at one of their clinics or of such a patient;
- a patient account sees only its own record and its own care.
Anything else is answered as if it did not exist (404), so ids do not leak.

The rule comes in the forms the code needs: a Python check (`can_see_patient`), WHERE clauses
with the values in place (`visible_patients_clause`, `CareScope.inline`), and a clause with
bound parameters (`care_clause`, `CareScope.clause`) for statements built once per kind of
user and run with `CareScope.params`. No FastAPI here: routes reach it through the `deps`
modules.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, bindparam, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import BindParameter

from api.patients.models import Patient
from api.users.models import User
from api.vocabulary import Role


def clinic_scope(user: User) -> set[uuid.UUID] | None:
    """The clinics whose patients and care `user` may see; None means every clinic."""
    if user.role == Role.ADMIN:
        return None
    return set(user.clinic_ids)


def can_see_patient(user: User, patient: Patient) -> bool:
    """Whether `user` may see `patient` (and so name them in a plan)."""
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


def care_clause(
    kind: CareKind,
    clinic_col: InstrumentedAttribute[uuid.UUID],
    patient_col: InstrumentedAttribute[uuid.UUID],
) -> ColumnElement[bool]:
    """The WHERE clause of rows of care for users of one `kind`, with bound parameters
    (`care_patient_id`, `care_clinic_ids`): a statement built with it once serves every user
    of that kind, run with their `CareScope.params`."""
    if kind == "all":
        return true()
    if kind == "none":
        return false()
    if kind == "patient":
        return patient_col == bindparam("care_patient_id")
    clinics: BindParameter[list[uuid.UUID]] = bindparam("care_clinic_ids", expanding=True)
    home_patients = select(Patient.id).where(Patient.home_clinic_id.in_(clinics))
    return or_(clinic_col.in_(clinics), patient_col.in_(home_patients))


@dataclass(frozen=True)
class CareScope:
    """Which rows of care (plans, sessions) a user may see: the `kind` of `care_clause` and
    the values of its bound parameters."""

    kind: CareKind
    params: Mapping[str, Any]

    def clause(
        self,
        clinic_col: InstrumentedAttribute[uuid.UUID],
        patient_col: InstrumentedAttribute[uuid.UUID],
    ) -> ColumnElement[bool]:
        """The clause with bound parameters (`care_clause` of this kind); run the statement
        with `bind(...)`."""
        return care_clause(self.kind, clinic_col, patient_col)

    def inline(
        self,
        clinic_col: InstrumentedAttribute[uuid.UUID],
        patient_col: InstrumentedAttribute[uuid.UUID],
    ) -> ColumnElement[bool]:
        """The clause with this user's values in place, for statements built per request."""
        clause = self.clause(clinic_col, patient_col)
        return clause.params(dict(self.params)) if self.params else clause

    def bind(self, **values: Any) -> dict[str, Any]:
        """The bind values of a statement built with `clause`: `values` and this scope's."""
        return {**values, **self.params}


def care_scope(user: User) -> CareScope:
    """The care `user` may see: admins all; staff that held at their clinics and that of
    patients whose home clinic is theirs; a patient only their own."""
    if user.role == Role.PATIENT:
        if user.patient_id is None:
            return CareScope("none", {})
        return CareScope("patient", {"care_patient_id": user.patient_id})
    scope = clinic_scope(user)
    if scope is None:
        return CareScope("all", {})
    if not scope:
        return CareScope("none", {})
    return CareScope("clinics", {"care_clinic_ids": sorted(scope)})
