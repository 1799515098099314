"""Booked 45-minute sessions and the follow-ups reported after them.

No double booking is enforced by the database itself: on PostgreSQL two exclusion constraints
(created in migration 0005, not expressible here) forbid overlapping non-cancelled sessions of
one practitioner over [starts_at, buffer_ends_at) — so the clinic's buffer is kept too — and of
one patient over [starts_at, ends_at). On SQLite every write transaction is BEGIN IMMEDIATE, so
the check and the insert of a booking are serialized.
"""

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, IdMixin, TimestampMixin, in_values
from api.vocabulary import Bruising, SessionStatus

if TYPE_CHECKING:
    from api.plans.models import TreatmentPlan

SESSION_LENGTH = timedelta(minutes=45)

# Constraint names of the sessions table. The checks are named through the naming convention
# (`ck_sessions_<name>`). The exclusion constraints, PostgreSQL only, are created by migration
# 0005 (a migration keeps its literal names), and booking tells them apart by name.
STATUS_CHECK = "status"
ENDS_AFTER_START = "ends_after_start"
BUFFER_AFTER_END = "buffer_after_end"
PRACTITIONER_OVERLAP = "ex_sessions_practitioner_overlap"
PATIENT_OVERLAP = "ex_sessions_patient_overlap"


class TreatmentSession(IdMixin, TimestampMixin, Base):
    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint(in_values("status", SessionStatus), name=STATUS_CHECK),
        CheckConstraint("ends_at > starts_at", name=ENDS_AFTER_START),
        CheckConstraint("buffer_ends_at >= ends_at", name=BUFFER_AFTER_END),
        Index(None, "practitioner_id", "starts_at"),
        Index(None, "patient_id", "starts_at"),
        Index(None, "clinic_id", "starts_at"),
    )

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("treatment_plans.id"), index=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioners.id"))
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # ends_at plus the clinic's buffer at booking time: the practitioner is busy until then.
    buffer_ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default=SessionStatus.BOOKED)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    late_cancellation: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    areas_treated: Mapped[list[str]] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        lazy="raise", order_by="FollowUp.reported_on"
    )

    @classmethod
    def for_plan(
        cls,
        plan: "TreatmentPlan",
        practitioner_id: uuid.UUID,
        starts_at: datetime,
        buffer_minutes: int,
        **fields: Any,
    ) -> "TreatmentSession":
        """A 45-minute session of `plan` at its clinic, keeping the clinic's buffer after it."""
        ends_at = starts_at + SESSION_LENGTH
        return cls(
            plan_id=plan.id,
            patient_id=plan.patient_id,
            practitioner_id=practitioner_id,
            clinic_id=plan.clinic_id,
            starts_at=starts_at,
            ends_at=ends_at,
            buffer_ends_at=ends_at + timedelta(minutes=buffer_minutes),
            **fields,
        )


class FollowUp(IdMixin, TimestampMixin, Base):
    __tablename__ = "follow_ups"
    __table_args__ = (
        CheckConstraint(in_values("bruising", Bruising), name="bruising"),
        CheckConstraint("soreness BETWEEN 0 AND 10", name="soreness"),
        CheckConstraint("days_lasted BETWEEN 0 AND 14", name="days_lasted"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id"), index=True)
    reported_on: Mapped[date]
    bruising: Mapped[str] = mapped_column(String(10))
    soreness: Mapped[int]
    days_lasted: Mapped[int]
    adverse_event: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
