"""Read shapes of sessions and follow-ups, shared by plans (a plan lists its sessions) and
scheduling (the session endpoints).

Times are sent in the clinic's own offset of the day: build a `SessionRead` with
`SessionRead.of(session, timezone)`.
"""

import uuid
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field, StrictBool

from api.common.schemas import ReadSchema, Schema
from api.common.types import Integer, IsoDate, Text
from api.sessions.models import FollowUp, TreatmentSession
from api.users.models import User
from api.vocabulary import Bruising, Role, SessionStatus


class FollowUpCreate(Schema):
    """A report after a completed session. Numbers and booleans are strict: `"5"` or `5.5` for
    `soreness`, or `"yes"` for `adverse_event`, is 422 rather than silently converted."""

    reported_on: IsoDate | None = Field(
        default=None,
        description="From the session's clinic-local date to the clinic-local today; "
        "defaults to today.",
    )
    bruising: Bruising
    soreness: Annotated[int, Integer(0, 10), Field(description="0 (none) to 10.")]
    days_lasted: Annotated[int, Integer(0, 14), Field(description="0 to 14 days.")]
    adverse_event: StrictBool = False
    notes: Annotated[str, Text(4000, required=False)] = ""


class FollowUpRead(ReadSchema):
    id: uuid.UUID
    session_id: uuid.UUID
    reported_on: date
    bruising: Bruising
    soreness: int
    days_lasted: int
    adverse_event: bool
    notes: str
    reported_by: uuid.UUID | None = Field(
        description="The user who reported it. A patient sees only their own id here: null "
        "when staff (or an account since removed) reported it."
    )
    created_at: datetime

    @classmethod
    def of(cls, follow_up: FollowUp, viewer: User) -> "FollowUpRead":
        """`follow_up` as `viewer` may see it: no staff user id for a patient."""
        read = cls.model_validate(follow_up)
        if viewer.role == Role.PATIENT and read.reported_by != viewer.id:
            read.reported_by = None
        return read


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
    created_at: datetime

    @staticmethod
    def fields_of(session: TreatmentSession, timezone: str) -> dict[str, Any]:
        zone = ZoneInfo(timezone)
        return {
            "id": session.id,
            "treatment_plan_id": session.plan_id,
            "patient_id": session.patient_id,
            "practitioner_id": session.practitioner_id,
            "clinic_id": session.clinic_id,
            "starts_at": session.starts_at.astimezone(zone),
            "ends_at": session.ends_at.astimezone(zone),
            "timezone": timezone,
            "status": session.status,
            "late": session.late_cancellation,
            "areas_treated": list(session.areas_treated),
            "notes": session.notes,
            "created_at": session.created_at.astimezone(zone),
        }

    @classmethod
    def of(cls, session: TreatmentSession, timezone: str) -> "SessionRead":
        """`session` in the clinic's time zone `timezone`."""
        return cls(**cls.fields_of(session, timezone))


class SessionWithFollowUps(SessionRead):
    """A session as a plan lists it, with the follow-ups reported after it."""

    follow_ups: list[FollowUpRead]

    @classmethod
    def seen_by(
        cls, session: TreatmentSession, timezone: str, viewer: User
    ) -> "SessionWithFollowUps":
        """`session` (with `follow_ups` loaded) in the clinic's time zone `timezone`, its
        follow-ups as `viewer` may see them."""
        return cls(
            **cls.fields_of(session, timezone),
            follow_ups=[FollowUpRead.of(f, viewer) for f in session.follow_ups],
        )
