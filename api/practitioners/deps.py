"""Loading a practitioner with the caller's right to read or change their schedule."""

import uuid
from typing import Annotated

from fastapi import Depends

from api.auth.deps import CurrentUser, StaffUser
from api.common.responses import may_forbid
from api.db import DbSession
from api.errors import Forbidden
from api.practitioners import service
from api.practitioners.models import Practitioner
from api.vocabulary import Role


def readable_practitioner(
    db: DbSession, _user: CurrentUser, practitioner_id: uuid.UUID
) -> Practitioner:
    """Every logged-in user may read practitioners."""
    return service.get_practitioner(db, practitioner_id)


@may_forbid
def practitioner_schedule_reader(
    db: DbSession, user: StaffUser, practitioner_id: uuid.UUID
) -> Practitioner:
    """Time off (its reasons are personal) is read by admins, the practitioner themself, and
    staff of one of the practitioner's clinics; other staff get 403 (the practitioner record
    itself is public to logged-in users, so there is nothing to hide with a 404)."""
    practitioner = service.get_practitioner(db, practitioner_id)
    if user.role == Role.ADMIN or user.practitioner_id == practitioner.id:
        return practitioner
    if not set(user.clinic_ids).intersection(c.id for c in practitioner.clinics):
        raise Forbidden("Time off is read by staff of the practitioner's clinics.")
    return practitioner


@may_forbid
def practitioner_schedule_owner(
    db: DbSession, user: CurrentUser, practitioner_id: uuid.UUID
) -> Practitioner:
    """Admins change anyone's hours and time off; a practitioner only their own."""
    if user.role not in (Role.ADMIN, Role.PRACTITIONER):
        raise Forbidden()
    practitioner = service.get_practitioner(db, practitioner_id)
    if user.role == Role.PRACTITIONER and user.practitioner_id != practitioner.id:
        raise Forbidden("A practitioner changes only their own hours and time off.")
    return practitioner


ReadablePractitioner = Annotated[Practitioner, Depends(readable_practitioner)]
ScheduleReader = Annotated[Practitioner, Depends(practitioner_schedule_reader)]
ScheduleOwner = Annotated[Practitioner, Depends(practitioner_schedule_owner)]
