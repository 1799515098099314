"""User accounts: who may log in, with which role, tied to which clinics or records."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.clinics.models import Clinic
from api.common import clock
from api.db import Base, IdMixin, TimestampMixin, in_values
from api.vocabulary import Role

STAFF_ROLES = (Role.RECEPTIONIST, Role.PRACTITIONER)
EMAIL_LENGTH = 254
ADDRESS_LENGTH = 64

user_clinics = Table(
    "user_clinics",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("clinic_id", ForeignKey("clinics.id", ondelete="CASCADE"), primary_key=True),
)


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(in_values("role", Role), name="role"),
        CheckConstraint(
            "practitioner_id IS NULL OR role = 'practitioner'", name="practitioner_link"
        ),
        CheckConstraint("patient_id IS NULL OR role = 'patient'", name="patient_link"),
    )

    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("practitioners.id"), unique=True
    )
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patients.id"), unique=True)
    clinics: Mapped[list[Clinic]] = relationship(secondary=user_clinics, lazy="selectin")

    @property
    def clinic_ids(self) -> list[uuid.UUID]:
        return sorted((c.id for c in self.clinics), key=str)


class LoginFailure(IdMixin, Base):
    """A failed login, kept in the database so every server process sees the same count."""

    __tablename__ = "login_failures"

    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), index=True)
    client_address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
