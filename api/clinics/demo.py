"""Demo clinics in three countries and time zones, each with a price for every area.

Prices are between 300 and 450 in the clinic's own currency, by the area's size class.
"""

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import TreatmentArea
from api.clinics.models import Clinic, ClinicPrice
from api.common.demo_ids import clinic_id
from api.users.models import User
from api.vocabulary import Role

if TYPE_CHECKING:
    from api.demo import DemoContext

# key: (name, country, city, address, timezone, currency, latitude, longitude, buffer minutes,
#       prices by size class)
CLINICS: dict[str, tuple[str, str, str, str, str, str, float, float, int, dict[str, str]]] = {
    "paris": (
        "Meso Clinic Paris Marais",
        "FR",
        "Paris",
        "24 rue des Francs-Bourgeois, 75003 Paris",
        "Europe/Paris",
        "EUR",
        48.8575,
        2.3590,
        15,
        {"large": "420.00", "medium": "360.00", "small": "300.00"},
    ),
    "lyon": (
        "Meso Clinic Lyon Bellecour",
        "FR",
        "Lyon",
        "8 place Bellecour, 69002 Lyon",
        "Europe/Paris",
        "EUR",
        45.7578,
        4.8320,
        10,
        {"large": "400.00", "medium": "350.00", "small": "300.00"},
    ),
    "new_york": (
        "Meso Clinic New York Midtown",
        "US",
        "New York",
        "120 West 44th Street, New York, NY 10036",
        "America/New_York",
        "USD",
        40.7566,
        -73.9845,
        10,
        {"large": "450.00", "medium": "395.00", "small": "325.00"},
    ),
    "singapore": (
        "Meso Clinic Singapore Orchard",
        "SG",
        "Singapore",
        "290 Orchard Road, Singapore 238859",
        "Asia/Singapore",
        "SGD",
        1.3036,
        103.8318,
        0,
        {"large": "440.00", "medium": "380.00", "small": "320.00"},
    ),
}

# Staff demo accounts and the clinics they work at (the practitioner's also follow their
# practitioner record, see api/practitioners/demo.py).
STAFF_CLINICS = {Role.RECEPTIONIST: ["paris"], Role.PRACTITIONER: ["paris"]}


def demo_account(db: Session, ctx: "DemoContext", role: Role) -> User | None:
    """The demo login of `role` that the users step made (found through `ctx.logins`)."""
    emails = [email for login_role, email, _ in ctx.logins if login_role == role.value]
    return db.scalar(select(User).where(User.email == emails[0])) if emails else None


def seed_clinics(db: Session, ctx: "DemoContext") -> None:
    """Clinics in Paris, Lyon, New York and Singapore with full price lists; staff demo
    accounts are tied to Paris. Puts `ctx.objects["clinics"]` = {key: Clinic}."""
    areas = list(db.scalars(select(TreatmentArea).order_by(TreatmentArea.code)))
    clinics: dict[str, Clinic] = {}
    for key, (
        name,
        country,
        city,
        address,
        tz,
        currency,
        lat,
        lon,
        buffer,
        prices,
    ) in CLINICS.items():
        clinic = Clinic(
            id=clinic_id(key),
            name=name,
            country=country,
            city=city,
            address=address,
            timezone=tz,
            currency=currency,
            latitude=lat,
            longitude=lon,
            additional_area_rate=Decimal("0.50"),
            buffer_minutes=buffer,
        )
        db.add(clinic)
        db.flush()
        db.add_all(
            ClinicPrice(
                clinic_id=clinic.id, area_code=area.code, price=Decimal(prices[area.size_class])
            )
            for area in areas
        )
        clinics[key] = clinic
    for role, keys in STAFF_CLINICS.items():
        user = demo_account(db, ctx, role)
        if user is not None:
            user.clinics = [clinics[k] for k in keys]
    db.flush()
    ctx.objects["clinics"] = clinics
