"""/api/v1/availability: HTTP only, the search lives in `availability.py`."""

import uuid
from typing import Annotated

from fastapi import Query, Response

from api.auth.deps import CurrentUser
from api.common.routing import ApiRouter
from api.common.types import CalendarDate
from api.db import DbSession
from api.scheduling import availability
from api.scheduling.schemas import AvailabilityRead, availability_json

router = ApiRouter(prefix="/availability", tags=["availability"])


@router.get("", response_model=AvailabilityRead, summary="Free 45-minute slots of a clinic")
def get_availability(
    db: DbSession,
    user: CurrentUser,
    clinic_id: uuid.UUID,
    from_: Annotated[CalendarDate, Query(alias="from", description="First clinic-local date.")],
    to: Annotated[
        CalendarDate,
        Query(description="Last clinic-local date, inclusive: not before `from`, at most 62 days."),
    ],
    practitioner_id: uuid.UUID | None = None,
    reschedule_session_id: Annotated[
        uuid.UUID | None, Query(description="This session's own time counts as free.")
    ] = None,
) -> Response:
    clinic, found = availability.find_slot_starts(
        db, user, clinic_id, from_, to, practitioner_id, reschedule_session_id
    )
    body = availability_json(clinic.timezone, found)  # thousands of slots: built directly
    return Response(body, media_type="application/json")
