"""/api/v1/practitioners: records (admins write, every logged-in user reads), weekly working
hours and time off (admins, or the practitioner themself)."""

import uuid
from typing import Any

from fastapi import Response, status

from api.auth.deps import AdminUser, CurrentUser
from api.common.etag import IfMatch, check_if_match, set_etag
from api.common.pagination import Page, PageDep
from api.common.responses import conflicts
from api.common.routing import ApiRouter
from api.db import DbSession
from api.practitioners import schedule, service
from api.practitioners.deps import ReadablePractitioner, ScheduleOwner, ScheduleReader
from api.practitioners.models import Practitioner
from api.practitioners.schemas import (
    PractitionerCreate,
    PractitionerRead,
    PractitionerUpdate,
    TimeOffCreate,
    TimeOffRead,
    WorkingHoursList,
    WorkingHoursOut,
)
from api.vocabulary import ConflictCode

router = ApiRouter(prefix="/practitioners", tags=["practitioners"])

ETAG_HEADER: dict[int | str, dict[str, Any]] = {
    200: {"headers": {"ETag": {"description": "Send it back in `If-Match` when changing."}}}
}


def _read(practitioner: Practitioner, response: Response) -> PractitionerRead:
    set_etag(response, practitioner.id, practitioner.updated_at)
    return PractitionerRead.model_validate(practitioner)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=conflicts(ConflictCode.LICENSE_EXISTS),
    summary="Create a practitioner (admins)",
)
def create_practitioner(
    db: DbSession, _admin: AdminUser, body: PractitionerCreate, response: Response
) -> PractitionerRead:
    return _read(service.create_practitioner(db, body), response)


@router.get("", summary="List practitioners")
def list_practitioners(
    db: DbSession,
    _user: CurrentUser,
    page: PageDep,
    clinic_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[PractitionerRead]:
    """By family name, then given name; `clinic_id` keeps those working at that clinic."""
    items, cursor = service.list_practitioners(db, page, clinic_id=clinic_id, active=active)
    return Page(items=[PractitionerRead.model_validate(p) for p in items], next_cursor=cursor)


@router.get("/{practitioner_id}", responses=ETAG_HEADER, summary="Read one practitioner")
def get_practitioner(practitioner: ReadablePractitioner, response: Response) -> PractitionerRead:
    return _read(practitioner, response)


@router.patch(
    "/{practitioner_id}",
    responses=conflicts(ConflictCode.LICENSE_EXISTS),
    summary="Change a practitioner (admins)",
)
def update_practitioner(
    db: DbSession,
    _admin: AdminUser,
    practitioner_id: uuid.UUID,
    body: PractitionerUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> PractitionerRead:
    practitioner = service.get_practitioner(db, practitioner_id)
    check_if_match(if_match, practitioner.id, practitioner.updated_at)
    return _read(service.update_practitioner(db, practitioner, body), response)


@router.delete(
    "/{practitioner_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=conflicts(ConflictCode.IN_USE),
    summary="Remove a practitioner nothing refers to (admins)",
)
def delete_practitioner(db: DbSession, _admin: AdminUser, practitioner_id: uuid.UUID) -> None:
    service.delete_practitioner(db, service.get_practitioner(db, practitioner_id))


@router.get("/{practitioner_id}/working-hours", summary="Weekly working hours")
def get_working_hours(db: DbSession, practitioner: ReadablePractitioner) -> list[WorkingHoursOut]:
    """Local wall-clock intervals per clinic, sorted by clinic, weekday (0 = Monday), start."""
    return schedule.get_working_hours(db, practitioner)


@router.put("/{practitioner_id}/working-hours", summary="Replace the weekly working hours")
def replace_working_hours(
    db: DbSession, practitioner: ScheduleOwner, body: WorkingHoursList
) -> list[WorkingHoursOut]:
    """A JSON list of `{clinic_id, weekday, start, end}` in the clinic's local time; `"24:00"`
    ends at midnight. Intervals may not overlap: at clinics of one time zone within a weekday,
    across zones as instants in any of the 53 weeks from today (daylight saving and midnight
    included); each ends after it starts and is at one of the practitioner's clinics (else 422).
    Admins, or the practitioner themself."""
    return schedule.replace_working_hours(db, practitioner, body)


@router.post(
    "/{practitioner_id}/time-off",
    status_code=status.HTTP_201_CREATED,
    summary="Record time off",
)
def add_time_off(db: DbSession, practitioner: ScheduleOwner, body: TimeOffCreate) -> TimeOffRead:
    """Admins, or the practitioner themself. No slot is offered or bookable inside it."""
    return TimeOffRead.model_validate(schedule.add_time_off(db, practitioner, body))


@router.get("/{practitioner_id}/time-off", summary="List time off (staff of their clinics)")
def list_time_off(db: DbSession, practitioner: ScheduleReader, page: PageDep) -> Page[TimeOffRead]:
    """By start. Admins, the practitioner themself, and staff of one of their clinics."""
    items, cursor = schedule.list_time_off(db, practitioner, page)
    return Page(items=[TimeOffRead.model_validate(t) for t in items], next_cursor=cursor)


@router.delete(
    "/{practitioner_id}/time-off/{time_off_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove time off",
)
def delete_time_off(db: DbSession, practitioner: ScheduleOwner, time_off_id: uuid.UUID) -> None:
    schedule.delete_time_off(db, practitioner, time_off_id)
