"""The one loader of "a session the caller may see", with its clinic's time zone.

The rule (the same as for plans): an admin sees every session; a receptionist or practitioner
sees a session when the patient's home clinic or the session's clinic is one of their clinics;
a patient sees only their own sessions. A session the caller may not see answers 404, as if it
did not exist.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import care_scope
from api.clinics.models import Clinic
from api.errors import NotFound
from api.sessions.models import TreatmentSession
from api.users.models import User


@dataclass(frozen=True)
class LocatedSession:
    """A session with its clinic's IANA time zone, for clinic-local dates."""

    session: TreatmentSession
    timezone: str


def visible_session(db: Session, user: User, session_id: uuid.UUID) -> LocatedSession:
    """The session `session_id` with its clinic's time zone, or 404 when unknown or not
    visible to the caller."""
    row = db.execute(
        select(TreatmentSession, Clinic.timezone)
        .join(Clinic, Clinic.id == TreatmentSession.clinic_id)
        .where(
            TreatmentSession.id == session_id,
            care_scope(user).inline(TreatmentSession.clinic_id, TreatmentSession.patient_id),
        )
    ).one_or_none()
    if row is None:
        raise NotFound("Session")
    return LocatedSession(session=row[0], timezone=row[1])
