"""Practitioners, the clinics they work at, their weekly hours and their time off."""

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.clinics.models import Clinic
from api.db import Base, IdMixin, TimestampMixin

MESOTHERAPY = "mesotherapy"

practitioner_clinics = Table(
    "practitioner_clinics",
    Base.metadata,
    Column("practitioner_id", ForeignKey("practitioners.id", ondelete="CASCADE"), primary_key=True),
    Column("clinic_id", ForeignKey("clinics.id", ondelete="CASCADE"), primary_key=True),
)


class Practitioner(IdMixin, TimestampMixin, Base):
    __tablename__ = "practitioners"
    __table_args__ = (UniqueConstraint("license_authority", "license_number"),)

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    license_number: Mapped[str] = mapped_column(String(60))
    license_authority: Mapped[str] = mapped_column(String(120))
    license_expires_on: Mapped[date]
    qualifications: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    clinics: Mapped[list[Clinic]] = relationship(secondary=practitioner_clinics, lazy="raise")

    @property
    def clinic_ids(self) -> list[uuid.UUID]:
        return sorted((c.id for c in self.clinics), key=str)

    def is_licensed_on(self, day: date) -> bool:
        """A licence is valid through its expiry day."""
        return day <= self.license_expires_on

    @property
    def is_qualified(self) -> bool:
        return MESOTHERAPY in self.qualifications


class WorkingHours(IdMixin, Base):
    """One weekly interval, in the clinic's local wall-clock time, as minutes since midnight.

    `end_minute` may be 1440 (24:00) so that hours can end at midnight.
    """

    __tablename__ = "working_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("start_minute >= 0 AND start_minute < end_minute", name="start_before_end"),
        CheckConstraint("end_minute <= 1440", name="end_minute"),
    )

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE"), index=True
    )
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    start_minute: Mapped[int]
    end_minute: Mapped[int]


class TimeOff(IdMixin, TimestampMixin, Base):
    __tablename__ = "time_off"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(300), default="")
