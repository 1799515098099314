"""Who sees which sessions, and the dependencies that load a visible session.

The rule (the same as for plans): an admin sees every session; a receptionist or practitioner
sees a session when the patient's home clinic or the session's clinic is one of their clinics;
a patient sees only their own sessions. A session the caller may not see answers 404, as if it
did not exist.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, select

from api.auth.deps import CurrentUser, require_roles
from api.clinics.models import Clinic
from api.db import DbSession
from api.errors import NotFound
from api.patients.deps import visible_care_clause
from api.sessions.models import TreatmentSession
from api.users.models import Role, User

# Follow-ups are reported by the clinician (practitioner or admin) or by the patient themself.
ReportingUser = Annotated[User, Depends(require_roles(Role.ADMIN, Role.PRACTITIONER, Role.PATIENT))]


def visible_sessions(user: User) -> ColumnElement[bool]:
    """A WHERE clause keeping the sessions `user` may see (the rule of `visible_care_clause`)."""
    return visible_care_clause(user, TreatmentSession.clinic_id, TreatmentSession.patient_id)


@dataclass(frozen=True)
class LocatedSession:
    """A session with its clinic's IANA time zone, for clinic-local dates."""

    session: TreatmentSession
    timezone: str


def get_visible_session(db: DbSession, user: CurrentUser, session_id: uuid.UUID) -> LocatedSession:
    """The session `session_id` with its clinic's time zone, or 404 when unknown or not
    visible to the caller."""
    row = db.execute(
        select(TreatmentSession, Clinic.timezone)
        .join(Clinic, Clinic.id == TreatmentSession.clinic_id)
        .where(TreatmentSession.id == session_id, visible_sessions(user))
    ).one_or_none()
    if row is None:
        raise NotFound("Session")
    return LocatedSession(session=row[0], timezone=row[1])


VisibleSession = Annotated[LocatedSession, Depends(get_visible_session)]
