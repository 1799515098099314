"""Treatment plan shapes: creation, changes while proposed, consent, cancel, and reading."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field, field_validator

from api.common.money import format_money
from api.common.schemas import ReadSchema, Schema
from api.common.types import Code, Instant, Integer, Text, UniqueItems
from api.plans.models import MAX_SESSIONS, TreatmentPlan
from api.sessions.models import TreatmentSession
from api.sessions.schemas import SessionWithFollowUps
from api.users.models import User
from api.vocabulary import Cadence, Indication, PlanStatus, SessionStatus

SessionsPlanned = Annotated[int, Integer(1, MAX_SESSIONS)]
Reason = Annotated[str, Text(1000)]
AreaCodes = Annotated[list[Code], Field(min_length=1, max_length=10), UniqueItems()]


class PlanCreate(Schema):
    patient_id: uuid.UUID
    practitioner_id: uuid.UUID
    clinic_id: uuid.UUID
    indication: Indication
    area_codes: AreaCodes
    formulation_id: uuid.UUID
    cadence: Cadence
    sessions_planned: SessionsPlanned | None = Field(
        default=None,
        description="1–25; when omitted, recommended from the latest intake.",
    )
    override_reason: Reason | None = Field(
        default=None,
        description="Accepts relative contraindications; only from a practitioner's account.",
    )


class PlanUpdate(Schema):
    """Changes while the plan is `proposed`; every gate and the quote are run again.

    `sessions_planned: null` asks for the recommendation again.
    """

    practitioner_id: uuid.UUID | None = None
    indication: Indication | None = None
    area_codes: AreaCodes | None = None
    formulation_id: uuid.UUID | None = None
    cadence: Cadence | None = None
    sessions_planned: SessionsPlanned | None = None
    override_reason: Reason | None = None


class ConsentBody(Schema):
    signed_at: Instant | None = Field(default=None, description="Defaults to now.")

    @field_validator("signed_at")
    @classmethod
    def _representable_in_utc(cls, value: datetime | None) -> datetime | None:
        # 0001-01-01T00:00+01:00 is valid RFC 3339 but has no UTC equivalent to store.
        try:
            return value.astimezone(UTC) if value is not None else None
        except OverflowError as exc:
            raise ValueError("signed_at is out of range") from exc


class CancelBody(Schema):
    reason: Reason


class QuoteLineRead(ReadSchema):
    area_code: str
    price: str
    rate: str


class QuoteRead(ReadSchema):
    currency: str
    session_price: str
    sessions: int
    total: str
    lines: list[QuoteLineRead]


class PlanRead(ReadSchema):
    id: uuid.UUID
    patient_id: uuid.UUID
    practitioner_id: uuid.UUID
    clinic_id: uuid.UUID
    indication: Indication
    area_codes: list[str]
    formulation_id: uuid.UUID
    cadence: Cadence
    status: PlanStatus
    sessions_planned: int
    sessions_booked: int = Field(
        description="Sessions not cancelled (booked, checked in, "
        "completed or no-show): what counts against sessions_planned."
    )
    sessions_completed: int
    override_reason: str | None
    consented_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    quote: QuoteRead
    created_at: datetime
    updated_at: datetime


class PlanDetail(PlanRead):
    sessions: list[SessionWithFollowUps]


def _quote_read(plan: TreatmentPlan) -> QuoteRead:
    currency = plan.currency
    return QuoteRead(
        currency=currency,
        session_price=format_money(plan.session_price, currency),
        sessions=plan.sessions_planned,
        total=format_money(plan.total, currency),
        lines=[
            QuoteLineRead(
                area_code=a.area_code,
                price=format_money(a.price, currency),
                rate=f"{a.rate:.2f}",
            )
            for a in plan.areas
        ],
    )


def plan_read(plan: TreatmentPlan, booked: int, completed: int) -> PlanRead:
    """`plan` (with `areas` loaded) and its session counts as sent to clients."""
    return PlanRead(
        id=plan.id,
        patient_id=plan.patient_id,
        practitioner_id=plan.practitioner_id,
        clinic_id=plan.clinic_id,
        indication=plan.indication,
        area_codes=[a.area_code for a in plan.areas],
        formulation_id=plan.formulation_id,
        cadence=plan.cadence,
        status=plan.status,
        sessions_planned=plan.sessions_planned,
        sessions_booked=booked,
        sessions_completed=completed,
        override_reason=plan.override_reason,
        consented_at=plan.consented_at,
        cancelled_at=plan.cancelled_at,
        cancel_reason=plan.cancel_reason,
        quote=_quote_read(plan),
        created_at=plan.created_at,
        updated_at=plan.updated_at,
    )


def plan_detail(
    plan: TreatmentPlan, sessions: Sequence[TreatmentSession], timezone: str, viewer: User
) -> PlanDetail:
    """`plan` with all its sessions (follow-ups loaded, as `viewer` may see them), counted
    from those sessions."""
    booked = sum(1 for s in sessions if s.status != SessionStatus.CANCELLED)
    completed = sum(1 for s in sessions if s.status == SessionStatus.COMPLETED)
    base = plan_read(plan, booked, completed)
    return PlanDetail(
        **base.model_dump(),
        sessions=[SessionWithFollowUps.seen_by(s, timezone, viewer) for s in sessions],
    )
