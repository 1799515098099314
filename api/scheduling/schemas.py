"""Schemas of availability and sessions. Times go out in the clinic's offset of that day."""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, StrictBool

from api.common.etag import etag_for
from api.common.schemas import Schema
from api.common.types import Code, Instant, Text
from api.scheduling.slots import SLOT_US, from_us
from api.sessions.models import TreatmentSession
from api.sessions.schemas import SessionRead


class SlotRead(BaseModel):
    practitioner_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime


class AvailabilityRead(BaseModel):
    timezone: str
    slots: list[SlotRead]


STARTS_AT = (
    "In the future, on the clinic-local 15-minute grid (:00, :15, :30, :45, zero seconds); "
    "the session lasts 45 minutes."
)


class SessionBook(Schema):
    treatment_plan_id: uuid.UUID
    practitioner_id: uuid.UUID | None = Field(
        default=None,
        description="Any qualified practitioner of the plan's clinic; default the plan's.",
    )
    starts_at: Instant = Field(description=STARTS_AT)


class SessionReschedule(Schema):
    starts_at: Instant = Field(description=STARTS_AT)


class SessionCancel(Schema):
    reason: Annotated[str, Text(1000)]


class SessionComplete(Schema):
    areas_treated: list[Code] = Field(
        min_length=1, max_length=20, description="Areas of the session's plan."
    )
    notes: Annotated[str, Text(10_000, required=False)] = ""


def rfc3339(instant: datetime) -> str:
    """The form pydantic gives aware datetimes: ISO 8601 with the offset, `Z` for +00:00."""
    text = instant.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@lru_cache(maxsize=1 << 16)
def local_rfc3339(us: int, zone: ZoneInfo) -> str:
    """`rfc3339` of an instant (µs since the epoch) in a clinic's zone. A search formats a
    thousand-odd grid instants, and the same quarter hours come back in every search of the
    same days: each is converted once."""
    return rfc3339(from_us(us).astimezone(zone))


def availability_json(timezone: str, found: Sequence[tuple[int, uuid.UUID]]) -> str:
    """The `AvailabilityRead` of a clinic's free slots, (start in µs since the epoch,
    practitioner id) each, as JSON text: the same as `model_dump_json()` gives, built directly
    because a search returns thousands of slots."""
    zone = ZoneInfo(timezone)
    slot_us = SLOT_US
    # The same instants recur across practitioners (and a start is another's end): each is
    # formatted once.
    instants = {start for start, _ in found}
    instants |= {start + slot_us for start in instants}
    texts = {us: local_rfc3339(us, zone) for us in instants}
    heads = {pid: f'{{"practitioner_id":"{pid}","starts_at":"' for pid in {p for _, p in found}}
    # Ids and RFC 3339 texts need no JSON escaping; the zone name goes through json.dumps.
    items = ",".join(
        f'{heads[pid]}{texts[start]}","ends_at":"{texts[start + slot_us]}"}}'
        for start, pid in found
    )
    return f'{{"timezone":{json.dumps(timezone)},"slots":[{items}]}}'


def session_state(session: TreatmentSession) -> tuple[uuid.UUID, datetime, str, datetime]:
    """What makes a session's ETag (`api.common.etag`): id, last change, status and start."""
    return (session.id, session.updated_at, session.status, session.starts_at)


def etag(session: TreatmentSession) -> str:
    return etag_for(*session_state(session))


# --- course scheduling ------------------------------------------------------------------------


class CourseSchedule(Schema):
    first_starts_at: Instant = Field(
        description="Start of the first new session; every later one keeps its local wall time."
    )
    practitioner_id: uuid.UUID | None = Field(
        default=None,
        description="Any qualified practitioner of the plan's clinic; default the plan's.",
    )
    dry_run: StrictBool = Field(default=False, description="Place the sessions, book nothing.")


class CourseRead(BaseModel):
    sessions: list[SessionRead]
