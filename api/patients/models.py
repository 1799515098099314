"""Patients and their clinical intake: allergies and append-only intakes."""

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.clinics.models import Clinic
from api.db import Base, IdMixin, TimestampMixin, in_values
from api.vocabulary import AllergyStatus, Severity, Sex


class Patient(IdMixin, TimestampMixin, Base):
    __tablename__ = "patients"
    __table_args__ = (CheckConstraint(in_values("sex", Sex), name="sex"),)

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    sex: Mapped[str] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    home_clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    home_clinic: Mapped[Clinic] = relationship(lazy="raise")


class Allergy(IdMixin, TimestampMixin, Base):
    __tablename__ = "allergies"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN substance_code IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN allergen_class IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN substance_text IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_allergen",
        ),
        CheckConstraint(in_values("severity", Severity), name="severity"),
        CheckConstraint(in_values("status", AllergyStatus), name="status"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    substance_code: Mapped[str | None] = mapped_column(ForeignKey("substances.code"))
    allergen_class: Mapped[str | None] = mapped_column(ForeignKey("allergen_classes.code"))
    substance_text: Mapped[str | None] = mapped_column(String(300))
    reaction: Mapped[str | None] = mapped_column(String(300))
    severity: Mapped[str] = mapped_column(String(10), default="moderate")
    status: Mapped[str] = mapped_column(String(10), default=AllergyStatus.ACTIVE)
    noted_on: Mapped[date | None]


class Intake(IdMixin, TimestampMixin, Base):
    """Append-only: a correction is a new intake, never an update."""

    __tablename__ = "intakes"
    __table_args__ = (
        CheckConstraint("weight_kg BETWEEN 30 AND 300", name="weight_kg"),
        CheckConstraint("height_cm BETWEEN 100 AND 250", name="height_cm"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    measured_on: Mapped[date]
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    height_cm: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    goals: Mapped[list[str]] = mapped_column(default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    cellulite: Mapped[list["IntakeCellulite"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="IntakeCellulite.area_code"
    )
    contraindications: Mapped[list["IntakeContraindication"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="IntakeContraindication.code"
    )

    @property
    def bmi(self) -> Decimal:
        metres = Decimal(self.height_cm) / 100
        return (Decimal(self.weight_kg) / (metres * metres)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


class IntakeCellulite(Base):
    """Cellulite grade (Nürnberger–Müller, 0–3) of one area at one intake."""

    __tablename__ = "intake_cellulite"
    __table_args__ = (CheckConstraint("grade BETWEEN 0 AND 3", name="grade"),)

    intake_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True
    )
    area_code: Mapped[str] = mapped_column(ForeignKey("treatment_areas.code"), primary_key=True)
    grade: Mapped[int]


class IntakeContraindication(Base):
    __tablename__ = "intake_contraindications"

    intake_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(ForeignKey("contraindications.code"), primary_key=True)
