"""Clinics and their price lists."""

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Float, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, IdMixin, TimestampMixin


class Clinic(IdMixin, TimestampMixin, Base):
    __tablename__ = "clinics"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude"),
        CheckConstraint(
            "additional_area_rate >= 0 AND additional_area_rate <= 1", name="additional_area_rate"
        ),
        CheckConstraint("buffer_minutes BETWEEN 0 AND 240", name="buffer_minutes"),
    )

    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    additional_area_rate: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("0.50"))
    buffer_minutes: Mapped[int] = mapped_column(default=0)


class ClinicPrice(Base):
    __tablename__ = "clinic_prices"
    __table_args__ = (CheckConstraint("price > 0", name="price_positive"),)

    clinic_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), primary_key=True
    )
    area_code: Mapped[str] = mapped_column(ForeignKey("treatment_areas.code"), primary_key=True)
    price: Mapped[Decimal] = mapped_column(Numeric(12, 3))
