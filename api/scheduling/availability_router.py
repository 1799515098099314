"""/api/v1/availability: HTTP only, the search lives in `availability.py`."""

import json
import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Query, Response

from api.auth.deps import CurrentUser
from api.common.routing import ApiRouter
from api.db import DbSession
from api.errors import COMMON_RESPONSES
from api.scheduling import availability
from api.scheduling.schemas import AvailabilityRead, CalendarDate, local_rfc3339
from api.scheduling.slots import SLOT_US

router = ApiRouter(prefix="/availability", tags=["sessions"], responses=COMMON_RESPONSES)


@router.get("", response_model=AvailabilityRead, summary="Free 45-minute slots of a clinic")
def get_availability(
    db: DbSession,
    user: CurrentUser,
    clinic_id: uuid.UUID,
    from_: Annotated[CalendarDate, Query(alias="from", description="First clinic-local date.")],
    to: Annotated[
        CalendarDate, Query(description="Last clinic-local date (inclusive, ≤ 62 days).")
    ],
    practitioner_id: uuid.UUID | None = None,
    reschedule_session_id: Annotated[
        uuid.UUID | None, Query(description="This session's own time counts as free.")
    ] = None,
) -> Response:
    clinic, found = availability.find_slot_starts(
        db, user, clinic_id, from_, to, practitioner_id, reschedule_session_id
    )
    # Thousands of slots: serialized directly, in the same RFC 3339 form as the schemas use.
    # The same instants recur across practitioners (and a start is another's end): each is
    # formatted once.
    zone = ZoneInfo(clinic.timezone)
    slot_us = SLOT_US
    instants = {start for start, _ in found}
    instants |= {start + slot_us for start in instants}
    texts = {us: local_rfc3339(us, zone) for us in instants}
    heads = {pid: f'{{"practitioner_id":"{pid}","starts_at":"' for pid in {p for _, p in found}}
    # Ids and RFC 3339 texts need no JSON escaping; the zone name goes through json.dumps.
    items = ",".join(
        f'{heads[pid]}{texts[start]}","ends_at":"{texts[start + slot_us]}"}}'
        for start, pid in found
    )
    body = f'{{"timezone":{json.dumps(clinic.timezone)},"slots":[{items}]}}'
    return Response(body, media_type="application/json")
