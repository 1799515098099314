"""Read shapes of sessions and follow-ups, shared by plans (a plan lists its sessions) and
scheduling (the session endpoints).

Times are sent in the clinic's own offset of the day: build a `SessionRead` with
`SessionRead.of(session, timezone)`.
"""

import uuid
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from api.common.schemas import ReadSchema
from api.sessions.models import TreatmentSession

SessionStatus = Literal["booked", "checked_in", "completed", "cancelled", "no_show"]
Bruising = Literal["none", "mild", "moderate", "severe"]


class FollowUpRead(ReadSchema):
    id: uuid.UUID
    session_id: uuid.UUID
    reported_on: date
    bruising: Bruising
    soreness: int
    days_lasted: int
    adverse_event: bool
    notes: str
    reported_by: uuid.UUID | None
    created_at: datetime


class SessionRead(ReadSchema):
    id: uuid.UUID
    treatment_plan_id: uuid.UUID
    patient_id: uuid.UUID
    practitioner_id: uuid.UUID
    clinic_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    timezone: str
    status: SessionStatus
    late: bool
    areas_treated: list[str]
    notes: str | None
    follow_ups: list[FollowUpRead]

    @classmethod
    def of(cls, session: TreatmentSession, timezone: str) -> "SessionRead":
        """`session` (with `follow_ups` loaded) in the clinic's time zone `timezone`."""
        zone = ZoneInfo(timezone)
        return cls(
            id=session.id,
            treatment_plan_id=session.plan_id,
            patient_id=session.patient_id,
            practitioner_id=session.practitioner_id,
            clinic_id=session.clinic_id,
            starts_at=session.starts_at.astimezone(zone),
            ends_at=session.ends_at.astimezone(zone),
            timezone=timezone,
            status=session.status,
            late=session.late_cancellation,
            areas_treated=list(session.areas_treated),
            notes=session.notes,
            follow_ups=[FollowUpRead.model_validate(f) for f in session.follow_ups],
        )
