"""Clinics and their prices."""

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy.orm import Session

from api.clinics.models import Clinic, ClinicPrice
from tests.factories.sequence import sequence

# The centre of Paris, where a clinic stands unless told otherwise.
PARIS_LATITUDE = 48.8566
PARIS_LONGITUDE = 2.3522


def make_clinic(
    db: Session,
    *,
    name: str | None = None,
    country: str = "FR",
    city: str = "Paris",
    address: str | None = None,
    timezone: str = "Europe/Paris",
    currency: str = "EUR",
    latitude: float = PARIS_LATITUDE,
    longitude: float = PARIS_LONGITUDE,
    additional_area_rate: str = "0.50",
    buffer_minutes: int = 0,
    prices: Mapping[str, str] | None = None,
) -> Clinic:
    """A clinic in Paris with no prices unless `prices` ({area code: price}) are given."""
    n = sequence()
    clinic = Clinic(
        name=f"Clinic {n}" if name is None else name,
        country=country,
        city=city,
        address=f"{n} rue de Rivoli" if address is None else address,
        timezone=timezone,
        currency=currency,
        latitude=latitude,
        longitude=longitude,
        additional_area_rate=Decimal(additional_area_rate),
        buffer_minutes=buffer_minutes,
    )
    db.add(clinic)
    db.flush()
    for area_code, price in (prices or {}).items():
        make_price(db, clinic, area_code=area_code, price=price)
    return clinic


def make_price(
    db: Session, clinic: Clinic, *, area_code: str = "thighs", price: str = "300.00"
) -> ClinicPrice:
    row = ClinicPrice(clinic_id=clinic.id, area_code=area_code, price=Decimal(price))
    db.add(row)
    db.flush()
    return row
