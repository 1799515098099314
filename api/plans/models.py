"""Treatment plans: a course of sessions on some areas with one formulation, and its quote."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, IdMixin, TimestampMixin, in_values
from api.vocabulary import Cadence, Indication, PlanStatus

CADENCE_DAYS: dict[str, int] = {Cadence.WEEKLY: 7, Cadence.TWICE_MONTHLY: 14}
MAX_SESSIONS = 25


class TreatmentPlan(IdMixin, TimestampMixin, Base):
    __tablename__ = "treatment_plans"
    __table_args__ = (
        CheckConstraint(in_values("indication", Indication), name="indication"),
        CheckConstraint(in_values("cadence", Cadence), name="cadence"),
        CheckConstraint(in_values("status", PlanStatus), name="status"),
        CheckConstraint(f"sessions_planned BETWEEN 1 AND {MAX_SESSIONS}", name="sessions_planned"),
        CheckConstraint("session_price > 0 AND total > 0", name="quote_positive"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioners.id"), index=True)
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), index=True)
    indication: Mapped[str] = mapped_column(String(30))
    formulation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("formulations.id"))
    cadence: Mapped[str] = mapped_column(String(20))
    sessions_planned: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.PROPOSED)
    override_reason: Mapped[str | None] = mapped_column(Text)
    # The relative contraindications the override accepted: those of the latest intake when it
    # was given. A relative contraindication recorded later is not covered (DESIGN section 5).
    override_codes: Mapped[list[str]] = mapped_column(default=list)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    consented_at: Mapped[datetime | None]
    consented_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The quote is fixed when the plan is made: a later price change does not alter it.
    currency: Mapped[str] = mapped_column(String(3))
    session_price: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    total: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    areas: Mapped[list["PlanArea"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PlanArea.position"
    )


class PlanArea(Base):
    """One quoted line: an area of the plan, its price and the rate it is charged at."""

    __tablename__ = "plan_areas"
    __table_args__ = (CheckConstraint("rate >= 0 AND rate <= 1", name="rate"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("treatment_plans.id", ondelete="CASCADE"), primary_key=True
    )
    area_code: Mapped[str] = mapped_column(ForeignKey("treatment_areas.code"), primary_key=True)
    position: Mapped[int]
    price: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    rate: Mapped[Decimal] = mapped_column(Numeric(4, 2))
