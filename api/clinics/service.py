"""Clinics: creation, change, removal, the clinic finder (by distance) and price lists."""

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.catalogue.models import TreatmentArea
from api.clinics.models import Clinic, ClinicPrice
from api.clinics.schemas import ClinicCreate, ClinicUpdate, PriceIn
from api.common import clock
from api.common.money import fits_currency, minor_units
from api.common.pagination import (
    CursorField,
    PageParams,
    SortKey,
    decode_cursor,
    encode_cursor,
    paginate,
)
from api.db import delete_or_in_use
from api.errors import InvalidInput, NotFound, RuleConflict
from api.patients.models import Patient
from api.practitioners.models import practitioner_clinics
from api.users.models import user_clinics
from api.vocabulary import ConflictCode

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180


def get_clinic(db: Session, clinic_id: uuid.UUID) -> Clinic:
    clinic = db.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound("Clinic")
    return clinic


def create_clinic(db: Session, data: ClinicCreate) -> Clinic:
    """Create a clinic; its zone, country and currency were validated by the schema."""
    clinic = Clinic(**data.model_dump())
    db.add(clinic)
    db.flush()
    return clinic


def _has_prices(db: Session, clinic_id: uuid.UUID) -> bool:
    stmt = select(func.count()).select_from(ClinicPrice).where(ClinicPrice.clinic_id == clinic_id)
    return bool(db.scalar(stmt))


def update_clinic(db: Session, clinic: Clinic, data: ClinicUpdate) -> Clinic:
    """Change a clinic. Its currency may change only while it has no prices: a stored price is
    an amount of the old currency and would silently mean something else."""
    changes = data.model_dump(exclude_unset=True)
    new_currency = changes.get("currency")
    if new_currency is not None and new_currency != clinic.currency and _has_prices(db, clinic.id):
        raise RuleConflict.one(
            ConflictCode.PRICES_IN_CURRENCY,
            f"The clinic has prices in {clinic.currency}; replace them with an empty list first.",
        )
    for field, value in changes.items():
        setattr(clinic, field, value)
    clinic.updated_at = clock.now()
    db.flush()
    return clinic


def delete_clinic(db: Session, clinic: Clinic) -> None:
    """Remove a clinic and its prices. A clinic that patients, practitioners, staff accounts,
    plans or sessions refer to stays (409): deactivate or move those first."""
    referrers = {
        "patients": select(func.count())
        .select_from(Patient)
        .where(Patient.home_clinic_id == clinic.id),
        "practitioners": select(func.count())
        .select_from(practitioner_clinics)
        .where(practitioner_clinics.c.clinic_id == clinic.id),
        "staff accounts": select(func.count())
        .select_from(user_clinics)
        .where(user_clinics.c.clinic_id == clinic.id),
    }
    used_by = [name for name, stmt in referrers.items() if db.scalar(stmt)]
    if used_by:
        raise RuleConflict.one(
            ConflictCode.IN_USE, f"The clinic is referred to by {', '.join(used_by)}."
        )
    delete_or_in_use(db, clinic, "The clinic is referred to by treatment plans or sessions.")


# --- the clinic finder -------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points on a spherical Earth, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_km: float | None


def list_clinics(db: Session, params: PageParams) -> tuple[list[Clinic], str | None]:
    return paginate(db, select(Clinic), [SortKey(Clinic.name), SortKey(Clinic.id)], params)


def list_clinics_near(
    db: Session, near: Near, params: PageParams
) -> tuple[list[tuple[Clinic, float]], str | None]:
    """Clinics by great-circle distance from a point (ties by id), within `radius_km` if given.

    The distance is computed in Python: SQLite has no trigonometry by default, and a clinic
    network is small. A latitude band (exact for a sphere) keeps far clinics out of the query
    when a radius is given. The cursor carries (distance, id) of the last item.
    """
    stmt = select(Clinic)
    if near.radius_km is not None:
        band = near.radius_km / KM_PER_DEGREE_LATITUDE
        stmt = stmt.where(Clinic.latitude.between(near.latitude - band, near.latitude + band))
    ranked = sorted(
        (
            (haversine_km(near.latitude, near.longitude, c.latitude, c.longitude), str(c.id), c)
            for c in db.scalars(stmt)
        ),
        key=lambda row: (row[0], row[1]),
    )
    if near.radius_km is not None:
        ranked = [row for row in ranked if row[0] <= near.radius_km]
    fields = _near_fields(near)
    if params.cursor is not None:
        distance, clinic_id = decode_cursor(params, fields)
        after = (distance, str(clinic_id))
        ranked = [row for row in ranked if (row[0], row[1]) > after]
    page = ranked[: params.limit]
    cursor = None
    if len(ranked) > params.limit:
        last = page[-1]
        cursor = encode_cursor(params, fields, [last[0], last[1]])
    return [(clinic, distance) for distance, _, clinic in page], cursor


def _near_fields(near: Near) -> tuple[CursorField, CursorField]:
    # (distance, id) of the last clinic; the point is part of the order, so a cursor of the
    # list by name, or from another point, is not one of this list.
    return (
        CursorField(f"distance_km from {near.latitude!r},{near.longitude!r}", float),
        CursorField("clinics.id", uuid.UUID),
    )


# --- prices ------------------------------------------------------------------------------------


def list_prices(db: Session, clinic: Clinic) -> list[ClinicPrice]:
    stmt = (
        select(ClinicPrice)
        .where(ClinicPrice.clinic_id == clinic.id)
        .order_by(ClinicPrice.area_code)
    )
    return list(db.scalars(stmt))


def replace_prices(db: Session, clinic: Clinic, items: Sequence[PriceIn]) -> list[ClinicPrice]:
    """Replace the clinic's price list: one positive price per known treatment area, written
    with no more digits than the clinic's currency has (JPY none, EUR two)."""
    wanted = {item.area_code for item in items}
    known = (
        set(db.scalars(select(TreatmentArea.code).where(TreatmentArea.code.in_(wanted))))
        if wanted
        else set()
    )
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.area_code not in known:
            raise InvalidInput(["body", "items", i, "area_code"], "Unknown treatment area.")
        if item.area_code in seen:
            raise InvalidInput(
                ["body", "items", i, "area_code"], "An area appears twice in the price list."
            )
        seen.add(item.area_code)
        if not fits_currency(item.price, clinic.currency):
            digits = minor_units(clinic.currency)
            raise InvalidInput(
                ["body", "items", i, "price"],
                f"{clinic.currency} prices have {digits} digits after the decimal point.",
            )
    db.execute(delete(ClinicPrice).where(ClinicPrice.clinic_id == clinic.id))
    db.add_all(
        ClinicPrice(clinic_id=clinic.id, area_code=item.area_code, price=item.price)
        for item in items
    )
    db.flush()
    return list_prices(db, clinic)
